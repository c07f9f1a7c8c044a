// Row ↔ record conversions shared by the SQL stores.
export function parseJson<T extends object>(text: unknown, fallback: T): T {
  if (typeof text !== 'string' || text === '') return fallback;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as T) : fallback;
  } catch {
    return fallback;
  }
}

export const bool = (v: unknown): boolean => v === true || v === 1 || v === '1';

export function limitOffset(page: { page: number; perPage: number }): [number, number] {
  return [page.perPage, page.page * page.perPage];
}

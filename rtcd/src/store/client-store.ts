// The registered clients (clientID → bcrypt hash of its auth key), kept in one JSON file inside the
// `store.data_source` directory. Every change is written to a temporary file, fsynced and renamed over the
// old one, so a crash leaves either the old or the new registry, never a torn one.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { Counter, type Registry } from 'prom-client';

export const MAX_CLIENTS = 10_000;
const FILE = 'clients.json';

const fileSchema = z.object({
  version: z.literal(1),
  clients: z.record(z.string(), z.string()),
});

export class StoreError extends Error {
  override readonly name = 'StoreError';
}

export class ClientStore {
  private readonly clients = new Map<string, string>();
  private readonly path: string;
  private readonly ops: Counter<'type'>;

  constructor(dataSource: string, registry: Registry) {
    this.ops = new Counter({
      name: 'rtcd_store_ops_total',
      help: 'Operations on the registered-client store.',
      labelNames: ['type'],
      registers: [registry],
    });
    try {
      mkdirSync(dataSource, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new StoreError(`cannot create store directory ${dataSource}: ${(err as Error).message}`);
    }
    this.path = join(dataSource, FILE);
    let text: string | undefined;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new StoreError(`cannot read ${this.path}: ${(err as Error).message}`);
    }
    if (text !== undefined) {
      let parsed;
      try {
        parsed = fileSchema.parse(JSON.parse(text));
      } catch (err) {
        throw new StoreError(`${this.path} is not a valid client store: ${(err as Error).message.split('\n')[0]}`);
      }
      for (const [id, hash] of Object.entries(parsed.clients)) this.clients.set(id, hash);
    }
    this.persist(); // fail at startup, not at the first registration, if the directory is not writable
  }

  get size(): number {
    return this.clients.size;
  }

  /** Membership check for bookkeeping (not counted as a store operation). */
  has(clientID: string): boolean {
    return this.clients.has(clientID);
  }

  get(clientID: string): string | undefined {
    this.ops.inc({ type: 'Get' });
    return this.clients.get(clientID);
  }

  set(clientID: string, hash: string): void {
    this.ops.inc({ type: 'Set' });
    if (!this.clients.has(clientID) && this.clients.size >= MAX_CLIENTS) throw new StoreError('too many registered clients');
    const previous = this.clients.get(clientID);
    this.clients.set(clientID, hash);
    try {
      this.persist();
    } catch (err) {
      if (previous === undefined) this.clients.delete(clientID);
      else this.clients.set(clientID, previous);
      throw err;
    }
  }

  delete(clientID: string): boolean {
    this.ops.inc({ type: 'Delete' });
    const previous = this.clients.get(clientID);
    if (previous === undefined) return false;
    this.clients.delete(clientID);
    try {
      this.persist();
    } catch (err) {
      this.clients.set(clientID, previous);
      throw err;
    }
    return true;
  }

  private persist(): void {
    const tmp = `${this.path}.${process.pid}.tmp`;
    const body = JSON.stringify({ version: 1, clients: Object.fromEntries(this.clients) });
    try {
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeSync(fd, body);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.path);
      const dir = openSync(join(this.path, '..'), 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    } catch (err) {
      throw new StoreError(`cannot write ${this.path}: ${(err as Error).message}`);
    }
  }
}

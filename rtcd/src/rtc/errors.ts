// Typed errors of the SFU library. The daemon and the plugin log them and count them by `code`; they also
// cross the worker-thread boundary as plain `{code, message}` objects (see `toRtcError`).

export type RtcErrorCode =
  | 'invalid_config'
  | 'invalid_session_config'
  | 'duplicate_session'
  | 'not_found'
  | 'not_running'
  | 'draining'
  | 'worker_unavailable'
  | 'invalid_message';

export class RtcError extends Error {
  override readonly name = 'RtcError';
  constructor(
    readonly code: RtcErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toJSON(): { code: RtcErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

export function isRtcError(err: unknown): err is RtcError {
  return err instanceof RtcError;
}

/** Rebuilds an RtcError from its structured-clone form (worker replies); anything else becomes a generic one. */
export function toRtcError(value: unknown): RtcError {
  if (value instanceof RtcError) return value;
  if (value && typeof value === 'object' && 'code' in value && 'message' in value) {
    const v = value as { code: RtcErrorCode; message: string };
    return new RtcError(v.code, String(v.message));
  }
  return new RtcError('worker_unavailable', value instanceof Error ? value.message : String(value));
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

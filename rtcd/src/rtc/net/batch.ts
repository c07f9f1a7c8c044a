// Datagrams for one worker, packed into one transferable ArrayBuffer per event-loop turn so the main thread
// pays one postMessage per batch instead of one structured clone per datagram.
//
// Record: u32 ownerId | u8 bindingIndex | u16 port | u8 hostLength | host (latin1) | u16 dataLength | data
// (big-endian, back to back; the buffer's used length travels with it).

const MIN_BATCH = 64 * 1024;
const FIXED = 4 + 1 + 2 + 1 + 2;

export class BatchWriter {
  private buf: Buffer;
  private off = 0;
  count = 0;

  constructor() {
    this.buf = Buffer.from(new ArrayBuffer(MIN_BATCH));
  }

  /** False when the record does not fit: take() the batch first, then push again. */
  push(ownerId: number, bindingIndex: number, host: string, port: number, data: Uint8Array): boolean {
    const need = FIXED + host.length + data.length;
    if (this.off + need > this.buf.length) {
      if (this.off > 0) return false;
      this.buf = Buffer.from(new ArrayBuffer(need)); // a single datagram larger than a batch (up to 64 KiB)
    }
    const b = this.buf;
    let o = this.off;
    b.writeUInt32BE(ownerId, o);
    b[o + 4] = bindingIndex;
    b.writeUInt16BE(port, o + 5);
    b[o + 7] = host.length;
    o += 8;
    o += b.write(host, o, 'latin1');
    b.writeUInt16BE(data.length, o);
    o += 2;
    b.set(data, o);
    this.off = o + data.length;
    this.count++;
    return true;
  }

  get empty(): boolean {
    return this.off === 0;
  }

  /** Hands out the filled ArrayBuffer (to be transferred) and starts a fresh one. */
  take(): { buffer: ArrayBuffer; length: number; count: number } {
    const out = { buffer: this.buf.buffer as ArrayBuffer, length: this.off, count: this.count };
    this.buf = Buffer.from(new ArrayBuffer(MIN_BATCH));
    this.off = 0;
    this.count = 0;
    return out;
  }
}

export type BatchVisitor = (ownerId: number, bindingIndex: number, host: string, port: number, data: Buffer) => void;

/** Walks a received batch; `data` views share the batch's memory (no copy). Returns the record count. */
export function readBatch(buffer: ArrayBuffer, length: number, visit: BatchVisitor): number {
  const b = Buffer.from(buffer, 0, length);
  let o = 0;
  let n = 0;
  while (o + FIXED <= length) {
    const ownerId = b.readUInt32BE(o);
    const bindingIndex = b[o + 4];
    const port = b.readUInt16BE(o + 5);
    const hostLen = b[o + 7];
    o += 8;
    const host = b.toString('latin1', o, o + hostLen);
    o += hostLen;
    const dataLen = b.readUInt16BE(o);
    o += 2;
    if (o + dataLen > length) break;
    visit(ownerId, bindingIndex, host, port, b.subarray(o, o + dataLen));
    o += dataLen;
    n++;
  }
  return n;
}

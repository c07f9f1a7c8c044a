// zlib (RFC 1950) in the browser with the platform's streams: `CompressionStream('deflate')` is exactly the
// zlib format the server's inflate expects, so no compression library ships in the bundle.

const MAX_INFLATED_BYTES = 1024 * 1024;

async function pump(input: Uint8Array, stream: TransformStream<Uint8Array, Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  // Writing and reading run concurrently: a large input would otherwise stall on back-pressure.
  const written = writer.write(input).then(() => writer.close());
  written.catch(() => undefined);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.readable.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new Error(`inflated data exceeds ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  await written;
  const out = new Uint8Array(size);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.byteLength;
  }
  return out;
}

export function deflate(data: Uint8Array): Promise<Uint8Array> {
  return pump(data, new CompressionStream('deflate') as unknown as TransformStream<Uint8Array, Uint8Array>, Number.MAX_SAFE_INTEGER);
}

export function inflate(data: Uint8Array, maxBytes = MAX_INFLATED_BYTES): Promise<Uint8Array> {
  return pump(data, new DecompressionStream('deflate') as unknown as TransformStream<Uint8Array, Uint8Array>, maxBytes);
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** An SDP as the wire carries it: zlib of the JSON `{type, sdp}`. */
export function packSdp(desc: { type: string; sdp: string }): Promise<Uint8Array> {
  return deflate(enc.encode(JSON.stringify({ type: desc.type, sdp: desc.sdp })));
}

export async function unpackSdp(data: Uint8Array): Promise<{ type: 'offer' | 'answer'; sdp: string }> {
  const value: unknown = JSON.parse(dec.decode(await inflate(data)));
  const v = value as { type?: unknown; sdp?: unknown };
  if ((v.type !== 'offer' && v.type !== 'answer') || typeof v.sdp !== 'string') throw new Error('sdp must be {type: "offer"|"answer", sdp: string}');
  return { type: v.type, sdp: v.sdp };
}

// Audio levels of a speech sample, one RFC 6464 byte (0 = 0 dBov ... 127 = silence, as -dBov) per 20 ms
// frame, from the raw 48 kHz mono s16le audio on stdin. lt sends them in the audio-level header
// extension of each Opus packet, as a browser derives it from the microphone signal.
import { readFileSync, writeFileSync } from 'node:fs';

const pcm = readFileSync(0);
const FRAME = 960; // 20 ms at 48 kHz
const frames = Math.floor(pcm.length / 2 / FRAME);
const out = Buffer.alloc(frames);
for (let f = 0; f < frames; f++) {
  let sum = 0;
  for (let i = 0; i < FRAME; i++) {
    const s = pcm.readInt16LE((f * FRAME + i) * 2) / 32768;
    sum += s * s;
  }
  const rms = Math.sqrt(sum / FRAME);
  const dbov = rms > 0 ? -20 * Math.log10(rms) : 127;
  out[f] = Math.max(0, Math.min(127, Math.round(dbov)));
}
writeFileSync(process.argv[2], out);
console.log(`${process.argv[2]}: ${frames} frames`);

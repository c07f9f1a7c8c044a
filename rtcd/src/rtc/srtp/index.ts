// # rtc/srtp — SRTP/SRTCP for the forward path
//
// werift creates a cipher object per packet and re-serialises every RTP header (§5 of werift.md: 9-14 µs a
// packet). These contexts keep their crypto state: the counter-mode keystream of the next packets of each
// SSRC is generated ahead by one reused AES-128-ECB cipher (one OpenSSL call per batch), XOR and GHASH run
// in a small hand-assembled WebAssembly module (wasm.ts), HMAC-SHA1 is two one-shot hashes over the
// precomputed ipad/opad blocks. Profiles: AEAD_AES_128_GCM (0x0007, werift's first choice) and
// AES_CM_128_HMAC_SHA1_80 (0x0001). Output is byte-identical to werift's SrtpSession/SrtcpSession
// (test/srtp/conformance.test.ts) and to the RFC 3711 / RFC 7714 vectors.
//
// ## Taking SRTP over from werift on a PC
//
//   const keys = await srtpKeysOf(pc);               // after DTLS; same keys werift derived
//   const ingest = createSrtpContext(keys.profile, keys.remoteMasterKey, keys.remoteMasterSalt);
//   const egress = createSrtpContext(keys.profile, keys.localMasterKey, keys.localMasterSalt);
//   attachment.setMediaInterceptor((pkt) => { ... })  // rtc/net: see each received datagram first
//   attachment.selectedPath()?.send(buf)              // rtc/net: send protected packets
//
// ## The forward loop (bench/forward.ts measures it)
//
//   on ingest datagram `msg` of a publisher:
//     if (isRtcpPacket(msg)) → leave it to werift (return false from the interceptor)
//     n = ingest.unprotectRtp(msg)                    // in place; < 0: SRTP_ERR_* (count it, drop it)
//     for each receiver r:
//       rewrite SSRC / sequence / timestamp of `msg` in place (r's values), strip or remap extensions
//       len = r.egress.protectRtp(msg, n, outBuf)      // outBuf from a ring: a queued send must not be
//       r.socket.send(outBuf, 0, len)                   //   overwritten before it leaves
//
// A context is one direction of one DTLS association with state per SSRC (ROC, highest sequence, a
// 128-packet replay window for unprotect); streams are bounded (256, oldest evicted). Unprotect never
// changes state for a packet that fails authentication, and a forged packet cannot make it generate a
// keystream batch. Errors are return codes, never exceptions. Call close() when the PC goes away (it frees
// the module memory of the keystream caches and GHASH tables; a FinalizationRegistry is only a backstop).
// Everything here is per thread (each worker instantiates its own module); contexts are not thread-safe.
import type { SrtpContext } from './context.js';
import { CmContext } from './cm.js';
import { GcmContext } from './gcm.js';
import { PROFILE_AEAD_AES_128_GCM, deriveSessionKeys, type SrtpProfileId } from './kdf.js';

export * from './context.js';
export { CmContext } from './cm.js';
export { GcmContext } from './gcm.js';
export * from './kdf.js';
export { REPLAY_WINDOW, isRtcpPacket, rtpHeaderLength } from './stream.js';
export * from './werift-keys.js';

/** A context for one direction from a DTLS-SRTP master key and salt. */
export function createSrtpContext(profile: SrtpProfileId, masterKey: Buffer, masterSalt: Buffer): SrtpContext {
  const { rtp, rtcp } = deriveSessionKeys(profile, masterKey, masterSalt);
  return profile === PROFILE_AEAD_AES_128_GCM ? new GcmContext(rtp, rtcp) : new CmContext(rtp, rtcp);
}

// Getting each PC's negotiated SRTP profile and master keys out of werift 0.25.2 after DTLS, so the fast
// path can protect egress and unprotect ingest itself. werift derives its own SrtpSession from the same
// call (RTCDtlsTransport.updateSrtpSession → dtls.extractSessionKeys), so both sides hold identical keys.
import type { RTCDtlsTransport, RTCPeerConnection } from 'werift';
import { PROFILE_AEAD_AES_128_GCM, PROFILE_AES_CM_128_HMAC_SHA1_80, masterSaltLength, type SrtpProfileId } from './kdf.js';

export interface SrtpMasterKeys {
  profile: SrtpProfileId;
  /** Protects what this side sends. */
  localMasterKey: Buffer;
  localMasterSalt: Buffer;
  /** Unprotects what the peer sends. */
  remoteMasterKey: Buffer;
  remoteMasterSalt: Buffer;
}

interface DtlsSocketInternals {
  srtp?: { srtpProfile?: number };
  extractSessionKeys?: (keyLength: number, saltLength: number) => {
    localKey: Buffer;
    localSalt: Buffer;
    remoteKey: Buffer;
    remoteSalt: Buffer;
  };
}

/** The keys of a connected DTLS transport, or null before the handshake completed (or with no SRTP). */
export function srtpKeysOfTransport(dtls: RTCDtlsTransport): SrtpMasterKeys | null {
  if (dtls.state !== 'connected') return null;
  const socket = dtls.dtls as unknown as DtlsSocketInternals | undefined;
  const profile = socket?.srtp?.srtpProfile;
  if (profile !== PROFILE_AES_CM_128_HMAC_SHA1_80 && profile !== PROFILE_AEAD_AES_128_GCM) return null;
  if (typeof socket?.extractSessionKeys !== 'function') {
    throw new Error('werift internals changed: DtlsSocket.extractSessionKeys is gone');
  }
  const k = socket.extractSessionKeys(16, masterSaltLength(profile));
  return {
    profile,
    localMasterKey: Buffer.from(k.localKey),
    localMasterSalt: Buffer.from(k.localSalt),
    remoteMasterKey: Buffer.from(k.remoteKey),
    remoteMasterSalt: Buffer.from(k.remoteSalt),
  };
}

function keysOfPc(pc: RTCPeerConnection): SrtpMasterKeys | null {
  for (const t of pc.dtlsTransports) {
    const keys = srtpKeysOfTransport(t);
    if (keys) return keys;
  }
  return null;
}

/** Resolves with the PC's SRTP keys once it is connected (DTLS done), rejects if it fails or closes first. */
export function srtpKeysOf(pc: RTCPeerConnection, timeoutMs = 30_000): Promise<SrtpMasterKeys> {
  const now = keysOfPc(pc);
  if (now) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, keys?: SrtpMasterKeys) => {
      clearTimeout(timer);
      sub.unSubscribe();
      if (err) reject(err);
      else resolve(keys!);
    };
    const timer = setTimeout(() => done(new Error('timed out waiting for DTLS-SRTP keys')), timeoutMs);
    const sub = pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected') {
        const keys = keysOfPc(pc);
        if (keys) done(null, keys);
      } else if (state === 'closed' || state === 'failed') {
        done(new Error(`peer connection ${state} before DTLS-SRTP keys were available`));
      }
    });
  });
}

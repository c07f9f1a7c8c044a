// Restricting a werift PC's DTLS-SRTP profiles (werift has no option for it: one list for every PC, GCM
// first, as Chrome). A client restricted to AES_CM_128_HMAC_SHA1_80 makes the SFU run that profile.
import type { RTCPeerConnection } from 'werift';

const SRTP_PROFILE_IDS = { gcm: 0x0007, cm: 0x0001 } as const;

/** From now on, the PC's DTLS transports offer (and accept) only `profile`. Call before any negotiation. */
export function restrictSrtpProfile(pc: RTCPeerConnection, profile: 'gcm' | 'cm'): void {
  const manager = (pc as unknown as { secureManager: { createTransport: (o?: unknown) => unknown } }).secureManager;
  const original = manager.createTransport;
  manager.createTransport = function (this: unknown, o?: unknown) {
    const dtls = original.call(this, o) as { srtpProfiles: number[] };
    dtls.srtpProfiles = [SRTP_PROFILE_IDS[profile]];
    return dtls;
  };
}

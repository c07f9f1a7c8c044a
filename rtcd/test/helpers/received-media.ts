// What a test client received per incoming track is the client library's ReceivedMedia
// (@calls-ts/rtcd/client); tests add emulated loss on incoming video here.
import type { RTCRtpReceiver, RtpPacket } from 'werift';
import type { ReceivedTrack } from '@calls-ts/rtcd/client';

export { ReceivedMedia, type ReceivedTrack, type TransportSeq } from '@calls-ts/rtcd/client';

/**
 * Emulated network loss on an incoming video track: drops the first copy of every `every`-th packet before
 * werift's receiver sees it (retransmissions of it pass), so the receiver NACKs like a browser would.
 */
export function emulateVideoLoss(receiver: RTCRtpReceiver, t: ReceivedTrack, every: number): void {
  const r = receiver as unknown as { handleRtpBySsrc: (p: RtpPacket, e: unknown) => void };
  const original = r.handleRtpBySsrc;
  const seen = new Set<number>();
  let n = 0;
  r.handleRtpBySsrc = (p, e) => {
    const seq = p.header.sequenceNumber;
    if (!seen.has(seq)) {
      seen.add(seq);
      if (++n % every === 0) {
        t.dropped++;
        return;
      }
    }
    original(p, e);
  };
}

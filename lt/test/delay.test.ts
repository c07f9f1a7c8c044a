// One-way delay as lt measures it when several talkers play the same speech sample: their packets carry
// identical payloads, so a payload names no sender by itself; the receiver's stream names its sender (the
// signalled track id) and the payload is looked up in that sender's log only.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DelayProbe, SendRegistry } from '@calls-ts/rtcd/client';

/** Ten distinct "Opus" payloads: what every talker of the sample sends, in order. */
const PAYLOADS = Array.from({ length: 10 }, (_, i) => Buffer.from(`speech frame ${i} `.repeat(6)));

describe('lt one-way delay with several talkers of one sample', () => {
  const registry = new SendRegistry();
  const a = registry.sender('voice session-a');
  const b = registry.sender('voice session-b');
  // Talker A sends frame i at 1000 + 20i ms, talker B the same frames 100 ms later, with other timestamps.
  for (let i = 0; i < PAYLOADS.length; i++) {
    a.record(10_000 + i * 960, PAYLOADS[i]!, 1000 + i * 20);
    b.record(900_000 + i * 960, PAYLOADS[i]!, 1100 + i * 20);
  }
  // What a listener of B gets: frame 3 with the SFU's timestamp offset on its leg, 5 ms after B sent it.
  const SFU_OFFSET = 123_456;
  const received = (i: number) => ({ buf: PAYLOADS[i]!, ts: (900_000 + i * 960 + SFU_OFFSET) >>> 0 });

  it('finds the send time in the stream sender\'s log', () => {
    assert.equal(registry.senderLog('voice session-b'), b);
    const probe = new DelayProbe(registry, () => registry.senderLog('voice session-b'));
    const p3 = received(3);
    assert.equal(probe.sentAt(p3.buf, 0, p3.buf.length, p3.ts), 1160);
    // Later packets of the stream are found by timestamp, through the leg's offset.
    const p7 = received(7);
    assert.equal(probe.sentAt(p7.buf, 0, p7.buf.length, p7.ts), 1240);
  });

  it('does not guess when the payload alone is ambiguous and the sender is unknown', () => {
    const probe = new DelayProbe(registry);
    const p3 = received(3);
    assert.equal(probe.sentAt(p3.buf, 0, p3.buf.length, p3.ts), -1);
  });
});

// Voice activity detection: the reference algorithm (rtcd service/rtc/vad) — window 50, rounded mean,
// Bessel-corrected rounded std-dev, on > 10, off < 4 after ≥ 2 s — checked against a literal transcription
// of it, and on the behaviours a user notices (speech turns it on, silence turns it off, not too early).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VoiceActivityDetector, estimateMos } from '@calls-ts/rtcd/rtc';

/** The reference's PushAudioLevel, transcribed literally (slice + full recomputation). */
class ReferenceMonitor {
  private sample: number[] = [];
  private ptr = 0;
  private last = 0;
  voice = false;
  push(level: number, now: number): boolean | undefined {
    if (this.sample.length < 50) {
      this.sample.push(level);
      return undefined;
    }
    this.sample[this.ptr] = level;
    this.ptr = this.ptr === 49 ? 0 : this.ptr + 1;
    const avg = Math.round(this.sample.reduce((a, b) => a + b, 0) / 50);
    const dev = Math.round(Math.sqrt(this.sample.reduce((a, b) => a + (b - avg) ** 2, 0) / 49));
    let next: boolean;
    if (!this.voice && dev > 10) {
      next = true;
      this.last = now;
    } else if (this.voice && dev < 4) next = false;
    else return undefined;
    if (next === this.voice || (!next && now - this.last < 2000)) return undefined;
    this.voice = next;
    return next;
  }
}

describe('VoiceActivityDetector', () => {
  it('matches the reference algorithm on random level sequences', () => {
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    let transitions = 0;
    for (let run = 0; run < 20; run++) {
      const vad = new VoiceActivityDetector();
      const ref = new ReferenceMonitor();
      let now = 0;
      let spread = 0;
      for (let i = 0; i < 3000; i++) {
        if (i % 200 === 0) spread = Math.floor(rand() * 60);
        const level = Math.min(127, Math.floor(40 + rand() * spread));
        now += 20;
        const got = vad.push(level, now);
        assert.equal(got, ref.push(level, now), `run ${run} packet ${i}`);
        if (got !== undefined) transitions++;
      }
    }
    assert.ok(transitions > 20, `the sequences exercise both transitions (${transitions})`);
  });

  it('turns on with speech, stays on for at least 2 s, then turns off in silence', () => {
    const vad = new VoiceActivityDetector();
    let now = 0;
    const events: [number, boolean][] = [];
    const feed = (level: number): void => {
      now += 20;
      const e = vad.push(level, now);
      if (e !== undefined) events.push([now, e]);
    };
    for (let i = 0; i < 60; i++) feed(127); // silence: nothing
    assert.equal(events.length, 0);
    for (let i = 0; i < 30; i++) feed(i % 2 ? 20 : 80); // speech
    assert.equal(events.length, 1);
    const [onAt, on] = events[0]!;
    assert.equal(on, true);
    for (let i = 0; i < 300; i++) feed(127);
    assert.equal(events.length, 2);
    const [offAt, off] = events[1]!;
    assert.equal(off, false);
    assert.ok(offAt - onAt >= 2000, 'voice stays on for at least 2 s');
  });

  it('constant noise is not voice; reset forgets everything', () => {
    const vad = new VoiceActivityDetector();
    for (let i = 0; i < 200; i++) assert.equal(vad.push(30, i * 20), undefined);
    for (let i = 0; i < 60; i++) vad.push(i % 2 ? 10 : 90, 4000 + i * 20);
    assert.equal(vad.voice, true);
    vad.reset();
    assert.equal(vad.voice, false);
    // After a reset the window refills before anything is decided.
    for (let i = 0; i < 50; i++) assert.equal(vad.push(i % 2 ? 10 : 90, 6000 + i * 20), undefined);
  });
});

describe('estimateMos (calls-common E-model)', () => {
  it('is excellent on a clean network and degrades with latency, jitter and loss', () => {
    const clean = estimateMos(0.02, 0.002, 0);
    assert.ok(clean > 4.3 && clean <= 4.5, String(clean));
    assert.ok(estimateMos(0.4, 0.002, 0) < clean);
    assert.ok(estimateMos(0.02, 0.05, 0) < clean);
    assert.ok(estimateMos(0.02, 0.002, 0.1) < 3.5, 'heavy loss is below the banner threshold');
    assert.equal(estimateMos(2, 0.5, 0.5), 1);
  });
});

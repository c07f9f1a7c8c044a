// Voice activity detection from the RFC 6464 audio level (`-dBov`, 0..127) that clients put in every Opus
// packet, exactly as the reference (rtcd service/rtc/vad): a window of the last 50 levels; once full, on
// every packet the standard deviation (rounded mean, Bessel's correction, rounded) decides: off→on when
// > 10, on→off when < 4 and at least 2 s after switching on. Speech varies in level, silence and constant
// noise do not. Running sums keep it O(1) per packet (the integer arithmetic stays exact).

export interface VadConfig {
  windowSize: number;
  activationThreshold: number;
  deactivationThreshold: number;
  activationDurationMs: number;
}

export const DEFAULT_VAD_CONFIG: VadConfig = {
  windowSize: 50,
  activationThreshold: 10,
  deactivationThreshold: 4,
  activationDurationMs: 2000,
};

export class VoiceActivityDetector {
  private readonly window: Uint8Array;
  private filled = 0;
  private ptr = 0;
  private sum = 0;
  private sumSq = 0;
  private lastActivation = 0;
  voice = false;

  constructor(private readonly cfg: VadConfig = DEFAULT_VAD_CONFIG) {
    this.window = new Uint8Array(cfg.windowSize);
  }

  /** Pushes one level; returns the new state when it changed, undefined otherwise. */
  push(level: number, nowMs: number): boolean | undefined {
    const n = this.cfg.windowSize;
    const l = level & 0x7f;
    if (this.filled < n) {
      this.window[this.filled++] = l;
      this.sum += l;
      this.sumSq += l * l;
      return undefined;
    }
    const old = this.window[this.ptr]!;
    this.window[this.ptr] = l;
    this.ptr = this.ptr === n - 1 ? 0 : this.ptr + 1;
    this.sum += l - old;
    this.sumSq += l * l - old * old;

    const avg = Math.round(this.sum / n);
    // Σ(x-avg)² = Σx² - 2·avg·Σx + n·avg²
    const total = this.sumSq - 2 * avg * this.sum + n * avg * avg;
    const dev = Math.round(Math.sqrt(total / (n - 1)));

    if (!this.voice && dev > this.cfg.activationThreshold) {
      this.voice = true;
      this.lastActivation = nowMs;
      return true;
    }
    if (this.voice && dev < this.cfg.deactivationThreshold && nowMs - this.lastActivation >= this.cfg.activationDurationMs) {
      this.voice = false;
      return false;
    }
    return undefined;
  }

  reset(): void {
    this.filled = 0;
    this.ptr = 0;
    this.sum = 0;
    this.sumSq = 0;
    this.lastActivation = 0;
    this.voice = false;
  }
}

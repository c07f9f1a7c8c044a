// Keyframe requests (PLI) towards a screen sharer, at most one per second per media SSRC (the reference's
// token bucket of 1/s, burst 1). Unlike the reference, a request that arrives inside the second is not lost:
// one trailing request is sent when the second is over, so a viewer that joins right after another still gets
// its keyframe without depending on its own retries.

export class PliLimiter {
  private readonly last = new Map<number, number>();
  private readonly trailing = new Map<number, ReturnType<typeof setTimeout>>();
  private closed = false;

  constructor(
    private readonly send: (ssrc: number) => void,
    private readonly intervalMs = 1000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Asks for a keyframe for `ssrc`; returns true when sent now, false when deferred or already pending. */
  request(ssrc: number): boolean {
    if (this.closed) return false;
    const t = this.now();
    const last = this.last.get(ssrc);
    if (last === undefined || t - last >= this.intervalMs) {
      this.last.set(ssrc, t);
      this.send(ssrc);
      return true;
    }
    if (!this.trailing.has(ssrc)) {
      const timer = setTimeout(() => {
        this.trailing.delete(ssrc);
        this.request(ssrc);
      }, this.intervalMs - (t - last));
      timer.unref?.();
      this.trailing.set(ssrc, timer);
    }
    return false;
  }

  /** Forgets a source (its track ended). */
  forget(ssrc: number): void {
    this.last.delete(ssrc);
    const timer = this.trailing.get(ssrc);
    if (timer) clearTimeout(timer);
    this.trailing.delete(ssrc);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.trailing.values()) clearTimeout(timer);
    this.trailing.clear();
    this.last.clear();
  }
}

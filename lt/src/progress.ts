// A one-line progress bar on stderr: redrawn in place on a terminal, a plain line every few seconds
// otherwise (CI logs, the benchmark's captured output).

export class Progress {
  private last = 0;
  private drawn = false;

  constructor(
    private readonly enabled: boolean,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  static bar(done: number, total: number, width = 24): string {
    const f = total > 0 ? Math.min(1, done / total) : 1;
    const n = Math.round(f * width);
    return `[${'#'.repeat(n)}${'.'.repeat(width - n)}] ${String(Math.round(f * 100)).padStart(3)}%`;
  }

  update(line: string, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (this.out.isTTY) {
      if (!force && now - this.last < 250) return;
      this.out.write(`\r\x1b[2K${line}`);
      this.drawn = true;
    } else {
      if (!force && now - this.last < 5000) return;
      this.out.write(`${line}\n`);
    }
    this.last = now;
  }

  /** Ends the current line (TTY). */
  done(): void {
    if (this.enabled && this.out.isTTY && this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}

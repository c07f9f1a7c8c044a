// What the browsers of a scenario print that a user's developer console would show as a problem: errors,
// uncaught exceptions, and the warnings our webapp (`calls: …`) and the reference RTCPeer (`RTCPeer …`)
// log when a negotiation goes wrong. Listens only between `watch` and `stop`, since windows outlive scenarios.
import type { ConsoleMessage, Page } from 'playwright-core';

export class ConsoleWatch {
  private readonly problems: string[] = [];
  private readonly detach: (() => void)[] = [];

  watch(who: string, page: Page): void {
    const onConsole = (msg: ConsoleMessage) => {
      const text = msg.text();
      const ours = msg.type() === 'warning' && /^(calls:|RTCPeer)/.test(text);
      if (msg.type() === 'error' || ours) this.problems.push(`[${who}] ${msg.type()}: ${text}`);
    };
    const onPageError = (err: Error) => this.problems.push(`[${who}] uncaught: ${err.message}`);
    page.on('console', onConsole);
    page.on('pageerror', onPageError);
    this.detach.push(() => {
      page.off('console', onConsole);
      page.off('pageerror', onPageError);
    });
  }

  /** Stops listening; returns what was printed meanwhile. */
  stop(): string[] {
    for (const d of this.detach.splice(0)) d();
    return [...this.problems];
  }
}

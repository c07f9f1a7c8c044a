// An RtcServer seen through a slower signaling path, as in rtcd mode: what the client sends on the WebSocket
// (SDP, ICE, mute...) and what the server sends back reach the other side `delayMs` later, in order, while
// the data channel (Lock/Unlock, SDP with dcSignaling) stays direct. That asymmetry is where renegotiations
// of two sessions overtake each other.
import type { RtcMessage, RtcServer, SessionConfig } from '@calls-ts/rtcd/rtc';
import type { SfuEndpoint } from '../../helpers/server-link.js';

export class DelayedEndpoint implements SfuEndpoint {
  private readonly listeners: ((msg: RtcMessage) => void)[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly server: RtcServer,
    private readonly delayMs: number,
  ) {
    server.on('message', (msg) => this.later(() => this.listeners.forEach((fn) => fn(msg))));
  }

  on(_event: 'message', fn: (msg: RtcMessage) => void): this {
    this.listeners.push(fn);
    return this;
  }

  initSession(cfg: SessionConfig): Promise<void> {
    return this.server.initSession(cfg);
  }

  closeSession(sessionID: string): Promise<void> {
    return this.server.closeSession(sessionID);
  }

  send(msg: RtcMessage): boolean {
    this.later(() => this.server.send(msg));
    return true;
  }

  /** Same delay for every message of a direction: order is kept, as on a WebSocket. */
  private later(fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, this.delayMs);
    this.timers.add(t);
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

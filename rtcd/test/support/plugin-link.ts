// Test support: the Calls plugin's side of rtcd, driving werift clients (rtcd/test/helpers/calls-client.ts)
// over /ws. Each client's signaling goes out as `rtc` frames on the link; `rtc`/`vad` frames coming back are
// delivered to the client of that session. The link can be swapped (plugin reconnect) mid-call.
import { MessageType } from '@calls-ts/rtcd/protocol';
import { CallsTestClient } from '../helpers/calls-client.js';
import { ProtocolClient } from './rtcd.js';

export class PluginLink {
  readonly clients = new Map<string, CallsTestClient>();
  link!: ProtocolClient;
  private users = 0;

  private constructor(
    private readonly wsURL: string,
    private readonly authorization: string,
    private readonly stunUrl: string,
  ) {}

  static async connect(wsURL: string, authorization: string, stunUrl: string): Promise<PluginLink> {
    const p = new PluginLink(wsURL, authorization, stunUrl);
    await p.attach();
    return p;
  }

  private async attach(): Promise<void> {
    const link = await ProtocolClient.connect(this.wsURL, this.authorization);
    await link.waitFor('hello');
    link.onMessage = (msg) => {
      if (msg.type !== 'rtc' && msg.type !== 'vad') return;
      this.clients.get(msg.data.sessionID)?.receive(msg.data.type, msg.data.data);
    };
    this.link = link;
  }

  /** Drops the WebSocket link, opens a new one and claims every session with `reconnect`. */
  async reconnect(): Promise<ProtocolClient> {
    const old = this.link;
    old.onMessage = undefined;
    old.close();
    await old.waitClosed();
    await this.attach();
    for (const id of this.clients.keys()) this.link.send({ type: 'reconnect', data: { sessionID: id } });
    return old;
  }

  /** `join` for a new session, then the client's first offer (data channel only). */
  async join(callID: string, opts: { dcSignaling?: boolean } = {}): Promise<CallsTestClient> {
    const client: CallsTestClient = new CallsTestClient({
      stunUrl: this.stunUrl,
      dcSignaling: opts.dcSignaling,
      send: (type: MessageType, data?: Uint8Array) => {
        const msg = { groupID: '', userID: '', callID: '', sessionID: client.sessionID, type, ...(data ? { data } : {}) };
        this.link.send({ type: 'rtc', data: msg });
      },
    });
    this.clients.set(client.sessionID, client);
    this.link.send({
      type: 'join',
      data: { callID, userID: `user-${++this.users}`, sessionID: client.sessionID, channelID: `channel-${callID}`, dcSignaling: opts.dcSignaling ?? false },
    });
    await client.start();
    return client;
  }

  /** `leave`; resolves when rtcd answered `close` for the session, then closes the client. */
  async leave(client: CallsTestClient): Promise<void> {
    const seen = this.link.received.length;
    this.link.send({ type: 'leave', data: { sessionID: client.sessionID } });
    await this.link.waitFor('close', (m) => m.data.sessionID === client.sessionID && this.link.received.indexOf(m) >= seen);
    this.clients.delete(client.sessionID);
    await client.close();
  }

  /** Leaves every remaining session (without waiting for `close`), then drops the link. */
  async close(): Promise<void> {
    for (const c of this.clients.values()) {
      if (!this.link.closed) this.link.send({ type: 'leave', data: { sessionID: c.sessionID } });
      await c.close();
    }
    this.clients.clear();
    this.link.close();
  }
}

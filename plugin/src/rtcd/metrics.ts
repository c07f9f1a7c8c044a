// Metrics of the plugin's links to rtcd. The reference plugin registers `ws_connections_total` and
// `ws_messages_total` (rtcd's family names under the plugin namespace) but never fills them; here they count
// the plugin↔rtcd WebSocket links and the messages on them. Label names are snake_case (CONTRIBUTING.md);
// the only label value that is not from a fixed list is the rtcd client id, one per installation.
// The `rtcd_*` families are ours.
import { Counter, Gauge, type Registry } from 'prom-client';

const P = 'mattermost_plugin_calls';

export type RtcdErrorType =
  | 'connect' // a WebSocket connection attempt failed (unreachable, refused, handshake)
  | 'unauthorized' // rtcd refused the credentials on /ws
  | 'register' // POST /register failed
  | 'version' // /version unreachable or below min_rtcd_version
  | 'dns' // resolving the service hostname failed
  | 'malformed' // an inbound frame could not be decoded
  | 'unexpected_type' // a decoded message of a type rtcd never sends to the plugin
  | 'inbound_dropped' // an inbound message dropped (more than the link may hold before its owner listens)
  | 'send_dropped' // an outbound message dropped (queue full, or no link to its host)
  | 'http' // a /system, /version or /calls request failed
  | 'keepalive' // a link closed because rtcd stopped answering pings
  | 'store' // reading or writing the credentials in KV failed
  | 'mutex'; // the registration cluster mutex could not be taken

export type HostState = 'connecting' | 'connected' | 'reconnecting' | 'flagged';

export type StoreOpType = 'KVGet' | 'KVSet';

export class RtcdMetrics {
  private readonly connections: Gauge<'client_id'>;
  private readonly messages: Counter<'client_id' | 'type' | 'direction'>;
  private readonly errors: Counter<'type'>;
  private readonly reconnects: Counter<'result'>;

  constructor(
    private readonly registry: Registry,
    hostStates: () => Record<HostState, number>,
  ) {
    const registers = [registry];
    this.connections = new Gauge({
      name: `${P}_ws_connections_total`,
      help: 'Total number of active WebSocket sessions (plugin to rtcd links)',
      labelNames: ['client_id'],
      registers,
    });
    this.messages = new Counter({
      name: `${P}_ws_messages_total`,
      help: 'Total number of sent/received WebSocket messages (plugin to rtcd links)',
      labelNames: ['client_id', 'type', 'direction'],
      registers,
    });
    this.errors = new Counter({
      name: `${P}_rtcd_errors_total`,
      help: 'Errors on the links to rtcd, by kind',
      labelNames: ['type'],
      registers,
    });
    this.reconnects = new Counter({
      name: `${P}_rtcd_reconnect_attempts_total`,
      help: 'Attempts to reconnect (and re-register) a dropped rtcd link, by result',
      labelNames: ['result'],
      registers,
    });
    new Gauge({
      name: `${P}_rtcd_hosts`,
      help: 'rtcd hosts known to this plugin, by state (flagged: gone from DNS, takes no new calls)',
      labelNames: ['state'],
      registers,
      collect() {
        const s = hostStates();
        for (const state of Object.keys(s) as HostState[]) this.set({ state }, s[state]);
      },
    });
  }

  linkOpened(clientID: string): void {
    this.connections.inc({ client_id: clientID });
  }

  linkClosed(clientID: string): void {
    this.connections.dec({ client_id: clientID });
  }

  message(clientID: string, type: string, direction: 'in' | 'out'): void {
    this.messages.inc({ client_id: clientID, type, direction });
  }

  error(type: RtcdErrorType): void {
    this.errors.inc({ type });
  }

  reconnectAttempt(result: 'success' | 'failure' | 'gave_up'): void {
    this.reconnects.inc({ result });
  }

  /** Counts a KV operation in the plugin's store-ops counter, when the plugin has registered it. */
  storeOp(type: StoreOpType): void {
    const c = this.registry.getSingleMetric(`${P}_store_ops_total`);
    if (c instanceof Counter) c.inc({ type });
  }

  /** Unregisters this module's families (the backend is stopped and may be replaced by another). */
  unregister(): void {
    for (const name of ['ws_connections_total', 'ws_messages_total', 'rtcd_errors_total', 'rtcd_reconnect_attempts_total', 'rtcd_hosts']) {
      this.registry.removeSingleMetric(`${P}_${name}`);
    }
  }
}

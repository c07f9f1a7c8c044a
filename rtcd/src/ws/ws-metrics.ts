// rtcd_ws_* series. Labels are bounded: client_id is a registered client, type a protocol message type or
// an error kind from a fixed list. A removed client's series are deleted (forget()).
import { Counter, Gauge, type Registry } from 'prom-client';

export type WsErrorType =
  | 'malformed'
  | 'unknown_type'
  | 'invalid_data'
  | 'too_large'
  | 'text_frame'
  | 'unexpected_type'
  | 'join_failed'
  | 'draining'
  | 'unknown_session'
  | 'leave_failed'
  | 'rtc_failed'
  | 'no_route'
  | 'send_queue_full'
  | 'inbound_queue_full';

export class WsMetrics {
  private readonly connections: Gauge<'client_id'>;
  private readonly messages: Counter<'client_id' | 'type' | 'direction'>;
  private readonly errors: Counter<'client_id' | 'type'>;
  private readonly seen = new Map<string, { messages: Set<string>; errors: Set<string> }>();

  constructor(registry: Registry) {
    this.connections = new Gauge({
      name: 'rtcd_ws_connections_total',
      help: 'Total number of active WebSocket sessions',
      labelNames: ['client_id'],
      registers: [registry],
    });
    this.messages = new Counter({
      name: 'rtcd_ws_messages_total',
      help: 'Total number of sent/received WebSocket messages',
      labelNames: ['client_id', 'type', 'direction'],
      registers: [registry],
    });
    this.errors = new Counter({
      name: 'rtcd_ws_errors_total',
      help: 'WebSocket frames or messages rejected or dropped, by kind.',
      labelNames: ['client_id', 'type'],
      registers: [registry],
    });
  }

  private track(clientID: string) {
    let s = this.seen.get(clientID);
    if (!s) {
      s = { messages: new Set(), errors: new Set() };
      this.seen.set(clientID, s);
    }
    return s;
  }

  connectionOpened(clientID: string): void {
    this.track(clientID);
    this.connections.inc({ client_id: clientID });
  }

  connectionClosed(clientID: string): void {
    this.connections.dec({ client_id: clientID });
  }

  message(clientID: string, type: string, direction: 'in' | 'out'): void {
    this.track(clientID).messages.add(`${type}\u0000${direction}`);
    this.messages.inc({ client_id: clientID, type, direction });
  }

  error(clientID: string, type: WsErrorType): void {
    this.track(clientID).errors.add(type);
    this.errors.inc({ client_id: clientID, type });
  }

  /** Deletes every series of a client (after it is unregistered and its connections are gone). */
  forget(clientID: string): void {
    const s = this.seen.get(clientID);
    if (!s) return;
    this.connections.remove({ client_id: clientID });
    for (const key of s.messages) {
      const [type, direction] = key.split('\u0000') as [string, string];
      this.messages.remove({ client_id: clientID, type, direction });
    }
    for (const type of s.errors) this.errors.remove({ client_id: clientID, type });
    this.seen.delete(clientID);
  }
}

// `window.shell`: what plugins use beyond the registry and the store. Mattermost plugins reach the
// server's WebSocket through the webapp's internals; here it is one documented object.
import type { ApiClient } from '../api/client.js';
import type { ConnectInfo, ShellSocket, SocketStatus, WebSocketMessage, WebSocketReply } from '../api/socket.js';
import type { Store } from '../store/store.js';
import { navigate } from './router.js';

export type ShellApi = {
  readonly version: 1;
  readonly store: Store;
  readonly client: ApiClient;
  readonly webSocket: {
    /** The connection id from the latest `hello` ('' before the first one). */
    readonly connectionId: string;
    readonly status: SocketStatus;
    /** JSON text request `{action, seq, data}`; false when not connected (nothing is queued). */
    sendMessage(action: string, data?: unknown, onReply?: (reply: WebSocketReply) => void): boolean;
    /** The same request as a msgpack binary frame. */
    sendBinaryMessage(action: string, data?: unknown, onReply?: (reply: WebSocketReply) => void): boolean;
    /** Resolves with the `{status: 'OK', seq_reply, data}` reply; rejects on FAIL, timeout or when offline. */
    request(action: string, data?: unknown, binary?: boolean): Promise<WebSocketReply>;
    /** Every event, after the shell has applied it to the store. Returns an unsubscribe function. */
    onEvent(listener: (msg: WebSocketMessage) => void): () => void;
    /**
     * After the first connection and each reconnect, once it is known whether the server resumed the
     * connection (`resumed`, same id, missed events replayed) or started a new one (new `connectionId`).
     */
    onConnect(listener: (info: ConnectInfo) => void): () => void;
    onStatus(listener: (status: SocketStatus) => void): () => void;
  };
  /** Client-side navigation to a shell path, e.g. `/myteam/channels/town-square`. */
  navigate(path: string): void;
};

export function createShellApi(store: Store, client: ApiClient, socket: ShellSocket, events: {
  onEvent(listener: (msg: WebSocketMessage) => void): () => void;
}): ShellApi {
  return {
    version: 1,
    store,
    client,
    webSocket: {
      get connectionId() {
        return socket.connectionId;
      },
      get status() {
        return socket.currentStatus;
      },
      sendMessage: (action, data, onReply) => socket.sendMessage(action, data, onReply),
      sendBinaryMessage: (action, data, onReply) => socket.sendBinaryMessage(action, data, onReply),
      request: (action, data, binary) => socket.request(action, data, binary),
      onEvent: (listener) => events.onEvent(listener),
      onConnect: (listener) => socket.on('connected', listener),
      onStatus: (listener) => socket.on('status', listener),
    },
    navigate: (path) => navigate(path),
  };
}

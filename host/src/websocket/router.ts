import type { HostMetrics } from '../metrics/host-metrics.js';
import type { Permissions } from '../app/permissions.js';
import { isValidId } from '../ids.js';
import type { Hub } from './hub.js';
import type { WebConn } from './web-conn.js';
import type { WebSocketRequest } from './frames.js';
import { failure, type RequestHandler } from './ws-server.js';
import { WsEvents } from './events.js';

/** Where `custom_<pluginid>_*` actions go; false when no plugin owns the action. */
export type PluginRequestSink = (conn: WebConn, req: WebSocketRequest) => boolean;

const ok = (seq: number, data?: Record<string, unknown>) => (data ? { status: 'OK', seq_reply: seq, data } : { status: 'OK', seq_reply: seq });

/** The core WebSocket actions Mattermost's router answers, plus the hand-off of plugin actions. */
export function createRequestRouter(deps: {
  hub: Hub;
  perms: Permissions;
  metrics: HostMetrics;
  serverVersion: string;
  toPlugins: PluginRequestSink;
}): RequestHandler {
  const { hub, perms, metrics } = deps;

  const statuses = (ids: readonly string[]) =>
    Object.fromEntries(ids.map((id) => [id, hub.isUserConnected(id) ? 'online' : 'offline']));

  return (conn, req) => {
    if (req.action.startsWith('custom_')) {
      if (!deps.toPlugins(conn, req)) metrics.wsBadRequests.inc({ reason: 'unknown_action' });
      // Mattermost does not reply to plugin actions: the plugin answers with events when it wants to.
      return;
    }
    switch (req.action) {
      case 'ping':
        conn.reply(ok(req.seq, { text: 'pong', version: deps.serverVersion, server_time: Date.now(), node_id: '' }));
        return;
      case 'authentication_challenge':
      case 'presence':
      case 'user_update_active_status':
      case 'posted_notify_ack':
        conn.reply(ok(req.seq));
        return;
      case 'get_statuses':
        conn.reply(ok(req.seq, statuses([conn.userId])));
        return;
      case 'get_statuses_by_ids': {
        const ids = Array.isArray(req.data.user_ids) ? req.data.user_ids.filter(isValidId).slice(0, 200) : [];
        conn.reply(ok(req.seq, statuses(ids)));
        return;
      }
      case 'user_typing': {
        const channelId = req.data.channel_id;
        if (!isValidId(channelId)) {
          metrics.wsBadRequests.inc({ reason: 'invalid_data' });
          conn.reply(failure(req.seq, 'api.websocket_handler.invalid_param.app_error', 'Invalid channel_id.', 400));
          return;
        }
        const parentId = typeof req.data.parent_id === 'string' ? req.data.parent_id : '';
        void perms.isMember(conn.userId, channelId).then(async (member) => {
          if (!member) {
            conn.reply(failure(req.seq, 'api.context.permissions.app_error', 'Not a member of this channel.', 403));
            return;
          }
          await hub.publish(WsEvents.Typing, { parent_id: parentId, user_id: conn.userId }, { channelId, omitUsers: [conn.userId] });
          conn.reply(ok(req.seq));
        });
        return;
      }
      default:
        metrics.wsBadRequests.inc({ reason: 'unknown_action' });
        conn.reply(failure(req.seq, 'api.web_socket_router.bad_action.app_error', `Unknown action: ${req.action.slice(0, 64)}`, 400));
    }
  };
}

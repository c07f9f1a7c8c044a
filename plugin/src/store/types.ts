// The stored entities, with the reference's JSON shapes (server/public/*.go): what /stats, the call post
// and debugging tools read. Times are Unix milliseconds unless the name says seconds.

export interface CallStats {
  /** Seconds of screen sharing. */
  screen_duration: number;
  /** Participant-seconds of video. */
  video_duration: number;
  has_used_video: boolean;
  has_used_screen_share: boolean;
}

export interface CallProps {
  hosts?: string[];
  rtcd_host?: string;
  screen_sharing_session_id?: string;
  dismissed_notification?: Record<string, boolean>;
  /** Unix seconds. */
  screen_start_at?: number;
  node_id?: string;
  /** The users who joined at some point (a set: values are empty objects). */
  participants?: Record<string, Record<string, never>>;
  host_locked_user_id?: string;
  /** Session id → Unix seconds when its video went on. */
  video_start_at?: Record<string, number>;
}

export interface Call {
  id: string;
  channel_id: string;
  start_at: number;
  end_at: number;
  create_at: number;
  delete_at: number;
  title: string;
  post_id: string;
  thread_id: string;
  owner_id: string;
  /** Filled in when the call ends. */
  participants: string[];
  stats: CallStats;
  props: CallProps;
}

export interface CallSession {
  /** The session id: the joining WebSocket connection's original id. */
  id: string;
  call_id: string;
  user_id: string;
  join_at: number;
  unmuted: boolean;
  /** When the hand went up (ms), 0 when down. */
  raised_hand: number;
  video: boolean;
}

export interface CallsChannel {
  channel_id: string;
  enabled: boolean;
  props?: Record<string, unknown> | null;
}

/** The reference's CallsStats (server/public/stats.go). */
export interface CallsStats {
  total_calls: number;
  total_active_calls: number;
  total_active_sessions: number;
  calls_by_day: Record<string, number>;
  calls_by_month: Record<string, number>;
  calls_by_channel_type: Record<string, number>;
  avg_duration: number;
  avg_participants: number;
  avg_video_duration: number;
  total_video_duration: number;
  total_video_calls: number;
  total_screen_share_calls: number;
  recording_jobs_by_day: Record<string, number>;
  recording_jobs_by_month: Record<string, number>;
}

export function emptyStats(): CallStats {
  return { screen_duration: 0, video_duration: 0, has_used_video: false, has_used_screen_share: false };
}

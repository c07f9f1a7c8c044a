// The contract of the SFU library: what the rtcd daemon and the Calls plugin (embedded mode) see of it.
// Field names and enum values follow the reference rtc.Message / SessionConfig (shared/reference/rtcd.md §3).

/** rtc.MessageType of the reference. The numeric values are on the wire (msgpack `type`). */
export enum MessageType {
  ICE = 1,
  SDP = 2,
  Mute = 3,
  Unmute = 4,
  ScreenOn = 5,
  ScreenOff = 6,
  VoiceOn = 7,
  VoiceOff = 8,
  VideoOn = 9,
  VideoOff = 10,
}

/**
 * One signaling/control message between the SFU and whoever drives it (rtcd's WS clients, or the plugin).
 * Inbound (to the SFU) only `sessionID`, `type` and `data` are meaningful; outbound the SFU fills all.
 * `data` is JSON bytes for SDP (`{type, sdp}`), ICE (RTCIceCandidateInit on the way in; on the way out
 * `{type:"candidate", candidate:{...}}`) and ScreenOn (`{screenStreamID}`); absent for the others.
 */
export interface RtcMessage {
  groupID: string;
  userID: string;
  sessionID: string;
  callID: string;
  type: MessageType;
  data?: Uint8Array;
}

export interface SessionProps {
  channelID?: string;
  av1Support?: boolean;
  dcSignaling?: boolean;
}

/** SessionConfig of the reference (its JSON has no tags: rtcd's HTTP API serialises it as GroupID, CallID, ...). */
export interface SessionConfig {
  groupID: string;
  callID: string;
  userID: string;
  sessionID: string;
  props: SessionProps;
}

export interface IceServerConfig {
  urls: string[];
  username?: string;
  credential?: string;
}

/** The `[rtc]` section of rtcd's config (same keys, camel-cased), plus `mediaWorkers` (ours). */
export interface RtcServerConfig {
  /** IPs to bind/advertise, empty = all interfaces. */
  iceAddressUDP: string[];
  icePortUDP: number;
  iceAddressTCP: string[];
  icePortTCP: number;
  enableIPv6: boolean;
  /** IP or hostname advertised in host candidates, or an `EXT/INT,EXT/INT` NAT map. */
  iceHostOverride: string;
  /** Single port, or `localIP/port,localIP/port`. Empty = no override. */
  iceHostPortOverride: string;
  iceServers: IceServerConfig[];
  turn: {
    staticAuthSecret: string;
    credentialsExpirationMinutes: number;
  };
  udpSocketsCount: number;
  nackBufferSize: number;
  nackDisableCopy: boolean;
  /** Media worker threads; 0 = one per core. Each call is pinned to one worker. */
  mediaWorkers: number;
}

/** Events the SFU emits (typed EventEmitter map). */
export interface RtcServerEvents {
  /** SDP/ICE for a session's client, or VoiceOn/VoiceOff. Route by `sessionID`. */
  message: [RtcMessage];
  /** A session ended for any reason (leave, PC failed/closed, signaling timeout). */
  sessionClosed: [SessionConfig, SessionCloseReason];
}

// ---- additions (ours) ----

/** Kinds of media the SFU forwards; the first part of an outgoing track id. */
export type TrackType = 'voice' | 'screen' | 'screen-audio' | 'video';

/** Why a session ended (second argument of `sessionClosed`, and the observer's `sessionclose`). */
export type SessionCloseReason =
  | 'closed' // closeSession() (the client left)
  | 'signaling_timeout' // no first offer within 10 s
  | 'signaling_failed' // the first offer could not be applied
  | 'connection_failed' // peer connection state `failed`
  | 'connection_closed' // peer connection state `closed` (not initiated by us)
  | 'worker_crash' // the media worker that hosted the call died
  | 'server_stop'; // stop() without drain

/**
 * Who moves the media packets: `fast` (default) = our SRTP contexts, in-place header rewriting and connected
 * sockets, werift only for ICE/DTLS/SCTP/SDP/RTCP; `werift` = werift's own receive/send path (the baseline the
 * benchmark compares against, and a way out if the fast path misbehaves).
 */
export type MediaPath = 'fast' | 'werift';

/** Peer-connection states that are counted in `rtc_conn_states_total`. */
export type CountedConnState = 'connected' | 'disconnected' | 'failed' | 'closed';

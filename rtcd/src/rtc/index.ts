// @calls-ts/rtcd/rtc — the SFU library (used by the rtcd daemon and embedded by the Calls plugin).
//
//   const metrics = createRtcMetrics(registry, 'rtcd');            // or 'mattermost_plugin_calls'
//   const server = new RtcServer(config, { logger, metrics });     // media workers: config.mediaWorkers (0 = per core)
//   server.on('message', (msg) => deliverToClient(msg.sessionID, msg)); // SDP/ICE (`rtc`), VoiceOn/Off (`vad`)
//   server.on('sessionClosed', (cfg, reason) => sendClose(cfg.sessionID));
//   await server.start();                                          // binds the ICE port (icePortUDP, ICE-TCP on icePortTCP)
//   server.udpPort, server.tcpPort                                 // the port every session uses (0 in config = a free one)
//   await server.initSession({ groupID, callID, userID, sessionID, props });  // rejects with RtcError
//   server.send(msgFromClient);                                    // SDP, ICE, Mute, Unmute, ScreenOn, ScreenOff
//   await server.closeSession(sessionID);                          // leave
//   await server.stop({ drain: true });                            // SIGTERM
//
// Media moves on the fast path (rtc/fast: our SRTP, in-place headers, connected sockets; werift keeps ICE,
// DTLS, SCTP, SDP and RTCP); `new RtcServer(cfg, { mediaPath: 'werift' })` or RTC_MEDIA_PATH=werift selects
// werift's own path. `rtc_rtp_path_packets_total{direction,path,reason}` says which path carried what.
export * from './types.js';
export { RtcServer, defaultMediaPath, type RtcServerOptions, type StopOptions } from './server/rtc-server.js';
export type { WorkerResources } from './server/worker-protocol.js';
export { RtcError, isRtcError, type RtcErrorCode } from './errors.js';
export { defaultRtcServerConfig, validateRtcServerConfig, validateSessionConfig, mediaWorkerCount } from './config.js';
export { createRtcMetrics, RtcMetrics } from './metrics/rtc-metrics.js';
export { LATENCY_BUCKETS, LOSS_BUCKETS, DEFAULT_BUCKETS, MOS_BUCKETS } from './metrics/buckets.js';
export { RtcObserver, type RtcObserverEvents, type ObservedTrack, type ObserverEvent } from './observer.js';
export {
  DCMessageType,
  DCMessageError,
  encodeDCMessage,
  decodeDCMessage,
  parseSessionDescription,
  type DCMessage,
  type MediaMap,
  type TrackInfo,
  type SessionDescriptionJSON,
} from './dc/messages.js';
export { newId, newTrackId, parseTrackId } from './ids.js';
export { PeerFactory, type SfuPeer, type PeerResources, type PeerPort } from './peer-factory.js';
export { genTurnConfigs, genTurnCredentials, firstStunServer, type TurnCredentials } from './net/turn.js';
export { NetConfigError } from './net/addresses.js';
export { DROP_REASONS, type DropReason } from './net/counters.js';
export { PATH_OUTCOMES } from './metrics/recorder.js';
export {
  sfuCodecs,
  sfuHeaderExtensions,
  OPUS_MIME,
  VP8_MIME,
  OPUS_PAYLOAD_TYPE,
  VP8_PAYLOAD_TYPE,
  AUDIO_LEVEL_URI,
} from './media-config.js';
export { VoiceActivityDetector, DEFAULT_VAD_CONFIG, type VadConfig } from './forward/vad.js';
export { estimateMos } from './engine/mos.js';
export type { SessionTiming, TimingOptions } from './engine/session.js';
export type { NegotiationTiming } from './signaling/negotiator.js';

// @calls-ts/rtcd/client — a Calls client in Node (the reference rtcd's `client/` package, which its recorder
// and load tester use): the Mattermost WebSocket side of a Calls user and a werift peer speaking the
// browser's protocol, media sources from real samples (Ogg/Opus, IVF/VP8) or synthetic, and received-media
// measurement (packets, loss, jitter, one-way delay).
//
//   const c = await CallsClient.connect({ url, token, channelID, stunUrl });   // host WebSocket, hello
//   await c.join();                                   // join event, then the werift peer connects
//   await c.unmute(); await c.startScreen(); c.leave(); await c.close();
//
//   // Real media and cheap receiving (what lt does): a shared port per peer, file pumps, our SRTP counter.
//   const speech = readOggOpus('lt/samples/speech_0.ogg');
//   const c = await CallsClient.connect({ url, token, channelID, peer: {
//     port, sendRegistry, voiceSource: (track) => new OpusFilePump(track, speech, levels) } });
//   await c.join(); const counter = await countMediaOnly(c.peer!);
export { CallsClient, EVENT_PREFIX, type CallsClientOptions, type CallsClientEvents, type WsEvent } from './calls-client.js';
export { CallsPeer, type CallsPeerOptions, type CallsPeerEvents, type VoicePump, type ScreenPump } from './peer.js';
export { restrictSrtpProfile } from './srtp-profile.js';
export { LEVELS, RtpPump, OpusPump, Vp8Pump, OpusFilePump, Vp8FilePump, isVp8KeyframeStart, type LevelFn } from './media/pumps.js';
export { readOggOpus, opusPacketSamples, MediaFileError, MAX_MEDIA_FILE_BYTES, type OpusStream } from './media/ogg-opus.js';
export { readIvf, packetizeVp8, VP8_MAX_PAYLOAD, type IvfStream, type IvfFrame } from './media/ivf.js';
export { ReceivedMedia, type ReceivedTrack, type TransportSeq } from './media/received-media.js';
export { MediaCounter, countMediaOnly, type CountablePeer, type MediaKind } from './media/media-counter.js';
export { SendRegistry, SenderLog, DelayProbe, sendRegistry, payloadFingerprint } from './media/send-log.js';
export { LatencyHistogram, JitterMeter } from './media/stats.js';
export { openClientPort, type ClientPort } from './port.js';

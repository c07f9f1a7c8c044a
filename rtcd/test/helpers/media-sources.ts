// Media sources of test clients: the client library's synthetic pumps (@calls-ts/rtcd/client).
export { LEVELS, OpusPump, Vp8Pump, isVp8KeyframeStart, type LevelFn } from '@calls-ts/rtcd/client';

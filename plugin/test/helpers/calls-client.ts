// The Calls client of the plugin's tests is the client library's (@calls-ts/rtcd/client): the host
// WebSocket and the Calls actions of a user, with a werift peer speaking the browser's protocol.
export { CallsClient, EVENT_PREFIX, type CallsClientEvents, type CallsClientOptions, type WsEvent } from '@calls-ts/rtcd/client';

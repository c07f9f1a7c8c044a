// # rtc/net — one ICE port for every peer connection of the process
//
// werift opens a UDP socket per RTCPeerConnection; the reference rtcd serves every session on one port
// (8443), ICE-TCP on the same port number. This module puts werift's ICE on such a port:
//
//   SharedUdpPort (the thread that binds the port, normally the main thread)
//     - binds `icePortUDP` on every local address (or `iceAddressUDP`), with SO_REUSEADDR, and ICE-TCP
//       listeners on `icePortTCP` (default: the same number; RFC 4571 framing);
//     - routes each datagram: STUN Binding requests by the ufrag in USERNAME after checking
//       MESSAGE-INTEGRITY with that session's ICE password (a forged check binds nothing), everything else
//       (DTLS, SRTP, SRTCP, STUN responses) by the remote address a verified check came from, or by the
//       transaction id of a request the session sent; garbage is counted by reason and dropped;
//     - advertises host candidates with `iceHostOverride` (IP, hostname, or EXT/INT NAT map),
//       `iceHostPortOverride` (one port, or localIP/port), or, with neither override and STUN servers
//       configured, the public address found by asking the *configured* STUN server from the port itself;
//     - links media workers (`addWorker`).
//   WorkerUdpPort (inside a media worker)
//     - binds its own SO_REUSEADDR sockets on the same addresses and port and SENDS from them (egress never
//       crosses threads); Linux delivers incoming datagrams to the socket bound last, so the main thread
//       re-binds its receiving sockets after each worker binds, then routes datagrams of that worker's
//       sessions to it in per-event-loop-turn batches (one transferred ArrayBuffer; bounded in flight).
//       ICE-TCP streams of worker sessions are relayed over the MessagePort.
//   PeerPortAttachment (per PC, created by either of the two) — the werift hook (see werift-ice.ts; guarded
//     by test/net/werift-guard.test.ts): werift's own StunProtocol/TcpPassiveProtocol objects on our
//     transport, so ICE checks, consent, DTLS, SCTP and SRTP stay werift's.
//
// ## Peer factory (rtc/peer-factory.ts)
//
//   const pc = new RTCPeerConnection({ ...sfuConfig, bundlePolicy: 'max-bundle', ...port.peerConfig() });
//   const attachment = port.attach(pc);          // before any createOffer / setRemoteDescription
//
// `port` is the SharedUdpPort (sessions in the thread that owns the port) or the WorkerUdpPort (sessions in
// a worker): both have `peerConfig()` and `attach(pc)`. `peerConfig()` must be spread last (it turns
// werift's own gathering off: iceUseIpv4/iceUseIpv6 false; full ICE, see sharedPortPeerConfig). max-bundle
// is required (one ICE transport per PC: two transports of one PC would share a ufrag). The attachment
// follows the PC's lifecycle (pc.close() unregisters it); `attachment.close()` is there for early teardown.
// Server-side TURN is not used on the shared port (clients relay through TURN with genTurnConfigs creds).
//
// ## Worker bootstrap
//
//   main:   const port = await SharedUdpPort.bind(cfg.rtc, { logger });
//           const { port1, port2 } = new MessageChannel();
//           const worker = new Worker(file, { workerData: { netPort: port2 }, transferList: [port2] });
//           await port.addWorker(port1);            // resolves once the worker can serve sessions
//   worker: const port = await WorkerUdpPort.connect(workerData.netPort, { logger });
//
// A worker that exits takes its sessions off the route table (the MessagePort closes).
//
// ## Fast path hooks
//
// `attachment.setMediaInterceptor(fn)` sees each received RTP/RTCP datagram of the PC before werift (return
// true when consumed); `attachment.selectedPath()` sends already-protected packets on the nominated UDP
// pair, and `await attachment.connectSelectedPath()` opens a socket on the shared port connect()ed to the
// peer: cheaper sends, and the peer's datagrams then reach this thread directly (no main-thread hop).
// With the keys from `srtpKeysOf(pc)` (rtc/srtp) the forward path can take SRTP over from werift.
//
// ## Metrics
//
// `port.counters` (NetCounters: udpReceived, udpRouted, dropped{reason}, udpSent, tcpAccepted/Rejected,
// workerBatches) are plain numbers for a prom-client collect() callback; on the main thread
// udpReceived = udpRouted + Σ dropped. Workers keep their own (udpSent of the worker's sockets).
export * from './addresses.js';
export { ConnectedPath } from './connected-path.js';
export * from './counters.js';
export { PeerPortAttachment, type MediaInterceptor, type SelectedPath } from './peer-attachment.js';
export { SharedUdpPort, sharedPortPeerConfig, type SharedPortConfig, type SharedUdpPortOptions } from './shared-udp-port.js';
export { WorkerUdpPort, type WorkerUdpPortOptions } from './worker-port.js';
export type { WorkerLink } from './worker-link.js';
export { firstStunServer, genTurnConfigs, genTurnCredentials, type TurnCredentials } from './turn.js';
export { assertWeriftInternals, weriftInternalsProblems, PINNED_WERIFT_VERSION } from './werift-ice.js';

// A UDP port of one's own for a client peer (load generators): the SFU library's shared-port module bound to
// one local address and a free port, for a single PC. Its point is the media hook: packets for that PC can be
// taken before werift (media/media-counter.ts). Gathering is local (the port's host candidate only), so
// werift sends no STUN query.
import { pino } from 'pino';
import { SharedUdpPort } from '../rtc/net/shared-udp-port.js';
import type { PeerPort } from '../rtc/peer-factory.js';

export interface ClientPort extends PeerPort {
  readonly port: number;
  close(): Promise<void>;
}

const silent = pino({ level: 'silent' });

/** Binds a free UDP port on `address` (IPv4) for one client peer; close it after the peer. */
export async function openClientPort(address = '127.0.0.1'): Promise<ClientPort> {
  const port = await SharedUdpPort.bind(
    { iceAddressUDP: [address], icePortUDP: 0, icePortTCP: 0, enableIPv6: false, iceHostOverride: '', iceHostPortOverride: '', iceServers: [] },
    { tcp: false, logger: silent, socketBufferBytes: 1 << 20 },
  );
  return {
    port: port.udpPort,
    peerConfig: () => port.peerConfig(),
    attach: (pc) => port.attach(pc),
    close: () => port.close(),
  };
}

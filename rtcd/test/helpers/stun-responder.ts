// A minimal STUN server on loopback (RFC 5389 Binding → XOR-MAPPED-ADDRESS) for test clients. werift's full
// ICE agent queries stun.l.google.com when it has no STUN server of its own (werift.md §2.9-1); pointing
// test clients here keeps every test offline and fast, the way a browser with no ICE servers behaves.
import { createSocket, type Socket } from 'node:dgram';

const COOKIE = 0x2112a442;

export class StunResponder {
  private constructor(
    private readonly socket: Socket,
    readonly port: number,
  ) {}

  /** `stun:` URL for RTCPeerConnection iceServers. */
  get url(): string {
    return `stun:127.0.0.1:${this.port}`;
  }

  static async start(): Promise<StunResponder> {
    const socket = createSocket('udp4');
    socket.on('message', (msg, rinfo) => {
      if (msg.length < 20 || msg.readUInt16BE(0) !== 0x0001 || msg.readUInt32BE(4) !== COOKIE) return;
      const res = Buffer.alloc(32);
      res.writeUInt16BE(0x0101, 0); // Binding success response
      res.writeUInt16BE(12, 2);
      msg.copy(res, 4, 4, 20); // cookie + transaction id
      res.writeUInt16BE(0x0020, 20); // XOR-MAPPED-ADDRESS
      res.writeUInt16BE(8, 22);
      res.writeUInt8(0x01, 25); // IPv4
      res.writeUInt16BE(rinfo.port ^ (COOKIE >>> 16), 26);
      const ip = rinfo.address.split('.').reduce((acc, o) => (acc << 8) | Number(o), 0) >>> 0;
      res.writeUInt32BE((ip ^ COOKIE) >>> 0, 28);
      socket.send(res, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new StunResponder(socket, socket.address().port);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

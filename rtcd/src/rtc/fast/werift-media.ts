// Every use of werift's media internals by the fast path lives here, pinned to werift 0.25.2 like the
// shared-port hook (net/werift-ice.ts); `weriftMediaProblems()` checks each fact and the guard test fails
// loudly if an upgrade moves one.
//
//   - ingest: RTCDtlsTransport.srtp is werift's SrtpSession; its `decrypt` (an instance arrow property) is
//     what werift calls for every received SRTP packet before parsing and routing it. We put our context's
//     unprotect there: werift keeps routing, receiver reports, NACK generation and TWCC; only the cipher is
//     ours (werift.md §5: a cipher object per packet there).
//   - egress: RTCRtpSender keeps the sender report inputs in plain fields (ntpTimestamp, rtpTimestamp,
//     packetCount, octetCount) read by its RTCP loop (`runRtcp`, started by its first send). Packets we send
//     for it must show in its reports, so those fields become accessors over our counters.
//   - continuity: the sender's last sequence number / timestamp (`sequenceNumber`, `timestamp`), to continue
//     a stream werift started.
//   - SRTCP: RTCDtlsTransport.srtcp is werift's SrtcpSession (`decrypt` an instance arrow property, `encrypt`
//     a method its sendRtcp calls, the per-SSRC indices in `localContext.srtcpSSRCStates`); both ciphers
//     become our contexts', numbering continued.
import { RTCDtlsTransport, RTCRtpReceiver, RTCRtpSender, SrtpAuthenticationError, type RTCPeerConnection } from 'werift';
import { SRTP_ERR_AUTH, SRTP_ERR_MALFORMED, SRTP_ERR_REPLAY, SRTP_ERR_TOO_LARGE, type SrtpContext } from '../srtp/context.js';

interface SrtpSessionInternals {
  decrypt: (data: Buffer) => Buffer;
}
interface SrtcpSessionInternals {
  decrypt: (data: Buffer) => Buffer;
  encrypt: (raw: Buffer) => Buffer;
  localContext?: { srtcpSSRCStates?: Record<string, { srtcpIndex: number }> };
}
interface DtlsInternals {
  srtp?: SrtpSessionInternals;
  srtcp?: SrtcpSessionInternals;
  transportSequenceNumber: number;
}
export interface SenderInternals {
  ssrc: number;
  mid?: string;
  codec?: { payloadType: number };
  headerExtensions: { id: number; uri: string }[];
  sequenceNumber?: number;
  timestamp?: number;
  ntpTimestamp: bigint;
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
  stopped: boolean;
  dtlsTransport?: RTCDtlsTransport;
  runRtcp(): Promise<void>;
}

export function senderInternals(sender: RTCRtpSender): SenderInternals {
  return sender as unknown as SenderInternals;
}

/** Everything the fast path assumes about werift's internals that no longer holds (empty = all good). */
export function weriftMediaProblems(): string[] {
  const problems: string[] = [];
  const sender = new RTCRtpSender('audio') as unknown as Record<string, unknown>;
  for (const f of ['ntpTimestamp', 'rtpTimestamp', 'packetCount', 'octetCount', 'ssrc', 'headerExtensions']) {
    if (!(f in sender)) problems.push(`RTCRtpSender.${f} is gone`);
  }
  for (const f of ['sequenceNumber', 'timestamp']) if (!(f in sender)) problems.push(`RTCRtpSender.${f} is gone`);
  if (typeof sender.runRtcp !== 'function') problems.push('RTCRtpSender.runRtcp is gone');
  const runRtcp = String(sender.runRtcp);
  for (const f of ['ntpTimestamp', 'rtpTimestamp', 'packetCount', 'octetCount']) {
    if (!runRtcp.includes(`this.${f}`)) problems.push(`RTCRtpSender.runRtcp no longer reports this.${f}`);
  }
  const d = Object.getOwnPropertyDescriptor(sender, 'ntpTimestamp');
  if (!d?.configurable) problems.push('RTCRtpSender.ntpTimestamp is not configurable');
  // The receiver bookkeeping the fast ingest keeps doing (fast/ingest-route.ts).
  const rp = RTCRtpReceiver.prototype as unknown as Record<string, unknown>;
  const handle = String(rp.handleRTP);
  for (const s of ['remoteStreams[', '.add(packet)', 'nack.addPacket', 'receiverTWCC', 'onReceiveRtp.execute']) {
    if (!handle.includes(s)) problems.push(`RTCRtpReceiver.handleRTP no longer has ${s}`);
  }
  if (!Object.getOwnPropertyDescriptor(rp, 'nackEnabled')?.get) problems.push('RTCRtpReceiver.nackEnabled is gone');
  // Decryption and RTCP sending on the DTLS transport.
  const dp = RTCDtlsTransport.prototype as unknown as Record<string, unknown>;
  const start = String(dp.startSrtp);
  if (!start.includes('this.srtp.decrypt') || !start.includes('this.onRtp.execute')) problems.push('RTCDtlsTransport.startSrtp no longer decrypts through this.srtp.decrypt');
  if (!start.includes('this.srtcp.decrypt')) problems.push('RTCDtlsTransport.startSrtp no longer decrypts SRTCP through this.srtcp.decrypt');
  const sendRtcp = String(dp.sendRtcp);
  if (!sendRtcp.includes('serialize()')) problems.push('RTCDtlsTransport.sendRtcp no longer serializes the packets it is given');
  if (!sendRtcp.includes('this.srtcp.encrypt')) problems.push('RTCDtlsTransport.sendRtcp no longer encrypts through this.srtcp.encrypt');
  return problems;
}

let checked: string[] | undefined;
/** weriftMediaProblems(), computed once per thread: the fast path stays off (werift's path) if any. */
export function weriftMediaUsable(): string[] {
  checked ??= weriftMediaProblems();
  return checked;
}

/** The SRTP outcome of one ingest packet, reported to the caller's counters. */
export const enum IngestOutcome {
  Fast = 0,
  TooLarge = 1,
  Malformed = 2,
  AuthFailed = 3,
  Replay = 4,
}

/**
 * Makes werift decrypt this transport's incoming SRTP (not SRTCP) with `ctx`. Packets our context refuses as
 * malformed or too large go to werift's own decrypt; forged and replayed ones are dropped (werift logs and
 * drops what its decrypt rejects). Returns the function that restores werift's decrypt.
 */
export function takeOverSrtpDecrypt(
  dtls: RTCDtlsTransport,
  ctx: SrtpContext,
  outcome: (o: IngestOutcome) => void,
  /** Sees each packet our context decrypted (plaintext `data[0..len)`), before werift parses it. */
  decrypted?: (data: Buffer, len: number) => void,
): () => void {
  const session = (dtls as unknown as DtlsInternals).srtp;
  if (!session || typeof session.decrypt !== 'function') throw new Error('werift internals changed: RTCDtlsTransport.srtp.decrypt is gone');
  const original = session.decrypt;
  session.decrypt = (data: Buffer): Buffer => {
    const n = ctx.unprotectRtp(data);
    if (n >= 0) {
      outcome(IngestOutcome.Fast);
      decrypted?.(data, n);
      return n === data.length ? data : data.subarray(0, n);
    }
    if (n === SRTP_ERR_TOO_LARGE || n === SRTP_ERR_MALFORMED) {
      outcome(n === SRTP_ERR_TOO_LARGE ? IngestOutcome.TooLarge : IngestOutcome.Malformed);
      return original(data);
    }
    outcome(n === SRTP_ERR_AUTH ? IngestOutcome.AuthFailed : IngestOutcome.Replay);
    throw new SrtpAuthenticationError(n === SRTP_ERR_REPLAY ? 'replayed SRTP packet' : 'SRTP authentication failed');
  };
  return () => {
    if (session.decrypt !== original) session.decrypt = original;
  };
}

/**
 * Makes werift protect the RTCP it sends on this transport with `local` and unprotect what it receives with
 * `remote` (werift builds a cipher object per SRTCP packet: the reports and feedback of every peer, several
 * a second). Indices continue where werift's own numbering stopped. SRTCP our contexts refuse as
 * malformed or too large goes to werift's own code; forged or replayed SRTCP is dropped as werift drops it.
 * Returns the function that restores werift's ciphers.
 */
export function takeOverSrtcp(dtls: RTCDtlsTransport, local: SrtpContext, remote: SrtpContext): () => void {
  const session = (dtls as unknown as DtlsInternals).srtcp;
  const states = session?.localContext?.srtcpSSRCStates;
  if (!session || typeof session.decrypt !== 'function' || typeof session.encrypt !== 'function' || !states) {
    throw new Error('werift internals changed: RTCDtlsTransport.srtcp is not what the fast path expects');
  }
  for (const [ssrc, st] of Object.entries(states)) local.continueRtcp(Number(ssrc), st.srtcpIndex);
  const ownDecrypt = session.decrypt;
  const ownEncrypt = session.encrypt;
  const tail = local.tagLength + 4;
  session.encrypt = (raw: Buffer): Buffer => {
    const out = Buffer.allocUnsafe(raw.length + tail);
    const n = local.protectRtcp(raw, raw.length, out);
    // Not protectable by ours (malformed, too large): werift numbers its own from its last index, which
    // ours continues past; such packets do not occur on a working session.
    if (n < 0) return ownEncrypt.call(session, raw);
    return n === out.length ? out : out.subarray(0, n);
  };
  session.decrypt = (data: Buffer): Buffer => {
    const n = remote.unprotectRtcp(data);
    if (n >= 0) return n === data.length ? data : data.subarray(0, n);
    if (n === SRTP_ERR_TOO_LARGE || n === SRTP_ERR_MALFORMED) return ownDecrypt(data);
    throw new SrtpAuthenticationError(n === SRTP_ERR_REPLAY ? 'replayed SRTCP packet' : 'SRTCP authentication failed');
  };
  return () => {
    if (session.decrypt !== ownDecrypt) session.decrypt = ownDecrypt;
    if (session.encrypt !== ownEncrypt) delete (session as Partial<SrtcpSessionInternals>).encrypt;
  };
}

/** werift's RTCDtlsTransport.sendRtcp for a packet we serialized ourselves (it concatenates `serialize()`s). */
export function sendRawRtcp(dtls: RTCDtlsTransport, packet: Buffer): Promise<void> {
  const raw = { serialize: () => packet };
  return (dtls as unknown as { sendRtcp(p: unknown[]): Promise<void> }).sendRtcp([raw]);
}

/** The DTLS transport of a max-bundle PC (its only one). */
export function bundleTransport(pc: RTCPeerConnection): RTCDtlsTransport | undefined {
  return pc.dtlsTransports[0];
}

const NTP_EPOCH_OFFSET_S = 2208988800;
const TWO_32 = 4294967296;

/** RFC 3550 64-bit NTP timestamp of a wall-clock time in ms. */
export function ntpFromUnixMs(ms: number): bigint {
  const secs = Math.floor(ms / 1000);
  const frac = Math.floor(((ms - secs * 1000) / 1000) * TWO_32);
  return (BigInt(secs + NTP_EPOCH_OFFSET_S) << 32n) | BigInt(frac >>> 0);
}

/** The numbers a sender report needs, kept by whoever sends for the stream (us, or werift as a fallback). */
export class SenderReportState {
  packetCount = 0;
  octetCount = 0;
  rtpTimestamp = 0;
  /** performance.now() of the last packet sent, -1 before the first. */
  sentAt = -1;
  /** NTP time werift set when it sent the last packet itself. */
  weriftNtp = 0n;
}

/**
 * Points the sender's report fields at `state`: werift's RTCP loop then reports what we sent (with the NTP
 * time of the last packet and its RTP timestamp, a consistent pair), and what werift itself sends for the
 * stream lands in the same state. Starts the RTCP loop (werift starts it on its first own send).
 */
export function shareSenderReports(sender: RTCRtpSender, state: SenderReportState): void {
  const s = senderInternals(sender);
  state.packetCount = s.packetCount;
  state.octetCount = s.octetCount;
  state.rtpTimestamp = s.rtpTimestamp;
  state.weriftNtp = s.ntpTimestamp;
  const define = (name: string, get: () => unknown, set: (v: never) => void) =>
    Object.defineProperty(sender, name, { configurable: true, enumerable: true, get, set });
  define('packetCount', () => state.packetCount, (v: number) => (state.packetCount = v));
  define('octetCount', () => state.octetCount, (v: number) => (state.octetCount = v));
  define('rtpTimestamp', () => state.rtpTimestamp, (v: number) => (state.rtpTimestamp = v));
  define(
    'ntpTimestamp',
    () => (state.sentAt >= 0 ? ntpFromUnixMs(performance.timeOrigin + state.sentAt) : state.weriftNtp),
    (v: bigint) => {
      state.weriftNtp = v;
      state.sentAt = -1;
    },
  );
  if (!s.stopped) void s.runRtcp().catch(() => undefined);
}

/** The transport-wide sequence counter werift keeps per DTLS transport. */
export function transportSeqHolder(dtls: RTCDtlsTransport): { transportSequenceNumber: number } {
  return dtls as unknown as DtlsInternals;
}

// Who owns a datagram arriving on the shared port: by ICE ufrag first (the USERNAME of a verified STUN
// Binding request), then by the remote address that request came from. Bounded per owner so a peer
// cycling addresses or ICE restarts cannot grow the tables without limit.
import type { PortOwner } from './backend.js';
import type { NetCounters } from './counters.js';
import { PacketKind, isBindingRequest, localUfragOf, packetKind, parseStun, StunClass, verifyIntegrity } from './stun.js';

const MAX_UFRAGS_PER_OWNER = 8;
const MAX_ADDRS_PER_OWNER = 64;
/** Outstanding STUN requests sent by sessions (full ICE checks, consent): a response is routed by its id. */
const MAX_TRANSACTIONS = 8192;

interface UfragEntry {
  owner: PortOwner;
  key: Buffer;
}
interface OwnerEntry {
  ufrags: string[];
  addrs: string[];
}

/** Sees STUN success responses before routing (public-address discovery uses it); true = consumed. */
export type StunResponseTap = (data: Buffer, host: string, port: number) => boolean;

export class RouteTable {
  private readonly ufrags = new Map<string, UfragEntry>();
  private readonly addrs = new Map<string, PortOwner>();
  private readonly owners = new Map<PortOwner, OwnerEntry>();
  /** Insertion-ordered, so the oldest are evicted first. */
  private readonly transactions = new Map<string, PortOwner>();
  responseTap: StunResponseTap | null = null;

  constructor(private readonly counters: NetCounters) {}

  private entry(owner: PortOwner): OwnerEntry {
    let e = this.owners.get(owner);
    if (!e) {
      e = { ufrags: [], addrs: [] };
      this.owners.set(owner, e);
    }
    return e;
  }

  registerUfrag(owner: PortOwner, ufrag: string, pwd: string): void {
    const prev = this.ufrags.get(ufrag);
    if (prev && prev.owner !== owner) {
      const pe = this.owners.get(prev.owner);
      if (pe) pe.ufrags = pe.ufrags.filter((u) => u !== ufrag);
    }
    this.ufrags.set(ufrag, { owner, key: Buffer.from(pwd, 'utf8') });
    const e = this.entry(owner);
    if (!e.ufrags.includes(ufrag)) e.ufrags.push(ufrag);
    while (e.ufrags.length > MAX_UFRAGS_PER_OWNER) this.ufrags.delete(e.ufrags.shift()!);
  }

  /** host:port now belongs to `owner` (a verified check came from it, or the owner sent a check there). */
  learn(owner: PortOwner, key: string): void {
    const prev = this.addrs.get(key);
    if (prev === owner) return;
    if (prev) {
      const pe = this.owners.get(prev);
      if (pe) pe.addrs = pe.addrs.filter((a) => a !== key);
    }
    this.addrs.set(key, owner);
    const e = this.entry(owner);
    e.addrs.push(key);
    while (e.addrs.length > MAX_ADDRS_PER_OWNER) this.addrs.delete(e.addrs.shift()!);
  }

  /**
   * `owner` sent a STUN request with this transaction id. Its response usually comes from the address the
   * request went to (learned too), but not always: a host with several addresses answers from whichever
   * source address routing picks.
   */
  learnTransaction(owner: PortOwner, transactionIdHex: string): void {
    this.transactions.set(transactionIdHex, owner);
    if (this.transactions.size > MAX_TRANSACTIONS) this.transactions.delete(this.transactions.keys().next().value!);
  }

  unregister(owner: PortOwner): void {
    for (const [id, o] of this.transactions) if (o === owner) this.transactions.delete(id);
    const e = this.owners.get(owner);
    if (!e) return;
    for (const u of e.ufrags) if (this.ufrags.get(u)?.owner === owner) this.ufrags.delete(u);
    for (const a of e.addrs) if (this.addrs.get(a) === owner) this.addrs.delete(a);
    this.owners.delete(owner);
  }

  ownerOfAddress(host: string, port: number): PortOwner | undefined {
    return this.addrs.get(`${host}:${port}`);
  }

  /** Resolves and checks the owner named by a STUN Binding request (UDP datagram or first ICE-TCP frame). */
  ownerOfRequest(data: Buffer): PortOwner | null {
    const info = parseStun(data);
    if (!info) {
      this.counters.drop('stun_malformed');
      return null;
    }
    if (!isBindingRequest(info)) {
      this.counters.drop('stun_unsupported');
      return null;
    }
    const ufrag = localUfragOf(data, info);
    if (!ufrag) {
      this.counters.drop('stun_unsupported');
      return null;
    }
    const entry = this.ufrags.get(ufrag);
    if (!entry) {
      this.counters.drop('stun_unknown_ufrag');
      return null;
    }
    if (!verifyIntegrity(data, info, entry.key)) {
      this.counters.drop('stun_bad_integrity');
      return null;
    }
    return entry.owner;
  }

  /** The whole per-datagram decision; counts every outcome. */
  route(bindingIndex: number, data: Buffer, host: string, port: number): void {
    const c = this.counters;
    const kind = packetKind(data[0]);
    let owner: PortOwner | null | undefined;
    if (kind === PacketKind.Dtls || kind === PacketKind.Media) {
      owner = this.addrs.get(`${host}:${port}`);
      if (!owner) {
        c.drop('unknown_address');
        return;
      }
    } else if (kind === PacketKind.Stun) {
      // Requests carry the ufrag; responses and indications only have the address to go by.
      if ((data[0] & 0x01) === 0 && (data[1] & 0x10) === 0) {
        owner = this.ownerOfRequest(data);
        if (!owner) return;
        this.learn(owner, `${host}:${port}`);
      } else {
        const info = parseStun(data);
        if (!info) {
          c.drop('stun_malformed');
          return;
        }
        if (this.responseTap && info.cls === StunClass.Success && this.responseTap(data, host, port)) return;
        owner = this.addrs.get(`${host}:${port}`);
        if (!owner && info.cls !== StunClass.Indication) {
          const id = data.toString('hex', 8, 20);
          owner = this.transactions.get(id);
          if (owner) this.transactions.delete(id);
        }
        if (!owner) {
          c.drop('unknown_address');
          return;
        }
      }
    } else {
      c.drop('not_webrtc');
      return;
    }
    if (owner.receiveUdp(bindingIndex, data, host, port)) c.udpRouted++;
  }

  get ownerCount(): number {
    return this.owners.size;
  }
  get addressCount(): number {
    return this.addrs.size;
  }
  get ufragCount(): number {
    return this.ufrags.size;
  }
}

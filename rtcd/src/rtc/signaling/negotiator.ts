// Offer/answer for one session, with the reference's roles (rtcd session.go / sfu.go handleTracks):
// - the client offers first and on its own changes (guarded by the DC Lock/Unlock handshake); we answer on
//   the channel the offer came from;
// - we renegotiate when forwarded tracks come and go: queued actions (bounded), the signaling lock (≤ 5 s,
//   else `signaling_lock_timeout`), then one offer for everything queued (the reference makes one per
//   action), MediaMap first, answer within 10 s. Where the reference drops an action whose lock wait timed
//   out (that participant is then never heard), we retry it a few times before giving up;
// - we are the impolite peer: a client offer that arrives while we are offering, or not stable, is ignored.
// Description operations never interleave: they run one at a time on `ops`. Every offer we make numbers its
// header extensions as the session's bundle already does (bundle-extensions.ts).
import type { RTCPeerConnection } from 'werift';
import type { SessionDescriptionJSON } from '../dc/messages.js';
import { sfuExtensionUris } from '../media-config.js';
import { BundleExtensions } from './bundle-extensions.js';
import { SignalingLock } from './signaling-lock.js';

export type SignalVia = 'ws' | 'dc';

export interface NegotiationTiming {
  lockTimeoutMs: number;
  answerTimeoutMs: number;
  /** A client holding the lock longer than this loses it (a client that never sends Unlock). */
  clientLockMaxMs: number;
}

export const DEFAULT_NEGOTIATION_TIMING: NegotiationTiming = {
  lockTimeoutMs: 5000,
  answerTimeoutMs: 10_000,
  clientLockMaxMs: 15_000,
};

export interface NegotiationHost<A> {
  sendDescription(desc: SessionDescriptionJSON, via: SignalVia): void;
  /** Where server offers go: the DC when the session signals over it and it is open, else `message`. */
  offerChannel(): SignalVia;
  /** Applies queued actions to the peer connection; returns those that changed it (need an offer). */
  applyActions(actions: A[]): A[];
  sendMediaMap(): void;
  actionsNegotiated(actions: A[]): void;
  actionsFailed(actions: A[]): void;
  /** A client offer was applied (before our answer): pick up new and ended tracks. */
  remoteOfferApplied(): void;
  observe(metric: 'lockGrabTime' | 'lockLockedTime', seconds: number): void;
  error(type: string, message: string, err?: unknown): void;
  debug(message: string, fields?: Record<string, unknown>): void;
}

const MAX_QUEUED_ACTIONS = 100;
/** Lock waits an action may time out before it is dropped. */
const MAX_LOCK_ATTEMPTS = 3;

interface Queued<A> {
  action: A;
  lockTimeouts: number;
}

export class Negotiator<A> {
  readonly lock = new SignalingLock();
  readonly extensions = new BundleExtensions(sfuExtensionUris());
  private readonly queue: Queued<A>[] = [];
  private running = false;
  private makingOffer = false;
  private closed = false;
  private ops: Promise<void> = Promise.resolve();
  private pendingOps = 0;
  private answerWaiter: { resolve: (d: SessionDescriptionJSON | undefined) => void; timer: NodeJS.Timeout } | undefined;
  private clientLockTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pc: RTCPeerConnection,
    private readonly host: NegotiationHost<A>,
    private readonly timing: NegotiationTiming = DEFAULT_NEGOTIATION_TIMING,
  ) {}

  /** Queues a server-side change; false when the queue is full (counted by the caller). */
  enqueue(action: A): boolean {
    if (this.closed) return false;
    if (this.queue.length >= MAX_QUEUED_ACTIONS) return false;
    this.queue.push({ action, lockTimeouts: 0 });
    this.kick();
    return true;
  }

  /** Removes queued (not yet negotiated) actions matching `pred`; returns them. */
  dequeue(pred: (a: A) => boolean): A[] {
    const removed: A[] = [];
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (pred(this.queue[i]!.action)) removed.unshift(this.queue.splice(i, 1)[0]!.action);
    }
    return removed;
  }

  hasQueued(pred: (a: A) => boolean): boolean {
    return this.queue.some((q) => pred(q.action));
  }

  /** Whether a client offer would be accepted now (not offering ourselves, stable). */
  get canAcceptOffer(): boolean {
    return !this.closed && !this.makingOffer && this.pc.signalingState === 'stable';
  }

  /**
   * Applies a client offer and sends our answer through `via`. Resolves false when the offer was ignored
   * (we are the impolite peer); rejects when it could not be applied.
   */
  handleRemoteOffer(desc: SessionDescriptionJSON, via: SignalVia): Promise<boolean> {
    if (!this.canAcceptOffer || this.pendingOps > 20) {
      this.host.debug('ignoring client offer (signaling conflict)', { state: this.pc.signalingState, makingOffer: this.makingOffer });
      return Promise.resolve(false);
    }
    return this.serialize(async () => {
      if (!this.canAcceptOffer) return false;
      await this.pc.setRemoteDescription(desc);
      this.learnExtensions(desc.sdp);
      this.host.remoteOfferApplied();
      await this.pc.setLocalDescription(await this.pc.createAnswer());
      const local = this.pc.localDescription;
      if (!local || this.closed) return false;
      this.host.sendDescription({ type: 'answer', sdp: local.sdp }, via);
      return true;
    });
  }

  /** An answer from the client; false when we were not waiting for one. */
  handleRemoteAnswer(desc: SessionDescriptionJSON): boolean {
    const w = this.answerWaiter;
    if (!w) return false;
    this.answerWaiter = undefined;
    clearTimeout(w.timer);
    w.resolve(desc);
    return true;
  }

  /** DC Lock request from the client: never waits (the client retries). */
  clientLock(): boolean {
    const ok = this.lock.tryAcquire('client');
    if (ok) {
      clearTimeout(this.clientLockTimer);
      this.clientLockTimer = setTimeout(() => {
        if (this.lock.owner !== 'client') return;
        this.host.error('signaling', 'client held the signaling lock too long, releasing it');
        this.clientUnlock();
      }, this.timing.clientLockMaxMs);
    }
    return ok;
  }

  /** DC Unlock from the client; ignored unless the client holds the lock. */
  clientUnlock(): boolean {
    clearTimeout(this.clientLockTimer);
    const held = this.lock.release('client');
    if (held === undefined) return false;
    this.host.observe('lockLockedTime', held / 1000);
    this.kick();
    return true;
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
    clearTimeout(this.clientLockTimer);
    this.lock.close();
    if (this.answerWaiter) {
      clearTimeout(this.answerWaiter.timer);
      this.answerWaiter.resolve(undefined);
      this.answerWaiter = undefined;
    }
  }

  private learnExtensions(sdp: string): void {
    const conflicts = this.extensions.learn(sdp);
    if (conflicts.length === 0) return;
    const c = conflicts[0]!;
    const was = c.knownId !== undefined ? `id ${c.knownId}` : `id ${c.id} = ${c.knownUri}`;
    this.host.error('signaling', `the client renumbered a header extension in its bundle: ${c.uri} as id ${c.id} (was ${was})`);
  }

  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    this.pendingOps++;
    const result = this.ops.then(fn);
    this.ops = result.then(
      () => undefined,
      () => undefined,
    );
    return result.finally(() => this.pendingOps--);
  }

  private kick(): void {
    this.run().catch((err: unknown) => this.host.error('track', 'renegotiation loop failed', err));
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const t0 = performance.now();
        const acquired = await this.lock.acquire('server', this.timing.lockTimeoutMs);
        if (this.closed) return;
        this.host.observe('lockGrabTime', (performance.now() - t0) / 1000);
        if (!acquired) {
          this.host.error('signaling_lock_timeout', 'timed out waiting for the signaling lock');
          const dropped: A[] = [];
          for (let i = this.queue.length - 1; i >= 0; i--) {
            const q = this.queue[i]!;
            if (++q.lockTimeouts >= MAX_LOCK_ATTEMPTS) dropped.unshift(this.queue.splice(i, 1)[0]!.action);
          }
          if (dropped.length) this.host.actionsFailed(dropped);
          continue;
        }
        const batch = this.queue.splice(0).map((q) => q.action);
        try {
          await this.serialize(() => this.renegotiate(batch));
        } catch (err) {
          this.host.error('track', 'renegotiation failed', err);
        } finally {
          const held = this.lock.release('server');
          if (held !== undefined) this.host.observe('lockLockedTime', held / 1000);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async renegotiate(batch: A[]): Promise<void> {
    if (this.closed) return;
    this.makingOffer = true;
    let applied: A[] = [];
    let offered = false;
    try {
      applied = this.host.applyActions(batch);
      if (applied.length === 0) return;
      this.extensions.numberNewSections(this.pc);
      await this.pc.setLocalDescription(await this.pc.createOffer());
      offered = true;
      const local = this.pc.localDescription;
      if (!local || this.closed) return;
      this.host.sendMediaMap();
      const answerPromise = new Promise<SessionDescriptionJSON | undefined>((resolve) => {
        this.answerWaiter = {
          resolve,
          timer: setTimeout(() => {
            this.answerWaiter = undefined;
            resolve(undefined);
          }, this.timing.answerTimeoutMs),
        };
      });
      this.host.sendDescription({ type: 'offer', sdp: local.sdp }, this.host.offerChannel());
      const answer = await answerPromise;
      if (this.closed) return;
      if (!answer) throw new Error('timed out waiting for the answer');
      if (answer.type !== 'answer') throw new Error(`expected an answer, got ${answer.type}`);
      await this.pc.setRemoteDescription(answer);
      this.learnExtensions(answer.sdp);
      this.host.actionsNegotiated(applied);
    } catch (err) {
      if (this.closed) return;
      this.host.error('track', `renegotiation failed: ${err instanceof Error ? err.message : String(err)}`, err);
      if (offered && this.pc.signalingState === 'have-local-offer') {
        await this.pc.setLocalDescription({ type: 'rollback' }).catch(() => undefined);
      }
      this.host.actionsFailed(applied);
    } finally {
      this.makingOffer = false;
    }
  }
}

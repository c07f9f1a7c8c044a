import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { z } from 'zod';
import type { Logger } from '../log.js';
import type { HostMetrics } from '../metrics/host-metrics.js';
import type {
  CallHook,
  HookMap,
  HookName,
  HostToPlugin,
  NotificationHook,
  PluginConfig,
  RpcError,
} from '../plugin-rpc/protocol.js';
import { API_METHODS, RPC_PROTOCOL_VERSION } from '../plugin-rpc/protocol.js';
import type { LoadedManifest } from './manifest.js';

/** Mattermost's plugin states (PluginStateNotRunning = 0 ... PluginStateStopping = 5). */
export const PLUGIN_STATES = ['not_running', 'starting', 'running', 'failed_to_start', 'failed_to_stay_running', 'stopping'] as const;
export type PluginState = (typeof PLUGIN_STATES)[number];

export interface PluginProcessOptions {
  hookTimeoutMs: number;
  activateTimeoutMs: number;
  restartBackoff: { initialMs: number; maxMs: number };
  /** A process that ran this long before dying restarts at the initial back-off again. */
  stableAfterMs: number;
  healthCheckIntervalMs: number;
  maxPendingCalls: number;
  maxQueuedNotifications: number;
  execArgv: string[] | undefined;
  forwardOutput: boolean;
  env: Record<string, string>;
}

export type HookFailure = 'timeout' | 'not_running' | 'error' | 'busy';

/** A hook call that did not produce a result; `reason` says why (the HTTP layer maps it to 503/500). */
export class HookError extends Error {
  constructor(
    readonly reason: HookFailure,
    message: string,
  ) {
    super(message);
    this.name = 'HookError';
  }
}

/** Serves the plugin's API calls (validated arguments in, result or thrown error out). */
export type ApiDispatch = (method: string, args: unknown[]) => Promise<unknown>;

export interface PluginProcessEvents {
  state: [state: PluginState];
}

const messageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), protocol: z.number(), hooks: z.array(z.string()) }),
  z.object({ type: z.literal('hook_result'), id: z.number().int(), ok: z.boolean(), result: z.unknown().optional(), error: z.unknown().optional() }),
  z.object({ type: z.literal('api'), id: z.number().int(), method: z.enum(API_METHODS), args: z.array(z.unknown()).max(16) }),
  z.object({ type: z.literal('pong'), id: z.number().int() }),
]);

function rpcError(err: unknown): RpcError {
  const e = err as { message?: unknown; id?: unknown; statusCode?: unknown };
  return {
    message: typeof e?.message === 'string' ? e.message : String(err),
    ...(typeof e?.id === 'string' ? { id: e.id } : {}),
    ...(typeof e?.statusCode === 'number' ? { statusCode: e.statusCode } : {}),
  };
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  hook: HookName;
}

/**
 * One plugin server process: forks `server.executable`, speaks the RPC over IPC, activates it
 * (OnConfigurationChange then OnActivate), health-checks it, and restarts it with exponential back-off
 * when it exits or stops answering. Hook calls never hang: they time out or fail fast when it is down.
 */
export class PluginProcess extends EventEmitter<PluginProcessEvents> {
  state: PluginState = 'not_running';
  hooks = new Set<HookName>();
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private queuedNotifications = 0;
  private failures = 0;
  private startedAt = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private healthTimer: NodeJS.Timeout | undefined;
  private pingOutstanding = false;
  private stopping = false;
  private firstActivation: Promise<void>;
  private settleFirst!: () => void;

  constructor(
    readonly id: string,
    private readonly loaded: LoadedManifest & { executable: string },
    private readonly api: ApiDispatch,
    private readonly config: () => Promise<PluginConfig>,
    private readonly log: Logger,
    private readonly metrics: HostMetrics,
    private readonly opts: PluginProcessOptions,
  ) {
    super();
    metrics.pluginLoaded(id);
    this.firstActivation = new Promise((resolve) => (this.settleFirst = resolve));
  }

  /** Starts the process; resolves once the first activation succeeded or failed (see `state`). */
  start(): Promise<void> {
    this.spawn();
    return this.firstActivation;
  }

  get running(): boolean {
    return this.state === 'running';
  }

  /** Calls a hook and waits for its result (bounded by the hook timeout). */
  call<K extends CallHook>(hook: K, ...args: HookMap[K]['args']): Promise<HookMap[K]['result']> {
    if (!this.running) return Promise.reject(this.fail(hook, 'not_running', `plugin ${this.id} is not running`));
    return this.rawCall(hook, args, this.opts.hookTimeoutMs) as Promise<HookMap[K]['result']>;
  }

  /** Delivers a notification hook in order, without waiting. Returns false when it was dropped. */
  notify<K extends NotificationHook>(hook: K, ...args: HookMap[K]['args']): boolean {
    const child = this.child;
    if (!this.running || !child || !this.hooks.has(hook)) return false;
    if (this.queuedNotifications >= this.opts.maxQueuedNotifications) {
      this.fail(hook, 'busy', 'notification queue full');
      return false;
    }
    this.queuedNotifications++;
    try {
      child.send({ type: 'hook', id: 0, hook, args } satisfies HostToPlugin, () => {
        this.queuedNotifications = Math.max(0, this.queuedNotifications - 1);
      });
      return true;
    } catch {
      this.queuedNotifications--;
      return false;
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.settleFirst();
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.setState('not_running');
      return;
    }
    if (this.running && this.hooks.has('OnDeactivate')) {
      this.setState('stopping');
      await this.rawCall('OnDeactivate', [], Math.min(this.opts.hookTimeoutMs, 5000)).catch((err: unknown) =>
        this.log.warn({ err: (err as Error).message }, 'plugin OnDeactivate failed'),
      );
    }
    this.setState('stopping');
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killTimer);
  }

  private spawn(): void {
    this.setState('starting');
    const child = fork(this.loaded.executable, [], {
      cwd: this.loaded.dir,
      env: { ...process.env, ...this.opts.env, MM_PLUGIN_ID: this.id },
      execArgv: this.opts.execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    this.hooks = new Set();
    this.pingOutstanding = false;
    if (this.opts.forwardOutput) {
      child.stdout?.pipe(process.stdout, { end: false });
      child.stderr?.pipe(process.stderr, { end: false });
    } else {
      child.stdout?.resume();
      child.stderr?.resume();
    }
    const readyTimer = setTimeout(() => {
      this.log.error('plugin did not report ready in time: killing it');
      child.kill('SIGKILL');
    }, this.opts.activateTimeoutMs);
    child.on('message', (raw: unknown) => this.onMessage(child, raw, readyTimer));
    child.on('error', (err) => this.log.error({ err: err.message }, 'plugin process error'));
    child.on('exit', (code, signal) => {
      clearTimeout(readyTimer);
      this.onExit(child, code, signal);
    });
  }

  private onMessage(child: ChildProcess, raw: unknown, readyTimer: NodeJS.Timeout): void {
    const parsed = messageSchema.safeParse(raw);
    if (!parsed.success) {
      this.metrics.pluginApiCalls.inc({ plugin_id: this.id, method: 'unknown', result: 'invalid' });
      this.log.warn({ issue: parsed.error.issues[0]?.message }, 'invalid message from plugin: ignored');
      const id = (raw as { id?: unknown })?.id;
      if ((raw as { type?: unknown })?.type === 'api' && typeof id === 'number') {
        this.send(child, { type: 'api_result', id, ok: false, error: { message: 'invalid API call (unknown method or bad envelope)', statusCode: 400 } });
      }
      return;
    }
    const msg = parsed.data;
    switch (msg.type) {
      case 'ready':
        clearTimeout(readyTimer);
        if (msg.protocol !== RPC_PROTOCOL_VERSION) {
          this.log.error({ protocol: msg.protocol }, 'plugin speaks another RPC protocol version');
          child.kill('SIGKILL');
          return;
        }
        this.hooks = new Set(msg.hooks as HookName[]);
        void this.activate(child);
        return;
      case 'hook_result': {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        clearTimeout(p.timer);
        if (msg.ok) p.resolve(msg.result);
        else p.reject(this.fail(p.hook, 'error', rpcError(msg.error).message));
        return;
      }
      case 'pong':
        this.pingOutstanding = false;
        return;
      case 'api':
        void this.api(msg.method, msg.args).then(
          (result) => this.send(child, { type: 'api_result', id: msg.id, ok: true, result }),
          (err: unknown) => this.send(child, { type: 'api_result', id: msg.id, ok: false, error: rpcError(err) }),
        );
        return;
    }
  }

  private async activate(child: ChildProcess): Promise<void> {
    try {
      if (this.hooks.has('OnConfigurationChange')) {
        await this.rawCall('OnConfigurationChange', [await this.config()], this.opts.activateTimeoutMs);
      }
      if (this.hooks.has('OnActivate')) await this.rawCall('OnActivate', [], this.opts.activateTimeoutMs);
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'plugin failed to activate');
      this.setState('failed_to_start');
      child.kill('SIGKILL');
      return;
    }
    if (this.child !== child || this.stopping) return;
    this.startedAt = Date.now();
    this.setState('running');
    this.log.info({ pid: child.pid }, 'plugin activated');
    this.healthTimer = setInterval(() => this.healthCheck(child), this.opts.healthCheckIntervalMs);
    this.healthTimer.unref();
    this.settleFirst();
  }

  private healthCheck(child: ChildProcess): void {
    if (this.pingOutstanding) {
      this.log.error('plugin stopped answering health checks: killing it');
      this.metrics.pluginHookFailures.inc({ plugin_id: this.id, hook: 'health_check', reason: 'timeout' });
      child.kill('SIGKILL');
      return;
    }
    this.pingOutstanding = true;
    this.send(child, { type: 'ping', id: this.nextId++ });
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = undefined;
    clearInterval(this.healthTimer);
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      clearTimeout(p.timer);
      p.reject(this.fail(p.hook, 'not_running', `plugin ${this.id} exited`));
    }
    this.queuedNotifications = 0;
    if (this.stopping) {
      this.setState('not_running');
      return;
    }
    const wasRunning = this.state === 'running';
    if (wasRunning && Date.now() - this.startedAt >= this.opts.stableAfterMs) this.failures = 0;
    this.failures++;
    this.setState(wasRunning ? 'failed_to_stay_running' : 'failed_to_start');
    const delay = Math.min(this.opts.restartBackoff.maxMs, this.opts.restartBackoff.initialMs * 2 ** (this.failures - 1));
    this.log.warn({ code, signal, restart_in_ms: delay }, 'plugin process exited: restarting');
    this.settleFirst();
    this.restartTimer = setTimeout(() => {
      if (this.stopping) return;
      this.metrics.pluginRestarts.inc({ plugin_id: this.id });
      this.spawn();
    }, delay);
  }

  private rawCall(hook: HookName, args: unknown[], timeoutMs: number): Promise<unknown> {
    const child = this.child;
    if (!child) return Promise.reject(this.fail(hook, 'not_running', `plugin ${this.id} is not running`));
    if (this.pending.size >= this.opts.maxPendingCalls) {
      return Promise.reject(this.fail(hook, 'busy', `plugin ${this.id} has too many calls in flight`));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(this.fail(hook, 'timeout', `plugin ${this.id} did not answer ${hook} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer, hook });
      if (!this.send(child, { type: 'hook', id, hook, args })) {
        this.pending.delete(id);
        clearTimeout(timer);
        reject(this.fail(hook, 'not_running', `plugin ${this.id} is not reachable`));
      }
    });
  }

  private send(child: ChildProcess, msg: HostToPlugin): boolean {
    if (!child.connected) return false;
    try {
      child.send(msg);
      return true;
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'cannot send to plugin');
      return false;
    }
  }

  private fail(hook: HookName, reason: HookFailure, message: string): HookError {
    this.metrics.pluginHookFailures.inc({ plugin_id: this.id, hook, reason });
    return new HookError(reason, message);
  }

  private setState(state: PluginState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', state);
  }
}

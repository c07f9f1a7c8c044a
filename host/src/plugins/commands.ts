import { badRequest } from '../errors.js';
import type { Command } from '../plugin-rpc/protocol.js';

const TRIGGER_RE = /^[a-z0-9][a-z0-9_.-]{0,127}$/;

/** Slash commands registered by plugins (in memory: a plugin re-registers them on every activation). */
export class CommandRegistry {
  private readonly byTrigger = new Map<string, { pluginId: string; command: Command }>();

  register(pluginId: string, command: Command): void {
    const trigger = command.trigger.replace(/^\//, '').toLowerCase();
    if (!TRIGGER_RE.test(trigger)) {
      throw badRequest('model.command.is_valid.trigger.app_error', 'A trigger is 1 to 128 lowercase letters, digits, ".", "-" or "_".');
    }
    const existing = this.byTrigger.get(trigger);
    if (existing && existing.pluginId !== pluginId) {
      throw badRequest('app.command.register.conflict', `The trigger /${trigger} is already registered by ${existing.pluginId}.`);
    }
    this.byTrigger.set(trigger, { pluginId, command: { ...command, trigger } });
  }

  unregister(pluginId: string, trigger: string): void {
    const t = trigger.replace(/^\//, '').toLowerCase();
    if (this.byTrigger.get(t)?.pluginId === pluginId) this.byTrigger.delete(t);
  }

  unregisterAll(pluginId: string): void {
    for (const [t, c] of this.byTrigger) if (c.pluginId === pluginId) this.byTrigger.delete(t);
  }

  find(trigger: string): { pluginId: string; command: Command } | undefined {
    return this.byTrigger.get(trigger.toLowerCase());
  }

  list(): Command[] {
    return [...this.byTrigger.values()].map((c) => c.command);
  }
}

// Renders every component plugins registered in one slot, each behind its own error boundary.
import type { ComponentSlot } from './types.js';
import { useSelector } from '../store/hooks.js';
import { PluginBoundary } from '../ui/PluginBoundary.js';

export function PluginSlot({ name, where, props }: { name: ComponentSlot; where: string; props?: Record<string, unknown> }) {
  const entries = useSelector((s) => s.plugins.components[name]);
  return (
    <>
      {entries.map((e) => {
        const Component = e.component;
        return (
          <PluginBoundary key={e.id} pluginId={e.pluginId} where={where}>
            <Component {...props} />
          </PluginBoundary>
        );
      })}
    </>
  );
}

// Renders plugin components so that one that throws shows nothing (and a console error) instead of
// taking the whole shell down with it.
import { Component, type ErrorInfo, type ReactNode } from 'react';

type Props = { pluginId: string; where: string; children: ReactNode; fallback?: ReactNode };

export class PluginBoundary extends Component<Props, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`plugin ${this.props.pluginId}: ${this.props.where} failed to render`, error, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.failed) return this.props.fallback ?? null;
    return this.props.children;
  }
}

// What the shell puts on `window` for plugin bundles: React (one shared instance: the root build maps the
// Calls bundle's `react`, `react-dom` and `react/jsx-runtime` imports to these), `registerPlugin`, and
// `window.shell` (the live WebSocket and REST client; documented in host/web/README.md).
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import * as ReactDOMClient from 'react-dom/client';
import * as ReactJSXRuntime from 'react/jsx-runtime';
import type { ShellApi } from './app/shell-api.js';

declare global {
  interface Window {
    React: typeof React;
    ReactDOM: typeof ReactDOM & typeof ReactDOMClient;
    ReactJSXRuntime: typeof ReactJSXRuntime;
    registerPlugin: (id: string, plugin: unknown) => void;
    shell?: ShellApi;
  }
}

export function exposeReactGlobals(): void {
  window.React = React;
  // One object with both the classic entry points (createPortal, flushSync) and createRoot/hydrateRoot.
  window.ReactDOM = { ...ReactDOM, ...ReactDOMClient };
  window.ReactJSXRuntime = ReactJSXRuntime;
}

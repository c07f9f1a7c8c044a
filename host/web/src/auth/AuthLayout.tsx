// The frame of the logged-out pages: product name on the left, a card with the form on the right.
import type { ReactNode } from 'react';
import { useSelector } from '../store/hooks.js';

export function siteName(config: { SiteName?: string }): string {
  return config.SiteName?.trim() || 'Team Chat';
}

export function AuthLayout({ title, subtitle, children, footer }: { title: string; subtitle: string; children: ReactNode; footer: ReactNode }) {
  const name = useSelector((s) => siteName(s.entities.general.config));
  return (
    <div className="auth-page">
      <header className="auth-header">
        <span className="brand-mark" aria-hidden="true">
          {name.slice(0, 1).toUpperCase()}
        </span>
        <span className="brand-name">{name}</span>
      </header>
      <main className="auth-main">
        <section className="auth-intro">
          <h1>{title}</h1>
          <p>{subtitle}</p>
        </section>
        <section className="auth-card">{children}</section>
      </main>
      <footer className="auth-footer">{footer}</footer>
    </div>
  );
}

// Small building blocks shared by the shell's pages.
import { useEffect, type ReactNode } from 'react';
import { navigate } from './router.js';

export function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

export function FullPageMessage({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="full-page-message">
      <h1>{title}</h1>
      {children}
    </div>
  );
}

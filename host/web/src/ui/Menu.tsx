// A dropdown menu anchored under its trigger; closes on outside click, Escape or choosing an item.
import { useEffect, useRef, useState, type ReactNode } from 'react';

export function Menu(props: {
  trigger: (open: boolean, toggle: () => void) => ReactNode;
  children: (close: () => void) => ReactNode;
  align?: 'left' | 'right';
  className?: string;
}) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);
  return (
    <div className={`menu-anchor ${props.className ?? ''}`} ref={ref}>
      {props.trigger(open, () => setOpen((o) => !o))}
      {open && (
        <div className={`menu menu-${props.align ?? 'left'}`} role="menu">
          {props.children(() => setOpen(false))}
        </div>
      )}
    </div>
  );
}

export function MenuItem(props: { onSelect: () => void; icon?: ReactNode; children: ReactNode; danger?: boolean }) {
  return (
    <button type="button" role="menuitem" className={`menu-item${props.danger ? ' menu-item-danger' : ''}`} onClick={props.onSelect}>
      {props.icon && <span className="menu-item-icon">{props.icon}</span>}
      <span>{props.children}</span>
    </button>
  );
}

export function MenuDivider() {
  return <div className="menu-divider" role="separator" />;
}

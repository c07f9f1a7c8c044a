// Small shared pieces: avatars (the server's image, else initials on a colour derived from the id, as the
// shell's), the connection-quality bars, a confirmation dialog.
import { useState, type ReactNode } from 'react';
import type { UserProfile } from '@mattermost/types/users';
import { describeQuality, type QualityLevel, type QualitySample } from '../client/quality.js';
import { useProfile } from './hooks.js';

const COLORS = ['#1c58d9', '#3db887', '#d24b4e', '#7a5ad8', '#e07315', '#0e8b8b', '#c43a85', '#5b7083'];

function colorFor(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return COLORS[h % COLORS.length]!;
}

export function Avatar({ userId, size = 28, className = '' }: { userId: string; size?: number; className?: string }) {
  const user: UserProfile | undefined = useProfile(userId);
  const [failed, setFailed] = useState(false);
  const name = user?.username ?? '';
  const initials = name.replace(/[^a-zA-Z0-9]/g, '').slice(0, 2).toUpperCase() || '?';
  const image = !!user && user.last_picture_update > 0 && !failed;
  return (
    <span
      className={`calls-avatar ${className}`}
      data-testid="calls-avatar"
      data-user-id={userId}
      title={name}
      style={{ width: size, height: size, fontSize: Math.round(size * 0.38), background: image ? undefined : colorFor(userId) }}
    >
      {image ? <img src={`/api/v4/users/${userId}/image?_=${user.last_picture_update}`} alt="" onError={() => setFailed(true)} /> : initials}
    </span>
  );
}

export function AvatarStack({ userIds, max = 5, size = 28 }: { userIds: string[]; max?: number; size?: number }) {
  const shown = userIds.slice(0, max);
  return (
    <span className="calls-avatars" data-testid="calls-post-participants" data-count={userIds.length}>
      {shown.map((id) => (
        <Avatar key={id} userId={id} size={size} />
      ))}
      {userIds.length > max && <span className="calls-avatars-more">+{userIds.length - max}</span>}
    </span>
  );
}

const LEVEL_TEXT: Record<QualityLevel, string> = {
  good: 'Good connection',
  fair: 'Fair connection',
  poor: 'Poor connection',
  unknown: 'Measuring connection',
};

export function QualityBars({ level, sample }: { level: QualityLevel; sample: QualitySample }) {
  const text = `${LEVEL_TEXT[level]}${level === 'unknown' ? '' : ` · ${describeQuality(sample)}`}`;
  return (
    <span className="calls-quality" data-testid="calls-quality" data-quality={level} title={text} aria-label={text} role="img">
      <i />
      <i />
      <i />
    </span>
  );
}

export function ConfirmModal(p: {
  title: string;
  children: ReactNode;
  confirmText: string;
  danger?: boolean;
  testid: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <div className="calls-modal-backdrop" onClick={p.onCancel} data-testid={`${p.testid}-modal`} data-calls-layer="">
      <div className="calls-modal" role="dialog" aria-modal="true" aria-label={p.title} onClick={(e) => e.stopPropagation()}>
        <h2>{p.title}</h2>
        <p>{p.children}</p>
        <div className="calls-modal-actions">
          <button type="button" className="calls-btn calls-btn-tertiary calls-btn-lg" data-testid={`${p.testid}-cancel`} onClick={p.onCancel}>
            Cancel
          </button>
          <button
            type="button"
            className={`calls-btn calls-btn-lg ${p.danger ? 'calls-btn-danger' : 'calls-btn-primary'}`}
            data-testid={`${p.testid}-confirm`}
            onClick={p.onConfirm}
            autoFocus
          >
            {p.confirmText}
          </button>
        </div>
      </div>
    </div>
  );
}

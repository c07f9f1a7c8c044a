// A user's avatar: the server's profile image when it has one, else initials on a colour derived from the
// user id (stable across sessions and users, so people are recognisable at a glance).
import { useState } from 'react';
import type { UserProfile } from '@mattermost/types/users';

const COLORS = ['#1c58d9', '#3db887', '#d24b4e', '#7a5ad8', '#e07315', '#0e8b8b', '#c43a85', '#5b7083'];

function colorFor(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return COLORS[h % COLORS.length]!;
}

export function Avatar({ user, userId, size = 32, status }: { user?: UserProfile; userId: string; size?: number; status?: boolean }) {
  const [imageFailed, setImageFailed] = useState(false);
  const name = user?.username ?? '?';
  const initials = name.replace(/[^a-zA-Z0-9]/g, '').slice(0, 2).toUpperCase() || '?';
  const showImage = !!user && user.last_picture_update > 0 && !imageFailed;
  return (
    <span className="avatar" style={{ width: size, height: size, fontSize: Math.round(size * 0.4) }} title={name}>
      {showImage ? (
        <img src={`/api/v4/users/${userId}/image?_=${user.last_picture_update}`} alt="" onError={() => setImageFailed(true)} />
      ) : (
        <span className="avatar-initials" style={{ background: colorFor(userId) }}>
          {initials}
        </span>
      )}
      {status && <span className="avatar-status" />}
    </span>
  );
}

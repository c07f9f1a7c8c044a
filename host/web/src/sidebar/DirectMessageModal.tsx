// "Direct messages": pick one person for a DM, or several (up to 7, as Mattermost) for a group message.
import { useEffect, useMemo, useState } from 'react';
import type { Team } from '@mattermost/types/teams';
import type { UserProfile } from '@mattermost/types/users';
import { navigate } from '../app/router.js';
import { useSelector, useSession } from '../store/hooks.js';
import { Avatar } from '../ui/Avatar.js';
import { CloseIcon, SearchIcon } from '../ui/icons.js';
import { Modal } from '../ui/Modal.js';

const MAX_GROUP = 7;

export function DirectMessageModal({ team, onClose }: { team: Team; onClose: () => void }) {
  const session = useSession();
  const me = useSelector((s) => s.entities.users.currentUserId);
  const [users, setUsers] = useState<UserProfile[] | null>(null);
  const [selected, setSelected] = useState<UserProfile[]>([]);
  const [term, setTerm] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    session.client
      .getUsers()
      .then((list) => {
        session.store.dispatch({ type: 'RECEIVED_PROFILES', profiles: list });
        setUsers(list.filter((u) => u.delete_at === 0));
      })
      .catch((err: Error) => setError(err.message));
  }, [session]);

  // The first page of users is listed at once; typing also asks the server, for people beyond that page.
  useEffect(() => {
    const t = term.trim();
    if (!t) return;
    const timer = setTimeout(() => {
      session.client
        .searchUsers(t)
        .then((found) => {
          session.store.dispatch({ type: 'RECEIVED_PROFILES', profiles: found });
          setUsers((list) => {
            const known = new Set((list ?? []).map((u) => u.id));
            return [...(list ?? []), ...found.filter((u) => u.delete_at === 0 && !known.has(u.id))];
          });
        })
        .catch((err: Error) => console.warn('user search failed', err));
    }, 250);
    return () => clearTimeout(timer);
  }, [session, term]);

  const shown = useMemo(() => {
    const t = term.trim().toLowerCase();
    return (users ?? [])
      .filter((u) => !selected.some((s) => s.id === u.id))
      .filter((u) => !t || [u.username, u.first_name, u.last_name, u.nickname, u.email].some((f) => f?.toLowerCase().includes(t)))
      .sort((a, b) => (a.id === me ? 1 : b.id === me ? -1 : a.username.localeCompare(b.username)));
  }, [users, selected, term, me]);

  const go = async () => {
    if (!selected.length) return;
    setBusy(true);
    setError('');
    try {
      const channel = await session.openDirectChannel(selected.map((u) => u.id));
      onClose();
      navigate(session.channelPath(team.name, channel));
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };

  const toggle = (u: UserProfile) => {
    setTerm('');
    setSelected((s) => (s.some((x) => x.id === u.id) ? s.filter((x) => x.id !== u.id) : s.length >= MAX_GROUP ? s : [...s, u]));
  };

  return (
    <Modal
      title="Direct messages"
      onClose={onClose}
      wide
      footer={
        <>
          <span className="muted small footer-note">
            {selected.length > 1 ? `Group message with ${selected.length} people` : 'Pick one person, or up to 7 for a group message'}
          </span>
          <button type="button" className="btn btn-primary" disabled={busy || !selected.length} onClick={() => void go()}>
            Go
          </button>
        </>
      }
    >
      <div className="search-input chips">
        <SearchIcon size={18} />
        {selected.map((u) => (
          <span className="chip" key={u.id}>
            {u.username}
            <button type="button" aria-label={`Remove ${u.username}`} onClick={() => toggle(u)}>
              <CloseIcon size={12} />
            </button>
          </span>
        ))}
        <input
          placeholder={selected.length ? '' : 'Search for people'}
          value={term}
          onChange={(e) => setTerm(e.target.value)}
          aria-label="Search for people"
          onKeyDown={(e) => {
            if (e.key === 'Enter' && shown[0] && term) toggle(shown[0]);
            else if (e.key === 'Backspace' && !term && selected.length) setSelected((s) => s.slice(0, -1));
          }}
        />
      </div>
      {error && (
        <div className="form-error" role="alert">
          {error}
        </div>
      )}
      {users === null && !error ? (
        <p className="muted">Loading…</p>
      ) : (
        <ul className="pick-list">
          {shown.map((u) => (
            <li key={u.id}>
              <button type="button" className="pick-row" onClick={() => toggle(u)}>
                <Avatar user={u} userId={u.id} size={32} />
                <span className="pick-main">
                  <strong>
                    @{u.username}
                    {u.id === me && ' (you)'}
                  </strong>
                  {(u.first_name || u.last_name) && <small className="muted">{`${u.first_name} ${u.last_name}`.trim()}</small>}
                </span>
              </button>
            </li>
          ))}
          {shown.length === 0 && <li className="muted">No one found.</li>}
        </ul>
      )}
    </Modal>
  );
}

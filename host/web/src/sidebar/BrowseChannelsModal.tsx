// "Browse channels": the team's public channels the user is not in yet, with search and Join.
import { useEffect, useMemo, useState } from 'react';
import type { Channel } from '@mattermost/types/channels';
import type { Team } from '@mattermost/types/teams';
import { navigate } from '../app/router.js';
import { useSelector, useSession } from '../store/hooks.js';
import { GlobeIcon, SearchIcon } from '../ui/icons.js';
import { Modal } from '../ui/Modal.js';

export function BrowseChannelsModal({ team, onClose }: { team: Team; onClose: () => void }) {
  const session = useSession();
  const members = useSelector((s) => s.entities.channels.myMembers);
  const [all, setAll] = useState<Channel[] | null>(null);
  const [term, setTerm] = useState('');
  const [error, setError] = useState('');

  useEffect(() => {
    session.client
      .getPublicChannels(team.id)
      .then(setAll)
      .catch((err: Error) => setError(err.message));
  }, [session, team.id]);

  const shown = useMemo(() => {
    const t = term.trim().toLowerCase();
    return (all ?? [])
      .filter((c) => c.type === 'O' && c.delete_at === 0)
      .filter((c) => !t || c.display_name.toLowerCase().includes(t) || c.name.includes(t))
      .sort((a, b) => a.display_name.localeCompare(b.display_name));
  }, [all, term]);

  const open = async (channel: Channel) => {
    setError('');
    try {
      if (!members[channel.id]) await session.joinChannel(channel);
      onClose();
      navigate(session.channelPath(team.name, channel));
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <Modal title="Browse channels" onClose={onClose} wide>
      <div className="search-input">
        <SearchIcon size={18} />
        <input placeholder="Search channels" value={term} onChange={(e) => setTerm(e.target.value)} aria-label="Search channels" />
      </div>
      {error && (
        <div className="form-error" role="alert">
          {error}
        </div>
      )}
      {all === null && !error ? (
        <p className="muted">Loading…</p>
      ) : shown.length === 0 ? (
        <p className="muted">No channels found.</p>
      ) : (
        <ul className="pick-list">
          {shown.map((c) => (
            <li key={c.id}>
              <button type="button" className="pick-row" onClick={() => void open(c)}>
                <GlobeIcon size={18} />
                <span className="pick-main">
                  <strong>{c.display_name}</strong>
                  {c.purpose && <small className="muted">{c.purpose}</small>}
                </span>
                <span className={members[c.id] ? 'pill' : 'btn btn-secondary btn-small'}>{members[c.id] ? 'Joined' : 'Join'}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </Modal>
  );
}

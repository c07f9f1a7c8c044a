// "Create new channel": name, URL derived from it, public or private, optional purpose.
import { useState, type FormEvent } from 'react';
import type { Team } from '@mattermost/types/teams';
import { navigate } from '../app/router.js';
import { slugify } from '../util/slug.js';
import { useSession } from '../store/hooks.js';
import { GlobeIcon, LockIcon } from '../ui/icons.js';
import { Modal } from '../ui/Modal.js';

export function CreateChannelModal({ team, onClose }: { team: Team; onClose: () => void }) {
  const session = useSession();
  const [displayName, setDisplayName] = useState('');
  const [type, setType] = useState<'O' | 'P'>('O');
  const [purpose, setPurpose] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  // A name with no Latin letters or digits (e.g. in Japanese) still needs a URL: use a generated one.
  const [fallbackName] = useState(() => `channel-${Date.now().toString(36)}`);
  const slug = slugify(displayName);
  const name = slug.length >= 2 || !displayName.trim() ? slug : fallbackName;

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (name.length < 2) {
      setError('Channel names need at least 2 letters or numbers.');
      return;
    }
    setBusy(true);
    setError('');
    try {
      const channel = await session.createChannel(team.id, displayName.trim(), name, type, purpose.trim());
      onClose();
      navigate(session.channelPath(team.name, channel));
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };

  return (
    <Modal
      title="Create a new channel"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn btn-tertiary" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" disabled={busy || !displayName.trim()} onClick={() => void submit()}>
            Create channel
          </button>
        </>
      }
    >
      <form className="form" onSubmit={submit}>
        {error && (
          <div className="form-error" role="alert">
            {error}
          </div>
        )}
        <label className="field">
          <span>Channel name</span>
          <input name="channelName" value={displayName} maxLength={64} placeholder="e.g. design-reviews" onChange={(e) => setDisplayName(e.target.value)} />
          <small className="field-help">
            URL: /{team.name}/channels/{name || '…'}
          </small>
        </label>
        <div className="choice-group" role="radiogroup" aria-label="Channel type">
          <label className={`choice${type === 'O' ? ' selected' : ''}`}>
            <input type="radio" name="type" checked={type === 'O'} onChange={() => setType('O')} />
            <GlobeIcon size={20} />
            <span>
              <strong>Public channel</strong>
              <small>Anyone in the team can find and join it</small>
            </span>
          </label>
          <label className={`choice${type === 'P' ? ' selected' : ''}`}>
            <input type="radio" name="type" checked={type === 'P'} onChange={() => setType('P')} />
            <LockIcon size={20} />
            <span>
              <strong>Private channel</strong>
              <small>Only invited members</small>
            </span>
          </label>
        </div>
        <label className="field">
          <span>
            Purpose <span className="muted">(optional)</span>
          </span>
          <textarea name="purpose" rows={2} maxLength={250} value={purpose} onChange={(e) => setPurpose(e.target.value)} />
        </label>
        <button type="submit" hidden />
      </form>
    </Modal>
  );
}

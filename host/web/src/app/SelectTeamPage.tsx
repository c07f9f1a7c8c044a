// Shown to a user with no team (or who chose to join another): join an open team or create one.
import { useEffect, useState, type FormEvent } from 'react';
import type { Team } from '@mattermost/types/teams';
import { useSelector, useSession } from '../store/hooks.js';
import { GlobalHeader } from './GlobalHeader.js';
import { Link, navigate } from './router.js';
import { slugify } from '../util/slug.js';

export function SelectTeamPage() {
  const session = useSession();
  const myTeamIds = useSelector((s) => s.entities.teams.myTeamIds);
  const [open, setOpen] = useState<Team[] | null>(null);
  const [displayName, setDisplayName] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    session.client
      .getTeams()
      .then(setOpen)
      .catch(() => setOpen([]));
  }, [session]);

  const joinable = (open ?? []).filter((t) => !myTeamIds.includes(t.id));

  const create = async (e: FormEvent) => {
    e.preventDefault();
    const name = slugify(displayName);
    if (name.length < 2) {
      setError('Team names need at least 2 letters or numbers.');
      return;
    }
    setBusy(true);
    setError('');
    try {
      const team = await session.createTeam(displayName.trim(), name);
      navigate(`/${team.name}`);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };

  const join = async (team: Team) => {
    setError('');
    try {
      await session.joinTeam(team);
      navigate(`/${team.name}`);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <div className="page-with-header">
      <GlobalHeader />
      <div className="select-team">
        {myTeamIds.length > 0 && (
          <Link className="back-link" to="/">
            ← Back to your teams
          </Link>
        )}
        <h1>Teams</h1>
        {error && (
          <div className="form-error" role="alert">
            {error}
          </div>
        )}
        <section className="card">
          <h2>Create a team</h2>
          <p className="muted">Teams hold your channels and the people you work with.</p>
          <form className="inline-form" onSubmit={create}>
            <input
              name="teamName"
              placeholder="Team name, e.g. Engineering"
              value={displayName}
              maxLength={64}
              onChange={(e) => setDisplayName(e.target.value)}
            />
            <button className="btn btn-primary" type="submit" disabled={busy || !displayName.trim()}>
              Create team
            </button>
          </form>
          {displayName && <small className="field-help">URL: /{slugify(displayName) || '…'}</small>}
        </section>
        <section className="card">
          <h2>Teams you can join</h2>
          {open === null ? (
            <p className="muted">Loading…</p>
          ) : joinable.length === 0 ? (
            <p className="muted">There are no other teams to join.</p>
          ) : (
            <ul className="team-list">
              {joinable.map((t) => (
                <li key={t.id}>
                  <span className="team-icon">{t.display_name.slice(0, 2)}</span>
                  <span className="team-list-name">{t.display_name}</span>
                  <button className="btn btn-secondary" onClick={() => void join(t)}>
                    Join
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}

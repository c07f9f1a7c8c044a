// The narrow strip of team buttons shown when the user belongs to several teams.
import type { Team } from '@mattermost/types/teams';
import { Link } from '../app/router.js';
import { useSelector } from '../store/hooks.js';
import { PlusIcon } from '../ui/icons.js';

export function teamInitials(team: Team): string {
  const words = team.display_name.trim().split(/\s+/);
  const letters = words.length > 1 ? words[0]!.charAt(0) + words[1]!.charAt(0) : team.display_name.slice(0, 2);
  return letters.toUpperCase() || '?';
}

export function TeamSidebar({ currentTeamId }: { currentTeamId: string }) {
  const teams = useSelector((s) => s.entities.teams);
  return (
    <nav className="team-sidebar" aria-label="Teams">
      {teams.myTeamIds.map((id) => {
        const team = teams.teams[id];
        if (!team) return null;
        return (
          <Link
            key={id}
            to={`/${team.name}`}
            className={`team-button${id === currentTeamId ? ' active' : ''}`}
            title={team.display_name}
            aria-label={team.display_name}
          >
            {teamInitials(team)}
          </Link>
        );
      })}
      <Link to="/select_team" className="team-button team-add" title="Join or create a team" aria-label="Join or create a team">
        <PlusIcon size={18} />
      </Link>
    </nav>
  );
}

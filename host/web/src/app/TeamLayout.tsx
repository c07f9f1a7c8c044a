// The main logged-in layout for one team: global header, team strip (when in several teams), channel
// sidebar and a channel; a plugin's needs-team route takes the place of sidebars and channel, as in
// Mattermost (e.g. the Calls expanded view). Plugin root components live here.
import { useEffect, useLayoutEffect, useState } from 'react';
import type { Channel } from '@mattermost/types/channels';
import { ApiError } from '../api/client.js';
import type { Team } from '@mattermost/types/teams';
import { ChannelView } from '../channel/ChannelView.js';
import { PluginSlot } from '../plugins/PluginSlot.js';
import { ChannelSidebar } from '../sidebar/ChannelSidebar.js';
import { TeamSidebar } from '../sidebar/TeamSidebar.js';
import { useSelector, useSession } from '../store/hooks.js';
import { dmTeammateId, myChannelsIn, type GlobalState } from '../store/state.js';
import { PluginBoundary } from '../ui/PluginBoundary.js';
import { FullPageMessage, Redirect } from './common.js';
import { ConnectionBanner } from './ConnectionBanner.js';
import { GlobalHeader } from './GlobalHeader.js';
import { Link, matchPluginRoute, type Route } from './router.js';

type TeamRoute = Extract<Route, { team: string }>;

export function TeamLayout({ route }: { route: TeamRoute }) {
  const session = useSession();
  const teams = useSelector((s) => s.entities.teams);
  const team = teams.myTeamIds.map((id) => teams.teams[id]).find((t) => t?.name === route.team);
  const [loadError, setLoadError] = useState('');

  useEffect(() => {
    if (!team) return;
    setLoadError('');
    session.selectTeam(team).catch((err: Error) => setLoadError(err.message));
  }, [session, team]);

  if (!team) {
    if (!teams.myTeamIds.length) return <Redirect to="/select_team" />;
    return (
      <FullPageMessage title="Team not found">
        <p>
          You are not a member of “{route.team}”. <Link to="/">Go to your teams</Link> or <Link to="/select_team">join another one</Link>.
        </p>
      </FullPageMessage>
    );
  }

  return (
    <div className="app-layout">
      <GlobalHeader />
      <ConnectionBanner />
      <div className="app-body">
        {teams.myTeamIds.length > 1 && route.name !== 'team_plugin' && <TeamSidebar currentTeamId={team.id} />}
        {route.name !== 'team_plugin' && <ChannelSidebar team={team} />}
        <main className="center">
          {loadError ? <div className="center-message error">Could not load your channels: {loadError}</div> : <Center team={team} route={route} />}
        </main>
      </div>
      <PluginSlot name="Root" where="root component" />
    </div>
  );
}

function Center({ team, route }: { team: Team; route: TeamRoute }) {
  const loaded = useSelector((s) => !!s.entities.channels.channelsInTeam[team.id]);
  const needsTeamRoutes = useSelector((s) => s.plugins.needsTeamRoutes);
  if (!loaded) return <div className="center-message">Loading channels…</div>;
  switch (route.name) {
    case 'team':
      return <DefaultChannelRedirect team={team} />;
    case 'channel':
    case 'dm':
    case 'gm':
      return <ChannelRoute team={team} route={route} />;
    case 'team_plugin': {
      const entry = matchPluginRoute(needsTeamRoutes, route.path);
      if (!entry) return <div className="center-message">This page does not exist.</div>;
      const Component = entry.component;
      return (
        <div className="plugin-route">
          <PluginBoundary pluginId={entry.pluginId} where="team route" fallback={<div className="center-message error">This page failed to load.</div>}>
            <Component />
          </PluginBoundary>
        </div>
      );
    }
  }
}

function DefaultChannelRedirect({ team }: { team: Team }) {
  const session = useSession();
  const channels = useSelector((s) => s.entities.channels);
  const mine = myChannelsIn(channels, team.id);
  const pick =
    mine.find((c) => c.name === 'town-square') ?? mine.find((c) => c.type === 'O') ?? mine.find((c) => c.type === 'P') ?? mine[0];
  if (!pick) {
    return (
      <div className="center-message">
        <h2>Welcome to {team.display_name}</h2>
        <p>You are not in any channel yet. Create one from the sidebar, or browse the team’s channels.</p>
      </div>
    );
  }
  return <Redirect to={session.channelPath(team.name, pick)} />;
}

function ChannelRoute({ team, route }: { team: Team; route: Extract<TeamRoute, { name: 'channel' | 'dm' | 'gm' }> }) {
  const session = useSession();
  const currentId = useSelector((s) => s.entities.channels.currentChannelId);
  const entities = useSelector((s) => s.entities);
  const [failed, setFailed] = useState<{ key: string; error: string } | null>(null);
  const key = route.name === 'dm' ? `@${route.username}` : route.channel;
  const known = findMyChannel(entities, team.id, route);

  // A channel already in the sidebar is selected before paint (no "Loading…" flash when switching);
  // otherwise it is looked up (and a public one joined, a DM created) first.
  useLayoutEffect(() => {
    if (known) {
      if (known.id !== session.state.entities.channels.currentChannelId) session.selectChannel(known);
      return;
    }
    let cancelled = false;
    setFailed(null);
    const find = route.name === 'dm' ? session.directChannelByUsername(route.username) : session.resolveChannel(team, route.channel);
    find
      .then((channel) => !cancelled && session.selectChannel(channel))
      .catch((err: Error) => {
        if (cancelled) return;
        // A missing or forbidden channel gets a plain sentence; anything else shows the server's words.
        const status = err instanceof ApiError ? err.statusCode : 0;
        setFailed({ key, error: status === 403 || status === 404 ? '' : err.message });
      });
    return () => {
      cancelled = true;
    };
    // `route` is rebuilt on every render; `key` identifies it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [session, team, key, known?.id]);

  if (failed?.key === key) {
    return (
      <div className="center-message error">
        <h2>Channel not found</h2>
        <p>{failed.error || `There is no “${key}” in ${team.display_name} that you can open.`}</p>
        <Link to={`/${team.name}`}>Go to the team’s default channel</Link>
      </div>
    );
  }
  if (!known || currentId !== known.id) return <div className="center-message">Loading…</div>;
  return <ChannelView key={known.id} team={team} channelId={known.id} />;
}

function findMyChannel(entities: GlobalState['entities'], teamId: string, route: Extract<TeamRoute, { name: 'channel' | 'dm' | 'gm' }>): Channel | undefined {
  const mine = myChannelsIn(entities.channels, teamId);
  if (route.name !== 'dm') return mine.find((c) => c.name === route.channel || c.id === route.channel);
  const me = entities.users.currentUserId;
  const user = Object.values(entities.users.profiles).find((u) => u.username === route.username);
  return user && mine.find((c) => c.type === 'D' && dmTeammateId(me, c) === user.id);
}

// Calls, call sessions and per-channel settings in SQL. Method names are the reference store's (they are the
// `type` label of store_ops_total). "Active call" means end_at = 0.
import { emptyStats, type Call, type CallSession, type CallsChannel } from './types.js';
import { InstrumentedStore, bool, num, parseJson } from './instrumented.js';

interface CallRow {
  id: string;
  channelid: string;
  startat: number;
  endat: number;
  createat: number;
  deleteat: number;
  title: string | null;
  postid: string | null;
  threadid: string | null;
  ownerid: string | null;
  participants: string;
  stats: string;
  props: string;
}

interface SessionRow {
  id: string;
  callid: string;
  userid: string;
  joinat: number;
  unmuted: number | boolean | null;
  raisedhand: number | null;
  video: number | boolean | null;
}

interface ChannelRow {
  channelid: string;
  enabled: number | boolean | null;
  props: string;
}

const CALL_COLUMNS = 'id, channelid, startat, endat, createat, deleteat, title, postid, threadid, ownerid, participants, stats, props';
const SESSION_COLUMNS = 'id, callid, userid, joinat, unmuted, raisedhand, video';

function toCall(r: CallRow): Call {
  return {
    id: r.id,
    channel_id: r.channelid,
    start_at: num(r.startat),
    end_at: num(r.endat),
    create_at: num(r.createat),
    delete_at: num(r.deleteat),
    title: r.title ?? '',
    post_id: r.postid ?? '',
    thread_id: r.threadid ?? '',
    owner_id: r.ownerid ?? '',
    participants: parseJson<string[]>(r.participants, []),
    stats: { ...emptyStats(), ...parseJson(r.stats, {}) },
    props: parseJson(r.props, {}),
  };
}

function toSession(r: SessionRow): CallSession {
  return {
    id: r.id,
    call_id: r.callid,
    user_id: r.userid,
    join_at: num(r.joinat),
    unmuted: bool(r.unmuted),
    raised_hand: num(r.raisedhand),
    video: bool(r.video),
  };
}

function callValues(c: Call): (string | number)[] {
  return [
    c.channel_id, c.start_at, c.end_at, c.create_at, c.delete_at, c.title.slice(0, 256), c.post_id, c.thread_id, c.owner_id,
    JSON.stringify(c.participants), JSON.stringify(c.stats), JSON.stringify(c.props),
  ];
}

export class CallsStore extends InstrumentedStore {
  // --- calls ---

  createCall(c: Call): Promise<void> {
    return this.op('CreateCall', async () => {
      await this.db.run(`INSERT INTO calls (${CALL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [c.id, ...callValues(c)]);
    });
  }

  updateCall(c: Call): Promise<void> {
    return this.op('UpdateCall', async () => {
      await this.db.run(
        `UPDATE calls SET channelid = ?, startat = ?, endat = ?, createat = ?, deleteat = ?, title = ?, postid = ?, threadid = ?,
          ownerid = ?, participants = ?, stats = ?, props = ? WHERE id = ?`,
        [...callValues(c), c.id],
      );
    });
  }

  getCall(id: string): Promise<Call | undefined> {
    return this.op('GetCall', async () => {
      const r = await this.db.get<CallRow>(`SELECT ${CALL_COLUMNS} FROM calls WHERE id = ?`, [id]);
      return r && toCall(r);
    });
  }

  getActiveCallByChannelID(channelID: string): Promise<Call | undefined> {
    return this.op('GetActiveCallByChannelID', async () => {
      const r = await this.db.get<CallRow>(`SELECT ${CALL_COLUMNS} FROM calls WHERE channelid = ? AND endat = 0 AND deleteat = 0`, [channelID]);
      return r && toCall(r);
    });
  }

  getCallActive(channelID: string): Promise<boolean> {
    return this.op('GetCallActive', async () => {
      const r = await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM calls WHERE channelid = ? AND endat = 0 AND deleteat = 0', [channelID]);
      return num(r?.n) > 0;
    });
  }

  getAllActiveCalls(): Promise<Call[]> {
    return this.op('GetAllActiveCalls', async () => {
      const rows = await this.db.all<CallRow>(`SELECT ${CALL_COLUMNS} FROM calls WHERE endat = 0 AND deleteat = 0`);
      return rows.map(toCall);
    });
  }

  getRTCDHostForCall(callID: string): Promise<string> {
    return this.op('GetRTCDHostForCall', async () => {
      const r = await this.db.get<{ props: string }>('SELECT props FROM calls WHERE id = ?', [callID]);
      return parseJson<{ rtcd_host?: string }>(r?.props, {}).rtcd_host ?? '';
    });
  }

  // --- sessions ---

  createCallSession(s: CallSession): Promise<void> {
    return this.op('CreateCallSession', async () => {
      await this.db.run(`INSERT INTO calls_sessions (${SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`, [
        s.id, s.call_id, s.user_id, s.join_at, s.unmuted, s.raised_hand, s.video,
      ]);
    });
  }

  updateCallSession(s: CallSession): Promise<void> {
    return this.op('UpdateCallSession', async () => {
      await this.db.run('UPDATE calls_sessions SET callid = ?, userid = ?, joinat = ?, unmuted = ?, raisedhand = ?, video = ? WHERE id = ?', [
        s.call_id, s.user_id, s.join_at, s.unmuted, s.raised_hand, s.video, s.id,
      ]);
    });
  }

  deleteCallSession(id: string): Promise<void> {
    return this.op('DeleteCallSession', async () => {
      await this.db.run('DELETE FROM calls_sessions WHERE id = ?', [id]);
    });
  }

  getCallSession(id: string): Promise<CallSession | undefined> {
    return this.op('GetCallSession', async () => {
      const r = await this.db.get<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM calls_sessions WHERE id = ?`, [id]);
      return r && toSession(r);
    });
  }

  /** The call's sessions by id, in join order. */
  getCallSessions(callID: string): Promise<Map<string, CallSession>> {
    return this.op('GetCallSessions', async () => {
      const rows = await this.db.all<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM calls_sessions WHERE callid = ? ORDER BY joinat, id`, [callID]);
      return new Map(rows.map((r) => [r.id, toSession(r)]));
    });
  }

  deleteCallsSessions(callID: string): Promise<void> {
    return this.op('DeleteCallsSessions', async () => {
      await this.db.run('DELETE FROM calls_sessions WHERE callid = ?', [callID]);
    });
  }

  getCallSessionsCount(callID: string): Promise<number> {
    return this.op('GetCallSessionsCount', async () => {
      const r = await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM calls_sessions WHERE callid = ?', [callID]);
      return num(r?.n);
    });
  }

  isUserInCall(userID: string, callID: string): Promise<boolean> {
    return this.op('IsUserInCall', async () => {
      const r = await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM calls_sessions WHERE userid = ? AND callid = ?', [userID, callID]);
      return num(r?.n) > 0;
    });
  }

  // --- per-channel settings ---

  createCallsChannel(c: CallsChannel): Promise<void> {
    return this.op('CreateCallsChannel', async () => {
      await this.db.run('INSERT INTO calls_channels (channelid, enabled, props) VALUES (?, ?, ?)', [c.channel_id, c.enabled, JSON.stringify(c.props ?? null)]);
    });
  }

  updateCallsChannel(c: CallsChannel): Promise<void> {
    return this.op('UpdateCallsChannel', async () => {
      await this.db.run('UPDATE calls_channels SET enabled = ?, props = ? WHERE channelid = ?', [c.enabled, JSON.stringify(c.props ?? null), c.channel_id]);
    });
  }

  getCallsChannel(channelID: string): Promise<CallsChannel | undefined> {
    return this.op('GetCallsChannel', async () => {
      const r = await this.db.get<ChannelRow>('SELECT channelid, enabled, props FROM calls_channels WHERE channelid = ?', [channelID]);
      return r && { channel_id: r.channelid, enabled: bool(r.enabled), props: parseJson(r.props, null) };
    });
  }

  getAllCallsChannels(): Promise<CallsChannel[]> {
    return this.op('GetAllCallsChannels', async () => {
      const rows = await this.db.all<ChannelRow>('SELECT channelid, enabled, props FROM calls_channels ORDER BY channelid');
      return rows.map((r) => ({ channel_id: r.channelid, enabled: bool(r.enabled), props: parseJson(r.props, null) }));
    });
  }
}

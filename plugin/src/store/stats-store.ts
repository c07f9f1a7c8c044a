// Aggregate statistics over the calls tables (GET /stats, the admin stats page, the aggregate gauges). A
// call counts once it has ended (end_at > start_at); "active" means end_at = 0. Days and months are UTC.
// The JSON and date functions differ between SQLite and PostgreSQL; everything else is shared SQL.
import type { Dialect } from './db.js';
import { InstrumentedStore, num } from './instrumented.js';
import type { CallsStats } from './types.js';

const ENDED = 'endat > startat AND deleteat = 0';

function dateExpr(d: Dialect, what: 'day' | 'month', column = 'startat'): string {
  if (d === 'sqlite') return `strftime('${what === 'day' ? '%Y-%m-%d' : '%Y-%m'}', ${column} / 1000, 'unixepoch')`;
  return `to_char(to_timestamp(${column} / 1000) AT TIME ZONE 'UTC', '${what === 'day' ? 'YYYY-MM-DD' : 'YYYY-MM'}')`;
}

function jsonField(d: Dialect, column: string, field: string): string {
  return d === 'sqlite' ? `json_extract(${column}, '$.${field}')` : `(${column}::json->>'${field}')`;
}

export class StatsStore extends InstrumentedStore {
  private get dialect(): Dialect {
    return this.db.dialect;
  }

  private async scalar(method: string, sql: string, params: (string | number)[] = []): Promise<number> {
    return this.op(method, async () => {
      const r = await this.db.get<{ v: number | string | null }>(sql, params);
      return r?.v === null || r?.v === undefined ? 0 : Math.round(Number(r.v));
    });
  }

  getTotalCalls(active: boolean): Promise<number> {
    return this.scalar('GetTotalCalls', `SELECT COUNT(*) AS v FROM calls WHERE ${active ? 'endat = 0 AND deleteat = 0' : ENDED}`);
  }

  getTotalActiveSessions(): Promise<number> {
    return this.scalar(
      'GetTotalActiveSessions',
      'SELECT COUNT(*) AS v FROM calls_sessions JOIN calls ON calls_sessions.callid = calls.id WHERE calls.endat = 0 AND calls.deleteat = 0',
    );
  }

  /** Seconds. */
  getAvgCallDuration(): Promise<number> {
    return this.scalar('GetAvgCallDuration', `SELECT AVG((endat - startat) / 1000.0) AS v FROM calls WHERE ${ENDED}`);
  }

  getAvgCallParticipants(): Promise<number> {
    const expr = this.dialect === 'sqlite' ? 'json_array_length(participants)' : 'json_array_length(participants::json)';
    const isArray = this.dialect === 'sqlite' ? "json_type(participants) = 'array'" : "json_typeof(participants::json) = 'array'";
    return this.scalar('GetAvgCallParticipants', `SELECT AVG(${expr}) AS v FROM calls WHERE ${isArray} AND ${ENDED}`);
  }

  getAvgVideoDuration(): Promise<number> {
    const f = jsonField(this.dialect, 'stats', 'video_duration');
    return this.scalar('GetAvgVideoDuration', `SELECT AVG(CAST(${f} AS BIGINT)) AS v FROM calls WHERE ${ENDED} AND ${f} IS NOT NULL AND CAST(${f} AS BIGINT) > 0`);
  }

  getTotalVideoDuration(): Promise<number> {
    const f = jsonField(this.dialect, 'stats', 'video_duration');
    return this.scalar('GetTotalVideoDuration', `SELECT COALESCE(SUM(CAST(${f} AS BIGINT)), 0) AS v FROM calls WHERE ${ENDED} AND ${f} IS NOT NULL`);
  }

  getTotalCallsWithVideo(): Promise<number> {
    return this.scalar('GetTotalCallsWithVideo', `SELECT COUNT(*) AS v FROM calls WHERE ${ENDED} AND ${this.truthy('has_used_video')}`);
  }

  getTotalCallsWithScreenShare(): Promise<number> {
    return this.scalar('GetTotalCallsWithScreenShare', `SELECT COUNT(*) AS v FROM calls WHERE ${ENDED} AND ${this.truthy('has_used_screen_share')}`);
  }

  private truthy(field: string): string {
    // SQLite's json_extract maps JSON true to 1; PostgreSQL's ->> gives the text 'true'.
    return this.dialect === 'sqlite' ? `json_extract(stats, '$.${field}') = 1` : `(stats::json->>'${field}') = 'true'`;
  }

  /** Ended calls by the type of their channel (O, P, D, G), from the host's channels table. */
  getCallsByChannelType(): Promise<Record<string, number>> {
    return this.op('GetCallsByChannelType', async () => {
      const rows = await this.db.all<{ type: string; n: number }>(
        'SELECT channels.type AS type, COUNT(*) AS n FROM calls JOIN channels ON calls.channelid = channels.id WHERE calls.endat > calls.startat AND calls.deleteat = 0 GROUP BY channels.type',
      );
      return Object.fromEntries(rows.map((r) => [r.type, num(r.n)]));
    });
  }

  private grouped(method: string, what: 'day' | 'month', table: 'calls' | 'calls_jobs', since: number, limit: number): Promise<Record<string, number>> {
    return this.op(method, async () => {
      const key = dateExpr(this.dialect, what);
      const where = table === 'calls' ? `${ENDED} AND startat >= ?` : "type = 'recording' AND endat > startat AND startat >= ?";
      const rows = await this.db.all<{ k: string; n: number }>(
        `SELECT ${key} AS k, COUNT(*) AS n FROM ${table} WHERE ${where} GROUP BY ${key} ORDER BY k DESC LIMIT ${limit}`,
        [since],
      );
      return Object.fromEntries(rows.reverse().map((r) => [r.k, num(r.n)]));
    });
  }

  getCallsByDay(now = new Date()): Promise<Record<string, number>> {
    return this.grouped('GetCallsByDay', 'day', 'calls', daysAgo(now, 30), 30);
  }

  getCallsByMonth(now = new Date()): Promise<Record<string, number>> {
    return this.grouped('GetCallsByMonth', 'month', 'calls', monthsAgo(now, 12), 12);
  }

  getRecordingJobsByDay(now = new Date()): Promise<Record<string, number>> {
    return this.grouped('GetRecordingJobsByDay', 'day', 'calls_jobs', daysAgo(now, 30), 30);
  }

  getRecordingJobsByMonth(now = new Date()): Promise<Record<string, number>> {
    return this.grouped('GetRecordingJobsByMonth', 'month', 'calls_jobs', monthsAgo(now, 12), 12);
  }

  getCallsStats(now = new Date()): Promise<CallsStats> {
    return this.op('GetCallsStats', async () => {
      const [total, active, sessions, byDay, byMonth, byType, avgDuration, avgParticipants, avgVideo, totalVideo, videoCalls, screenCalls, recDay, recMonth] =
        await Promise.all([
          this.getTotalCalls(false),
          this.getTotalCalls(true),
          this.getTotalActiveSessions(),
          this.getCallsByDay(now),
          this.getCallsByMonth(now),
          this.getCallsByChannelType(),
          this.getAvgCallDuration(),
          this.getAvgCallParticipants(),
          this.getAvgVideoDuration(),
          this.getTotalVideoDuration(),
          this.getTotalCallsWithVideo(),
          this.getTotalCallsWithScreenShare(),
          this.getRecordingJobsByDay(now),
          this.getRecordingJobsByMonth(now),
        ]);
      return {
        total_calls: total,
        total_active_calls: active,
        total_active_sessions: sessions,
        calls_by_day: byDay,
        calls_by_month: byMonth,
        calls_by_channel_type: byType,
        avg_duration: avgDuration,
        avg_participants: avgParticipants,
        avg_video_duration: avgVideo,
        total_video_duration: totalVideo,
        total_video_calls: videoCalls,
        total_screen_share_calls: screenCalls,
        recording_jobs_by_day: recDay,
        recording_jobs_by_month: recMonth,
      };
    });
  }
}

function daysAgo(now: Date, days: number): number {
  return now.getTime() - days * 86_400_000;
}

function monthsAgo(now: Date, months: number): number {
  const d = new Date(now.getTime());
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.getTime();
}

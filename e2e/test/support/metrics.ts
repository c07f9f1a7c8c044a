// The two metrics endpoints of a world, read as an operator's Prometheus would: the Calls plugin's
// (host metrics listener, /plugins/com.mattermost.calls/metrics) and, in rtcd mode, rtcd's /metrics. The
// SFU families (sessions, calls, tracks, packets) live in the plugin in embedded mode and in rtcd otherwise.
import { waitFor } from '../../../rtcd/test/helpers/wait.js';
import { metricValue, type CallsHost } from '../../../plugin/test/helpers/harness.js';
import type { RtcdProcess } from '../../../plugin/test/rtcd/support/rtcd-process.js';

export const PLUGIN_PREFIX = 'mattermost_plugin_calls';

export class MetricsSnapshot {
  constructor(
    readonly plugin: string,
    readonly rtcd: string | undefined,
  ) {}

  /** The SFU's prefix and exposition (rtcd's in rtcd mode). */
  private get sfu(): [string, string] {
    return this.rtcd === undefined ? [PLUGIN_PREFIX, this.plugin] : ['rtcd', this.rtcd];
  }

  /** A plugin family (without the prefix), summed over series matching `labels`. */
  p(family: string, labels: Record<string, string> = {}): number {
    return metricValue(this.plugin, `${PLUGIN_PREFIX}_${family}`, labels);
  }

  /** An rtcd family (without `rtcd_`); 0 in embedded mode. */
  r(family: string, labels: Record<string, string> = {}): number {
    return this.rtcd === undefined ? 0 : metricValue(this.rtcd, `rtcd_${family}`, labels);
  }

  /** An SFU family (`rtc_...`) from whichever process runs the SFU. */
  sfuValue(family: string, labels: Record<string, string> = {}): number {
    const [prefix, text] = this.sfu;
    return metricValue(text, `${prefix}_${family}`, labels);
  }

  get sessions(): number {
    return this.sfuValue('rtc_sessions_total');
  }

  get calls(): number {
    return this.sfuValue('rtc_calls_total');
  }

  tracks(direction: 'in' | 'out', type: 'audio/opus' | 'video/VP8'): number {
    return this.sfuValue('rtc_rtp_tracks_total', { direction, type });
  }

  get allTracks(): number {
    return this.sfuValue('rtc_rtp_tracks_total');
  }

  /** Browser call links on the plugin side. */
  get wsConnections(): number {
    return this.p('websocket_connections_total');
  }

  wsEvents(direction: 'in' | 'out', type: string): number {
    return this.p('websocket_events_total', { direction, type });
  }

  /** rtcd messages of `type` (plugin↔rtcd link); 0 in embedded mode. */
  rtcdMessages(direction: 'in' | 'out', type: string): number {
    return this.r('ws_messages_total', { direction, type });
  }

  rtpPackets(direction: 'in' | 'out', type: 'voice' | 'screen' | 'screen-audio'): number {
    return this.sfuValue('rtc_rtp_packets_total', { direction, type });
  }

  /** A one-line summary for failure messages. */
  describe(): string {
    return (
      `sessions=${this.sessions} calls=${this.calls} tracks in/out audio=${this.tracks('in', 'audio/opus')}/${this.tracks('out', 'audio/opus')} ` +
      `video=${this.tracks('in', 'video/VP8')}/${this.tracks('out', 'video/VP8')} plugin ws links=${this.wsConnections}`
    );
  }
}

export class CallsMetrics {
  constructor(
    private readonly host: CallsHost,
    readonly rtcd: RtcdProcess | undefined,
  ) {}

  async snapshot(): Promise<MetricsSnapshot> {
    const [plugin, rtcd] = await Promise.all([this.host.scrape(), this.rtcd ? this.rtcd.metrics() : Promise.resolve(undefined)]);
    return new MetricsSnapshot(plugin, rtcd);
  }

  /** Polls both endpoints until `check` holds on one snapshot, which is returned. */
  async until(what: string, check: (m: MetricsSnapshot) => boolean, timeoutMs = 30_000): Promise<MetricsSnapshot> {
    let last: MetricsSnapshot | undefined;
    try {
      return await waitFor(
        what,
        async () => {
          last = await this.snapshot();
          return check(last) ? last : undefined;
        },
        timeoutMs,
        250,
      );
    } catch (err) {
      throw new Error(`${(err as Error).message}; last scrape: ${last?.describe() ?? 'none'}`);
    }
  }

  /** Both endpoints back to idle: no session, call, track or browser link, nothing active in the store. */
  idle(timeoutMs = 40_000): Promise<MetricsSnapshot> {
    return this.until(
      'metrics back to idle',
      (m) =>
        m.sessions === 0 &&
        m.calls === 0 &&
        m.allTracks === 0 &&
        m.wsConnections === 0 &&
        m.p('aggregate_stats', { stat: 'total_active_calls' }) === 0 &&
        m.p('aggregate_stats', { stat: 'total_active_sessions' }) === 0,
      timeoutMs,
    );
  }
}

// rtcd's configuration as the code sees it (camelCase). The TOML keys and RTCD_* env names that feed each
// field are listed once, in keys.ts.
import type { RtcServerConfig } from '../rtc/types.js';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface RtcdConfig {
  api: {
    http: {
      listenAddress: string;
      tls: { enable: boolean; certFile: string; certKey: string };
    };
    security: {
      allowSelfRegistration: boolean;
      enableAdmin: boolean;
      adminSecretKey: string;
      sessionCache: { expirationMinutes: number };
    };
    /** Ours: who may scrape /metrics. Empty allow-list = everyone (the reference has no restriction). */
    metrics: { allowedIPs: string[]; token: string };
  };
  rtc: RtcServerConfig & {
    /** Ours: how long SIGTERM waits for sessions to end; 0 = until they all end (the reference's behaviour). */
    drainTimeoutSeconds: number;
  };
  store: { dataSource: string };
  logger: {
    enableConsole: boolean;
    consoleJSON: boolean;
    consoleLevel: LogLevel;
    enableFile: boolean;
    fileJSON: boolean;
    fileLevel: LogLevel;
    fileLocation: string;
    enableColor: boolean;
  };
}

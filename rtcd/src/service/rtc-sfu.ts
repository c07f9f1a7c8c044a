// Builds the daemon's SFU: the RtcServer of the rtc library with its metrics under the `rtcd` prefix on the
// daemon's registry. RtcServer already has the SfuBackend surface (initSession, closeSession, send,
// session-config queries, `message`/`sessionClosed` events); stop() closes every remaining session.
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { RtcServer, createRtcMetrics } from '../rtc/index.js';
import { toRtcServerConfig } from '../config/rtc.js';
import type { RtcdConfig } from '../config/types.js';
import type { OwnedSfu } from './rtcd-service.js';

export async function createRtcSfu(config: RtcdConfig, registry: Registry, logger: Logger): Promise<OwnedSfu> {
  const server = new RtcServer(toRtcServerConfig(config), { logger, metrics: createRtcMetrics(registry, 'rtcd') });
  await server.start();
  return server;
}

// Public-address discovery (reference rtcd: only when no host override is set and ICE servers are
// configured): a Binding request from each bound IPv4 address, on the shared port itself, to the first STUN
// server of the configuration. Never a built-in third-party server.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import type { RouteTable } from './routing.js';
import { buildBindingRequest, readMappedAddress } from './stun.js';

export interface DiscoveryTarget {
  bindAddress: string;
  send(data: Buffer, host: string, port: number): void;
}

const RETRANSMIT_MS = 500;

export async function discoverPublicAddresses(
  targets: DiscoveryTarget[],
  table: RouteTable,
  server: { host: string; port: number },
  timeoutMs: number,
  log?: Logger,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let host = server.host;
  if (!isIP(host)) {
    try {
      host = (await lookup(host, { family: 4 })).address;
    } catch (err) {
      log?.warn({ err, server: server.host }, 'STUN server does not resolve; advertising local addresses');
      return found;
    }
  }
  const waiting = new Map<string, { txid: Buffer; done: (ip: string) => void }>();
  table.responseTap = (data, from, fromPort) => {
    if (from !== host || fromPort !== server.port) return false;
    for (const [bindAddress, w] of waiting) {
      const mapped = readMappedAddress(data, w.txid);
      if (mapped) {
        waiting.delete(bindAddress);
        w.done(mapped.address);
        return true;
      }
    }
    return false;
  };
  try {
    await Promise.all(
      targets.map(
        (t) =>
          new Promise<void>((resolve) => {
            const { bytes, transactionId } = buildBindingRequest();
            const send = () => t.send(bytes, host, server.port);
            const timer = setInterval(send, RETRANSMIT_MS);
            const deadline = setTimeout(() => {
              clearInterval(timer);
              waiting.delete(t.bindAddress);
              log?.warn({ address: t.bindAddress, server: `${host}:${server.port}` }, 'STUN discovery timed out');
              resolve();
            }, timeoutMs);
            waiting.set(t.bindAddress, {
              txid: transactionId,
              done: (ip) => {
                clearInterval(timer);
                clearTimeout(deadline);
                found.set(t.bindAddress, ip);
                resolve();
              },
            });
            send();
          }),
      ),
    );
  } finally {
    table.responseTap = null;
  }
  return found;
}

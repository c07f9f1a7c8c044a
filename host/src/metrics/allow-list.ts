import { BlockList, isIP } from 'node:net';

/** IPs and CIDRs allowed to scrape; an empty list allows everyone (the reference's default). */
export class AllowList {
  private readonly list = new BlockList();
  readonly empty: boolean;

  constructor(entries: readonly string[]) {
    this.empty = entries.length === 0;
    for (const raw of entries) {
      const entry = raw.trim();
      const [addr, bits] = entry.split('/');
      const family = isIP(addr ?? '');
      if (!family) throw new Error(`metrics allow-list: "${entry}" is not an IP address or CIDR`);
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (bits === undefined) this.list.addAddress(addr!, type);
      else {
        const prefix = Number(bits);
        if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) {
          throw new Error(`metrics allow-list: "${entry}" has an invalid prefix length`);
        }
        this.list.addSubnet(addr!, prefix, type);
      }
    }
  }

  allows(remote: string | undefined): boolean {
    if (this.empty) return true;
    if (!remote) return false;
    // IPv4 clients of a dual-stack socket appear as ::ffff:a.b.c.d.
    const addr = remote.startsWith('::ffff:') && isIP(remote.slice(7)) === 4 ? remote.slice(7) : remote;
    const family = isIP(addr);
    if (!family) return false;
    return this.list.check(addr, family === 4 ? 'ipv4' : 'ipv6');
  }
}

// The router's memory stays bounded whatever peers do, and batches for workers carry datagrams intact.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { Message } from 'werift';
import type { PortOwner } from '../../src/rtc/net/backend.js';
import { BatchWriter, readBatch } from '../../src/rtc/net/batch.js';
import { NetCounters } from '../../src/rtc/net/counters.js';
import { RouteTable } from '../../src/rtc/net/routing.js';

class Recorder implements PortOwner {
  readonly got: string[] = [];
  constructor(readonly id: number) {}
  receiveUdp(_b: number, data: Buffer, host: string, port: number): boolean {
    this.got.push(`${host}:${port}:${data.length}`);
    return true;
  }
  acceptTcp(): void {}
}

const check = (ufrag: string, pwd: string) =>
  new Message(0x001, 0x000).setAttribute('USERNAME', `${ufrag}:peer`).addMessageIntegrity(Buffer.from(pwd)).addFingerprint().bytes;

test('addresses, ufrags and transactions per session are bounded; a newer verified owner takes an address over', () => {
  const counters = new NetCounters();
  const table = new RouteTable(counters);
  const a = new Recorder(1);
  const b = new Recorder(2);
  for (let i = 0; i < 12; i++) table.registerUfrag(a, `ufrag${i}`, `password-${i}-xxxxxxxxxxxx`);
  assert.equal(table.ufragCount, 8, 'older ufrags forgotten');
  for (let port = 1000; port < 1100; port++) table.learn(a, `10.0.0.1:${port}`);
  assert.equal(table.addressCount, 64);
  assert.equal(table.ownerOfAddress('10.0.0.1', 1000), undefined, 'oldest address forgotten');
  assert.equal(table.ownerOfAddress('10.0.0.1', 1099), a);

  // b proves its ufrag from an address a held (a NAT reused the port): the address is b's from now on.
  table.registerUfrag(b, 'bbbb', 'password-b-xxxxxxxxxxxxxx');
  table.route(0, check('bbbb', 'password-b-xxxxxxxxxxxxxx'), '10.0.0.1', 1099);
  assert.equal(table.ownerOfAddress('10.0.0.1', 1099), b);
  table.route(0, Buffer.from([0x80, 111, 0, 0]), '10.0.0.1', 1099);
  assert.equal(b.got.length, 2);

  // A response from an address nobody used reaches the session whose transaction it answers, once.
  const response = new Message(0x001, 0x100).bytes;
  table.learnTransaction(a, response.toString('hex', 8, 20));
  table.route(0, response, '192.0.2.9', 5000);
  table.route(0, response, '192.0.2.9', 5000);
  assert.equal(a.got.length, 1);
  assert.equal(counters.dropped.unknown_address, 1);

  table.unregister(a);
  table.unregister(b);
  assert.equal(table.ownerCount, 0);
  assert.equal(table.addressCount, 0);
  assert.equal(table.ufragCount, 0);
});

test('a worker batch carries every datagram, IPv4 and IPv6 senders, up to a full 64 KiB record', () => {
  const writer = new BatchWriter();
  const sent: Array<[number, number, string, number, Buffer]> = [];
  for (let i = 0; i < 200; i++) {
    const rec: [number, number, string, number, Buffer] = [i * 7, i % 3, i % 2 ? '2001:db8::1' : `192.0.2.${i % 250}`, 1024 + i, randomBytes(i * 3)];
    if (!writer.push(...rec)) break;
    sent.push(rec);
  }
  const { buffer, length, count } = writer.take();
  assert.equal(count, sent.length);
  const got: Array<[number, number, string, number, Buffer]> = [];
  readBatch(buffer, length, (id, b, host, port, data) => got.push([id, b, host, port, Buffer.from(data)]));
  assert.deepEqual(got, sent);

  const big = randomBytes(65_000);
  assert.ok(writer.push(1, 0, '127.0.0.1', 9, big), 'an oversized datagram gets a batch of its own');
  const one = writer.take();
  let seen: Buffer | undefined;
  readBatch(one.buffer, one.length, (_id, _b, _h, _p, data) => (seen = Buffer.from(data)));
  assert.deepEqual(seen, big);
});

test('fuzz: random and mutated datagrams never throw, every one is routed or counted as dropped', () => {
  const counters = new NetCounters();
  const table = new RouteTable(counters);
  const owner = new Recorder(1);
  table.registerUfrag(owner, 'fuzz', 'fuzz-password-0123456789');
  const valid = check('fuzz', 'fuzz-password-0123456789');
  let n = 0;
  for (let i = 0; i < 20_000; i++) {
    let d: Buffer;
    if (i % 3 === 0) d = randomBytes(i % 120);
    else {
      d = Buffer.from(valid);
      for (let k = 0; k < 1 + (i % 4); k++) d[(i * 7 + k * 13) % d.length] ^= 1 << (i % 8);
      if (i % 5 === 0) d = d.subarray(0, i % d.length);
    }
    table.route(0, d, '198.51.100.7', 1000 + (i % 50));
    n++;
  }
  assert.equal(owner.got.length, counters.udpRouted);
  assert.equal(counters.udpRouted + counters.droppedTotal, n);
  assert.ok(counters.dropped.stun_bad_integrity > 0 && counters.dropped.stun_malformed > 0);
});

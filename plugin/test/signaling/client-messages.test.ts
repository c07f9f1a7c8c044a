// Parsing of client WebSocket requests: every message type with valid data, and each way data can be wrong.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { ACTION_PREFIX, SDP_MAX_BYTES, parseClientMessage } from '../../src/signaling/client-messages.js';
import { KeyedRateLimiter, TokenBucket } from '../../src/util/token-bucket.js';

const ID = 'abcdefghijklmnopqrstuvwxyz';
const req = (type: string, data: Record<string, unknown> = {}) => ({ seq: 1, action: ACTION_PREFIX + type, data });

describe('client messages', () => {
  it('ignores other plugins and Mattermost pings; counts unknown calls actions', () => {
    assert.deepEqual(parseClientMessage({ seq: 1, action: 'custom_other_join', data: {} }), { kind: 'ignore' });
    assert.deepEqual(parseClientMessage(req('ping')), { kind: 'ignore' });
    assert.deepEqual(parseClientMessage(req('fly')), { kind: 'unknown', action: 'fly' });
  });

  it('join: ids checked, optional fields defaulted', () => {
    assert.deepEqual(parseClientMessage(req('join', { channelID: ID, remote_address: '1.2.3.4' })), {
      kind: 'ok', msg: { type: 'join', channelID: ID, title: '', threadID: '', jobID: '', av1Support: false, dcSignaling: false },
    });
    const bad = parseClientMessage(req('join', { channelID: ID, threadID: 'x' }));
    assert.equal(bad.kind, 'invalid');
    assert.match((bad as { error: string }).error, /threadID/);
    assert.equal(parseClientMessage(req('join', { channelID: ID, title: 'x'.repeat(300) })).kind, 'invalid');
    assert.equal(parseClientMessage(req('reconnect', { channelID: ID, originalConnID: ID })).kind, 'invalid');
  });

  it('sdp: zlib JSON in a binary value, capped at 64 KB inflated', () => {
    const offer = JSON.stringify({ type: 'offer', sdp: 'v=0\r\n' });
    const ok = parseClientMessage(req('sdp', { data: new Uint8Array(deflateSync(offer)) }));
    assert.equal(ok.kind, 'ok');
    assert.equal(Buffer.from((ok as { msg: { data: Uint8Array } }).msg.data).toString(), offer);
    const big = JSON.stringify({ type: 'offer', sdp: 'a'.repeat(SDP_MAX_BYTES) });
    const r = parseClientMessage(req('sdp', { data: deflateSync(big) }));
    assert.equal(r.kind, 'invalid');
    assert.match((r as { error: string }).error, /decompressed sdp exceeds 65536 bytes/);
    assert.match((parseClientMessage(req('sdp', { data: 'text' })) as { error: string }).error, /must be binary/);
    assert.match((parseClientMessage(req('sdp', { data: deflateSync('not json') })) as { error: string }).error, /sdp is not valid JSON/);
  });

  it('ice, screen_on, react, metric: JSON strings with bounded fields', () => {
    const cand = JSON.stringify({ candidate: 'candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 });
    assert.equal(parseClientMessage(req('ice', { data: cand })).kind, 'ok');
    assert.equal(parseClientMessage(req('ice', { data: '{"candidate":7}' })).kind, 'invalid');
    assert.equal(parseClientMessage(req('screen_on', { data: '{"screenStreamID":"s1"}' })).kind, 'ok');
    assert.equal(parseClientMessage(req('screen_on', {})).kind, 'invalid');
    assert.deepEqual(parseClientMessage(req('react', { data: '{"name":"tada","unified":"1f389","skin":"1f3fb"}' })), {
      kind: 'ok', msg: { type: 'react', emoji: { name: 'tada', unified: '1f389', skin: '1f3fb', literal: '' } },
    });
    const pair = { state: 'succeeded', local: { type: 'relay', protocol: 'tcp' }, remote: { type: 'host', protocol: 'udp' } };
    assert.equal(parseClientMessage(req('metric', { metric_name: 'client_ice_candidate_pair', data: JSON.stringify(pair) })).kind, 'ok');
    assert.equal(parseClientMessage(req('metric', { metric_name: 'client_ice_candidate_pair', data: JSON.stringify({ ...pair, state: 'x' }) })).kind, 'invalid');
    assert.equal(parseClientMessage(req('metric', { metric_name: 'live_captions_window_dropped', data: '{}' })).kind, 'invalid');
    assert.deepEqual(parseClientMessage({ seq: 2, action: ACTION_PREFIX + 'mute', data: null as never }), { kind: 'ok', msg: { type: 'mute' } });
  });
});

describe('token buckets', () => {
  it('allow the burst, then the rate', () => {
    const b = new TokenBucket(10, 100, 0);
    let allowed = 0;
    for (let i = 0; i < 150; i++) if (b.allow(0)) allowed++;
    assert.equal(allowed, 100);
    assert.equal(b.allow(50), false, 'half a token after 50 ms');
    assert.equal(b.allow(100), true, 'one token after 100 ms');
    assert.equal(b.isFull(100 + 10_000), true);
  });

  it('keyed limiter stays bounded', () => {
    const l = new KeyedRateLimiter(1, 10, 100);
    for (let i = 0; i < 1000; i++) l.allow(`user${i}`);
    assert.ok(l.size <= 100);
  });
});

// Header-extension ids made consistent across a BUNDLE before a server offer is applied.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extmapOf, harmonizeExtmap } from '../src/client/sdp-extmap.js';

const MID = 'urn:ietf:params:rtp-hdrext:sdes:mid';
const LEVEL = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';
const RID = 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id';
const TWCC = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';

// What the SFU offered after a client had negotiated its own audio (ids 1 and 4): the new sections use the
// SFU's own table, where 4 is rtp-stream-id and mid is 2 and 3.
const offer = [
  'v=0', 'a=group:BUNDLE 0 1 2 3',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'a=mid:0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=mid:1', `a=extmap:1 ${LEVEL}`, `a=extmap:4 ${MID}`,
  'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=mid:2', `a=extmap:1 ${LEVEL}`, `a=extmap:2 ${MID}`,
  'm=video 9 UDP/TLS/RTP/SAVPF 96', 'a=mid:3', `a=extmap:3 ${MID}`, `a=extmap:4 ${RID}`, `a=extmap:6/sendrecv ${TWCC}`,
  '',
].join('\r\n');

test('every URI gets one id across the bundle, and no id names two URIs', () => {
  const established = extmapOf(['m=audio 9 UDP/TLS/RTP/SAVPF 111', `a=extmap:1 ${LEVEL}`, `a=extmap:4 ${MID}`].join('\r\n'));
  const out = harmonizeExtmap(offer, established);
  const byId = new Map<number, Set<string>>();
  const byUri = new Map<string, Set<number>>();
  for (const m of out.matchAll(/^a=extmap:(\d+)(?:\/\w+)? (\S+)/gm)) {
    const id = Number(m[1]);
    byId.set(id, (byId.get(id) ?? new Set()).add(m[2]!));
    byUri.set(m[2]!, (byUri.get(m[2]!) ?? new Set()).add(id));
  }
  for (const [id, uris] of byId) assert.equal(uris.size, 1, `id ${id} names ${[...uris].join(', ')}`);
  for (const [uri, ids] of byUri) assert.equal(ids.size, 1, `${uri} has ids ${[...ids].join(', ')}`);
  assert.deepEqual([...byUri.get(MID)!], [4]);
  assert.ok(out.includes(`/sendrecv ${TWCC}`), 'the direction suffix is kept');
  assert.ok(out.includes('\r\n') && !/[^\r]\n/.test(out), 'CRLF line ends kept');
});

test('a consistent SDP is returned untouched', () => {
  const sdp = ['m=audio 9 X 111', `a=extmap:1 ${LEVEL}`, `a=extmap:2 ${MID}`, 'm=video 9 X 96', `a=extmap:2 ${MID}`, `a=extmap:3 ${RID}`, ''].join('\r\n');
  assert.equal(harmonizeExtmap(sdp, extmapOf(sdp)), sdp);
  assert.equal(harmonizeExtmap(sdp, new Map()), sdp);
});

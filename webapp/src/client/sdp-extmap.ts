// One RTP header-extension numbering per BUNDLE. A bundled session must map each extension URI to one id
// everywhere; an SFU that numbers the m-sections it adds from its own table (werift offers 1..n) sends
// offers where `sdes:mid` is 9 in one section and 2 in the next, or where id 4 means two URIs. Chrome
// refuses such an offer ("BUNDLE group contains a codec collision for header extension") or, worse, accepts
// it and later aborts the tab in a renegotiation. So before applying a server offer we renumber its
// extensions onto the session's numbering; our answer echoes those ids and the server sends with them.

const EXTMAP = /^a=extmap:(\d+)(\/[a-z]+)? (\S+)(.*)$/;
/** One-byte header extension ids (RFC 8285); two-byte ids are not needed by anything here. */
const MAX_ID = 14;

/** URI → id of every `a=extmap` in the SDPs, first seen wins. */
export function extmapOf(...sdps: (string | undefined | null)[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const sdp of sdps) {
    if (!sdp) continue;
    for (const line of sdp.split(/\r?\n/)) {
      const m = EXTMAP.exec(line);
      if (m && !map.has(m[3]!)) map.set(m[3]!, Number(m[1]));
    }
  }
  return map;
}

/**
 * Renumbers `sdp`'s extensions so that each URI has the id it already has in `established` (the session's
 * current descriptions), and URIs new to the session get ids no other URI uses. Returns the SDP unchanged
 * when it is already consistent.
 */
export function harmonizeExtmap(sdp: string, established: Map<string, number>): string {
  const byUri = new Map(established);
  const used = new Set(byUri.values());
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  let changed = false;
  const lines = sdp.split(/\r?\n/).map((line) => {
    const m = EXTMAP.exec(line);
    if (!m) return line;
    const [, idText, dir = '', uri, rest = ''] = m;
    const id = Number(idText);
    let want = byUri.get(uri!);
    if (want === undefined) {
      want = !used.has(id) ? id : [...Array(MAX_ID).keys()].map((i) => i + 1).find((i) => !used.has(i));
      if (want === undefined) return line; // no id left: leave it, the browser will say why
      byUri.set(uri!, want);
      used.add(want);
    }
    if (want === id) return line;
    changed = true;
    return `a=extmap:${want}${dir} ${uri}${rest}`;
  });
  return changed ? lines.join(eol) : sdp;
}

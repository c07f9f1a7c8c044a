// A small, safe subset of Mattermost's markdown, rendered straight to React elements (never HTML
// strings): fenced code blocks, inline code, **bold**, *italic* / _italic_, ~~strike~~, links (bare URLs
// and [text](url)), @mentions and line breaks. Anything else shows as typed.
import type { ReactNode } from 'react';

const SAFE_URL = /^(https?:|mailto:)/i;

type Rule = { re: RegExp; render: (m: RegExpExecArray, key: string) => ReactNode };

const rules: Rule[] = [
  { re: /`([^`\n]+)`/, render: (m, k) => <code key={k}>{m[1]}</code> },
  {
    re: /\[([^\]\n]+)\]\(([^)\s]+)\)/,
    render: (m, k) =>
      SAFE_URL.test(m[2]!) ? (
        <a key={k} href={m[2]} target="_blank" rel="noopener noreferrer">
          {inline(m[1]!, k)}
        </a>
      ) : (
        m[0]
      ),
  },
  {
    re: /\bhttps?:\/\/[^\s<>()]+[^\s<>().,;:!?'"]/,
    render: (m, k) => (
      <a key={k} href={m[0]} target="_blank" rel="noopener noreferrer">
        {m[0]}
      </a>
    ),
  },
  { re: /\*\*([^*\n]+)\*\*/, render: (m, k) => <strong key={k}>{inline(m[1]!, k)}</strong> },
  { re: /~~([^~\n]+)~~/, render: (m, k) => <del key={k}>{inline(m[1]!, k)}</del> },
  { re: /(?<![\w*])\*([^*\n]+)\*(?!\w)/, render: (m, k) => <em key={k}>{inline(m[1]!, k)}</em> },
  { re: /(?<!\w)_([^_\n]+)_(?!\w)/, render: (m, k) => <em key={k}>{inline(m[1]!, k)}</em> },
  { re: /(?<![\w@])@([a-z0-9][a-z0-9._-]*[a-z0-9]|[a-z0-9])/i, render: (m, k) => <span key={k} className="mention">@{m[1]}</span> },
];

/** Renders one line of text with the inline rules; the earliest match wins, ties go to the first rule. */
export function inline(text: string, keyPrefix = 'i'): ReactNode[] {
  const out: ReactNode[] = [];
  let rest = text;
  let n = 0;
  while (rest) {
    let best: { m: RegExpExecArray; rule: Rule } | null = null;
    for (const rule of rules) {
      const m = rule.re.exec(rest);
      if (m && (!best || m.index < best.m.index)) best = { m, rule };
    }
    if (!best) {
      out.push(rest);
      break;
    }
    if (best.m.index > 0) out.push(rest.slice(0, best.m.index));
    out.push(best.rule.render(best.m, `${keyPrefix}.${n++}`));
    rest = rest.slice(best.m.index + best.m[0].length);
  }
  return out;
}

export function Markdown({ text }: { text: string }) {
  const blocks: ReactNode[] = [];
  const parts = text.split(/^```[^\n]*\n?/m);
  // Odd parts sit between fences: code, shown verbatim. An unclosed fence runs to the end, as in Mattermost.
  parts.forEach((part, i) => {
    if (i % 2 === 1) {
      blocks.push(
        <pre key={`c${i}`} className="code-block">
          <code>{part.replace(/\n$/, '')}</code>
        </pre>,
      );
      return;
    }
    const paragraphs = part.split(/\n{2,}/).filter((p) => p.trim() !== '');
    paragraphs.forEach((p, j) => {
      const lines = p.replace(/^\n+|\n+$/g, '').split('\n');
      if (lines.every((l) => l.startsWith('>'))) {
        blocks.push(
          <blockquote key={`q${i}.${j}`}>
            {lines.map((l, k) => (
              <span key={k}>
                {k > 0 && <br />}
                {inline(l.replace(/^>\s?/, ''), `q${i}.${j}.${k}`)}
              </span>
            ))}
          </blockquote>,
        );
        return;
      }
      blocks.push(
        <p key={`p${i}.${j}`}>
          {lines.map((l, k) => (
            <span key={k}>
              {k > 0 && <br />}
              {inline(l, `p${i}.${j}.${k}`)}
            </span>
          ))}
        </p>,
      );
    });
  });
  return <div className="markdown">{blocks}</div>;
}

/// <reference types="node" />
// Post text rendering: the supported markdown, and that nothing a user types becomes live HTML.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { Markdown } from '../src/channel/markdown.js';

const html = (text: string) => renderToStaticMarkup(createElement(Markdown, { text }));

describe('markdown', () => {
  it('renders bold, italic, code, links, mentions and code blocks', () => {
    const out = html('**hi** _there_ `x` @bob see https://example.com/a.\n```\nconst a = 1;\n```');
    assert.match(out, /<strong>hi<\/strong>/);
    assert.match(out, /<em>there<\/em>/);
    assert.match(out, /<code>x<\/code>/);
    assert.match(out, /<span class="mention">@bob<\/span>/);
    assert.match(out, /<a href="https:\/\/example.com\/a" target="_blank" rel="noopener noreferrer">https:\/\/example.com\/a<\/a>\./);
    assert.match(out, /<pre class="code-block"><code>const a = 1;<\/code><\/pre>/);
  });

  it('never turns typed HTML or javascript: links into markup', () => {
    const out = html('<img src=x onerror=alert(1)> [click](javascript:alert(1))');
    assert.ok(!out.includes('<img'), out);
    assert.ok(!out.includes('href="javascript'), out);
    assert.match(out, /&lt;img/);
  });
});

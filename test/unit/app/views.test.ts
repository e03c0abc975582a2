import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeHtml, html, raw } from '../../../src/app/views/html.js';
import { page } from '../../../src/app/views/layout.js';
import { signInBody } from '../../../src/app/views/pages.js';

describe('view escaping', () => {
  it('escapes every interpolated value', () => {
    const name = `<script>alert("x")</script>' & \``;
    assert.equal(
      html`<b>${name}</b>`.value,
      '<b>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; &amp; &#96;</b>',
    );
    assert.equal(escapeHtml('a"b'), 'a&quot;b');
  });

  it('nests templates and lists without double escaping, and drops empty values', () => {
    const items = ['<a>', 'b'].map((item) => html`<li>${item}</li>`);
    assert.equal(
      html`<ul>${items}</ul>${null}${undefined}${false}${0}`.value,
      '<ul><li>&lt;a&gt;</li><li>b</li></ul>0',
    );
    assert.equal(html`${raw('<hr>')}`.value, '<hr>');
  });

  it('escapes the user name and form values in whole pages', () => {
    const context = {
      region: 'us-east-1',
      instanceId: 'i-1',
      userName: '<img src=x onerror=alert(1)>',
      replication: { readAtMs: null, peers: [], lastError: null },
    };
    const out = page('Sign in', context, signInBody('bad <name>', '"><script>'));
    assert.ok(!out.includes('<img src=x'));
    assert.ok(!out.includes('"><script>'));
    assert.ok(out.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(out.includes('us-east-1') && out.includes('i-1'));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeHtml, escapeTerminal } from '../../../../src/gameday/report/escape.js';
import {
  describeShares,
  formatDurationMs,
  formatLatencyMs,
  formatPercent,
} from '../../../../src/gameday/report/format.js';

describe('report formatting', () => {
  it('never rounds a percentage to a perfect or to a zero it is not', () => {
    assert.equal(formatPercent(1), '100%');
    assert.equal(formatPercent(0), '0%');
    assert.equal(formatPercent(0.9996), '99.96%');
    assert.equal(formatPercent(0.0004), '0.04%');
    assert.equal(formatPercent(0.453), '45.3%');
    assert.equal(formatPercent(0.5), '50%');
    assert.equal(formatPercent(Number.NaN), '—');
    assert.equal(formatPercent(null), '—');
  });

  it('says durations in the unit that reads best', () => {
    assert.equal(formatDurationMs(850), '850 ms');
    assert.equal(formatDurationMs(6_240), '6.2 s');
    assert.equal(formatDurationMs(10_000), '10 s');
    assert.equal(formatDurationMs(125_000), '2 min 5 s');
    assert.equal(formatDurationMs(120_000), '2 min');
    assert.equal(formatDurationMs(null), '—');
    assert.equal(formatLatencyMs(4.25), '4.3 ms');
    assert.equal(formatLatencyMs(2400), '2400 ms');
  });

  it('describes shares largest first', () => {
    assert.equal(
      describeShares({ 'eu-west-1': 1, 'us-east-1': 3, 'ap-south-1': 0 }),
      'us-east-1 75% · eu-west-1 25%',
    );
    assert.equal(describeShares({}), '—');
  });

  it('escapes markup and control characters', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    assert.equal(escapeTerminal('a\u001b[31mb\u009bc'), 'a\\x1b[31mb\\x9bc');
  });
});

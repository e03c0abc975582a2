import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderTextSummary } from '../../../../src/gameday/report/index.js';
import { emptyGamedayReportFixture, gamedayReportFixture } from '../../../support/gameday-report-fixture.js';

describe('renderTextSummary', () => {
  const report = gamedayReportFixture();
  const text = renderTextSummary(report);
  const lines = text.split('\n');

  it('starts with the verdict', () => {
    assert.equal(lines[0], 'Game day "us-east-1 outage & failback": FAIL, 3 of 4 objectives met');
    assert.match(
      lines[1] ?? '',
      /^seed 20250301 · run run-20250301-0912 · started 2025-03-01T09:12:04\.512Z · took 52\.3 s$/,
    );
    assert.equal(lines[2], 'world default (profile fast): us-east-1, eu-west-1, ap-south-1; 5 locations');
  });

  it('tabulates every verdict in aligned columns', () => {
    const headerIndex = lines.findIndex((line) => line.startsWith('OBJECTIVE'));
    assert.ok(headerIndex > 0);
    const header = lines[headerIndex] ?? '';
    const rows = lines.slice(headerIndex + 1, headerIndex + 1 + report.verdicts.length);
    for (const [index, verdict] of report.verdicts.entries()) {
      const row = rows[index] ?? '';
      assert.ok(row.includes(verdict.expected) && row.includes(verdict.measured), row);
      assert.equal(row.indexOf(verdict.expected), header.indexOf('EXPECTED'), 'EXPECTED column aligned');
      assert.equal(row.indexOf(verdict.measured), header.indexOf('MEASURED'), 'MEASURED column aligned');
      assert.ok(row.endsWith(verdict.passed ? 'pass' : 'FAIL'), row);
    }
    assert.match(rows[1] ?? '', /^Recovery point \(RPO\)\s+rpo <= 1 s\s+1\.8 s .*FAIL$/);
  });

  it('gives the key measurements', () => {
    assert.match(
      text,
      /RTO us-east-1 outage\s+4\.5 s sustained, worst south-america \(first success 3\.5 s\)/,
    );
    assert.match(text, /RPO us-east-1 outage\s+1\.8 s window, 3 writes missing at failover, 0 after heal/);
    assert.match(text, /error rate\s+\d+(\.\d+)?% \(\d+ of [\d,]+ operations failed, 4 unknown outcome\)/);
    assert.match(text, /convergence\s+6\.4 s after the last fault/);
    assert.match(text, /lost writes\s+0 of 790 acknowledged \(17 stale reads\)/);
    assert.match(text, /counters\s+all 3 in range, 0 increments lost/);
    assert.match(text, /LWW discards\s+7 \(Carts 5, PangeaGameday 2\)/);
  });

  it('lists the findings, wrapped, as they are', () => {
    assert.match(text, /\nFindings\n {2}1\. RPO missed:/);
    assert.ok(text.includes('<script>alert("x")</script>'), 'a terminal needs no HTML escaping');
    for (const line of lines.slice(lines.indexOf('Findings'))) assert.ok(line.length <= 100, line);
  });

  it('shows control characters instead of sending them to the terminal', () => {
    const sneaky = renderTextSummary({
      ...report,
      scenario: { ...report.scenario, name: 'x\u001b[2Jy' },
      findings: ['ok\rFAKE PASS'],
    });
    const controls = [...sneaky].filter((character) => character < ' ' && character !== '\n');
    assert.deepEqual(controls, []);
    assert.match(sneaky, /x\\x1b\[2Jy/);
    assert.match(sneaky, /ok\\x0dFAKE PASS/);
  });

  it('summarises a run where nothing ran and nothing was judged', () => {
    const empty = renderTextSummary({ ...emptyGamedayReportFixture(), verdicts: [], passed: true });
    assert.match(empty, /: PASS, no objectives judged/);
    assert.match(empty, /No objectives judged\./);
    assert.match(empty, /RPO\s+not measured/);
    assert.match(empty, /Findings: none/);
    assert.ok(!/NaN|undefined/.test(empty));
  });
});

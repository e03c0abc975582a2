import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { requestDeadline } from '../../../../src/gameday/load/errors.js';
import { classifyFailure, isIndeterminate, LoadOpError } from '../../../../src/gameday/load/index.js';

const errno = (code: string, message = code) => Object.assign(new Error(message), { code });
const awsError = (name: string, httpStatusCode: number) =>
  Object.assign(new Error(name), { name, $fault: 'client', $metadata: { httpStatusCode } });

describe('classifyFailure', () => {
  const sent = { requestSent: true };
  const cases: Array<
    [
      string,
      unknown,
      { requestSent: boolean; timedOut?: boolean; aborted?: boolean },
      string,
      boolean,
      boolean,
    ]
  > = [
    // what, error, observed, code, answered, requestSent
    ['refused', errno('ECONNREFUSED'), sent, 'ECONNREFUSED', false, false],
    ['reset after connect', errno('ECONNRESET'), sent, 'ECONNRESET', false, true],
    ['reset before connect', errno('ECONNRESET'), { requestSent: false }, 'ECONNRESET', false, false],
    [
      'SDK reset (renamed TimeoutError)',
      Object.assign(errno('ECONNRESET'), { name: 'TimeoutError' }),
      sent,
      'ECONNRESET',
      false,
      true,
    ],
    [
      'SDK request timeout',
      Object.assign(new Error('x'), { name: 'TimeoutError', code: 'ETIMEDOUT' }),
      sent,
      'Timeout',
      false,
      true,
    ],
    [
      'our timer',
      Object.assign(new Error('x'), { name: 'AbortError' }),
      { requestSent: true, timedOut: true },
      'Timeout',
      false,
      true,
    ],
    [
      'run aborted',
      Object.assign(new Error('x'), { name: 'AbortError' }),
      { requestSent: true, aborted: true },
      'Aborted',
      false,
      true,
    ],
    [
      'abort without a reason',
      Object.assign(new Error('x'), { name: 'AbortError' }),
      sent,
      'Aborted',
      false,
      true,
    ],
    ['AWS error', awsError('ResourceNotFoundException', 400), sent, 'ResourceNotFoundException', true, true],
    ['AWS 5xx', awsError('InternalServerError', 500), sent, 'InternalServerError', true, true],
    ['unnamed 503', awsError('Error', 503), sent, 'HTTP503', true, true],
    ['unknown', new TypeError('boom'), sent, 'TypeError', false, true],
    ['not an Error', 'weird', { requestSent: false }, 'Error', false, false],
  ];
  for (const [what, error, observed, code, answered, requestSent] of cases) {
    test(what, () => {
      const facts = classifyFailure(error, observed);
      assert.equal(facts.code, code);
      assert.equal(facts.answered, answered);
      assert.equal(facts.requestSent, requestSent);
    });
  }

  test('a LoadOpError keeps its own facts', () => {
    const error = new LoadOpError('HTTP503', 'x', { status: 503, answered: true, requestSent: true });
    assert.deepEqual({ ...classifyFailure(error, { requestSent: false }) }, { ...error });
    assert.equal(classifyFailure(error, { requestSent: false }).status, 503);
  });
});

describe('isIndeterminate', () => {
  const facts = (requestSent: boolean, answered: boolean) => ({
    code: 'x',
    status: null,
    requestSent,
    answered,
  });
  test('only writes whose request may have arrived without an answer', () => {
    for (const kind of ['cart', 'checkout', 'ddb-put', 'ddb-increment'] as const) {
      assert.equal(isIndeterminate(kind, facts(true, false)), true, kind);
      assert.equal(isIndeterminate(kind, facts(false, false)), false, `${kind} never sent`);
      assert.equal(isIndeterminate(kind, facts(true, true)), false, `${kind} answered`);
    }
    for (const kind of ['browse', 'orders', 'ddb-read'] as const) {
      assert.equal(isIndeterminate(kind, facts(true, false)), false, kind);
    }
  });
});

describe('requestDeadline', () => {
  test('times out, or follows the run signal, and says which', async () => {
    const run = new AbortController();
    const timing = requestDeadline(run.signal, 10);
    await new Promise((resolve) => timing.signal.addEventListener('abort', resolve));
    assert.equal(timing.timedOut, true);
    assert.equal(timing.aborted, false);
    timing.dispose();

    const stopped = requestDeadline(run.signal, 10_000);
    run.abort();
    assert.equal(stopped.signal.aborted, true);
    assert.equal(stopped.aborted, true);
    assert.equal(stopped.timedOut, false);
    stopped.dispose();
    const late = requestDeadline(run.signal, 10_000);
    assert.equal(late.signal.aborted, true, 'already aborted');
    late.dispose();
  });
});

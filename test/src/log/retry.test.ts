import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { retrying } from '../../../src/log/retry';

const policy = { attempts: 4, baseDelayMs: 1, maxDelayMs: 2 };
class Flaky extends Error {}

describe('retrying', () => {
  test('retriable failures are retried until the operation succeeds', async () => {
    let calls = 0;
    const result = await retrying(policy, (e) => e instanceof Flaky, () => {
      if (++calls < 3) throw new Flaky();
      return 'done';
    });
    assert.equal(result, 'done');
    assert.equal(calls, 3);
  });

  test('after the last attempt the last error goes to the caller', async () => {
    let calls = 0;
    await assert.rejects(retrying(policy, () => true, () => Promise.reject(new Flaky(`try ${++calls}`))), /try 4/);
    assert.equal(calls, 4);
  });

  test('an error that is not retriable is thrown at once', async () => {
    let calls = 0;
    await assert.rejects(retrying(policy, (e) => e instanceof Flaky, () => {
      calls++;
      throw new TypeError('fatal');
    }), TypeError);
    assert.equal(calls, 1);
  });
});

// The test helper stateFrom() is only trustworthy if it refuses what the
// decoder or the fold refuses, instead of testing a different state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stateFrom } from './build-state';
import { globalNetworkPolicy, profile, wep } from './docs';

test('stateFrom folds documents in order into a state', () => {
  const s = stateFrom([profile('p', {}), wep('ns', 'w', { host: 'h', ips: ['10.0.0.1'], profiles: ['p'] })]);
  assert.equal(s.offset, 2);
  assert.equal(s.ipOwners.get('10.0.0.1'), 'ns/w');
});

test('stateFrom throws on a document that does not decode', () => {
  assert.throws(() => stateFrom([profile('p', { ingres: [] })]), /does not decode/);
});

test('stateFrom throws on an event the fold rejects', () => {
  assert.throws(() => stateFrom([globalNetworkPolicy('p', { tier: 'missing' })]), /rejected[\s\S]*tier missing does not exist/);
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from 'fp-ts/Either';
import type { LoggedEvent } from '../../../compiler/events/event';
import { fold } from '../../../compiler/fold/fold';
import { emptyState } from '../../../compiler/fold/state';
import type { EndpointModel } from '../../../compiler/model/types';
import { touchesEndpoint } from '../../../compiler/diff/touching';
import { foldEvents, putEvents } from '../policy/build-state';
import { namespace, networkPolicy, profile, tier, wep } from '../policy/docs';
import { fixtureDocs } from '../../helpers/seed-demo';

/** Offsets of the events that touch `key`, judging pre-creation events by the endpoint at the end. */
const touching = (events: readonly LoggedEvent[], key: string): number[] => {
  let s = emptyState();
  const steps: Array<{ before: typeof s; after: typeof s; e: LoggedEvent; changes: readonly import('../../../compiler/fold/changes').Change[] }> = [];
  for (const e of events) {
    const r = fold(s, e);
    if (E.isLeft(r)) throw new Error('out of order');
    steps.push({ before: s, after: r.right.state, e, changes: r.right.changes });
    s = r.right.state;
  }
  const fallback: EndpointModel | undefined = s.endpoints.get(key);
  return steps.filter((x) => touchesEndpoint(x.before, x.after, x.e, x.changes, key, fallback)).map((x) => x.e.offset);
};

const seed = (): LoggedEvent[] => putEvents([...fixtureDocs('seed-demo.yaml'), ...fixtureDocs('seed-demo-open-a-to-c.yaml')]);

describe('log --touching: what changed what applies to an endpoint', () => {
  test('demo/c: its profile (defined before it existed), its own spec, and the policy selecting it', () => {
    // 0-1 hosts, 2 pool, 3 profile default, 4 profile group-a, 5-9 endpoints a-e, 10 policy selecting c.
    assert.deepEqual(touching(seed(), 'demo/c'), [4, 7, 10]);
  });

  test('demo/a: a policy whose rule names a as a source does not apply to a', () => {
    assert.deepEqual(touching(seed(), 'demo/a'), [3, 5]);
  });

  test('a policy that stops selecting the endpoint counts, judged in the state before', () => {
    const docs = [
      profile('p', { ingress: [{ action: 'Allow' }] }),
      wep('ns', 'w', { host: 'h', ips: ['10.0.0.1'], labels: { app: 'x' }, profiles: ['p'] }),
      wep('ns', 'other', { host: 'h', ips: ['10.0.0.2'], labels: { app: 'y' } }),
      networkPolicy('ns', 'np', { selector: "app == 'x'", ingress: [] }),
      networkPolicy('ns', 'np', { selector: "app == 'y'", ingress: [] }),
      networkPolicy('ns', 'np', { selector: "app == 'y'", ingress: [{ action: 'Allow' }] }),
      namespace('ns', { env: 'prod' }),
      namespace('elsewhere', { env: 'prod' }),
      tier('t', 5),
    ];
    const events = putEvents(docs);
    assert.deepEqual(touching(events, 'ns/w'), [0, 1, 3, 4, 6]);
    assert.deepEqual(touching(events, 'ns/other'), [2, 4, 5, 6]);
    foldEvents(events);
  });

  test('an anycast service counts when it picks the endpoint as a backend (before or after); host protection never does', () => {
    const svc = (selector: string, namespace = 'ns') => ({
      apiVersion: 'foldnet.io/v1', kind: 'AnycastService', metadata: { namespace, name: 'svc' },
      spec: { addresses: [namespace === 'ns' ? '10.96.0.1' : '10.96.0.2'], selector, ports: [{ port: 80 }] },
    });
    const docs = [
      wep('ns', 'w', { host: 'h', ips: ['10.0.0.1'], labels: { app: 'x' } }),
      svc("app == 'x'"),
      svc("app == 'y'"),
      svc("app == 'y'", 'other'),
      svc("app == 'x'", 'other'),
      { apiVersion: 'foldnet.io/v1', kind: 'HostEndpoint', metadata: { name: 'h-eth0' }, spec: { host: 'h', interfaceName: 'eth0' } },
      { apiVersion: 'foldnet.io/v1', kind: 'FelixConfiguration', metadata: { name: 'default' }, spec: { failsafeInboundHostPorts: [] } },
    ];
    const events = putEvents(docs);
    assert.deepEqual(touching(events, 'ns/w'), [0, 1, 2]);
    foldEvents(events);
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { probePorts } from '../../../compiler/diff/probe-ports';
import { foldEvents, putEvents } from '../policy/build-state';
import { networkPolicy, wep } from '../policy/docs';
import { fixtureDocs } from '../../helpers/seed-demo';

describe('what-if probe ports', () => {
  test('the ports a changed policy names, before and after, with named ports resolved', () => {
    const base = fixtureDocs('seed-demo.yaml');
    const before = foldEvents(putEvents(base));
    const after = foldEvents(putEvents(fixtureDocs('seed-demo-open-a-to-c.yaml'), base.length), before);
    assert.deepEqual(probePorts(before, after), { probes: [{ protocol: 6, port: 80 }], fromChange: true });
    const named = foldEvents(
      putEvents([networkPolicy('demo', 'n', { selector: 'all()', ingress: [{ action: 'Allow', protocol: 'TCP', destination: { ports: ['http', '1000:2000'] } }, { action: 'Allow', protocol: 'ICMP' }] })], before.offset),
      before,
    );
    assert.deepEqual(probePorts(before, named).probes, [{ protocol: 1 }, { protocol: 6, port: 80 }, { protocol: 6, port: 1000 }, { protocol: 6, port: 2000 }]);
  });

  test('a change naming no ports probes the ports every policy and profile names', () => {
    const base = [...fixtureDocs('seed-demo.yaml'), ...fixtureDocs('seed-demo-open-a-to-c.yaml')];
    const before = foldEvents(putEvents(base));
    const after = foldEvents(putEvents([wep('demo', 'f', { host: 'host-1', ips: ['192.168.1.6'] })], base.length), before);
    // The profiles allow every protocol (probed as TCP 80); the policy names TCP 80.
    assert.deepEqual(probePorts(before, after), { probes: [{ protocol: 6, port: 80 }], fromChange: false });
  });
});

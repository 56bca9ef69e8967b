import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AgentMetrics, APPLY_BUCKETS } from '../../../src/agent/metrics';
import { serveMetrics, PROMETHEUS_CONTENT_TYPE } from '../../../src/agent/metrics-server';

const samples = (text: string): Map<string, number> =>
  new Map(text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => [l.slice(0, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))]));

describe('agent metrics', () => {
  test('histogram buckets are cumulative, +Inf counts every observation, sum adds them up', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 20, noNaN: true }), { maxLength: 50 }), (xs) => {
        const m = new AgentMetrics('h');
        for (const x of xs) m.observeApply(x);
        const s = samples(m.render());
        const counts = APPLY_BUCKETS.map((le) => s.get(`foldnet_apply_duration_seconds_bucket{host="h",le="${le}"}`)!);
        APPLY_BUCKETS.forEach((le, i) => assert.equal(counts[i], xs.filter((x) => x <= le).length));
        assert.equal(s.get('foldnet_apply_duration_seconds_bucket{host="h",le="+Inf"}'), xs.length);
        assert.equal(s.get('foldnet_apply_duration_seconds_count{host="h"}'), xs.length);
        assert.ok(Math.abs(s.get('foldnet_apply_duration_seconds_sum{host="h"}')! - xs.reduce((a, b) => a + b, 0)) < 1e-9);
      }),
    );
  });

  test('lag is the head minus the applied offset, never negative', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), (applied, head) => {
        const m = new AgentMetrics('h');
        m.setLogHead(head);
        m.setAppliedOffset(applied);
        const s = samples(m.render());
        assert.equal(s.get('foldnet_lag_events{host="h"}'), Math.max(0, s.get('foldnet_log_head{host="h"}')! - applied));
        assert.ok(s.get('foldnet_lag_events{host="h"}')! >= 0);
      }),
    );
  });

  test('counters count', () => {
    const m = new AgentMetrics('host "x"');
    m.addDriftRepairs(3);
    m.addDriftRepairs(2);
    m.countApplyError();
    const s = samples(m.render());
    assert.equal(s.get('foldnet_drift_repairs_total{host="host \\"x\\""}'), 5);
    assert.equal(s.get('foldnet_apply_errors_total{host="host \\"x\\""}'), 1);
  });

  test('the server answers /metrics with the exposition and 404 elsewhere', async () => {
    const m = new AgentMetrics('h');
    m.setAppliedOffset(7);
    const server = await serveMetrics('127.0.0.1', 0, async () => m.render());
    try {
      const r = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-type'), PROMETHEUS_CONTENT_TYPE);
      assert.equal(samples(await r.text()).get('foldnet_applied_offset{host="h"}'), 7);
      assert.equal((await fetch(`http://127.0.0.1:${server.port}/other`)).status, 404);
    } finally {
      await server.close();
    }
  });
});

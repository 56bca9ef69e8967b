// A steps chain is named by the hash of its rules, and the cluster index
// remembers those hashes by the recipe the rules are made from (the tiers,
// policies and profiles an endpoint direction walks). The law that makes the
// memo safe: whichever hosts one index compiles, and in whatever order, every
// steps chain's name is the hash of the rules the document gives it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { DEFAULT_COMPILE_OPTIONS } from '../../../compiler/compile/host';
import { stepsHash } from '../../../compiler/compile/nft-chains';
import { IncrementalCompiler } from '../../../compiler/incremental/incremental-compiler';
import { clusterDocs } from '../arbitraries/cluster';
import { stateFrom } from '../policy/build-state';

const RUNS = Number(process.env.FOLDNET_PROPERTY_RUNS ?? 100);

type Obj = Record<string, { name?: string; chain?: string; expr?: unknown; comment?: string }>;

test('every steps chain is named by the hash of its rules, whichever hosts share the index', () => {
  fc.assert(
    fc.property(clusterDocs, fc.boolean(), (docs, reverse) => {
      const state = stateFrom(docs);
      const hosts = [...state.hosts.keys()].sort();
      const inc = new IncrementalCompiler(state, reverse ? hosts.reverse() : hosts, DEFAULT_COMPILE_OPTIONS);
      let seen = 0;
      for (const h of hosts) {
        const s = inc.snapshot(h);
        if (E.isLeft(s)) assert.fail(`${h}: ${JSON.stringify(s.left)}`);
        const objs = s.right.nftables.nftables as Obj[];
        const rules = new Map<string, Array<{ expr: unknown; comment: string }>>();
        for (const o of objs) if (o.rule) rules.set(o.rule.chain!, [...(rules.get(o.rule.chain!) ?? []), { expr: o.rule.expr, comment: o.rule.comment! }]);
        for (const o of objs) {
          const name = o.chain?.name;
          const m = name === undefined ? null : /^wl-[ei]s\/([0-9a-f]{12})$/.exec(name);
          if (m === null) continue;
          assert.equal(m[1], stepsHash((rules.get(name!) ?? []) as never), `${h}: ${name}`);
          seen++;
        }
      }
      assert.ok(seen > 0, 'no steps chain was checked');
    }),
    { numRuns: RUNS },
  );
});

// Every compiled ruleset is one the real kernel takes: sampled generated
// clusters, each host's nftables loaded with `nft -j -f` into a fresh network
// namespace and listed back, equal to what was emitted after normalisation
// (services' NAT chains and host-endpoint chains included);
// and the `-o nft` text rendering loads into the same ruleset.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { compileNftables } from '../../../compiler/compile/nft-document';
import { decodeNftDocument } from '../../../compiler/nft/schema';
import { normaliseDocument, normaliseListing, renderDiffable } from '../../../compiler/nft/normalise';
import { renderNftText } from '../../../compiler/nft/render-text';
import { clusterDocs, HOSTS } from '../arbitraries/cluster';
import { serviceAndHostDocs } from '../arbitraries/services';
import { stateFrom } from '../policy/build-state';
import { kernelTestsUnavailable, listTable, load, withNetns } from '../nft/netns';

const skip = kernelTestsUnavailable();
const RUNS = Number(process.env.FOLDNET_KERNEL_RUNS ?? 12);

const right = <A>(r: E.Either<string[], A>): A => {
  if (E.isLeft(r)) assert.fail(r.left.join('\n'));
  return r.right;
};

/** The cluster's documents, with anycast services, host endpoints and failsafe ports one time in two. */
const withServicesSometimes = fc.tuple(clusterDocs, fc.boolean(), serviceAndHostDocs).map(([docs, more, extra]) => (more ? [...docs, ...extra] : docs));

describe('compiled rulesets in a real kernel', { skip }, () => {
  test('every sampled snapshot loads with nft -j -f and lists back equal to itself', async () => {
    await fc.assert(
      fc.asyncProperty(withServicesSometimes, fc.constantFrom(...HOSTS.map((h) => h.name)), async (docs, host) => {
        const doc = right(decodeNftDocument(compileNftables(stateFrom(docs), host, { endpointToHostAction: 'Drop' })));
        const want = renderDiffable(right(normaliseDocument(doc)));
        await withNetns((ns) => {
          load(ns, 'json', JSON.stringify(doc));
          assert.equal(renderDiffable(right(normaliseListing(listTable(ns)))), want);
        });
        await withNetns((ns) => {
          load(ns, 'text', renderNftText(doc));
          assert.equal(renderDiffable(right(normaliseListing(listTable(ns)))), want);
        });
      }),
      { numRuns: RUNS },
    );
  });
});

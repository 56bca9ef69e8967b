import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDocuments, identifyDocuments } from '../../../src/cli/decode-documents';
import { inInputOrder, parseDocuments } from '../../../src/cli/read-documents';

const WEP = (name: string, extra = ''): string =>
  `apiVersion: foldnet.io/v1\nkind: WorkloadEndpoint\nmetadata: {namespace: ns, name: ${name}}\nspec: {host: h, interfaceName: cali-${name}${extra}}\n`;

describe('reading documents', () => {
  test('documents are numbered by their place in the file, empty ones skipped but counted', () => {
    // A leading comment belongs to the first document, as in fixtures/seed-demo.yaml.
    const r = parseDocuments('f.yaml', `# comment only\n---\n${WEP('a')}---\n---\n${WEP('b')}`);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.documents.map((d) => d.origin), [{ file: 'f.yaml', document: 1 }, { file: 'f.yaml', document: 3 }]);
  });

  test('a kind: List spreads into its items, each numbered', () => {
    const r = parseDocuments('l.json', JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ a: 1 }, { b: 2 }] }));
    assert.deepEqual(r.documents.map((d) => [d.origin, d.value]), [
      [{ file: 'l.json', document: 1, item: 1 }, { a: 1 }],
      [{ file: 'l.json', document: 1, item: 2 }, { b: 2 }],
    ]);
  });

  test('malformed YAML names file, document and line; duplicate keys are malformed too', () => {
    const r = parseDocuments('m.yaml', `${WEP('a')}---\nkind: Host\nkind: Pod\n`);
    assert.equal(r.documents.length, 1);
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0]!.text, /^m\.yaml: document 2: line 7, column 1: .*unique/i);
  });

  test('decoding labels each problem with file, document, kind and key', () => {
    const r = parseDocuments('d.yaml', WEP('a', ', mac: nope'));
    const d = decodeDocuments(r.documents);
    assert.deepEqual(d.resources, []);
    assert.deepEqual(d.problems.map((p) => p.text), ['d.yaml: document 1 (WorkloadEndpoint ns/a): spec.mac: expected a MAC address like ee:ee:ee:ee:ee:ee, got "nope"']);
  });

  test('problems print in input order: by file read, then document', () => {
    const files = ['b.yaml', 'a.yaml'];
    const problems = [
      { file: 'a.yaml', document: 1, text: 'a1' },
      { file: 'b.yaml', document: 2, text: 'b2' },
      { file: 'b.yaml', document: 1, text: 'b1' },
    ];
    assert.deepEqual(inInputOrder(problems, files), ['b1', 'b2', 'a1']);
  });

  test('identifying for delete needs only kind and name, and defaults Kubernetes namespaces', () => {
    const r = parseDocuments('x.yaml', `${WEP('a', ', bogus: 1')}---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\n---\napiVersion: foldnet.io/v1\nkind: WorkloadEndpoint\nmetadata: {name: q}\n`);
    const ids = identifyDocuments(r.documents);
    assert.deepEqual(ids.resources.map((t) => [t.info.id, t.key]), [['WorkloadEndpoint', 'ns/a'], ['Pod', 'default/p']]);
    assert.deepEqual(ids.problems.map((p) => p.text), ['x.yaml: document 3 (WorkloadEndpoint q): metadata.namespace: required field "namespace" is missing']);
  });
});

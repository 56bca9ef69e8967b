// nodeFiles writes small files synchronously and large ones (the nft
// transaction file) through the thread pool; either way the file holds
// exactly the text, and a removed file reads back as missing.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeFiles } from '../../../src/applier/host-io';

const dir = mkdtempSync(join(tmpdir(), 'foldnet-host-io-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a written file reads back as the text written, small or several MB, and is gone once removed', async () => {
  const large = JSON.stringify({ nftables: Array.from({ length: 40_000 }, (_, i) => ({ rule: { chain: `c${i}`, comment: 'é ✓' } })) });
  assert.ok(large.length > 1_000_000);
  for (const [name, text] of [['small', 'net.ipv4.ip_forward = 1\n'], ['large', large]] as const) {
    const path = join(dir, name);
    await nodeFiles.write(path, text);
    assert.equal(await nodeFiles.read(path), text);
    await nodeFiles.remove(path);
    assert.equal(await nodeFiles.exists(path), false);
    assert.equal(await nodeFiles.read(path), undefined);
  }
});

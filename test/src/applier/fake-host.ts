// A model of one host's kernel for the applier's unit tests, behind the same
// two doors the applier uses (a command runner and files): nft runs on
// foldNftDocument (it refuses what the kernel refuses, and lists the
// normalised ruleset), routes live in a table keyed like the kernel's (one
// per destination and device), interfaces own their sysctl files, and BIRD
// accepts any config without "syntax error" in it. Every command is logged.
import * as E from 'fp-ts/Either';
import { FOLDNET_RTPROTO, RouteModel } from '../../../compiler/compile/snapshot';
import { Cidr, familyOf, parseCidr } from '../../../compiler/net/ip';
import { rulesetToDocument } from '../../../compiler/nft/normalise';
import { emptyRuleset, foldNftDocument, NftRuleset } from '../../../compiler/nft/ruleset';
import { decodeNftDocument } from '../../../compiler/nft/schema';
import type { CommandResult, HostFiles } from '../../../src/applier/host-io';
import type { ApplierOptions } from '../../../src/applier/options';

export const SYS = '/fake/sys';
const ok = (stdout = ''): CommandResult => ({ status: 0, stdout, stderr: '' });
const fail = (stderr: string): CommandResult => ({ status: 1, stdout: '', stderr });

export class FakeHost {
  ruleset: NftRuleset = emptyRuleset;
  /** Routes of protocol 88 by `dst dev` (blackholes: `dst`). */
  readonly routes = new Map<string, RouteModel>();
  readonly files = new Map<string, string>();
  readonly devices = new Set<string>();
  readonly calls: string[] = [];
  birdReconfigured = 0;

  addDevice(name: string): void {
    this.devices.add(name);
    const dir = name.replace(/\./g, '.');
    for (const key of ['ipv4/conf', 'ipv6/conf']) for (const leaf of ['forwarding', 'proxy_arp', 'proxy_ndp']) this.files.set(`${SYS}/net/${key}/${dir}/${leaf}`, '0\n');
    this.files.set(`${SYS}/net/ipv4/neigh/${dir}/proxy_delay`, '80\n');
  }

  constructor(devices: readonly string[] = []) {
    this.files.set(`${SYS}/net/ipv4/ip_forward`, '0\n');
    this.files.set(`${SYS}/net/ipv6/conf/all/forwarding`, '0\n');
    for (const d of devices) this.addDevice(d);
  }

  readonly fileIo: HostFiles = {
    read: async (p) => this.files.get(p),
    write: async (p, t) => {
      if (p.startsWith(SYS) && !this.files.has(p)) throw new Error(`ENOENT: ${p}`);
      this.files.set(p, t);
    },
    rename: async (a, b) => {
      const t = this.files.get(a);
      if (t === undefined) throw new Error(`ENOENT: ${a}`);
      this.files.set(b, t);
      this.files.delete(a);
    },
    remove: async (p) => void this.files.delete(p),
    exists: async (p) => this.files.has(p),
  };

  options(extra: Partial<ApplierOptions> = {}): ApplierOptions {
    return { birdConfigPath: '/etc/bird/bird.conf', run: (c, a, o) => Promise.resolve(this.run(c, a, o?.input)), files: this.fileIo, sysctlRoot: SYS, tmpDir: '/tmp', ...extra };
  }

  run(cmd: string, args: readonly string[], input = ''): CommandResult {
    this.calls.push([cmd, ...args].join(' '));
    const line = args.join(' ');
    if (cmd === 'nft' && line === '-j list table inet foldnet') {
      if (this.ruleset.table === undefined) return fail('Error: No such file or directory\nlist table inet foldnet\n');
      return ok(JSON.stringify({ nftables: [{ metainfo: { version: '1.0.6' } }, ...rulesetToDocument(this.ruleset).nftables] }));
    }
    if (cmd === 'nft' && args[0] === '-j' && args[1] === '-f') {
      const text = this.files.get(args[2]!);
      if (text === undefined) return fail(`Error: Could not open file "${args[2]}"`);
      const doc = decodeNftDocument(JSON.parse(text));
      if (E.isLeft(doc)) return fail(`Error: ${doc.left.join('; ')}`);
      const next = foldNftDocument(doc.right, this.ruleset);
      if (E.isLeft(next)) return fail(`Error: ${next.left.join('; ')}`);
      this.ruleset = next.right;
      return ok();
    }
    if (cmd === 'ip' && args[0] === '-j') return ok(JSON.stringify(this.listRoutes(args[1] === '-4' ? 4 : 6)));
    if (cmd === 'ip' && args.includes('-batch')) return this.batch(input);
    if (cmd === 'bird' && args[0] === '-p') return this.files.get(args[2]!)?.includes('syntax error') ? fail('bird: syntax error, line 1') : ok();
    if (cmd === 'birdc') {
      this.birdReconfigured++;
      return ok('BIRD 2.0.12 ready.\nReconfigured\n');
    }
    return fail(`fake host: unknown command ${cmd} ${line}`);
  }

  private listRoutes(family: 4 | 6): unknown[] {
    return [...this.routes.values()].filter((r) => familyOf(r.dst) === family).map((r) => {
      const host = r.dst.endsWith(family === 4 ? '/32' : '/128');
      const dst = host ? r.dst.slice(0, r.dst.indexOf('/')) : r.dst;
      if (r.type === 'blackhole') return { type: 'blackhole', dst, ...(family === 6 ? { dev: 'lo' } : {}), flags: [] };
      return { dst, dev: r.dev, ...(family === 4 && r.scope === 'link' ? { scope: 'link' } : {}), flags: [] };
    });
  }

  private batch(input: string): CommandResult {
    let stderr = '';
    input.split('\n').filter((l) => l !== '').forEach((l, i) => {
      const e = this.routeCommand(l.split(' '));
      if (e !== undefined) stderr += `${e}\nCommand failed -:${i + 1}\n`;
    });
    return { status: stderr === '' ? 0 : 1, stdout: '', stderr };
  }

  private routeCommand(w: string[]): string | undefined {
    const verb = w[1];
    const blackhole = w[2] === 'blackhole';
    const dst = E.getOrElse(() => '' as Cidr)(parseCidr(w[blackhole ? 3 : 2]!));
    const at = (k: string): string | undefined => (w.indexOf(k) >= 0 ? w[w.indexOf(k) + 1] : undefined);
    const dev = at('dev');
    if (Number(at('proto')) !== FOLDNET_RTPROTO) return 'fake host: foldnet routes must name proto 88';
    const key = blackhole ? dst : `${dst} ${dev}`;
    if (verb === 'del') {
      const hit = [...this.routes.keys()].find((k) => k === key || (dev === undefined && k.startsWith(`${dst} `)));
      if (hit === undefined) return 'RTNETLINK answers: No such process';
      this.routes.delete(hit);
      return undefined;
    }
    if (!blackhole && (dev === undefined || !this.devices.has(dev))) return `Cannot find device "${dev}"`;
    for (const k of [...this.routes.keys()]) if (k === dst || k.startsWith(`${dst} `)) this.routes.delete(k); // replace: one route per destination
    this.routes.set(key, blackhole
      ? { dst, type: 'blackhole', scope: 'global', protocol: FOLDNET_RTPROTO }
      : { dst, type: 'unicast', dev: dev!, scope: familyOf(dst) === 4 ? ((at('scope') ?? 'global') as 'link' | 'global') : 'global', protocol: FOLDNET_RTPROTO });
    return undefined;
  }

  sysctl(key: string): string | undefined {
    const path = `${SYS}/${key.split('.').map((l) => l.replace(/\//g, '.')).join('/')}`;
    return this.files.get(path)?.trim();
  }
}

// Routes as `ip -j route show proto 88` lists them, as RouteModels: a bare
// address is a host route, `default` the whole family, a missing type is
// unicast and a missing scope is global (IPv6 never shows one). A blackhole's
// device is dropped (IPv6 blackholes list on `lo`). Types foldnet never
// writes (unreachable, prohibit, ...) are not represented, so never touched.
import * as E from 'fp-ts/Either';
import { FOLDNET_RTPROTO, RouteModel } from '../../compiler/compile/snapshot';
import { parseCidr } from '../../compiler/net/ip';

interface Listed {
  readonly type?: string;
  readonly dst?: string;
  readonly dev?: string;
  readonly scope?: string;
}

export const parseRouteListing = (json: string, family: 4 | 6): RouteModel[] => {
  const listed = JSON.parse(json === '' ? '[]' : json) as Listed[];
  if (!Array.isArray(listed)) throw new Error(`ip -j route: expected a list, got ${json.slice(0, 200)}`);
  return listed.flatMap((r): RouteModel[] => {
    const type = r.type ?? 'unicast';
    if ((type !== 'unicast' && type !== 'blackhole') || r.dst === undefined) return [];
    const dst = parseCidr(r.dst === 'default' ? (family === 4 ? '0.0.0.0/0' : '::/0') : r.dst);
    if (E.isLeft(dst)) throw new Error(`ip -j route: ${dst.left}`);
    const scope = (r.scope === undefined || r.scope === 'universe' ? 'global' : r.scope) as RouteModel['scope'];
    return [{ dst: dst.right, type, ...(type === 'unicast' && r.dev !== undefined ? { dev: r.dev } : {}), scope, protocol: FOLDNET_RTPROTO }];
  });
};

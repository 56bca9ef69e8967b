// `etcd://HOST:PORT[,HOST:PORT…]/PREFIX[?tls=1]`: the etcd members to talk to
// and the key prefix under which the log (PREFIX/events/…) and the cluster
// status (PREFIX/status/…) live. Connecting is etcd-client.ts's job; TLS files
// and passwords come from the environment (log-env.ts), never from the URL.
import { type Endpoint, boolParam, onlyParams, parseEndpoints } from './endpoint-list';
import { LogError } from './event-log';

export interface EtcdLocation {
  readonly endpoints: readonly Endpoint[];
  /** Without a trailing slash, never empty: `/foldnet/prod` (default /foldnet). */
  readonly prefix: string;
  readonly tls?: boolean;
}

export const DEFAULT_ETCD_PREFIX = '/foldnet';

export function parseEtcdUrl(url: string): EtcdLocation {
  const m = /^etcd:\/\/([^/?#]+)(\/[^?#]*)?(?:\?([^#]*))?$/i.exec(url.trim());
  if (m === null) throw new LogError('unsupported-url', `log URL ${url}: expected etcd://HOST:PORT[,HOST:PORT...]/PREFIX`);
  const path = decodeURIComponent(m[2] ?? '').replace(/\/+$/, '');
  const prefix = path === '' ? DEFAULT_ETCD_PREFIX : path;
  if (/\/\//.test(prefix)) {
    throw new LogError('unsupported-url', `log URL ${url}: the key prefix must be a non-empty path like /foldnet/prod`);
  }
  const params = new URLSearchParams(m[3] ?? '');
  onlyParams(params, ['tls'], url);
  const tls = boolParam(params, 'tls', url);
  return { endpoints: parseEndpoints(m[1]!, url), prefix, ...(tls === undefined ? {} : { tls }) };
}

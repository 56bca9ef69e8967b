// Connecting to etcd through etcd3 (hosts, TLS, password auth, a deadline on
// every call so a dead member fails fast instead of hanging) and turning its
// errors into LogErrors, `retriable` for what a later attempt may cure
// (unavailable, deadline, connection failures). etcd3's own retries and
// circuit breaker are switched off: the backends retry with backoff
// themselves, bounded and logged. What keys mean is the callers' business.
import { Etcd3, GRPCDeadlineExceededError, GRPCUnavailableError, type IOptions, isRecoverableError } from 'etcd3';
import { ExponentialBackoff, noop } from 'cockatiel';
import { showEndpoint } from './endpoint-list';
import type { EtcdLocation } from './etcd-url';
import { LogError } from './event-log';
import type { EtcdSecurity } from './log-env';

export interface EtcdClientOptions {
  readonly security?: EtcdSecurity;
  /** Deadline of each unary call (default 10 s). */
  readonly callTimeoutMs?: number;
  /** Connecting to a member (default 3 s). */
  readonly dialTimeoutMs?: number;
}

export function connectEtcd(location: EtcdLocation, options: EtcdClientOptions = {}): Etcd3 {
  const tls = location.tls === true || options.security?.credentials !== undefined;
  const scheme = tls ? 'https' : 'http';
  const callTimeoutMs = options.callTimeoutMs ?? 10_000;
  const config: IOptions = {
    hosts: location.endpoints.map((e) => `${scheme}://${showEndpoint(e)}`),
    dialTimeout: options.dialTimeoutMs ?? 3000,
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + callTimeoutMs }),
    // etcd3's own retries are off (foldnet retries itself); its watch reconnect timer is capped at 1 s
    // because it is not cancelled on close: a longer one kept a stopping process alive for up to 30 s.
    faultHandling: { host: () => noop, global: noop, watchBackoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 1000 }).next() },
    ...(options.security?.credentials ? { credentials: { ...options.security.credentials } } : {}),
    ...(options.security?.auth ? { auth: { ...options.security.auth } } : {}),
  };
  return new Etcd3(config);
}

export const etcdWhere = (location: EtcdLocation): string =>
  `etcd ${location.endpoints.map(showEndpoint).join(',')} prefix ${location.prefix}`;

export function etcdLogError(e: unknown, where: string): LogError {
  if (e instanceof LogError) return e;
  const message = e instanceof Error ? e.message : String(e);
  if (/too many operations in txn request|request is too large/i.test(message)) {
    return new LogError(
      'invalid-argument',
      `${where}: the batch is larger than the etcd server accepts in one transaction (${message}); raise its --max-txn-ops (3 per event + 2) and --max-request-bytes, or append smaller batches`,
      { cause: e },
    );
  }
  const retriable =
    (e instanceof Error && isRecoverableError(e)) ||
    e instanceof GRPCUnavailableError ||
    e instanceof GRPCDeadlineExceededError ||
    /UNAVAILABLE|ECONNREFUSED|ECONNRESET|No connection established|deadline/i.test(message);
  return new LogError('io', `${where}: ${message}`, { retriable, cause: e });
}

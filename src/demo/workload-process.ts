// A demo workload: runs inside a workload's network namespace (or a host's),
// serves TCP on the given ports (accept, then close), records UDP datagrams
// and who connected to which port, and makes connections on request so the
// harness can measure reachability with real packets from inside the
// namespace. Requests and answers are JSON lines on stdin/stdout (see
// WorkloadRequest); the first line out is {"ready":true}.
// It decides nothing about what should pass; the harness compares.
//   node workload-process.js --tcp 80,443 --udp 9999
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer } from 'node:net';
import { createInterface } from 'node:readline';

export type WorkloadRequest =
  | { readonly id: number; readonly op: 'connect'; readonly dst: string; readonly port: number; readonly src?: string; readonly timeoutMs: number }
  | {
      readonly id: number; readonly op: 'await-open'; readonly dst: string; readonly port: number;
      readonly everyMs: number; readonly deadlineMs: number; readonly attemptTimeoutMs: number;
    }
  | { readonly id: number; readonly op: 'watch-start'; readonly watch: string; readonly dst: string; readonly port: number; readonly everyMs: number; readonly timeoutMs: number }
  | { readonly id: number; readonly op: 'watch-stop'; readonly watch: string }
  | { readonly id: number; readonly op: 'udp-send'; readonly dst: string; readonly port: number; readonly src?: string; readonly payload: string }
  | { readonly id: number; readonly op: 'udp-seen' }
  | { readonly id: number; readonly op: 'accepted' };

/** TCP connections accepted on one port from one source address, since the process started. */
export interface AcceptedCount {
  readonly port: number;
  /** The peer's address as the listener saw it (after any DNAT, a client's own address). */
  readonly from: string;
  readonly count: number;
}

export interface ConnectOutcome {
  readonly ok: boolean;
  /** Epoch milliseconds (fractional) when the attempt started. */
  readonly startedAt: number;
  readonly ms: number;
  readonly error?: string;
}

const nowMs = (): number => performance.timeOrigin + performance.now();

/** One TCP connection attempt: ok when the handshake completes within `timeoutMs`. */
export function tryConnect(dst: string, port: number, timeoutMs: number, src?: string): Promise<ConnectOutcome> {
  const startedAt = nowMs();
  return new Promise((resolve) => {
    const sock = connect({ host: dst, port, ...(src ? { localAddress: src } : {}) });
    const finish = (ok: boolean, error?: string): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ ok, startedAt, ms: nowMs() - startedAt, ...(error ? { error } : {}) });
    };
    const timer = setTimeout(() => finish(false, 'timeout'), timeoutMs);
    sock.once('connect', () => finish(true));
    sock.once('error', (e: NodeJS.ErrnoException) => finish(false, e.code ?? e.message));
  });
}

interface Watch {
  attempts: number;
  failures: { at: number; error: string }[];
  timer: NodeJS.Timeout;
  pending: Set<Promise<void>>;
}

function main(argv: readonly string[]): void {
  const arg = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i < 0 ? undefined : argv[i + 1];
  };
  const ports = (arg('--tcp') ?? '').split(',').filter(Boolean).map(Number);
  const udpPort = arg('--udp') === undefined ? undefined : Number(arg('--udp'));
  const out = (v: unknown): void => void process.stdout.write(`${JSON.stringify(v)}\n`);
  const seen: { from: string; payload: string }[] = [];
  const accepted = new Map<string, AcceptedCount>();
  const watches = new Map<string, Watch>();

  const listeners = ports.map(
    (port) =>
      new Promise<void>((resolve, reject) => {
        const server = createServer((sock) => {
          sock.on('error', () => undefined);
          const from = (sock.remoteAddress ?? '?').replace(/^::ffff:/, '');
          const k = `${port} ${from}`;
          accepted.set(k, { port, from, count: (accepted.get(k)?.count ?? 0) + 1 });
          sock.end();
        });
        server.once('error', reject);
        server.listen(port, '0.0.0.0', () => resolve());
      }),
  );
  let udp: UdpSocket | undefined;
  if (udpPort !== undefined) {
    udp = createSocket('udp4');
    udp.on('message', (msg, rinfo) => seen.push({ from: rinfo.address, payload: msg.toString('utf8') }));
    listeners.push(new Promise<void>((resolve) => udp!.bind(udpPort, '0.0.0.0', () => resolve())));
  }

  const handle = async (req: WorkloadRequest): Promise<unknown> => {
    switch (req.op) {
      case 'connect':
        return tryConnect(req.dst, req.port, req.timeoutMs, req.src);
      case 'await-open': {
        // A new attempt every `everyMs`: a dropped SYN is only retried after a second, so
        // the first attempt started after the change is what tells when it took effect.
        const deadline = nowMs() + req.deadlineMs;
        let attempts = 0;
        return new Promise((resolve) => {
          let done = false;
          const tick = (): void => {
            if (done) return;
            if (nowMs() > deadline) {
              done = true;
              resolve({ ok: false, attempts, error: 'deadline' });
              return;
            }
            attempts += 1;
            void tryConnect(req.dst, req.port, req.attemptTimeoutMs).then((r) => {
              if (r.ok && !done) {
                done = true;
                resolve({ ok: true, attempts, startedAt: r.startedAt, connectedAt: r.startedAt + r.ms });
              }
            });
            setTimeout(tick, req.everyMs);
          };
          tick();
        });
      }
      case 'watch-start': {
        const w: Watch = { attempts: 0, failures: [], pending: new Set(), timer: setInterval(() => {
          w.attempts += 1;
          const p = tryConnect(req.dst, req.port, req.timeoutMs).then((r) => {
            if (!r.ok) w.failures.push({ at: r.startedAt, error: r.error ?? 'failed' });
          });
          w.pending.add(p);
          void p.finally(() => w.pending.delete(p));
        }, req.everyMs) };
        watches.set(req.watch, w);
        return { ok: true };
      }
      case 'watch-stop': {
        const w = watches.get(req.watch);
        if (!w) return { ok: false, error: `no watch ${req.watch}` };
        clearInterval(w.timer);
        await Promise.all([...w.pending]);
        watches.delete(req.watch);
        return { ok: true, attempts: w.attempts, failures: w.failures };
      }
      case 'udp-send': {
        const s = createSocket('udp4');
        try {
          await new Promise<void>((resolve, reject) => {
            s.once('error', reject);
            s.bind({ port: 0, ...(req.src ? { address: req.src } : {}) }, () => resolve());
          });
          await new Promise<void>((resolve, reject) => s.send(req.payload, req.port, req.dst, (e) => (e ? reject(e) : resolve())));
          return { ok: true };
        } finally {
          s.close();
        }
      }
      case 'udp-seen':
        return { ok: true, seen };
      case 'accepted':
        return { ok: true, accepted: [...accepted.values()].sort((a, b) => a.port - b.port || (a.from < b.from ? -1 : a.from > b.from ? 1 : 0)) };
    }
  };

  void Promise.all(listeners).then(
    () => {
      out({ ready: true });
      createInterface({ input: process.stdin }).on('line', (line) => {
        let req: WorkloadRequest;
        try {
          req = JSON.parse(line) as WorkloadRequest;
        } catch {
          return;
        }
        handle(req).then(
          (r) => out({ ...(r as object), id: req.id }),
          (e: unknown) => out({ id: req.id, ok: false, error: e instanceof Error ? e.message : String(e) }),
        );
      }).on('close', () => process.exit(0));
    },
    (e: unknown) => {
      out({ ready: false, error: e instanceof Error ? e.message : String(e) });
      process.exit(1);
    },
  );
}

if (require.main === module) main(process.argv.slice(2));

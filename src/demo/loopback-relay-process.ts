// The in-namespace half of the loopback relay (loopback-relay.ts): runs
// inside a demo host's network namespace, listens on HOST:PORT there (the
// log server's own loopback address and port, so the agent uses the log URL
// unchanged) and joins each connection to a Unix socket, which is not bound
// to a network namespace and is served by the other half in the root
// namespace. Closing or failing one side closes the other, so a server that
// goes away looks, to the agent, like a dropped connection. Prints
// {"ready":true} once every listener is up, or {"ready":false,"error":…}.
//   node loopback-relay-process.js 127.0.0.1:9092=/tmp/x/relay-9092.sock …
import { type Socket, connect, createServer } from 'node:net';

export interface RelayPair {
  readonly host: string;
  readonly port: number;
  readonly socket: string;
}

/** Parses `HOST:PORT=SOCKET` (IPv6 hosts in brackets). */
export function parseRelayPair(text: string): RelayPair {
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})=(.+)$/.exec(text);
  if (m === null) throw new Error(`expected HOST:PORT=SOCKET, got ${JSON.stringify(text)}`);
  return { host: m[1]!, port: Number(m[2]), socket: m[3]! };
}

/** Pipes a and b into each other; the end or failure of one ends both. */
export function join(a: Socket, b: Socket): void {
  const close = (): void => {
    a.destroy();
    b.destroy();
  };
  a.on('error', close).on('close', close);
  b.on('error', close).on('close', close);
  a.pipe(b);
  b.pipe(a);
}

function listen(pair: RelayPair): Promise<void> {
  const server = createServer((client) => join(client, connect(pair.socket)));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(pair.port, pair.host, () => resolve());
  });
}

async function main(argv: readonly string[]): Promise<void> {
  const out = (v: object): void => void process.stdout.write(`${JSON.stringify(v)}\n`);
  try {
    await Promise.all(argv.map(parseRelayPair).map(listen));
    out({ ready: true });
  } catch (e) {
    out({ ready: false, error: e instanceof Error ? e.message : String(e) });
    process.exit(1);
  }
}

if (require.main === module) void main(process.argv.slice(2));

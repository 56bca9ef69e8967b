// Test helper: a small cluster the reference-evaluator tests build on — two
// hosts, a client on host1 and a server on host2, both in namespace `prod`
// with the built-in namespace profile — plus whatever a test adds.
import { ClusterState } from '../../../compiler/fold/state';
import { evaluate, HopVerdict, Packet, Verdict } from '../../../compiler/policy/reference';
import { stateFrom } from './build-state';
import { host, wep } from './docs';
import { tcp } from './packets';

export const CLIENT_IP = '192.168.0.1';
export const SERVER_IP = '192.168.0.2';
export const HOST1_IP = '10.0.0.1';
export const HOST2_IP = '10.0.0.2';
export const EXTERNAL_IP = '203.0.113.9';

export const baseDocs = (): object[] => [
  host('host1', `${HOST1_IP}/24`),
  host('host2', `${HOST2_IP}/24`),
  wep('prod', 'client', { host: 'host1', ips: [CLIENT_IP], labels: { app: 'client' }, profiles: ['kns.prod'] }),
  wep('prod', 'server', { host: 'host2', ips: [SERVER_IP], labels: { app: 'server' }, profiles: ['kns.prod'] }),
];

export const cluster = (...extra: object[]): ClusterState => stateFrom([...baseDocs(), ...extra]);

/** client → server, TCP 80: the packet most tests judge. */
export const webPacket = (): Packet => tcp(CLIENT_IP, SERVER_IP, 80);

export const hop = (v: Verdict, direction: 'ingress' | 'egress'): HopVerdict => {
  const h = v.hops.find((x) => x.direction === direction);
  if (h === undefined) throw new Error(`no ${direction} hop in ${JSON.stringify(v)}`);
  return h;
};

/** The decision of the ingress hop of the server for `packet` (default: webPacket). */
export const serverIngress = (state: ClusterState, packet: Packet = webPacket()): HopVerdict => hop(evaluate(state, packet), 'ingress');

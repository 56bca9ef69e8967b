// Snapshots of host-1 around the seed demo, for the applier's tests: the demo
// itself and neighbours one event away (an endpoint more, one relabelled into
// a selector, a policy opened, an endpoint gone).
import { HostSnapshot } from '../../../compiler/compile/snapshot';
import { fixtureDocs } from '../../helpers/seed-demo';
import { snapshotFrom } from '../../compiler/plan/plan-helpers';

export const endpointDoc = (name: string, ip: string, labels: Record<string, string> = {}, host = 'host-1'): object => ({
  apiVersion: 'foldnet.io/v1',
  kind: 'WorkloadEndpoint',
  metadata: { namespace: 'demo', name, labels: { app: name, ...labels } },
  spec: { host, interfaceName: `cali-${name}`, ipNetworks: [`${ip}/32`], profiles: ['default'] },
});

const clientsOfA = {
  apiVersion: 'foldnet.io/v1', kind: 'GlobalNetworkPolicy', metadata: { name: 'clients-to-a' },
  spec: { selector: "app == 'a'", types: ['Ingress'], ingress: [{ action: 'Allow', source: { selector: "role == 'client'" } }] },
};

const seed = (): object[] => [...fixtureDocs('seed-demo.yaml'), clientsOfA];
const without = (docs: object[], name: string): object[] => docs.filter((d) => (d as { metadata: { name: string } }).metadata.name !== name);

export const SEED_DEVICES = ['cali-a', 'cali-b', 'cali-c', 'cali-f'];

export const seedSnapshots = (): Record<string, HostSnapshot> => ({
  seed: snapshotFrom(seed()),
  plusF: snapshotFrom([...seed(), endpointDoc('f', '192.168.1.6')]),
  bIsClient: snapshotFrom([...without(seed(), 'b'), endpointDoc('b', '192.168.1.2', { role: 'client' })]),
  withoutC: snapshotFrom(without(seed(), 'c')),
  opened: snapshotFrom([...seed(), ...fixtureDocs('seed-demo-open-a-to-c.yaml')]),
});

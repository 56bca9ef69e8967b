// Test fixture: three hosts, web backends on host-1 (two) and host-2 (one), a
// client on host-3, and an anycast service for the web endpoints.
export const host = (name: string, ip: string): object =>
  ({ apiVersion: 'foldnet.io/v1', kind: 'Host', metadata: { name }, spec: { bgp: { ipv4Address: `${ip}/24` } } });

export const wep = (name: string, hostName: string, iface: string, ip: string, labels: Record<string, string>, ports: object[] = []): object => ({
  apiVersion: 'foldnet.io/v1', kind: 'WorkloadEndpoint',
  metadata: { namespace: 'demo', name, labels },
  spec: { host: hostName, interfaceName: iface, ipNetworks: [`${ip}/32`], profiles: ['open'], ...(ports.length > 0 ? { ports } : {}) },
});

export const service = (name: string, address: string, ports: object[], selector = "app == 'web'"): object => ({
  apiVersion: 'foldnet.io/v1', kind: 'AnycastService', metadata: { namespace: 'demo', name }, spec: { addresses: [address], selector, ports },
});

export const anycastDocs = (): object[] => [
  host('host-1', '10.99.0.1'), host('host-2', '10.99.0.2'), host('host-3', '10.99.0.3'),
  { apiVersion: 'foldnet.io/v1', kind: 'IPPool', metadata: { name: 'pool' }, spec: { cidr: '192.168.0.0/16' } },
  { apiVersion: 'foldnet.io/v1', kind: 'Profile', metadata: { name: 'open' }, spec: { ingress: [{ action: 'Allow' }], egress: [{ action: 'Allow' }] } },
  wep('web-1', 'host-1', 'cali-w1', '192.168.1.1', { app: 'web' }, [{ name: 'http', port: 8080, protocol: 'TCP' }]),
  wep('web-2', 'host-1', 'cali-w2', '192.168.1.2', { app: 'web' }, [{ name: 'http', port: 8081, protocol: 'TCP' }]),
  wep('web-3', 'host-2', 'cali-w3', '192.168.1.3', { app: 'web' }, [{ name: 'http', port: 8080, protocol: 'TCP' }]),
  wep('client', 'host-3', 'cali-c', '192.168.1.9', { app: 'client' }),
  service('web', '10.96.0.10', [{ port: 80, targetPort: 'http' }, { port: 53, protocol: 'UDP', targetPort: 5353 }]),
];

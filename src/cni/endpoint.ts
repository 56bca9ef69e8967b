// The WorkloadEndpoint a container becomes, as the document a user would
// write: no `ipNetworks`, so the fold's IPAM chooses its addresses; the
// container id in an annotation, so DEL removes only the endpoint its own ADD
// made (a later container of the same name keeps its own).
import { IP_FAMILIES_ANNOTATION, IP_POOLS_ANNOTATION } from '../../compiler/ipam/types';
import { NetConf } from './config';
import { Identity } from './identity';

export const CONTAINER_ID_ANNOTATION = 'foldnet.io/containerID';
export const NETWORK_ANNOTATION = 'foldnet.io/cniNetwork';

export const endpointDocument = (id: Identity, conf: NetConf, host: string): Record<string, unknown> => ({
  apiVersion: 'foldnet.io/v1',
  kind: 'WorkloadEndpoint',
  metadata: {
    namespace: id.namespace,
    name: id.name,
    ...(Object.keys(conf.labels).length > 0 ? { labels: { ...conf.labels } } : {}),
    annotations: {
      [CONTAINER_ID_ANNOTATION]: id.containerId,
      [NETWORK_ANNOTATION]: conf.name,
      ...(conf.ipFamilies ? { [IP_FAMILIES_ANNOTATION]: conf.ipFamilies.join(',') } : {}),
      ...(conf.ipPools ? { [IP_POOLS_ANNOTATION]: conf.ipPools.join(',') } : {}),
    },
  },
  spec: {
    host,
    interfaceName: id.hostInterface,
    ...(conf.profiles.length > 0 ? { profiles: [...conf.profiles] } : {}),
  },
});

/** The container id an endpoint's resource records, if CNI made it. */
export const containerIdOf = (resource: Readonly<Record<string, unknown>> | undefined): string | undefined => {
  const metadata = resource?.metadata as { annotations?: Record<string, string> } | undefined;
  return metadata?.annotations?.[CONTAINER_ID_ANNOTATION];
};

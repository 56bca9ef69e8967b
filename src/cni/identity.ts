// Who a container is to foldnet: its endpoint's namespace and name, and the
// name of the host side of its veth. With Kubernetes' CNI_ARGS
// (K8S_POD_NAMESPACE and K8S_POD_NAME) the endpoint is the pod and the
// interface is Calico's `cali` + sha1("<ns>.<pod>")[:11], the name a Pod
// imported from Kubernetes gets too. Otherwise the namespace comes from the
// config, the name from K8S_POD_NAME (podman passes the container's name
// there) or else the container id, and the interface is `cali` +
// sha1(container id)[:11]. Names that are not DNS-1123 (podman's
// `quirky_euler`) are made so and suffixed with a hash of the original, so
// two different names never meet in one endpoint.
import { sha1Hex } from '../../compiler/hash/sha1';
import { podInterfaceName } from '../../compiler/model/from-k8s';
import { NetConf } from './config';
import { CniEnv } from './env';

export interface Identity {
  readonly namespace: string;
  readonly name: string;
  /** `namespace/name`: the WorkloadEndpoint's key. */
  readonly key: string;
  readonly containerId: string;
  /** Host side of the veth pair. */
  readonly hostInterface: string;
  /** Container side (CNI_IFNAME). */
  readonly containerInterface: string;
}

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** `text` if it is already valid, else a valid form of it plus 8 hex of its sha1. */
const dnsName = (text: string, valid: RegExp, max: number): string => {
  if (text.length <= max && valid.test(text)) return text;
  const base = text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, max - 9).replace(/-+$/, '');
  const hash = sha1Hex(text).slice(0, 8);
  return base === '' ? `x${hash}` : `${base}-${hash}`;
};

export const containerInterfaceName = (containerId: string): string => `cali${sha1Hex(containerId).slice(0, 11)}`;

export const identify = (env: CniEnv, conf: NetConf): Identity => {
  const k8sNs = env.args.K8S_POD_NAMESPACE;
  const k8sPod = env.args.K8S_POD_NAME;
  const namespace = dnsName(k8sNs || conf.namespace, LABEL, 63);
  const name = dnsName(k8sPod || env.containerId, SUBDOMAIN, 253);
  return {
    namespace,
    name,
    key: `${namespace}/${name}`,
    containerId: env.containerId,
    hostInterface: k8sNs && k8sPod ? podInterfaceName(k8sNs, k8sPod) : containerInterfaceName(env.containerId),
    containerInterface: env.ifname,
  };
};

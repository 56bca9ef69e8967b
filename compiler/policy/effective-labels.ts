// What selectors see of an endpoint and of its namespace, and which profiles
// an endpoint has: profile labels (later profiles win), then the endpoint's
// own labels, then the namespace label; a namespace without a Namespace object
// is labelled with its name only; `kns.<ns>` profiles the cluster does not
// define are Calico's built-in namespace profiles (allow all, no labels).
// A host endpoint is labelled the same way, without a namespace label (it has
// no namespace).
import { ClusterState } from '../fold/state';
import { EndpointModel, HostEndpointModel, K8S_NAMESPACE_NAME_LABEL, NAMESPACE_LABEL, ProfileModel } from '../model/types';
import { Labels } from './selector-text';

const NAMESPACE_PROFILE_PREFIX = 'kns.';

/** A `kns.<ns>` profile nobody defined: allow everything both ways. */
const builtInNamespaceProfile = (name: string): ProfileModel => ({
  name,
  labelsToApply: {},
  ingress: [{ action: 'Allow' }],
  egress: [{ action: 'Allow' }],
});

/** The named profiles that exist (defined or built in), in the given order. */
const profilesNamed = (state: ClusterState, names: readonly string[]): ProfileModel[] => {
  const out: ProfileModel[] = [];
  for (const name of names) {
    const defined = state.profiles.get(name);
    if (defined !== undefined) out.push(defined);
    else if (name.startsWith(NAMESPACE_PROFILE_PREFIX) && name.length > NAMESPACE_PROFILE_PREFIX.length)
      out.push(builtInNamespaceProfile(name));
  }
  return out;
};

/** The endpoint's profiles that exist (defined or built in), in the endpoint's order. */
export const endpointProfiles = (state: ClusterState, ep: EndpointModel): ProfileModel[] => profilesNamed(state, ep.profiles);

/** The host endpoint's profiles that exist (defined or built in), in its order. */
export const hostEndpointProfiles = (state: ClusterState, hep: HostEndpointModel): ProfileModel[] => profilesNamed(state, hep.profiles);

export const namespaceLabels = (state: ClusterState, namespace: string): Labels =>
  state.namespaces.get(namespace)?.labels ?? { [K8S_NAMESPACE_NAME_LABEL]: namespace };

export const effectiveLabels = (state: ClusterState, ep: EndpointModel): Labels => {
  const labels: Record<string, string> = {};
  for (const profile of endpointProfiles(state, ep)) Object.assign(labels, profile.labelsToApply);
  Object.assign(labels, ep.labels);
  labels[NAMESPACE_LABEL] = ep.namespace;
  return labels;
};

export const hostEndpointLabels = (state: ClusterState, hep: HostEndpointModel): Labels => {
  const labels: Record<string, string> = {};
  for (const profile of hostEndpointProfiles(state, hep)) Object.assign(labels, profile.labelsToApply);
  Object.assign(labels, hep.labels);
  return labels;
};

/** The endpoint that holds an IP, if any. */
export const endpointOwning = (state: ClusterState, ip: string): EndpointModel | undefined => {
  const key = state.ipOwners.get(ip);
  return key === undefined ? undefined : state.endpoints.get(key);
};

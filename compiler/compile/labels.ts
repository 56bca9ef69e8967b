// The labels selectors see, for the compiler: an endpoint's effective labels
// (profile labelsToApply, then its own labels, then its namespace) and a
// namespace's labels. The reference evaluator keeps its own copy of this rule
// on purpose: the two are tested against each other.
import { ClusterState } from '../fold/state';
import { EndpointModel, K8S_NAMESPACE_NAME_LABEL, NAMESPACE_LABEL } from '../model/types';

export type Labels = Readonly<Record<string, string>>;

export const effectiveLabels = (state: ClusterState, ep: EndpointModel): Labels =>
  labelsWith((name) => state.profiles.get(name)?.labelsToApply, ep);

/** effectiveLabels with profiles' labelsToApply looked up by the caller (the cluster index keeps them in a plain map). */
export const labelsWith = (profileLabels: (name: string) => Labels | undefined, ep: EndpointModel): Labels => {
  const out: Record<string, string> = {};
  for (const name of ep.profiles) {
    const l = profileLabels(name);
    if (l !== undefined) Object.assign(out, l);
  }
  Object.assign(out, ep.labels);
  out[NAMESPACE_LABEL] = ep.namespace;
  return out;
};

export const namespaceLabels = (state: ClusterState, namespace: string): Labels =>
  state.namespaces.get(namespace)?.labels ?? { [K8S_NAMESPACE_NAME_LABEL]: namespace };

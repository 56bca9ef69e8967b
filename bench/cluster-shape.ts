// The size and seed of a benchmark cluster, and the names and vocabulary the
// generators share (hosts, namespaces, apps, teams). Generating documents is
// cluster-gen.ts's and policy-gen.ts's job.

export interface ClusterShape {
  readonly seed: number;
  readonly hosts: number;
  readonly namespaces: number;
  readonly endpoints: number;
  /** Namespaced and global together; one in ten is global. */
  readonly policies: number;
}

/** 100 endpoints per host, 500 per namespace, one policy per 50 endpoints: 100k → 1,000 hosts, 200 namespaces, 2,000 policies. */
export const shapeFor = (endpoints: number, seed = 20261127): ClusterShape => ({
  seed,
  endpoints,
  hosts: Math.max(2, Math.round(endpoints / 100)),
  namespaces: Math.max(2, Math.round(endpoints / 500)),
  policies: Math.max(4, Math.round(endpoints / 50)),
});

export type Doc = Record<string, unknown>;

export const APPS = ['frontend', 'api', 'auth', 'worker', 'cache', 'db', 'search', 'metrics-agent'] as const;
export const TEAMS = 10;
const pad = (n: number, width: number): string => String(n).padStart(width, '0');
export const hostName = (i: number): string => `host-${pad(i, 4)}`;
export const namespaceName = (i: number): string => `ns-${pad(i, 3)}`;
/** Kubernetes-style namespaces hold Pods; every fifth is Calico-style (WorkloadEndpoints with profiles). */
export const isCalicoStyle = (ns: number): boolean => ns % 5 === 4;
export const namespaceTeam = (ns: number): number => ns % TEAMS;

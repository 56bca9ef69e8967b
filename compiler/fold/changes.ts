// What one fold step changed in the model: the incremental compiler and the
// `log --touching` query read these instead of diffing whole states.
export type Entity = 'host' | 'pool' | 'endpoint' | 'profile' | 'tier' | 'policy' | 'bgpPeer' | 'bgpConfig' | 'namespace'
  | 'service' | 'hostEndpoint' | 'felixConfig'
  /** IPAM (compiler/ipam/): a block claimed, released or whose use changed; an address handed out or freed. */
  | 'block' | 'allocation';

export interface Change<T = unknown> {
  readonly entity: Entity;
  readonly key: string;
  readonly before?: T;
  readonly after?: T;
}

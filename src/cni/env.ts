// The runtime's side of a call: the CNI_* environment variables, checked as
// the spec describes them. CNI_ARGS is `K=V;K=V`; foldnet reads
// K8S_POD_NAMESPACE and K8S_POD_NAME from it and ignores the rest (podman
// sets both to the container's name).
import { CniCode, CniError } from './errors';

export type CniCommand = 'ADD' | 'DEL' | 'CHECK' | 'VERSION';

export interface CniEnv {
  readonly command: CniCommand;
  readonly containerId: string;
  /** Empty on a DEL whose namespace is already gone. */
  readonly netns: string;
  readonly ifname: string;
  readonly args: Readonly<Record<string, string>>;
  readonly path: readonly string[];
}

const CONTAINER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** Linux: 1-15 bytes, no '/', ':' or whitespace, not '.' or '..'. */
const IFNAME = /^[^/:\s]{1,15}$/;

export const parseCniArgs = (text: string): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const pair of text.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0) out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
};

const need = (env: NodeJS.ProcessEnv, name: string): string => {
  const v = env[name];
  if (v === undefined || v === '') throw new CniError(CniCode.InvalidEnvironment, `${name} is not set`);
  return v;
};

export const readCniEnv = (env: NodeJS.ProcessEnv): CniEnv => {
  const command = need(env, 'CNI_COMMAND');
  if (command !== 'ADD' && command !== 'DEL' && command !== 'CHECK' && command !== 'VERSION')
    throw new CniError(CniCode.InvalidEnvironment, `CNI_COMMAND: expected ADD, DEL, CHECK or VERSION, got ${JSON.stringify(command)}`);
  const containerId = need(env, 'CNI_CONTAINERID');
  if (!CONTAINER_ID.test(containerId))
    throw new CniError(CniCode.InvalidEnvironment, `CNI_CONTAINERID: expected letters, digits, '_', '.' and '-' starting with a letter or digit, got ${JSON.stringify(containerId)}`);
  const netns = command === 'DEL' ? env.CNI_NETNS ?? '' : need(env, 'CNI_NETNS');
  const ifname = need(env, 'CNI_IFNAME');
  if (!IFNAME.test(ifname) || ifname === '.' || ifname === '..')
    throw new CniError(CniCode.InvalidEnvironment, `CNI_IFNAME: not a Linux interface name: ${JSON.stringify(ifname)}`);
  return {
    command,
    containerId,
    netns,
    ifname,
    args: parseCniArgs(env.CNI_ARGS ?? ''),
    path: (env.CNI_PATH ?? '').split(':').filter((p) => p !== ''),
  };
};

// The CNI spec versions foldnet-cni speaks and its VERSION answer. Kept free
// of imports on purpose: runtimes call VERSION for nearly every command
// (podman before each run, stop and rm), so main.ts answers it without loading
// anything else.
export const SUPPORTED_VERSIONS = ['0.3.0', '0.3.1', '0.4.0', '1.0.0'] as const;
export type CniVersion = (typeof SUPPORTED_VERSIONS)[number];

export const LATEST_VERSION: CniVersion = '1.0.0';

export const isSupported = (v: unknown): v is CniVersion => typeof v === 'string' && (SUPPORTED_VERSIONS as readonly string[]).includes(v);

/**
 * `{cniVersion, supportedVersions}`. The runtime sends `{"cniVersion": X}` on
 * stdin; the answer is written in X when we speak it, else in our latest
 * (the runtime then sees X is not supported and refuses the network itself).
 */
export const versionReply = (stdin: string): { cniVersion: CniVersion; supportedVersions: readonly string[] } => {
  let asked: unknown;
  try {
    asked = (JSON.parse(stdin) as { cniVersion?: unknown }).cniVersion;
  } catch {
    asked = undefined;
  }
  return { cniVersion: isSupported(asked) ? asked : LATEST_VERSION, supportedVersions: SUPPORTED_VERSIONS };
};

// CniError: a failure as the CNI spec reports it — `{cniVersion, code, msg,
// details}` on stdout and a non-zero exit. Codes 1-11 are the spec's
// well-known ones; 100 and up are foldnet's own. Printing is main.ts's job.
export const CniCode = {
  /** The config's cniVersion is not one we speak. */
  IncompatibleVersion: 1,
  UnsupportedField: 2,
  /** CHECK for a container foldnet does not know. */
  UnknownContainer: 3,
  /** CNI_COMMAND, CNI_CONTAINERID, CNI_NETNS or CNI_IFNAME missing or malformed. */
  InvalidEnvironment: 4,
  /** The event log could not be opened, read or written. */
  IoFailure: 5,
  /** stdin is not JSON. */
  DecodeFailure: 6,
  InvalidConfig: 7,
  /** The fold did not answer in time; the runtime may retry. */
  TryAgainLater: 11,
  /** The fold rejected the endpoint (for instance: no free address). */
  Rejected: 100,
  /** Creating or configuring the interfaces failed. */
  Interface: 101,
  /** CHECK found the container's networking not as ADD left it. */
  CheckFailed: 102,
} as const;
export type CniCode = (typeof CniCode)[keyof typeof CniCode];

export class CniError extends Error {
  override readonly name = 'CniError';
  constructor(readonly code: CniCode, msg: string, readonly details?: string) {
    super(msg);
  }
}

/** The spec's error object; anything that is not a CniError is reported as an I/O failure with its message. */
export const errorReply = (e: unknown, cniVersion: string): { cniVersion: string; code: number; msg: string; details?: string } => {
  if (e instanceof CniError) return { cniVersion, code: e.code, msg: e.message, ...(e.details ? { details: e.details } : {}) };
  const msg = e instanceof Error ? e.message : String(e);
  return { cniVersion, code: CniCode.IoFailure, msg: `internal error: ${msg}`, ...(e instanceof Error && e.stack ? { details: e.stack } : {}) };
};

// planSysctls(actual, desired): the sysctl settings whose current value
// differs from the snapshot's, or that could not be read (their interface may
// appear by the time the plan runs). Keys the snapshot no longer names are
// left as they are: foldnet does not know what they were before it came, and
// an interface that went away took its settings with it.
import type { SysctlModel } from '../compile/snapshot';
import { byString } from '../model/sort';

export const planSysctls = (actual: readonly SysctlModel[], desired: readonly SysctlModel[]): SysctlModel[] => {
  const have = new Map(actual.map((s) => [s.key, s.value.trim()]));
  const want = new Map(desired.map((s) => [s.key, s.value]));
  return [...want]
    .filter(([key, value]) => have.get(key) !== value.trim())
    .map(([key, value]) => ({ key, value }))
    .sort((a, b) => byString(a.key, b.key));
};

// The agent's Prometheus metrics and their text exposition (format 0.0.4):
// gauges for the applied offset, the log head and the lag between them, a
// histogram of apply durations, counters of drift repairs and apply errors.
// Hand-written because six metrics do not justify a dependency; serving them
// over HTTP is metrics-server.ts's job.

/** Upper bounds (seconds) of the apply-duration buckets: 1 ms to 10 s. */
export const APPLY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export class AgentMetrics {
  private appliedOffset = 0;
  private logHead = 0;
  private driftRepairs = 0;
  private applyErrors = 0;
  private readonly bucketCounts = APPLY_BUCKETS.map(() => 0);
  private applyCount = 0;
  private applySum = 0;

  constructor(private readonly host: string) {}

  setAppliedOffset(offset: number): void {
    this.appliedOffset = offset;
    if (offset > this.logHead) this.logHead = offset;
  }

  setLogHead(head: number): void {
    this.logHead = head;
  }

  observeApply(seconds: number): void {
    this.applyCount += 1;
    this.applySum += seconds;
    APPLY_BUCKETS.forEach((le, i) => {
      if (seconds <= le) this.bucketCounts[i]! += 1;
    });
  }

  addDriftRepairs(n: number): void {
    this.driftRepairs += n;
  }

  countApplyError(): void {
    this.applyErrors += 1;
  }

  /** The exposition text, every series labelled with the host. */
  render(): string {
    const l = `host="${escapeLabel(this.host)}"`;
    const one = (name: string, type: 'gauge' | 'counter', help: string, value: number): string[] =>
      family(name, type, help, [`${name}{${l}} ${value}`]);
    const h = 'foldnet_apply_duration_seconds';
    const lines = [
      ...one('foldnet_applied_offset', 'gauge', 'Events folded into the snapshot this host last applied.', this.appliedOffset),
      ...one('foldnet_log_head', 'gauge', 'The log head (number of events) when last read.', this.logHead),
      ...one('foldnet_lag_events', 'gauge', 'Events in the log not yet applied on this host.', Math.max(0, this.logHead - this.appliedOffset)),
      ...family(h, 'histogram', 'Time to read, plan and apply one snapshot.', [
        ...APPLY_BUCKETS.map((le, i) => `${h}_bucket{${l},le="${le}"} ${this.bucketCounts[i]}`),
        `${h}_bucket{${l},le="+Inf"} ${this.applyCount}`,
        `${h}_sum{${l}} ${this.applySum}`,
        `${h}_count{${l}} ${this.applyCount}`,
      ]),
      ...one('foldnet_drift_repairs_total', 'counter', 'Kernel objects the drift check found changed behind foldnet and repaired.', this.driftRepairs),
      ...one('foldnet_apply_errors_total', 'counter', 'Applies that failed (retried later).', this.applyErrors),
    ];
    return `${lines.join('\n')}\n`;
  }
}

/** One metric family: its HELP and TYPE lines, then its samples. */
const family = (name: string, type: string, help: string, samples: readonly string[]): string[] => [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples];

const escapeLabel = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

// The label a test run puts on everything it creates, and removes by afterwards: set on the
// CLI under test through REMORA_LABELS (a user feature), and by hand on what tests create.

export const TEST_LABEL = 'remora.test';

/** REMORA_LABELS for a run: its label as KEY=VALUE (also a `docker --filter label=` value). */
export function runLabelsFor(run: string): string {
  return `${TEST_LABEL}=${run}`;
}

// Work a command starts beside its own that is worth finishing before the process exits
// (bin/remora.cjs exits as soon as main returns): main waits for it, up to a bound, so a
// slow network never holds a finished command for long.
const pending = new Set<Promise<unknown>>();

/** How long main waits, at most, for what is still running when the command is done. */
const LONGEST_WAIT_MS = 3000;

export function finishBeforeExit(work: Promise<unknown>): void {
  const settled = work.then(
    () => undefined,
    () => undefined,
  );
  pending.add(settled);
  void settled.then(() => pending.delete(settled));
}

/** Resolves once the work registered so far has settled, or the bound has passed. */
export async function unfinishedWork(): Promise<void> {
  if (pending.size === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, LONGEST_WAIT_MS);
    // The work itself keeps the process up while there is any; the bound never does.
    timer.unref();
  });
  await Promise.race([Promise.all(pending), bound]);
  clearTimeout(timer);
}

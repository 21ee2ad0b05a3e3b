// Exit statuses of processes ended by a signal, as a shell reports them: 128 + the signal's
// number (130 for SIGINT, 137 for SIGKILL, 141 for SIGPIPE). One home, so the CLI, the TUI
// and the exec paths agree on what "killed" means.
import { constants } from 'node:os';

const SIGNAL_BASE = 128;
/** Linux's highest signal (SIGRTMAX); a status past 128 + this is a program's own code. */
const HIGHEST_SIGNAL = 64;

/** 128 + the signal's number: what a shell reports for a process that signal ended. */
export function exitStatusOfSignal(signal: NodeJS.Signals): number {
  return SIGNAL_BASE + constants.signals[signal];
}

/** The signal's number when the status says a signal ended the process, else undefined. */
export function signalOfExitStatus(status: number): number | undefined {
  return status > SIGNAL_BASE && status <= SIGNAL_BASE + HIGHEST_SIGNAL ? status - SIGNAL_BASE : undefined;
}

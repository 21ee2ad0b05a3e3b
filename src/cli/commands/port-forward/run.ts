// `remora port-forward <target> [LOCAL_ADDR:]LOCAL_PORT:REMOTE_PORT...`: kubectl's shape.
// Local listeners; each connection relayed from inside the target's network namespace
// (ops/port-forward.ts). Runs until Ctrl-C/SIGTERM (exit 0) or the target stops (exit 3).
import { EXIT, RemoraError } from '../../../core/errors.js';
import { formatHostPort, parseAddressList, parseForwardSpec, parseRemoteAddress } from '../../../core/port-forward-spec.js';
import { startPortForward } from '../../../ops/port-forward.js';
import { terminalSafe } from '../../../core/target-text.js';
import { watchTarget } from '../../../ops/watch-target.js';
import { openTargetSession } from '../../session-context.js';
import type { PortForwardOptions } from './command.js';

export async function portForwardCommand(query: string, specTexts: string[], options: PortForwardOptions): Promise<number> {
  if (specTexts.length === 0) throw new RemoraError('USAGE', 'no port to forward', { hint: 'e.g. remora port-forward app 8080:80' });
  const addresses = parseAddressList(options.address);
  const specs = specTexts.map((text) => parseForwardSpec(text, addresses));
  const remoteAddress = parseRemoteAddress(options.remoteAddress);

  await using context = await openTargetSession(options, query);
  const { target } = context;
  // Lines quote the relay's and the engine's words: shown, never acted on.
  const say = (line: string): void => void process.stderr.write(`remora: ${terminalSafe(line)}\n`);

  const forward = await startPortForward(context.session, specs, {
    remoteAddress,
    onEvent: (event) => {
      if (event.kind === 'connection-failed') say(`connection from ${event.local} to port ${event.remotePort}: ${event.reason}`);
    },
  });
  for (const listener of forward.listeners) {
    process.stdout.write(`Forwarding from ${formatHostPort(listener.address, listener.localPort)} -> ${listener.remotePort}\n`);
  }
  if (target.state.paused) say(`${target.name} is paused: connections are accepted but wait for an answer until it is unpaused`);

  const outcome = await new Promise<number>((resolve) => {
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    const finish = (code: number): void => {
      for (const signal of signals) process.off(signal, onSignal);
      watch.stop();
      resolve(code);
    };
    const onSignal = (): void => finish(EXIT.OK);
    for (const signal of signals) process.on(signal, onSignal);
    const watch = watchTarget(context.engine, target.id, (event) => {
      if (event.kind !== 'state') return;
      if (event.state === 'paused') say(`${target.name} was paused: connections wait until it is unpaused`);
      else if (event.state === 'running') say(`${target.name} is running again`);
      else {
        const code = event.exitCode === undefined ? '' : ` (exit code ${event.exitCode})`;
        say(`${target.name} stopped${code}; port forwarding ended`);
        finish(EXIT.TARGET);
      }
    });
  });
  await forward.close();
  return outcome;
}

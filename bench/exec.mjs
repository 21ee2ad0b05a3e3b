// `remora exec T -- true` against the docker CLI doing the same by hand: warm (a session
// runs) vs `docker exec`, one-shot (`exec --rm`) and cold (a new session) vs `docker run --rm`.
// Goals (issue 14): warm <= 1.3, one-shot <= 1.2; cold (issue 2) <= 1.5.
import { BENCH_LABEL, REMORA, compare, docker, loadAverage, printTable, ratio, run } from './lib.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);

export function benchExec(target) {
  const toolkitImage = process.env.REMORA_TOOLKIT_IMAGE ?? 'remora-toolkit:0.1.0';
  const toolkitOf = () =>
    docker(
      'ps',
      '-q',
      '--filter',
      'label=remora.role=toolkit',
      '--filter',
      `label=remora.target=${docker('inspect', '-f', '{{.Id}}', target)}`,
    ).split('\n')[0];

  // Warm: a session exists; both run `true` in it.
  run(REMORA, ['exec', target, '--', 'true']);
  const toolkit = toolkitOf();
  const [warmRemora, warmDocker] = compare(ROUNDS, [
    { run: () => run(REMORA, ['exec', target, '--', 'true']).ms },
    { run: () => run('docker', ['exec', toolkit, 'true']).ms },
  ]);

  // Cold: no session; remora creates one, docker runs a one-off toolkit container.
  const endSessions = () => run(REMORA, ['detach', target], { allowFailure: true });
  const targetId = docker('inspect', '-f', '{{.Id}}', target);
  const dockerRun = () =>
    run('docker', [
      'run',
      '--rm',
      '--label',
      BENCH_LABEL,
      `--pid=container:${targetId}`,
      `--network=container:${targetId}`,
      '--cap-drop',
      'ALL',
      '--cap-add',
      'SYS_PTRACE',
      '--entrypoint',
      'true',
      toolkitImage,
    ]).ms;
  const [coldRemora, coldDocker] = compare(Math.max(5, Math.floor(ROUNDS / 2)), [
    { before: endSessions, run: () => run(REMORA, ['exec', target, '--', 'true']).ms, after: endSessions },
    { run: dockerRun },
  ]);

  // One-shot: `exec --rm`, a toolkit of its own that the command is, vs docker run --rm.
  const [oneShotRemora, oneShotDocker] = compare(ROUNDS, [
    { run: () => run(REMORA, ['exec', '--rm', target, '--', 'true']).ms },
    { run: dockerRun },
  ]);

  printTable(
    `remora exec vs docker (medians of ${ROUNDS} warm and one-shot runs, ${Math.max(5, Math.floor(ROUNDS / 2))} cold; ${loadAverage()})`,
    ['case', 'remora ms', 'docker ms', 'ratio', 'goal'],
    [
      ['warm: exec T -- true vs docker exec', warmRemora.toFixed(0), warmDocker.toFixed(0), ratio(warmRemora, warmDocker), '<= 1.3'],
      [
        'one-shot: exec --rm T -- true vs docker run --rm',
        oneShotRemora.toFixed(0),
        oneShotDocker.toFixed(0),
        ratio(oneShotRemora, oneShotDocker),
        '<= 1.2',
      ],
      [
        'cold: exec T -- true (new session) vs docker run --rm',
        coldRemora.toFixed(0),
        coldDocker.toFixed(0),
        ratio(coldRemora, coldDocker),
        '<= 1.5',
      ],
    ],
  );
  return { warmRemora, warmDocker, oneShotRemora, oneShotDocker, coldRemora, coldDocker };
}

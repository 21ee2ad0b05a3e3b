// The options several commands share, each group defined once with its defaults and help:
// how to reach the engine (the program's own options, repeated on every command), the
// toolkit image, the toolkit's limits, and the session a command opens. A command adds the
// groups it takes in its own definition; the types are read from these definitions.
import { Option, type Command, type OptionValues } from '@commander-js/extra-typings';
import { DEFAULT_TOOLKIT_MEMORY, DEFAULT_TOOLKIT_PIDS } from '../core/toolkit-limits.js';
import type { OptionsOf } from './define-command.js';

export const DEFAULT_IDLE = '10m';

/** Where the engine is and how to reach it, and --debug: what `remora` itself takes too. */
export function withEngineOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(command: Command<A, O, G>) {
  return command
    .addOption(new Option('--context <name>', 'docker context to use (overrides DOCKER_HOST and the current context)'))
    .addOption(new Option('-H, --host <address>', 'engine address: unix:///path, tcp://host:port, ssh://user@host'))
    .addOption(new Option('--tls', 'use TLS to a tcp:// engine; implied by --tlsverify (also DOCKER_TLS)'))
    .addOption(new Option('--tlsverify', "use TLS and verify the engine's certificate (also DOCKER_TLS_VERIFY)"))
    .addOption(new Option('--tlscacert <file>', 'trust certificates signed by this CA (default: DOCKER_CERT_PATH/ca.pem)'))
    .addOption(new Option('--tlscert <file>', 'client certificate (default: DOCKER_CERT_PATH/cert.pem)'))
    .addOption(new Option('--tlskey <file>', 'client key (default: DOCKER_CERT_PATH/key.pem)'))
    .addOption(new Option('--debug', 'print stack traces on errors'));
}

/** For commands that use the toolkit image but open no session of their own choosing. */
export function withImageOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(command: Command<A, O, G>) {
  return withEngineOptions(command)
    .addOption(
      new Option('--toolkit-image <image>', 'use this image as the toolkit (any image with a POSIX shell); also REMORA_TOOLKIT_IMAGE'),
    )
    .addOption(new Option('-q, --quiet', 'no progress messages'));
}

/** The toolkit's limits: every command that may create a toolkit takes them (capture too). */
export function withLimitOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(command: Command<A, O, G>) {
  return command
    .addOption(
      new Option('--toolkit-memory <size>', 'memory limit of a new toolkit (docker units: 512m, 2g)').default(DEFAULT_TOOLKIT_MEMORY),
    )
    .addOption(new Option('--toolkit-pids <n>', 'most processes and threads in a new toolkit').default(DEFAULT_TOOLKIT_PIDS));
}

/** For commands that open (or reuse) a toolkit session on their target. */
export function withSessionOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(command: Command<A, O, G>) {
  return withLimitOptions(
    withImageOptions(command)
      .addOption(
        new Option('--profile <name>', 'privileges of the toolkit: general, restricted, netadmin, capture, sysadmin').default('general'),
      )
      .addOption(new Option('--idle <duration>', 'end the toolkit after this long with no command running').default(DEFAULT_IDLE)),
  )
    .addOption(new Option('--rm', 'use a toolkit of this command alone, removed when it ends (even if remora is killed)'))
    .addOption(new Option('--ipc', "also join the target's IPC namespace"))
    .addOption(
      new Option(
        '--rw-volumes',
        'a target that is not running (exited, an image) is seen through a stand-in with its volumes read-only; this mounts them writable: writes reach the real volumes',
      ),
    );
}

type None = Record<never, never>;

export type EngineOptions = OptionsOf<typeof withEngineOptions<[], None, None>>;
export type ImageOptions = OptionsOf<typeof withImageOptions<[], None, None>>;
export type LimitOptions = OptionsOf<typeof withLimitOptions<[], None, None>>;
export type SessionOptions = OptionsOf<typeof withSessionOptions<[], None, None>>;

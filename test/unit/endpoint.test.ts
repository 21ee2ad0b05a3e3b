import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultEndpointInputs, resolveEndpoint, type EndpointInputs } from '../../src/engine/endpoint.js';
import { RemoraError } from '../../src/core/errors.js';

// A real DOCKER_CONFIG directory per test; sockets are faked through fileExists so the
// host's own /var/run/docker.sock cannot change the answers.
let configDir: string;
let sockets: Set<string>;

beforeEach(() => {
  configDir = mkdtempSync(join(tmpdir(), 'remora-endpoint-'));
  sockets = new Set();
});

afterEach(() => {
  rmSync(configDir, { recursive: true, force: true });
});

function inputs(overrides: Partial<EndpointInputs> = {}): EndpointInputs {
  return {
    flags: {},
    env: { DOCKER_CONFIG: configDir },
    homeDir: '/home/me',
    uid: 1000,
    fileExists: (path) => sockets.has(path) || (path.startsWith(configDir) && existsSync(path)),
    readFile: defaultEndpointInputs().readFile,
    ...overrides,
  };
}

function digest(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

function writeContext(name: string, host: string, options: { skipTLSVerify?: boolean; tlsFiles?: string[] } = {}): void {
  const metaDir = join(configDir, 'contexts', 'meta', digest(name));
  mkdirSync(metaDir, { recursive: true });
  const meta = { Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: options.skipTLSVerify ?? false } } };
  writeFileSync(join(metaDir, 'meta.json'), JSON.stringify(meta));
  if (options.tlsFiles) {
    const tlsDir = join(configDir, 'contexts', 'tls', digest(name), 'docker');
    mkdirSync(tlsDir, { recursive: true });
    for (const file of options.tlsFiles) writeFileSync(join(tlsDir, file), 'pem');
  }
}

function writeConfig(config: object | string): void {
  writeFileSync(join(configDir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
}

function caught(run: () => unknown): RemoraError {
  try {
    run();
  } catch (error) {
    if (error instanceof RemoraError) return error;
    throw error;
  }
  throw new Error('expected a RemoraError');
}

describe('resolveEndpoint precedence (the docker CLI order)', () => {
  beforeEach(() => {
    writeContext('flagctx', 'unix:///flag.sock');
    writeContext('envctx', 'unix:///env.sock');
    writeContext('cfgctx', 'unix:///cfg.sock');
    writeConfig({ auths: {}, currentContext: 'cfgctx' });
    sockets.add('/var/run/docker.sock');
  });

  it('--context beats DOCKER_HOST, DOCKER_CONTEXT and currentContext', () => {
    const endpoint = resolveEndpoint(
      inputs({ flags: { context: 'flagctx' }, env: { DOCKER_CONFIG: configDir, DOCKER_HOST: 'tcp://h:1', DOCKER_CONTEXT: 'envctx' } }),
    );
    expect(endpoint).toEqual({ kind: 'unix', address: 'unix:///flag.sock', source: '--context flagctx', socketPath: '/flag.sock' });
  });

  it('--host beats DOCKER_HOST, DOCKER_CONTEXT and currentContext', () => {
    const endpoint = resolveEndpoint(
      inputs({
        flags: { host: 'unix:///host.sock' },
        env: { DOCKER_CONFIG: configDir, DOCKER_HOST: 'tcp://h:1', DOCKER_CONTEXT: 'envctx' },
      }),
    );
    expect(endpoint).toEqual({ kind: 'unix', address: 'unix:///host.sock', source: '--host', socketPath: '/host.sock' });
  });

  it('DOCKER_HOST beats DOCKER_CONTEXT and currentContext', () => {
    const endpoint = resolveEndpoint(
      inputs({ env: { DOCKER_CONFIG: configDir, DOCKER_HOST: 'unix:///envhost.sock', DOCKER_CONTEXT: 'envctx' } }),
    );
    expect(endpoint).toMatchObject({ address: 'unix:///envhost.sock', source: 'DOCKER_HOST' });
  });

  it('DOCKER_CONTEXT beats currentContext', () => {
    const endpoint = resolveEndpoint(inputs({ env: { DOCKER_CONFIG: configDir, DOCKER_CONTEXT: 'envctx' } }));
    expect(endpoint).toMatchObject({ address: 'unix:///env.sock', source: 'DOCKER_CONTEXT=envctx' });
  });

  it('currentContext in config.json beats the sockets', () => {
    const endpoint = resolveEndpoint(inputs());
    expect(endpoint).toMatchObject({
      address: 'unix:///cfg.sock',
      source: `current context "cfgctx" in ${join(configDir, 'config.json')}`,
    });
  });

  it('falls back to the sockets when nothing is configured', () => {
    writeConfig({ auths: {} });
    expect(resolveEndpoint(inputs())).toEqual({
      kind: 'unix',
      address: 'unix:///var/run/docker.sock',
      source: 'default socket',
      socketPath: '/var/run/docker.sock',
    });
  });

  it('refuses --context together with --host, as the docker CLI does', () => {
    const error = caught(() => resolveEndpoint(inputs({ flags: { context: 'flagctx', host: 'unix:///x.sock' } })));
    expect(error.code).toBe('USAGE');
    expect(error.message).toBe('conflicting options: cannot specify both --host and --context');
  });

  it('treats empty flags and variables as unset', () => {
    const endpoint = resolveEndpoint(
      inputs({ flags: { host: '', context: '' }, env: { DOCKER_CONFIG: configDir, DOCKER_HOST: '', DOCKER_CONTEXT: '' } }),
    );
    expect(endpoint.source).toBe(`current context "cfgctx" in ${join(configDir, 'config.json')}`);
  });
});

describe('the "default" context', () => {
  beforeEach(() => {
    sockets.add('/var/run/docker.sock');
  });

  it('--context default falls through to DOCKER_HOST', () => {
    const endpoint = resolveEndpoint(
      inputs({ flags: { context: 'default' }, env: { DOCKER_CONFIG: configDir, DOCKER_HOST: 'tcp://10.0.0.1:2375' } }),
    );
    expect(endpoint).toMatchObject({ kind: 'tcp', address: 'tcp://10.0.0.1:2375', source: 'DOCKER_HOST' });
  });

  it('DOCKER_CONTEXT=default skips currentContext and uses the sockets', () => {
    writeContext('cfgctx', 'unix:///cfg.sock');
    writeConfig({ currentContext: 'cfgctx' });
    const endpoint = resolveEndpoint(inputs({ env: { DOCKER_CONFIG: configDir, DOCKER_CONTEXT: 'default' } }));
    expect(endpoint).toMatchObject({ address: 'unix:///var/run/docker.sock', source: 'default socket' });
  });

  it('currentContext "default" uses the sockets without a context store', () => {
    writeConfig({ currentContext: 'default' });
    expect(resolveEndpoint(inputs())).toMatchObject({ address: 'unix:///var/run/docker.sock', source: 'default socket' });
  });
});

describe('contexts', () => {
  it('reports an unknown context with the exact message and hint', () => {
    const error = caught(() => resolveEndpoint(inputs({ flags: { context: 'foo' } })));
    expect(error.code).toBe('ENGINE_UNREACHABLE');
    expect(error.message).toBe('docker context "foo" does not exist');
    expect(error.hint).toBe('list contexts with `docker context ls`, or pass --host');
    expect(error.details).toEqual(['chosen by --context foo']);
  });

  it('says where an unknown current context came from', () => {
    writeConfig({ currentContext: 'gone' });
    const error = caught(() => resolveEndpoint(inputs()));
    expect(error.message).toBe('docker context "gone" does not exist');
    expect(error.details).toEqual([`chosen by current context "gone" in ${join(configDir, 'config.json')}`]);
  });

  it('reads config.json from ~/.docker when DOCKER_CONFIG is unset', () => {
    const home = join(configDir, 'home');
    mkdirSync(join(home, '.docker'), { recursive: true });
    writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ currentContext: 'nope' }));
    const error = caught(() => resolveEndpoint(inputs({ env: {}, homeDir: home })));
    expect(error.details).toEqual([`chosen by current context "nope" in ${join(home, '.docker', 'config.json')}`]);
  });

  it('uses the TLS material stored with a tcp context', () => {
    writeContext('remote', 'tcp://build.example.com', { tlsFiles: ['ca.pem', 'cert.pem', 'key.pem'] });
    const tlsDir = join(configDir, 'contexts', 'tls', digest('remote'), 'docker');
    expect(resolveEndpoint(inputs({ flags: { context: 'remote' } }))).toEqual({
      kind: 'tcp',
      address: 'tcp://build.example.com:2376',
      source: '--context remote',
      host: 'build.example.com',
      port: 2376,
      tls: { caPath: join(tlsDir, 'ca.pem'), certPath: join(tlsDir, 'cert.pem'), keyPath: join(tlsDir, 'key.pem'), verify: true },
    });
  });

  it('turns SkipTLSVerify into TLS without verification', () => {
    writeContext('insecure', 'tcp://10.1.1.1:2376', { skipTLSVerify: true });
    expect(resolveEndpoint(inputs({ flags: { context: 'insecure' } })).tls).toEqual({ verify: false });
  });

  it('uses plain tcp for a context without TLS material', () => {
    writeContext('plain', 'tcp://10.1.1.1');
    const endpoint = resolveEndpoint(inputs({ flags: { context: 'plain' } }));
    expect(endpoint).toMatchObject({ address: 'tcp://10.1.1.1:2375', port: 2375 });
    expect(endpoint.tls).toBeUndefined();
  });

  it('reads ssh contexts', () => {
    writeContext('box', 'ssh://deploy@box.lan:2222');
    expect(resolveEndpoint(inputs({ flags: { context: 'box' } }))).toMatchObject({
      kind: 'ssh',
      address: 'ssh://deploy@box.lan:2222',
      ssh: { user: 'deploy', host: 'box.lan', port: 2222 },
    });
  });

  it('rejects a context without a docker endpoint', () => {
    const metaDir = join(configDir, 'contexts', 'meta', digest('k8s'));
    mkdirSync(metaDir, { recursive: true });
    writeFileSync(join(metaDir, 'meta.json'), JSON.stringify({ Name: 'k8s', Endpoints: {} }));
    const error = caught(() => resolveEndpoint(inputs({ flags: { context: 'k8s' } })));
    expect(error.code).toBe('ENGINE_UNREACHABLE');
    expect(error.message).toBe('docker context "k8s" has no docker endpoint');
  });

  it('rejects a malformed config.json with a usage error', () => {
    writeConfig('{ "currentContext": ');
    const error = caught(() => resolveEndpoint(inputs()));
    expect(error.code).toBe('USAGE');
    expect(error.message).toMatch(new RegExp(`^cannot parse ${join(configDir, 'config.json')}: `));
  });

  it('ignores an empty config.json', () => {
    writeConfig('');
    expect(resolveEndpoint(inputs()).source).toBe('default');
  });
});

describe('TLS from the environment', () => {
  function writeCerts(dir: string, files = ['ca.pem', 'cert.pem', 'key.pem']): void {
    mkdirSync(dir, { recursive: true });
    for (const file of files) writeFileSync(join(dir, file), 'pem');
  }

  it('DOCKER_TLS_VERIFY with DOCKER_CERT_PATH verifies with the files in that directory and defaults to 2376', () => {
    const certs = join(configDir, 'certs');
    writeCerts(certs);
    const endpoint = resolveEndpoint(
      inputs({ env: { DOCKER_CONFIG: configDir, DOCKER_HOST: 'tcp://10.0.0.9', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs } }),
    );
    expect(endpoint).toEqual({
      kind: 'tcp',
      address: 'tcp://10.0.0.9:2376',
      source: 'DOCKER_HOST',
      host: '10.0.0.9',
      port: 2376,
      tls: { caPath: join(certs, 'ca.pem'), certPath: join(certs, 'cert.pem'), keyPath: join(certs, 'key.pem'), verify: true },
    });
  });

  it('takes the certificates from DOCKER_CONFIG when DOCKER_CERT_PATH is unset, leaving out missing files', () => {
    writeCerts(configDir, ['ca.pem']);
    const endpoint = resolveEndpoint(
      inputs({ flags: { host: 'tcp://10.0.0.9:2376' }, env: { DOCKER_CONFIG: configDir, DOCKER_TLS_VERIFY: '1' } }),
    );
    expect(endpoint.tls).toEqual({ caPath: join(configDir, 'ca.pem'), verify: true });
  });

  it('DOCKER_TLS alone gives TLS without verification', () => {
    const endpoint = resolveEndpoint(inputs({ env: { DOCKER_CONFIG: configDir, DOCKER_HOST: 'tcp://10.0.0.9:2376', DOCKER_TLS: '1' } }));
    expect(endpoint.tls).toEqual({ verify: false });
  });

  it('uses plain tcp on 2375 without TLS variables, even with DOCKER_CERT_PATH set', () => {
    const endpoint = resolveEndpoint(
      inputs({ env: { DOCKER_CONFIG: configDir, DOCKER_HOST: 'tcp://10.0.0.9', DOCKER_CERT_PATH: configDir } }),
    );
    expect(endpoint).toMatchObject({ address: 'tcp://10.0.0.9:2375', port: 2375 });
    expect(endpoint.tls).toBeUndefined();
  });

  it('does not put TLS on unix sockets', () => {
    const endpoint = resolveEndpoint(
      inputs({ env: { DOCKER_CONFIG: configDir, DOCKER_HOST: 'unix:///run/docker.sock', DOCKER_TLS_VERIFY: '1' } }),
    );
    expect(endpoint.tls).toBeUndefined();
  });
});

describe('TLS flags, as the docker CLI has them', () => {
  function writeCerts(dir: string, files = ['ca.pem', 'cert.pem', 'key.pem']): void {
    mkdirSync(dir, { recursive: true });
    for (const file of files) writeFileSync(join(dir, file), 'pem');
  }

  it('--tlsverify implies TLS and takes the default files from DOCKER_CERT_PATH', () => {
    const certs = join(configDir, 'certs');
    writeCerts(certs);
    const endpoint = resolveEndpoint(
      inputs({ flags: { host: 'tcp://10.0.0.9', tlsverify: true }, env: { DOCKER_CONFIG: configDir, DOCKER_CERT_PATH: certs } }),
    );
    expect(endpoint).toMatchObject({
      address: 'tcp://10.0.0.9:2376',
      tls: { caPath: join(certs, 'ca.pem'), certPath: join(certs, 'cert.pem'), keyPath: join(certs, 'key.pem'), verify: true },
    });
  });

  it('--tls alone is TLS without verifying the engine', () => {
    const endpoint = resolveEndpoint(inputs({ flags: { host: 'tcp://10.0.0.9:2376', tls: true } }));
    expect(endpoint.tls).toEqual({ verify: false });
  });

  it('--tlscacert, --tlscert and --tlskey replace the default files', () => {
    writeCerts(configDir);
    const mine = join(configDir, 'mine');
    writeCerts(mine, ['my-ca.pem', 'my-cert.pem', 'my-key.pem']);
    const flags = {
      host: 'tcp://10.0.0.9:2376',
      tlsverify: true,
      tlscacert: join(mine, 'my-ca.pem'),
      tlscert: join(mine, 'my-cert.pem'),
      tlskey: join(mine, 'my-key.pem'),
    };
    expect(resolveEndpoint(inputs({ flags })).tls).toEqual({
      caPath: join(mine, 'my-ca.pem'),
      certPath: join(mine, 'my-cert.pem'),
      keyPath: join(mine, 'my-key.pem'),
      verify: true,
    });
  });

  it('refuses a file named by a flag that does not exist', () => {
    const missing = join(configDir, 'nope.pem');
    expect(() => resolveEndpoint(inputs({ flags: { host: 'tcp://10.0.0.9:2376', tlsverify: true, tlscacert: missing } }))).toThrow(
      `--tlscacert ${missing}: no such file`,
    );
  });

  it('ignores the file flags without --tls or --tlsverify, as docker does', () => {
    expect(resolveEndpoint(inputs({ flags: { host: 'tcp://10.0.0.9', tlscert: '/nope.pem' } })).tls).toBeUndefined();
  });

  it('refuses TLS flags with a docker context, which carries its own TLS files', () => {
    writeContext('remote', 'tcp://build.example.com:2376');
    const attempt = () => resolveEndpoint(inputs({ flags: { context: 'remote', tlsverify: true } }));
    expect(attempt).toThrow('--tlsverify applies to --host or DOCKER_HOST, not to docker context "remote" (chosen by --context remote)');
    try {
      attempt();
    } catch (error) {
      expect((error as RemoraError).code).toBe('USAGE');
    }
  });
});

describe('host strings', () => {
  const host = (value: string) => resolveEndpoint(inputs({ flags: { host: value } }));

  it.each([
    ['tcp://1.2.3.4:2376', { kind: 'tcp', address: 'tcp://1.2.3.4:2376', host: '1.2.3.4', port: 2376 }],
    ['tcp://example.com', { kind: 'tcp', address: 'tcp://example.com:2375', host: 'example.com', port: 2375 }],
    ['  tcp://example.com:1234  ', { kind: 'tcp', address: 'tcp://example.com:1234', port: 1234 }],
    ['1.2.3.4:4243', { kind: 'tcp', address: 'tcp://1.2.3.4:4243', host: '1.2.3.4', port: 4243 }],
    ['example.com', { kind: 'tcp', address: 'tcp://example.com:2375', port: 2375 }],
    ['tcp://[::1]:2375', { kind: 'tcp', address: 'tcp://[::1]:2375', host: '::1', port: 2375 }],
    [
      'unix:///run/user/1000/docker.sock',
      { kind: 'unix', address: 'unix:///run/user/1000/docker.sock', socketPath: '/run/user/1000/docker.sock' },
    ],
    ['unix://', { kind: 'unix', address: 'unix:///var/run/docker.sock', socketPath: '/var/run/docker.sock' }],
    ['/tmp/engine.sock', { kind: 'unix', address: 'unix:///tmp/engine.sock', socketPath: '/tmp/engine.sock' }],
    ['./engine.sock', { kind: 'unix', address: 'unix://./engine.sock', socketPath: './engine.sock' }],
    [
      'npipe:////./pipe/docker_engine',
      { kind: 'npipe', address: 'npipe:////./pipe/docker_engine', socketPath: '\\\\.\\pipe\\docker_engine' },
    ],
  ])('parses %s', (value, expected) => {
    expect(host(value)).toMatchObject({ ...expected, source: '--host' });
  });

  it('parses ssh with user and port', () => {
    expect(host('ssh://me@build-box:2222')).toEqual({
      kind: 'ssh',
      address: 'ssh://me@build-box:2222',
      source: '--host',
      host: 'build-box',
      port: 2222,
      ssh: { user: 'me', host: 'build-box', port: 2222 },
    });
  });

  it('parses ssh without user or port, leaving them to ssh', () => {
    expect(host('ssh://build-box')).toEqual({
      kind: 'ssh',
      address: 'ssh://build-box',
      source: '--host',
      host: 'build-box',
      ssh: { host: 'build-box' },
    });
  });

  it('parses ssh to an IPv6 host', () => {
    expect(host('ssh://root@[fe80::1]:22').ssh).toEqual({ user: 'root', host: 'fe80::1', port: 22 });
  });

  it.each([
    ['foo://x', 'invalid engine address "foo://x" (from --host): unknown scheme "foo"'],
    ['tcp://', 'invalid engine address "tcp://" (from --host): no host in tcp address'],
    ['tcp://:2375', 'invalid engine address "tcp://:2375" (from --host): no host in tcp address'],
    ['tcp://host:port', 'invalid engine address "tcp://host:port" (from --host): expected host:port with a port from 1 to 65535'],
    ['tcp://host:70000', 'invalid engine address "tcp://host:70000" (from --host): expected host:port with a port from 1 to 65535'],
    ['tcp://host:0', 'invalid engine address "tcp://host:0" (from --host): expected host:port with a port from 1 to 65535'],
    ['tcp://host:2375/v1.41', 'invalid engine address "tcp://host:2375/v1.41" (from --host): a tcp address is only host:port'],
    ['unix://tcp://x', 'invalid engine address "unix://tcp://x" (from --host): a unix address is unix:///path/to/socket'],
    ['ssh://', 'invalid engine address "ssh://" (from --host): no host in ssh address'],
    [
      'ssh://me:secret@host',
      'invalid engine address "ssh://me:secret@host" (from --host): passwords in ssh addresses are not supported; use an ssh key or agent',
    ],
    ['ssh://host?x=1', 'invalid engine address "ssh://host?x=1" (from --host): an ssh address takes no query or fragment'],
    [
      'ssh://host/run/docker.sock',
      'invalid engine address "ssh://host/run/docker.sock" (from --host): a remote socket path in an ssh address is not supported',
    ],
  ])('rejects %s', (value, message) => {
    const error = caught(() => host(value));
    expect(error.code).toBe('USAGE');
    expect(error.message).toBe(message);
    expect(error.hint).toBe('write unix:///path/to/docker.sock, tcp://host:port or ssh://[user@]host[:port]');
  });

  it('rejects fd:// with its own hint', () => {
    const error = caught(() => resolveEndpoint(inputs({ env: { DOCKER_CONFIG: configDir, DOCKER_HOST: 'fd://' } })));
    expect(error.code).toBe('USAGE');
    expect(error.message).toBe(
      'invalid engine address "fd://" (from DOCKER_HOST): fd:// names sockets a daemon inherits at start-up; a client cannot connect to one',
    );
    expect(error.hint).toBe('use the socket the daemon listens on, e.g. unix:///var/run/docker.sock');
  });

  it('names the context when its host is malformed', () => {
    writeContext('broken', 'bogus://x');
    const error = caught(() => resolveEndpoint(inputs({ env: { DOCKER_CONFIG: configDir, DOCKER_CONTEXT: 'broken' } })));
    expect(error.message).toBe('invalid engine address "bogus://x" (from DOCKER_CONTEXT=broken): unknown scheme "bogus"');
  });
});

describe('socket fallback', () => {
  const env = { DOCKER_CONFIG: '/nonexistent-docker-config', XDG_RUNTIME_DIR: '/xdg' };
  const order: Array<[string, string]> = [
    ['/var/run/docker.sock', 'default socket'],
    ['/xdg/docker.sock', 'rootless Docker socket'],
    ['/run/user/1000/docker.sock', 'rootless Docker socket'],
    ['/home/me/.docker/run/docker.sock', 'Docker Desktop socket'],
    ['/home/me/.docker/desktop/docker.sock', 'Docker Desktop socket'],
    ['/xdg/podman/podman.sock', 'rootless Podman socket'],
    ['/run/user/1000/podman/podman.sock', 'rootless Podman socket'],
    ['/run/podman/podman.sock', 'Podman socket'],
  ];

  it.each(order.map(([path, source], index) => [path, source, order.slice(index).map(([later]) => later)] as const))(
    'picks %s before the sockets after it',
    (path, source, present) => {
      for (const socket of present) sockets.add(socket);
      expect(resolveEndpoint(inputs({ env }))).toEqual({ kind: 'unix', address: `unix://${path}`, source, socketPath: path });
    },
  );

  it('answers the default socket with source "default" when none exists', () => {
    expect(resolveEndpoint(inputs({ env }))).toEqual({
      kind: 'unix',
      address: 'unix:///var/run/docker.sock',
      source: 'default',
      socketPath: '/var/run/docker.sock',
    });
  });

  it('checks each socket once when XDG_RUNTIME_DIR is /run/user/<uid>', () => {
    const checked: string[] = [];
    resolveEndpoint(
      inputs({
        env: { DOCKER_CONFIG: '/nonexistent-docker-config', XDG_RUNTIME_DIR: '/run/user/1000' },
        fileExists: (path) => (checked.push(path), false),
      }),
    );
    expect(checked).toEqual([
      '/var/run/docker.sock',
      '/run/user/1000/docker.sock',
      '/home/me/.docker/run/docker.sock',
      '/home/me/.docker/desktop/docker.sock',
      '/run/user/1000/podman/podman.sock',
      '/run/podman/podman.sock',
    ]);
  });

  it('skips the per-uid sockets without a uid or XDG_RUNTIME_DIR', () => {
    const checked: string[] = [];
    resolveEndpoint(
      inputs({ env: { DOCKER_CONFIG: '/nonexistent-docker-config' }, uid: undefined, fileExists: (path) => (checked.push(path), false) }),
    );
    expect(checked).toEqual([
      '/var/run/docker.sock',
      '/home/me/.docker/run/docker.sock',
      '/home/me/.docker/desktop/docker.sock',
      '/run/podman/podman.sock',
    ]);
  });
});

describe('defaultEndpointInputs', () => {
  it('fills the inputs from this process', () => {
    const filled = defaultEndpointInputs({ host: 'unix:///x.sock' });
    expect(filled.flags).toEqual({ host: 'unix:///x.sock' });
    expect(filled.env).toBe(process.env);
    expect(filled.uid).toBe(process.getuid?.());
    expect(filled.fileExists(configDir)).toBe(true);
    expect(filled.readFile(join(configDir, 'missing.json'))).toBeUndefined();
    expect(filled.readFile(join(configDir, 'missing-dir', 'config.json'))).toBeUndefined();
  });
});

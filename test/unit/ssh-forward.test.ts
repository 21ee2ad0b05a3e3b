// The forward into an ssh:// engine (engine/ssh-forward.ts): which remote sockets it is made
// for, what a connection to a forward whose master is gone does, and how the end of a
// forwarded connection is told when the master ended under it. Local sockets stand in for
// the master's forward and its control socket.
import { chmodSync, existsSync, linkSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoraError } from '../../src/core/errors.js';
import type { Endpoint } from '../../src/engine/endpoint.js';
import {
  connectForward,
  contextEngineHost,
  describeForward,
  forwardableSocket,
  forwardSocketPath,
  setUpForward,
  type ForwardSsh,
} from '../../src/engine/ssh-forward.js';

const endpoint: Endpoint = { kind: 'ssh', address: 'ssh://box', source: '--host', host: 'box', ssh: { host: 'box' } };

const context = (host: unknown): string => JSON.stringify([{ Name: 'default', Endpoints: { docker: { Host: host } } }]);

const socketOf = (json: string): string | undefined => {
  const host = contextEngineHost(json);
  return host === undefined ? undefined : forwardableSocket(host);
};

describe("the remote CLI's engine", () => {
  it("is the unix socket the remote CLI's current context names", () => {
    expect(socketOf(context('unix:///var/run/docker.sock'))).toBe('/var/run/docker.sock');
    expect(socketOf(context('unix:///run/user/1000/docker.sock'))).toBe('/run/user/1000/docker.sock');
  });

  it('leaves engines the remote CLI reaches another way, and paths -L cannot carry, to dial-stdio', () => {
    expect(contextEngineHost(context('tcp://10.0.0.2:2376'))).toBe('tcp://10.0.0.2:2376');
    expect(socketOf(context('tcp://10.0.0.2:2376'))).toBeUndefined();
    expect(socketOf(context('ssh://other-box'))).toBeUndefined();
    expect(socketOf(context('unix://relative.sock'))).toBeUndefined();
    expect(socketOf(context('unix:///run/a:b.sock'))).toBeUndefined();
    expect(socketOf(context('unix:///run/a b.sock'))).toBeUndefined();
    expect(socketOf(context(42))).toBeUndefined();
    expect(socketOf('docker: command not found')).toBeUndefined();
    expect(socketOf('[]')).toBeUndefined();
  });
});

describe('a forwarded connection', () => {
  let dir: string;
  let forward: net.Server;
  let masterUp = true;
  const ssh = (): ForwardSsh => ({
    controlDir: dir,
    options: [],
    host: 'box',
    masterAnswers: () => Promise.resolve(masterUp),
    masterIdentity: () => (masterUp ? '1' : undefined),
    lost: () => new RemoraError('ENGINE_UNREACHABLE', 'the ssh connection to the container engine at ssh://box was lost'),
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'remora-ssh-forward-'));
    // The engine behind the forward answers one line, then ends the connection.
    forward = net.createServer((socket) => socket.once('data', () => socket.end('answer\n')));
    await new Promise<void>((resolve) => forward.listen(forwardSocketPath(endpoint, dir), resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => forward.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  async function exchange(): Promise<{ data: string; error?: Error }> {
    const socket = await connectForward(endpoint, ssh());
    if (!socket) throw new Error('no forwarded connection');
    let data = '';
    socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
    socket.write('request\n');
    return new Promise((resolve) => {
      socket.once('end', () => resolve({ data }));
      socket.once('error', (error) => resolve({ data, error }));
    });
  }

  it('ends as the engine ends it while the master is up', async () => {
    masterUp = true;
    expect(await exchange()).toEqual({ data: 'answer\n' });
  });

  it('fails as a lost connection when its end came with the master going', async () => {
    masterUp = false;
    const { data, error } = await exchange();
    expect(data).toBe('answer\n');
    expect(error).toBeInstanceOf(RemoraError);
    expect(error?.message).toMatch(/was lost/);
  });

  it('is none where the forward socket is left by a master that has gone, and that file is removed', async () => {
    const stale = { ...endpoint, address: 'ssh://gone' };
    const path = forwardSocketPath(stale, dir);
    // A socket file nobody listens on, as an ended master leaves it (Node removes its own
    // on close: a second link to it stays).
    const listener = net.createServer();
    await new Promise<void>((resolve) => listener.listen(`${path}.live`, resolve));
    linkSync(`${path}.live`, path);
    await new Promise((resolve) => listener.close(resolve));
    expect(await connectForward(stale, ssh())).toBeUndefined();
    expect(existsSync(path)).toBe(false);
  });

  it('is none where there is no forward yet', async () => {
    expect(await connectForward({ ...endpoint, address: 'ssh://never' }, ssh())).toBeUndefined();
  });
});

describe('setUpForward', () => {
  it("asks a master's remote CLI once: a remote engine on tcp:// keeps dial-stdio, unasked again", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'remora-ssh-setup-'));
    const savedPath = process.env.PATH;
    // A fake ssh whose remote docker CLI uses a tcp:// engine; it logs what it is asked.
    writeFileSync(join(dir, 'ssh'), `#!/bin/sh\necho "$*" >> ${join(dir, 'ssh.log')}\necho '${context('tcp://10.0.0.2:2376')}'\n`);
    chmodSync(join(dir, 'ssh'), 0o755);
    process.env.PATH = `${dir}:${savedPath ?? ''}`;
    let master = 'master-1';
    const ssh: ForwardSsh = {
      controlDir: dir,
      options: ['-o', 'ControlPath=x'],
      host: 'box',
      masterAnswers: () => Promise.resolve(true),
      masterIdentity: () => master,
      lost: () => new RemoraError('ENGINE_UNREACHABLE', 'lost'),
    };
    const asked = (): number => readFileSync(join(dir, 'ssh.log'), 'utf8').split('\n').filter(Boolean).length;
    try {
      expect(await setUpForward(endpoint, ssh)).toBe(false);
      expect(asked()).toBe(1);
      expect(await setUpForward(endpoint, ssh)).toBe(false);
      expect(asked()).toBe(1);
      // A new master asks again: the remote host may have changed.
      master = 'master-2';
      expect(await setUpForward(endpoint, ssh)).toBe(false);
      expect(asked()).toBe(2);
      expect(existsSync(forwardSocketPath(endpoint, dir))).toBe(false);
      expect(await describeForward(endpoint, ssh)).toBe(
        'each connection starts `docker system dial-stdio` on the host: the docker CLI on the host reaches its engine at tcp://10.0.0.2:2376, not by a unix socket',
      );
    } finally {
      process.env.PATH = savedPath;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../src/engine/endpoint.js';
import { sshArguments, sshFailure } from '../../src/engine/ssh-transport.js';

const endpoint = (address: string, ssh: NonNullable<Endpoint['ssh']>): Endpoint => ({
  kind: 'ssh',
  address,
  source: '--host',
  host: ssh.host,
  ssh,
});

describe('sshArguments', () => {
  it('runs docker system dial-stdio as the docker CLI does, through a private control socket', () => {
    const args = sshArguments(endpoint('ssh://me@box:2200', { user: 'me', host: 'box', port: 2200 }), {
      batchMode: true,
      controlDir: '/run/user/1000/remora/ssh',
    });
    const controlPath = args[3] ?? '';
    expect(controlPath).toMatch(/^ControlPath=\/run\/user\/1000\/remora\/ssh\/[0-9a-f]{16}-%C$/);
    expect(args).toEqual([
      '-o',
      'ControlMaster=auto',
      '-o',
      controlPath,
      '-o',
      'ControlPersist=60s',
      '-o',
      'ConnectTimeout=30',
      '-T',
      '-o',
      'BatchMode=yes',
      '-l',
      'me',
      '-p',
      '2200',
      '--',
      'box',
      'docker',
      'system',
      'dial-stdio',
    ]);
  });

  it('lets ssh prompt when there is a terminal, and names no user or port it was not given', () => {
    const args = sshArguments(endpoint('ssh://box', { host: 'box' }), { batchMode: false, controlDir: '/tmp/remora-ssh-0' });
    expect(args).not.toContain('BatchMode=yes');
    expect(args).not.toContain('-l');
    expect(args).not.toContain('-p');
  });

  it('keeps two aliases of one host on separate control sockets', () => {
    const path = (address: string) =>
      sshArguments(endpoint(address, { host: address.slice(6) }), { batchMode: true, controlDir: '/d' }).find((arg) =>
        arg.startsWith('ControlPath='),
      );
    expect(path('ssh://a')).not.toBe(path('ssh://b'));
  });
});

describe('sshFailure', () => {
  const box = endpoint('ssh://box', { host: 'box' });

  it("a changed host key: ssh's last words, and how to accept a new key on purpose", () => {
    const stderr = [
      '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
      '@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @',
      '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
      'IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!',
      'Host key for [127.0.0.1]:2222 has changed and you have requested strict checking.',
      'Host key verification failed.',
      '',
    ].join('\n');
    const error = sshFailure(box, 255, stderr, false);
    expect(error.code).toBe('ENGINE_UNREACHABLE');
    expect(error.message).toBe('cannot reach the container engine at ssh://box: Host key verification failed.');
    expect(error.hint).toMatch(/ssh-keygen -R box/);
  });

  it('a refused login and a host without docker say what to check', () => {
    expect(sshFailure(box, 255, 'root@box: Permission denied (publickey).\n', false).hint).toBe(
      'check that `ssh box` logs in without a password prompt (a key in ~/.ssh or an agent)',
    );
    const noDocker = sshFailure(box, 127, 'bash: line 1: docker: command not found\n', false);
    expect(noDocker.message).toBe('cannot reach the container engine at ssh://box: bash: line 1: docker: command not found');
    expect(noDocker.hint).toMatch(/install the docker CLI on the remote host/);
  });
});

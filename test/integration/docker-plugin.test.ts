// `docker remora` through the real docker CLI: the executable linked into a temporary
// DOCKER_CONFIG's cli-plugins answers docker's metadata call, runs commands, and reaches the
// engine that the options given to docker name.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REMORA_VERSION } from '../../src/core/version.js';
import type { DockerEngine } from '../../src/engine/docker-engine.js';
import { REMORA_BIN, startTarget, testEngine, type RunningTarget, runLabels } from '../support/fixtures.js';

let engine: DockerEngine;
let target: RunningTarget;
let config: string;

beforeAll(async () => {
  engine = testEngine();
  target = await startTarget(engine, 'scratch');
  config = mkdtempSync(join(tmpdir(), 'remora-docker-config-'));
  mkdirSync(join(config, 'cli-plugins'));
  symlinkSync(REMORA_BIN, join(config, 'cli-plugins', 'docker-remora'));
});

afterAll(async () => {
  await target?.[Symbol.asyncDispose]();
  engine?.dispose();
  if (config) rmSync(config, { recursive: true, force: true });
});

/** The docker CLI, with the plugin installed in its config and no engine chosen in the environment. */
async function docker(args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_CONFIG: config, REMORA_LABELS: runLabels() };
  delete env.DOCKER_HOST;
  delete env.DOCKER_CONTEXT;
  const result = await execa('docker', args, { reject: false, stdin: 'ignore', env, extendEnv: false });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}

describe('docker remora', () => {
  it("answers docker's metadata call, and docker lists it as a plugin", async () => {
    const metadata = await execa(join(config, 'cli-plugins', 'docker-remora'), ['docker-cli-plugin-metadata']);
    expect(JSON.parse(metadata.stdout)).toMatchObject({ SchemaVersion: '0.1.0', Vendor: 'Remora', Version: REMORA_VERSION });
    const help = await docker(['--help']);
    expect(help.stdout).toMatch(/^\s+remora\*?\s+Debug shell-less containers/m);
  });

  it('runs remora exec with remora as the first argument', async () => {
    const result = await docker([
      'remora',
      'exec',
      '-e',
      'GREETING=hi',
      target.name,
      '--',
      'sh',
      '-c',
      'echo "$GREETING $(cat /proc/1/cmdline)"',
    ]);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'hi /app', stderr: '' });
  });

  it('reaches the engine named by -H, --context and --config given to docker', async () => {
    const byHost = await docker(['-H', 'unix:///nonexistent/docker.sock', 'remora', 'exec', target.name, '--', 'true']);
    expect(byHost.exitCode).toBe(4);
    expect(byHost.stderr.split('\n')[0]).toBe(
      'remora: cannot reach the container engine at unix:///nonexistent/docker.sock (no such socket; from --host)',
    );

    const byContext = await docker(['--context', 'no-such-context', 'remora', 'exec', target.name, '--', 'true']);
    expect(byContext.stderr.split('\n')[0]).toBe('remora: docker context "no-such-context" does not exist');

    // Another config directory whose current context does not exist: only read if --config reached remora.
    const other = mkdtempSync(join(tmpdir(), 'remora-docker-config-'));
    try {
      writeFileSync(join(other, 'config.json'), JSON.stringify({ currentContext: 'from-other-config' }));
      // docker looks for plugins in the config it is given.
      mkdirSync(join(other, 'cli-plugins'));
      symlinkSync(REMORA_BIN, join(other, 'cli-plugins', 'docker-remora'));
      const byConfig = await docker(['--config', other, 'remora', 'exec', target.name, '--', 'true']);
      expect(byConfig.stderr.split('\n')[0]).toBe('remora: docker context "from-other-config" does not exist');
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it("completes through docker's own completion protocol (docker __complete remora ...)", async () => {
    const targets = await docker(['__complete', 'remora', 'exec', target.name.slice(0, -2)]);
    expect(targets.stdout).toBe(`${target.name}\n:4`);
    const cp = await docker(['__complete', 'remora', 'cp', target.name.slice(0, -2)]);
    expect(cp.stdout).toBe(`${target.name}:\n:2`);
  });
});

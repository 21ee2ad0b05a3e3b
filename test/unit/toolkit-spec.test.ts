import { describe, expect, it } from 'vitest';
import { PROFILES, profileByName } from '../../src/core/profiles.js';
import { buildToolkitSpec, sessionId, sharedPidNamespace, targetRootPid } from '../../src/session/toolkit-spec.js';
import { staleToolkits, targetFromListing } from '../../src/session/toolkit-session.js';
import type { ContainerSummary } from '../../src/engine/types.js';

const target = { id: 'f'.repeat(64), name: 'payments', pidMode: '', rootPid: 1 };
const base = {
  target,
  image: 'remora-toolkit:0.1.0',
  idleSeconds: 600,
  limits: { memoryBytes: 512 * 1024 * 1024, pids: 1024 },
  ephemeral: false,
  shareIpc: false,
  createdBy: 'ops@host',
  version: '0.1.0',
  nonce: 'abcd1234',
};

describe('buildToolkitSpec', () => {
  it("joins the target by full ID, starts from no capabilities and adds the profile's", () => {
    const spec = buildToolkitSpec({ ...base, profile: PROFILES.general });
    expect(spec.hostConfig.pidMode).toBe(`container:${target.id}`);
    expect(spec.hostConfig.networkMode).toBe(`container:${target.id}`);
    expect(spec.hostConfig.ipcMode).toBeUndefined();
    expect(spec.hostConfig.capDrop).toEqual(['ALL']);
    expect(spec.hostConfig.capAdd).toContain('SYS_PTRACE');
    expect(spec.hostConfig.capAdd).not.toContain('SYS_ADMIN');
    expect(spec.hostConfig.securityOpt).toEqual(['no-new-privileges']);
    expect(spec.hostConfig.privileged).toBe(false);
    expect(spec.hostConfig.autoRemove).toBe(true);
    expect(spec.openStdin).toBe(false);
  });

  it("mounts and labels a shared session's control directory; an ephemeral one gets none", () => {
    const shared = buildToolkitSpec({ ...base, profile: PROFILES.general, controlDir: '/tmp/remora-0/abcd/0123' });
    expect(shared.hostConfig.mounts).toEqual([
      { type: 'bind', source: '/tmp/remora-0/abcd/0123', target: '/run/remora-control', readOnly: false },
    ]);
    expect(shared.labels['remora.control-dir']).toBe('/tmp/remora-0/abcd/0123');
    const ephemeral = buildToolkitSpec({ ...base, ephemeral: true, profile: PROFILES.general, controlDir: '/tmp/remora-0/abcd/0123' });
    expect(ephemeral.hostConfig.mounts).toBeUndefined();
    expect(ephemeral.labels['remora.control-dir']).toBeUndefined();
    expect(buildToolkitSpec({ ...base, profile: PROFILES.general }).hostConfig.mounts).toBeUndefined();
  });

  it("bounds the toolkit's memory and pids, and labels the limits", () => {
    for (const profile of [PROFILES.general, PROFILES.sysadmin]) {
      const spec = buildToolkitSpec({ ...base, profile });
      expect(spec.hostConfig).toMatchObject({ memory: 512 * 1024 * 1024, pidsLimit: 1024 });
      expect(spec.labels['remora.limits']).toBe('512MiB/1024 pids');
    }
  });

  it('labels the session so it can be found, swept and audited', () => {
    const spec = buildToolkitSpec({ ...base, profile: PROFILES.netadmin });
    expect(spec.labels).toMatchObject({
      'remora.role': 'toolkit',
      'remora.target': target.id,
      'remora.profile': 'netadmin',
      'remora.toolkit-image': 'remora-toolkit:0.1.0',
      'remora.created-by': 'ops@host',
      'remora.version': '0.1.0',
    });
    expect(spec.labels['remora.capabilities']).toContain('NET_ADMIN');
    expect(spec.name).toBe(`remora-payments-${spec.labels['remora.session']}`);
  });

  it('records where the target root is, except for a target in the host PID namespace', () => {
    expect(buildToolkitSpec({ ...base, profile: PROFILES.general }).labels['remora.target-root-pid']).toBe('1');
    const hostPid = buildToolkitSpec({ ...base, target: { ...target, pidMode: 'host', rootPid: 4242 }, profile: PROFILES.general });
    expect(hostPid.labels['remora.target-root-pid']).toBeUndefined();
    expect(hostPid.env).toContain('REMORA_TARGET_PID=4242');
  });

  it("leaves the main pid of a target in another container's PID namespace to the keeper to find", () => {
    const pidMode = `container:${'a'.repeat(64)}`;
    expect(targetRootPid({ pidMode, pid: 4242 })).toBe(0);
    expect(targetRootPid({ pidMode: 'host', pid: 4242 })).toBe(4242);
    expect(targetRootPid({ pidMode: '', pid: 4242 })).toBe(1);
    const spec = buildToolkitSpec({ ...base, target: { ...target, pidMode, rootPid: 0 }, profile: PROFILES.general });
    expect(spec.labels['remora.target-root-pid']).toBeUndefined();
    expect(spec.env).toContain(`REMORA_TARGET_ID=${target.id}`);
    expect(spec.env?.some((e) => e.startsWith('REMORA_TARGET_PID='))).toBe(false);
    // The toolkit still joins the target itself; the engine follows it to X's namespace.
    expect(spec.hostConfig.pidMode).toBe(`container:${target.id}`);
  });

  it('names whose PID namespace a target shares', () => {
    const x = { id: 'b'.repeat(64), name: 'sidecar-host' };
    expect(sharedPidNamespace('')).toBeUndefined();
    expect(sharedPidNamespace('private')).toBeUndefined();
    expect(sharedPidNamespace('host')).toBe("the host's");
    expect(sharedPidNamespace(`container:${x.id}`, [x])).toBe("container sidecar-host's");
    expect(sharedPidNamespace(`container:${x.id}`)).toBe(`container ${'b'.repeat(12)}'s`);
  });

  it('gives restricted no capabilities and sysadmin a privileged container', () => {
    expect(buildToolkitSpec({ ...base, profile: PROFILES.restricted }).hostConfig.capAdd).toEqual([]);
    expect(buildToolkitSpec({ ...base, profile: PROFILES.restricted }).labels['remora.capabilities']).toBe('none');
    const sysadmin = buildToolkitSpec({ ...base, profile: PROFILES.sysadmin });
    expect(sysadmin.hostConfig.privileged).toBe(true);
    expect(sysadmin.labels['remora.capabilities']).toBe('ALL (privileged)');
  });

  it('holds an ephemeral (--rm) session by stdin and marks it', () => {
    const spec = buildToolkitSpec({ ...base, profile: PROFILES.general, ephemeral: true });
    expect(spec.openStdin).toBe(true);
    expect(spec.env).toContain('REMORA_HOLD=stdin');
    expect(spec.labels['remora.ephemeral']).toBe('true');
    expect(spec.labels['remora.session']).toBe('abcd1234');
  });

  it('runs a one-shot command as the main process, held by stdin, with the same labels and limits', () => {
    const spec = buildToolkitSpec({ ...base, profile: PROFILES.general, oneShot: { cmd: ['ls', '-l', '/target'], env: ['A=1'] } });
    expect(spec.cmd?.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(spec.cmd?.slice(3)).toEqual(['remora', 'ls', '-l', '/target']);
    expect(spec.cmd?.[2]).toContain('exec remora-run "$@"');
    expect(spec.env).toEqual([`REMORA_TARGET_PID=1`, `REMORA_TARGET_NAME=${target.name}`, 'A=1']);
    expect(spec.openStdin).toBe(true);
    expect(spec.labels).toMatchObject({
      'remora.ephemeral': 'true',
      'remora.session': 'abcd1234',
      'remora.role': 'toolkit',
      'remora.target': target.id,
    });
    expect(spec.hostConfig).toMatchObject({
      autoRemove: true,
      capDrop: ['ALL'],
      securityOpt: ['no-new-privileges'],
      pidMode: `container:${target.id}`,
    });
  });

  it('shares IPC only when asked', () => {
    expect(buildToolkitSpec({ ...base, profile: PROFILES.general, shareIpc: true }).hostConfig.ipcMode).toBe(`container:${target.id}`);
  });

  it('names shared sessions after (target, profile, image) so concurrent starts collide', () => {
    const image = 'remora-toolkit:1';
    const a = sessionId({ target, profile: PROFILES.general, image, ephemeral: false, nonce: 'x' });
    expect(sessionId({ target, profile: PROFILES.general, image, ephemeral: false, nonce: 'y' })).toBe(a);
    expect(sessionId({ target, profile: PROFILES.netadmin, image, ephemeral: false, nonce: 'x' })).not.toBe(a);
    expect(sessionId({ target, profile: PROFILES.general, image: 'busybox:1', ephemeral: false, nonce: 'x' })).not.toBe(a);
  });
});

describe('targetRootPid', () => {
  it("uses PID 1 in a private PID namespace and the main PID in the host's", () => {
    expect(targetRootPid({ pidMode: '', pid: 4242 })).toBe(1);
    expect(targetRootPid({ pidMode: 'host', pid: 4242 })).toBe(4242);
  });
});

describe('profileByName', () => {
  it('rejects an unknown profile with the list of known ones', () => {
    expect(() => profileByName('admin')).toThrow('unknown profile "admin"');
  });
});

describe('staleToolkits', () => {
  const summary = (over: Partial<ContainerSummary>): ContainerSummary => ({
    id: 'x',
    name: 'x',
    image: 'i',
    state: 'running',
    status: '',
    labels: {},
    created: 1000,
    ...over,
  });
  const toolkit = (id: string, targetId: string, over: Partial<ContainerSummary> = {}) =>
    summary({ id, labels: { 'remora.role': 'toolkit', 'remora.target': targetId }, ...over });

  it('keeps live sessions and a just-created one; sweeps orphans and dead ones', () => {
    const listing = [
      summary({ id: 'app' }),
      summary({ id: 'gone-app', state: 'exited' }),
      toolkit('live', 'app'),
      toolkit('orphan', 'gone-app'),
      toolkit('missing-target', 'never-existed'),
      toolkit('dead', 'app', { state: 'exited' }),
      toolkit('starting', 'app', { state: 'created', created: 1000 }),
      toolkit('stuck', 'app', { state: 'created', created: 100 }),
    ];
    expect(staleToolkits(listing, 1010).map((c) => c.id)).toEqual(['orphan', 'missing-target', 'dead', 'stuck']);
  });
});

describe('targetFromListing', () => {
  const summary = (over: Partial<ContainerSummary>): ContainerSummary => ({
    id: 'a'.repeat(64),
    name: 'app',
    image: 'app:1',
    state: 'running',
    status: 'Up',
    labels: {},
    created: 0,
    ...over,
  });
  const app = summary({});
  const toolkit = (labels: Record<string, string>, state: ContainerSummary['state'] = 'running') =>
    summary({ id: 'b'.repeat(64), name: 'remora-app-1', state, labels: { 'remora.role': 'toolkit', 'remora.target': app.id, ...labels } });

  it('needs no inspect when a running toolkit of the target records its root', () => {
    expect(targetFromListing(app, [app, toolkit({ 'remora.target-root-pid': '1' })])).toEqual({
      id: app.id,
      name: 'app',
      image: 'app:1',
      state: { status: 'running', running: true, paused: false },
      pidMode: '',
      rootPid: 1,
      labels: {},
    });
    const paused = summary({ state: 'paused' });
    expect(targetFromListing(paused, [paused, toolkit({ 'remora.target-root-pid': '1' })])?.state).toEqual({
      status: 'paused',
      running: true,
      paused: true,
    });
  });

  it('falls back to an inspect otherwise', () => {
    expect(targetFromListing(app, [app])).toBeUndefined();
    expect(targetFromListing(app, [app, toolkit({})])).toBeUndefined();
    expect(targetFromListing(app, [app, toolkit({ 'remora.target-root-pid': '1' }, 'exited')])).toBeUndefined();
    expect(targetFromListing(app, [app, toolkit({ 'remora.target-root-pid': 'x' })])).toBeUndefined();
    const stopped = summary({ state: 'exited' });
    expect(targetFromListing(stopped, [stopped, toolkit({ 'remora.target-root-pid': '1' })])).toBeUndefined();
  });
});

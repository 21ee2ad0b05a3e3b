import { describe, expect, it } from 'vitest';
import { joinedContainers, namespacePathModes } from '../../src/engine/namespace-paths.js';

const target = 'a'.repeat(64);

describe('namespacePathModes', () => {
  it('joins each namespace of the target through its main process, by path', () => {
    const modes = {
      pidMode: `container:${target}`,
      networkMode: `container:${target}`,
      ipcMode: `container:${target}`,
      capAdd: ['SYS_PTRACE'],
    };
    expect(joinedContainers(modes)).toEqual([target]);
    expect(namespacePathModes(modes, new Map([[target, 4242]]))).toEqual({
      pidMode: 'ns:/proc/4242/ns/pid',
      networkMode: 'ns:/proc/4242/ns/net',
      ipcMode: 'ns:/proc/4242/ns/ipc',
      capAdd: ['SYS_PTRACE'],
    });
  });

  it('leaves modes that name no container as they are', () => {
    const modes = { pidMode: 'host', networkMode: 'bridge' };
    expect(joinedContainers(modes)).toEqual([]);
    expect(namespacePathModes(modes, new Map())).toEqual(modes);
  });

  it('refuses to guess a PID it was not given', () => {
    expect(() => namespacePathModes({ pidMode: `container:${target}` }, new Map([[target, 0]]))).toThrow(/no host PID/);
  });
});

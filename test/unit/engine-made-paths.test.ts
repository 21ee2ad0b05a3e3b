// Which paths `remora diff` says have no image version: the kernel's trees and the engine's own files.
import { describe, expect, it } from 'vitest';
import { engineMadeReason } from '../../src/core/engine-made-paths.js';

describe('engineMadeReason', () => {
  it('names the kernel trees and the files the engine writes at each start', () => {
    expect(engineMadeReason('/proc/1/status')).toBe(
      "/proc/1/status is under /proc, the kernel's view of the processes, mounted at each start",
    );
    expect(engineMadeReason('sys')).toBe("/sys is under /sys, the kernel's sysfs, mounted at each start");
    expect(engineMadeReason('/dev/shm/x')).toBe('/dev/shm/x is under /dev, device nodes the engine makes at each start');
    expect(engineMadeReason('/etc/../etc/resolv.conf')).toBe(
      '/etc/resolv.conf is written by the engine at each start (a bind mount of its own)',
    );
    expect(engineMadeReason('/etc/hostname')).toMatch(/^\/etc\/hostname is written by the engine/);
  });

  it('leaves every other path alone, look-alikes included', () => {
    for (const path of ['/etc/passwd', '/procedures', '/device', '/etc/hosts.allow', '/app/proc', '/'])
      expect(engineMadeReason(path)).toBeUndefined();
  });
});

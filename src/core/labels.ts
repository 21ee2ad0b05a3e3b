// Label names Remora puts on everything it creates: how sessions are found, swept and
// cleaned up, by Remora and by its tests, without touching anything else.

export const LABEL = {
  role: 'remora.role',
  target: 'remora.target',
  session: 'remora.session',
  profile: 'remora.profile',
  createdBy: 'remora.created-by',
  version: 'remora.version',
  capabilities: 'remora.capabilities',
  /** Set on a session bound to one command (`--rm`): never reused by another. */
  ephemeral: 'remora.ephemeral',
  idleSeconds: 'remora.idle-seconds',
  /** The toolkit image as the user named it: a shared session serves only commands asking for it. */
  toolkitImage: 'remora.toolkit-image',
  /**
   * On a toolkit: the PID (as the toolkit sees it) whose root is the target's root. With it
   * a later command needs no inspect of the target. Absent for targets in the host's PID
   * namespace, whose main PID changes when they restart.
   */
  targetRootPid: 'remora.target-root-pid',
  /** On a toolkit: its memory and pids limits as formatToolkitLimits writes them. */
  limits: 'remora.limits',
  /** On the demo target (not a toolkit: it must stay attachable). */
  demo: 'remora.demo',
  /** Set by tests on what they create, so they remove exactly that. */
  test: 'remora.test',
} as const;

export const ROLE_TOOLKIT = 'toolkit';

// remora-run: the main process of a one-shot toolkit (`remora exec --rm T -- CMD` without a
// keeper): runs CMD as its child and ends with it, the way `docker run` ends with its
// command, and ends CMD when the remora that started it goes away, however it goes.
//
// The container's stdin is remora's attach stream and carries no data: its EOF means remora
// is gone (SIGKILL included), and CMD's process group is then killed. CMD's stdin is
// /dev/null; its stdout and stderr are the container's. TERM, INT and HUP are passed on to
// CMD. Exit status: CMD's, or 128 + the signal that ended it.
//
// The toolkit shares the target's PID namespace: an orphan would be re-parented to the
// target's PID 1, which in a FROM-scratch image never reaps it. So remora-run is a child
// subreaper, and before it exits it kills and reaps every descendant left.
// Built static (gcc -static -O2) so it runs in any toolkit.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

static int status_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

/** Kills every child left (orphans re-parented here included) and reaps them, a few rounds
 *  at most: a descendant may fork while it is being killed. */
static void kill_and_reap_children(void) {
  for (int round = 0; round < 100; round++) {
    int found = 0;
    // One thread: its children are all of them.
    FILE *children = fopen("/proc/thread-self/children", "r");
    if (children) {
      int pid;
      while (fscanf(children, "%d", &pid) == 1) {
        kill(pid, SIGKILL);
        found = 1;
      }
      fclose(children);
    }
    int reaped = 0;
    while (waitpid(-1, NULL, found ? 0 : WNOHANG) > 0) reaped = 1;
    if (!found && !reaped) return;
  }
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs("usage: remora-run CMD [ARG...]\n", stderr);
    return 2;
  }
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  sigset_t handled;
  sigemptyset(&handled);
  sigaddset(&handled, SIGCHLD);
  sigaddset(&handled, SIGTERM);
  sigaddset(&handled, SIGINT);
  sigaddset(&handled, SIGHUP);
  sigprocmask(SIG_BLOCK, &handled, NULL);
  int signals = signalfd(-1, &handled, SFD_CLOEXEC);
  if (signals < 0) {
    perror("remora-run: signalfd");
    return 125;
  }

  pid_t child = fork();
  if (child < 0) {
    perror("remora-run: fork");
    return 125;
  }
  if (child == 0) {
    sigprocmask(SIG_UNBLOCK, &handled, NULL);
    setpgid(0, 0);
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0) {
      dup2(null, 0);
      if (null != 0) close(null);
    }
    execvp(argv[1], argv + 1);
    fprintf(stderr, "remora: %s: %s\n", argv[1], strerror(errno));
    _exit(errno == ENOENT ? 127 : 126);
  }
  setpgid(child, child); // both sides, so the group exists whichever runs first

  int exit_status = -1;
  int holder_open = 1;
  while (exit_status < 0) {
    struct pollfd fds[2] = {{signals, POLLIN, 0}, {0, POLLIN, 0}};
    if (poll(fds, holder_open ? 2 : 1, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (holder_open && fds[1].revents) {
      char discard[4096];
      ssize_t n = read(0, discard, sizeof discard);
      if (n <= 0 && !(n < 0 && errno == EINTR)) {
        // remora is gone: so is its command.
        holder_open = 0;
        kill(-child, SIGKILL);
        kill(child, SIGKILL);
      }
    }
    if (fds[0].revents) {
      struct signalfd_siginfo info;
      if (read(signals, &info, sizeof info) != sizeof info) continue;
      if (info.ssi_signo != SIGCHLD) {
        kill(child, (int)info.ssi_signo);
        continue;
      }
      int status;
      pid_t pid;
      while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        if (pid == child) exit_status = status_of(status);
      }
    }
  }
  // What CMD left behind goes with it, as everything in a container goes with its command.
  kill(-child, SIGKILL);
  kill_and_reap_children();
  return exit_status < 0 ? 125 : exit_status;
}

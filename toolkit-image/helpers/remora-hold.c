// remora-hold: PID 1 of a stand-in, the container Remora makes in place of an exited
// container or an image (no shell needed there: Remora copies this static file in before
// the start). It never touches the stand-in's files.
//
//   remora-hold [GRACE]              hold: reap children; exit 0 once no other process has
//                                    been in the PID namespace for GRACE seconds (default
//                                    30), i.e. when the toolkit that used it has gone.
//   remora-hold --when-traced PROG [ARG...]
//                                    run PROG as a child (named remora-waiting until its
//                                    execve) that waits until a tracer has
//                                    attached to it and only then executes PROG, so a trace
//                                    starts with its execve; exit with PROG's status
//                                    (128 + signal when killed), once the tracer is gone
//                                    too, so the tracer (in this PID namespace) is not
//                                    killed with the namespace before it wrote its last line.
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_signal;
static pid_t child;

static void on_signal(int sig) {
  stop_signal = sig;
  if (child > 0) kill(child, sig);
}

static void nap_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/** The TracerPid of a process, 0 when untraced, -1 when it cannot be read. */
static long tracer_of(const char *pid) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%s/status", pid);
  FILE *f = fopen(path, "re");
  if (!f) return -1;
  long tracer = -1;
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "TracerPid:", 10) == 0) {
      tracer = strtol(line + 10, NULL, 10);
      break;
    }
  }
  fclose(f);
  return tracer;
}

/** Whether a process other than this one is in the PID namespace. */
static int others_present(void) {
  DIR *proc = opendir("/proc");
  if (!proc) return 1; /* cannot tell: keep holding */
  struct dirent *entry;
  int found = 0;
  pid_t self = getpid();
  while ((entry = readdir(proc)) != NULL) {
    if (!isdigit((unsigned char)entry->d_name[0])) continue;
    if (atol(entry->d_name) != self) {
      found = 1;
      break;
    }
  }
  closedir(proc);
  return found;
}

static int hold(long grace) {
  long alone = 0;
  while (!stop_signal) {
    nap_ms(1000);
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
    alone = others_present() ? 0 : alone + 1;
    if (alone >= grace) return 0;
  }
  return 0;
}

static int run_when_traced(char **argv) {
  child = fork();
  if (child < 0) {
    perror("remora-hold: fork");
    return 125;
  }
  if (child == 0) {
    // The name Remora finds this process by (its pid in the namespace is not predictable);
    // execve replaces it with the program's.
    prctl(PR_SET_NAME, "remora-waiting", 0, 0, 0);
    // Bounded: nobody attaching within two minutes means remora is gone.
    for (int i = 0; i < 12000 && tracer_of("self") == 0; i++) nap_ms(10);
    if (tracer_of("self") == 0) {
      fputs("remora-hold: no tracer attached; not starting the program\n", stderr);
      _exit(125);
    }
    execvp(argv[0], argv);
    int code = errno == ENOENT ? 127 : 126;
    fprintf(stderr, "remora-hold: cannot execute %s: %s\n", argv[0], strerror(errno));
    _exit(code);
  }
  char child_pid[32];
  snprintf(child_pid, sizeof child_pid, "%d", (int)child);
  long tracer = 0;
  int status = 0;
  for (;;) {
    pid_t done = waitpid(child, &status, WNOHANG);
    if (done == child) break;
    if (done < 0 && errno != EINTR) return 125;
    long now = tracer_of(child_pid);
    if (now > 0) tracer = now;
    nap_ms(10);
  }
  // A tracer sees the exit before this parent does; give it a moment to write it out.
  for (int i = 0; tracer > 0 && i < 300 && kill((pid_t)tracer, 0) == 0; i++) nap_ms(10);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

int main(int argc, char **argv) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = on_signal;
  sigaction(SIGTERM, &action, NULL);
  sigaction(SIGINT, &action, NULL);
  sigaction(SIGHUP, &action, NULL);
  if (argc >= 3 && strcmp(argv[1], "--when-traced") == 0) return run_when_traced(argv + 2);
  long grace = argc >= 2 ? strtol(argv[1], NULL, 10) : 30;
  return hold(grace > 0 ? grace : 30);
}

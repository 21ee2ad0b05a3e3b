// The demo target: a small service with no shell around it, for `remora demo` and the
// tests. It serves HTTP on PORT (default 8080, replies "remora demo\n"), appends
// "<time> tick N" to LOG_FILE (default /data/app.log) and "tick N" to stdout every second,
// and exits 0 on SIGTERM or SIGINT. CHILDREN=N forks N sleeping children; SPIN=1 runs a
// thread that burns CPU. It may run as PID 1, so it installs its own signal handlers
// (PID 1 ignores signals it does not handle) and reaps orphans.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stopping = 0;

static void on_stop(int sig) {
  (void)sig;
  stopping = 1;
}

static long env_number(const char *name, long fallback) {
  const char *text = getenv(name);
  if (text == NULL || *text == '\0') return fallback;
  char *end = NULL;
  long value = strtol(text, &end, 10);
  if (*end != '\0' || value < 0) {
    fprintf(stderr, "app: ignoring %s=%s (not a number)\n", name, text);
    return fallback;
  }
  return value;
}

static void *spin(void *arg) {
  (void)arg;
  volatile unsigned long counter = 0;
  for (;;) counter++;
  return NULL;
}

static void start_children(long count) {
  for (long i = 0; i < count; i++) {
    pid_t pid = fork();
    if (pid < 0) {
      perror("app: fork");
      return;
    }
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL); // never outlive the parent when it is not PID 1
      signal(SIGTERM, SIG_DFL);
      signal(SIGINT, SIG_DFL);
      for (;;) pause();
    }
  }
}

static int listen_on(long port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port), .sin_addr.s_addr = htonl(INADDR_ANY)};
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 64) < 0) {
    close(fd);
    return -1;
  }
  return fd;
}

/** Answers one client: reads what it sent (at most a second's wait), replies, closes. */
static void serve(int listener) {
  int client = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
  if (client < 0) return;
  struct timeval timeout = {.tv_sec = 1, .tv_usec = 0};
  setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  char request[4096];
  ssize_t got = recv(client, request, sizeof request, 0); // any request will do
  (void)got;
  static const char reply[] =
      "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 12\r\nConnection: close\r\n\r\nremora demo\n";
  if (send(client, reply, sizeof reply - 1, MSG_NOSIGNAL) < 0) { /* the client left: fine */ }
  close(client);
}

/** Appends one line to the log, opening it again each time so a missing /data, a
 *  deleted or rotated file, or a read-only root never stops the ticks. */
static void append_log(const char *path, unsigned long tick, int *warned) {
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (!*warned) fprintf(stderr, "app: cannot write %s: %s (ticks go to stdout only)\n", path, strerror(errno));
    *warned = 1;
    return;
  }
  char stamp[32];
  time_t now = time(NULL);
  struct tm utc;
  strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &utc));
  if (dprintf(fd, "%s tick %lu\n", stamp, tick) < 0 && !*warned) {
    fprintf(stderr, "app: cannot write %s: %s\n", path, strerror(errno));
    *warned = 1;
  }
  close(fd);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0); // one line per tick in `docker logs`, not a 4 KiB block
  signal(SIGPIPE, SIG_IGN);
  struct sigaction stop = {.sa_handler = on_stop};
  sigemptyset(&stop.sa_mask);
  sigaction(SIGTERM, &stop, NULL); // no SA_RESTART: poll() must return at once
  sigaction(SIGINT, &stop, NULL);

  long port = env_number("PORT", 8080);
  const char *log_file = getenv("LOG_FILE");
  if (log_file == NULL || *log_file == '\0') log_file = "/data/app.log";

  start_children(env_number("CHILDREN", 0)); // first, so they do not share the listening socket
  int listener = listen_on(port);
  if (listener < 0) {
    fprintf(stderr, "app: cannot listen on port %ld: %s\n", port, strerror(errno));
    return 1;
  }
  if (env_number("SPIN", 0) > 0) {
    // The spinner inherits a mask without SIGTERM/SIGINT, so they reach the main thread
    // and interrupt its poll() at once.
    sigset_t stops, old;
    sigemptyset(&stops);
    sigaddset(&stops, SIGTERM);
    sigaddset(&stops, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stops, &old);
    pthread_t thread;
    int err = pthread_create(&thread, NULL, spin, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (err != 0) fprintf(stderr, "app: cannot start the SPIN thread: %s\n", strerror(err));
  }
  printf("remora demo app: pid %d, listening on :%ld, logging to %s\n", (int)getpid(), port, log_file);

  unsigned long tick = 0;
  int warned = 0;
  struct timespec next;
  clock_gettime(CLOCK_MONOTONIC, &next);
  while (!stopping) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long wait_ms = (next.tv_sec - now.tv_sec) * 1000 + (next.tv_nsec - now.tv_nsec) / 1000000;
    if (wait_ms <= 0) {
      tick++;
      printf("tick %lu\n", tick);
      append_log(log_file, tick, &warned);
      while (waitpid(-1, NULL, WNOHANG) > 0) { /* reap orphans, as PID 1 must */ }
      next.tv_sec += 1;
      continue;
    }
    struct pollfd ready = {.fd = listener, .events = POLLIN};
    if (poll(&ready, 1, (int)wait_ms) > 0) serve(listener);
  }
  printf("app: stopping\n");
  return 0;
}

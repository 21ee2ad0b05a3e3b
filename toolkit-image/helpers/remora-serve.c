// remora-serve DIR PIDFILE: runs commands in a shared toolkit session for a remora on the
// same host, without the engine. An engine exec costs ~50 ms of runc and shim work per
// command on a 2-core machine; a fork here costs ~1 ms. Remora starts it once per session
// with a detached engine exec, so its parent is the engine's shim and it is never left as
// a zombie in the target's PID namespace. It listens on DIR/control.sock, DIR being a
// directory of the host bind-mounted into the toolkit, which only the user who made it
// can reach; the keeper ends it with the session.
//
// Each connection carries one command, framed as the engine's exec streams are: an 8-byte
// header (stream id, three zero bytes, big-endian length) and the payload.
//   remora → here: first a request, a big-endian u32 length and that many bytes of
//     NUL-terminated fields: "remora-serve/1", "stdin" or "", argc in decimal, argc
//     arguments, then the environment entries to add (KEY=VALUE). Then, with "stdin" only,
//     stream 0 frames; an empty one is EOF.
//   here → remora: stream 1 (stdout) and 2 (stderr) frames, then one stream 3 frame whose
//     payload is the exit status as a big-endian u32 (128 + N when killed by signal N), sent
//     once the process has exited and both its outputs reached EOF.
// The command starts with the server's environment (the container's, as an engine exec's)
// plus the request's entries, its stdin /dev/null unless "stdin" was asked; stdin is
// relayed until the command exits, even after it closed its outputs. If remora goes away,
// the command's pipes are closed (it sees EOF and SIGPIPE, as a command whose ssh session
// dropped) and it is left to finish.
//   A request "stop" (no command) ends every command of the server (see stop_all): the
// server takes no more connections, and answers with the status frame once they are gone.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

enum { CHUNK = 64 * 1024, MAX_REQUEST = 16 * 1024 * 1024, MAX_FIELDS = 1 << 16 };
enum { STREAM_STDIN = 0, STREAM_STDOUT = 1, STREAM_STDERR = 2, STREAM_EXIT = 3 };

extern char **environ;

/** In a connection's handler: told to end its command (see stop_all). */
static volatile sig_atomic_t ending;
static void on_end(int sig) {
  (void)sig;
  ending = 1;
}

// Both give up once the handler is ending: a client that stopped reading (a pager left
// open) must not keep it blocked past a stop.
static int write_all(int fd, const void *data, size_t size) {
  const char *p = data;
  while (size > 0) {
    ssize_t n = write(fd, p, size);
    if (n < 0 && errno == EINTR && !ending) continue;
    if (n <= 0) return -1;
    p += n;
    size -= (size_t)n;
  }
  return 0;
}

static int read_all(int fd, void *data, size_t size) {
  char *p = data;
  while (size > 0) {
    ssize_t n = read(fd, p, size);
    if (n < 0 && errno == EINTR && !ending) continue;
    if (n <= 0) return -1;
    p += n;
    size -= (size_t)n;
  }
  return 0;
}

static int send_frame(int conn, int stream, const void *payload, uint32_t size) {
  unsigned char header[8] = {(unsigned char)stream, 0, 0, 0, size >> 24, size >> 16, size >> 8, size};
  if (write_all(conn, header, sizeof header) < 0) return -1;
  return size == 0 ? 0 : write_all(conn, payload, size);
}

/** The server's environment with the request's entries set over it (a later entry wins). */
static char **merged_environment(char **extra, int extra_count) {
  int base = 0;
  while (environ[base]) base++;
  char **env = calloc((size_t)base + (size_t)extra_count + 1, sizeof *env);
  if (!env) return NULL;
  int n = 0;
  for (int i = 0; i < base; i++) {
    size_t key = strcspn(environ[i], "=");
    int replaced = 0;
    for (int j = 0; j < extra_count && !replaced; j++)
      replaced = strncmp(extra[j], environ[i], key) == 0 && extra[j][key] == '=';
    if (!replaced) env[n++] = environ[i];
  }
  for (int j = 0; j < extra_count; j++) {
    size_t key = strcspn(extra[j], "=");
    int later = 0;
    for (int k = j + 1; k < extra_count && !later; k++) later = strncmp(extra[k], extra[j], key + 1) == 0;
    if (!later) env[n++] = extra[j];
  }
  return env;
}

struct request {
  int stop; /* "stop": end every command now (the session is about to be removed) */
  int stdin_wanted;
  char **argv;
  char **env;
};

/** Reads and checks a request; 0 on success. */
static int read_request(int conn, struct request *req, char **buffer) {
  unsigned char length[4];
  if (read_all(conn, length, 4) < 0) return -1;
  uint32_t size = (uint32_t)length[0] << 24 | (uint32_t)length[1] << 16 | (uint32_t)length[2] << 8 | length[3];
  if (size == 0 || size > MAX_REQUEST) return -1;
  char *data = malloc(size + 1);
  if (!data || read_all(conn, data, size) < 0) return -1;
  data[size] = '\0';
  if (data[size - 1] != '\0') return -1;
  char **fields = calloc(MAX_FIELDS + 1, sizeof *fields);
  if (!fields) return -1;
  int count = 0;
  for (char *p = data; p < data + size && count < MAX_FIELDS; p += strlen(p) + 1) fields[count++] = p;
  if (count < 3 || strcmp(fields[0], "remora-serve/1") != 0) return -1;
  char *end;
  long argc = strtol(fields[2], &end, 10);
  req->stop = strcmp(fields[1], "stop") == 0;
  if (req->stop) return argc == 0 ? 0 : -1;
  if (*end != '\0' || argc < 1 || argc > count - 3) return -1;
  req->stdin_wanted = strcmp(fields[1], "stdin") == 0;
  char **argv = fields + 3;
  char **extra = fields + 3 + argc;
  int extra_count = count - 3 - (int)argc;
  for (int i = 0; i < extra_count; i++)
    if (strchr(extra[i], '=') == NULL || extra[i][0] == '=') return -1;
  req->env = merged_environment(extra, extra_count);
  if (!req->env) return -1;
  argv[argc] = NULL; /* the slot after the arguments: the first env entry's, already copied */
  req->argv = argv;
  *buffer = data;
  return 0;
}

static int exit_status(int status) {
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

/** Forks the command with pipes for its streams; its pid, or -1 (errno set). */
static pid_t start_command(const struct request *req, int *out, int *err, int *in) {
  int out_pipe[2], err_pipe[2], in_pipe[2] = {-1, -1};
  if (pipe2(out_pipe, O_CLOEXEC) < 0 || pipe2(err_pipe, O_CLOEXEC) < 0) return -1;
  if (req->stdin_wanted && pipe2(in_pipe, O_CLOEXEC) < 0) return -1;
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    signal(SIGPIPE, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
    setsid();
    int input = req->stdin_wanted ? in_pipe[0] : open("/dev/null", O_RDONLY);
    if (input < 0 || dup2(input, 0) < 0 || dup2(out_pipe[1], 1) < 0 || dup2(err_pipe[1], 2) < 0) _exit(125);
    // The command's PATH, not the server's, as an engine exec resolves it.
    environ = req->env;
    execvp(req->argv[0], req->argv);
    // Said on the command's stderr, which remora relays; 127 and 126 as a shell says them.
    int e = errno;
    dprintf(STDERR_FILENO, "remora: cannot execute %s: %s\n", req->argv[0], strerror(e));
    _exit(e == ENOENT ? 127 : 126);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (req->stdin_wanted) close(in_pipe[0]);
  *out = out_pipe[0];
  *err = err_pipe[0];
  *in = in_pipe[1];
  return pid;
}

/** What remora sends after the request: stdin frames, taken one payload at a time. */
struct input {
  int in;      /* the command's stdin (write end), -1 once closed */
  int allowed; /* the request asked for stdin */
  unsigned char incoming[8 + CHUNK];
  size_t incoming_len;
  char pending[CHUNK]; /* a payload not yet written to the command */
  size_t pending_start, pending_len;
};

/** Moves complete frames from incoming into pending, stopping at the first payload; -1 on a protocol error. */
static int take_frames(struct input *input) {
  while (input->pending_len == 0 && input->incoming_len >= 8) {
    unsigned char *h = input->incoming;
    uint32_t size = (uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 | (uint32_t)h[6] << 8 | h[7];
    if (h[0] != STREAM_STDIN || size > CHUNK || !input->allowed) return -1;
    if (input->incoming_len < 8 + size) return 0;
    if (size == 0) {
      if (input->in >= 0) close(input->in);
      input->in = -1;
    } else if (input->in >= 0) {
      memcpy(input->pending, h + 8, size);
      input->pending_start = 0;
      input->pending_len = size;
    }
    memmove(h, h + 8 + size, input->incoming_len - 8 - size);
    input->incoming_len -= 8 + size;
  }
  return 0;
}

static void nap_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/** The pids of the children of `parent`, up to `max` (from /proc: no list is kept). */
static int children_of(pid_t parent, pid_t *pids, int max) {
  DIR *proc = opendir("/proc");
  if (!proc) return 0;
  int n = 0;
  struct dirent *entry;
  while ((entry = readdir(proc)) != NULL && n < max) {
    pid_t pid = (pid_t)atoi(entry->d_name);
    if (pid <= 0) continue;
    char path[64], stat[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    ssize_t got = read(fd, stat, sizeof stat - 1);
    close(fd);
    if (got <= 0) continue;
    stat[got] = '\0';
    char *after = strrchr(stat, ')'); /* the name may hold anything, the fields after it not */
    int ppid = 0;
    if (after && sscanf(after + 1, " %*c %d", &ppid) == 1 && ppid == parent) pids[n++] = pid;
  }
  closedir(proc);
  return n;
}

/**
 * Kills the command's process group and every process that comes to this handler (a
 * subreaper: what the command started and left, setsid or not), and reaps them all;
 * bounded, in rounds, as each death hands its children on.
 */
static void end_command(pid_t pid) {
  enum { MAX = 1024 };
  static pid_t left[MAX];
  kill(-pid, SIGKILL);
  for (int round = 0; round < 300; round++) {
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
    int n = children_of(getpid(), left, MAX);
    if (n == 0) return;
    for (int i = 0; i < n; i++) kill(left[i], SIGKILL);
    nap_ms(10);
  }
}

/**
 * "stop": ends every command of the session before remora removes the toolkit. Each
 * handler kills its command's process group and reaps it (and its orphans: handlers are
 * subreapers). Removing the toolkit with commands still running would kill them with
 * their parents, and a process whose parent dies in the target's PID namespace is left
 * to the target's PID 1, which in a FROM-scratch image never reaps it: a zombie in the
 * target. Answers with status 0 once they are gone, 1 if some outlived 3 s.
 */
static int stop_all(int conn) {
  enum { MAX_HANDLERS = 4096 };
  static pid_t pids[MAX_HANDLERS];
  // No new commands from now on: the server closes its socket, and a remora that comes
  // later is refused and goes to the engine, which says the session has ended.
  pid_t server = getppid();
  kill(server, SIGUSR1);
  int n = children_of(server, pids, MAX_HANDLERS);
  for (int i = 0; i < n; i++)
    if (pids[i] == getpid()) pids[i--] = pids[--n]; /* not this handler */
  for (int i = 0; i < n; i++) kill(pids[i], SIGTERM);
  int left = n;
  for (int tries = 1; tries <= 300 && left > 0; tries++) {
    nap_ms(10);
    left = 0;
    for (int i = 0; i < n; i++) {
      if (kill(pids[i], 0) != 0) continue;
      left++;
      // Again now and then: a signal that came just before the handler blocked in poll
      // set its flag but did not wake it.
      if (tries % 10 == 0) kill(pids[i], SIGTERM);
    }
  }
  unsigned char payload[4] = {0, 0, 0, left == 0 ? 0 : 1};
  send_frame(conn, STREAM_EXIT, payload, 4);
  return 0;
}

/** One connection: one command, relayed until it exits and its outputs end. */
static int serve(int conn) {
  struct request req;
  char *buffer = NULL;
  if (read_request(conn, &req, &buffer) < 0) return 2;
  if (req.stop) return stop_all(conn);
  int out = -1, err = -1, in = -1;
  pid_t pid = start_command(&req, &out, &err, &in);
  if (pid < 0) {
    char message[256];
    int n = snprintf(message, sizeof message, "remora: cannot start the command in the toolkit: %s\n", strerror(errno));
    send_frame(conn, STREAM_STDERR, message, (uint32_t)n);
    unsigned char status[4] = {0, 0, 0, 125};
    send_frame(conn, STREAM_EXIT, status, 4);
    return 1;
  }
  if (in >= 0) fcntl(in, F_SETFL, O_NONBLOCK);
  // static: ~130 KiB, and one connection per process.
  static struct input input;
  input.in = in;
  input.allowed = req.stdin_wanted;

  int client = 1;
  // The command's exit is watched too: one that closed its outputs can still read its
  // stdin, which is relayed until it exits (then what remora still sends is dropped).
  int exited = 0, status = 0;
#ifdef SYS_pidfd_open
  int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
#else
  int pidfd = -1;
#endif
  while (out >= 0 || err >= 0 || (client && !exited && input.in >= 0)) {
    struct pollfd fds[5];
    int n = 0, conn_at = -1, in_at = -1, out_at = -1, err_at = -1, pid_at = -1;
    if (client) {
      conn_at = n;
      fds[n++] = (struct pollfd){conn, input.pending_len > 0 ? 0 : POLLIN, 0};
    }
    if (input.in >= 0 && input.pending_len > 0) {
      in_at = n;
      fds[n++] = (struct pollfd){input.in, POLLOUT, 0};
    }
    if (out >= 0) {
      out_at = n;
      fds[n++] = (struct pollfd){out, POLLIN, 0};
    }
    if (err >= 0) {
      err_at = n;
      fds[n++] = (struct pollfd){err, POLLIN, 0};
    }
    if (!exited && pidfd >= 0) {
      pid_at = n;
      fds[n++] = (struct pollfd){pidfd, POLLIN, 0};
    }
    if (ending) break;
    // Without pidfd (a kernel before 5.3), the exit is looked for every 100 ms.
    if (poll(fds, (nfds_t)n, !exited && pidfd < 0 ? 100 : -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (!exited && (pid_at < 0 || fds[pid_at].revents) && waitpid(pid, &status, WNOHANG) == pid) {
      exited = 1;
      if (input.in >= 0) close(input.in);
      input.in = -1;
      input.pending_len = 0;
    }
    int gone = 0;
    if (conn_at >= 0 && fds[conn_at].revents) {
      if (input.pending_len > 0) {
        gone = 1; /* only a hang-up is reported while stdin waits */
      } else {
        ssize_t got = read(conn, input.incoming + input.incoming_len, sizeof input.incoming - input.incoming_len);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) gone = 1;
        else {
          input.incoming_len += (size_t)got;
          gone = take_frames(&input) < 0;
        }
      }
    }
    if (in_at >= 0 && fds[in_at].revents && input.in >= 0) {
      ssize_t put = write(input.in, input.pending + input.pending_start, input.pending_len);
      if (put > 0) {
        input.pending_start += (size_t)put;
        input.pending_len -= (size_t)put;
      } else if (put < 0 && errno != EAGAIN && errno != EINTR) {
        close(input.in); /* the command closed its stdin: drop what it will never read */
        input.in = -1;
        input.pending_len = 0;
      }
      // Frames that came in behind the one written.
      if (input.pending_len == 0 && take_frames(&input) < 0) gone = 1;
    }
    for (int stream = STREAM_STDOUT; stream <= STREAM_STDERR && !gone; stream++) {
      int at = stream == STREAM_STDOUT ? out_at : err_at;
      int *fd = stream == STREAM_STDOUT ? &out : &err;
      if (at < 0 || !fds[at].revents) continue;
      char chunk[CHUNK];
      ssize_t got = read(*fd, chunk, sizeof chunk);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        close(*fd);
        *fd = -1;
      } else if (client && send_frame(conn, stream, chunk, (uint32_t)got) < 0) {
        gone = 1;
      }
    }
    if (gone && client) {
      // remora went away: the command sees its streams close, as after a dropped ssh session.
      client = 0;
      if (out >= 0) close(out);
      if (err >= 0) close(err);
      if (input.in >= 0) close(input.in);
      out = err = input.in = -1;
    }
  }
  if (pidfd >= 0) close(pidfd);
  if (ending) {
    end_command(pid);
    return 0;
  }
  while (!exited && waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    if (ending) {
      end_command(pid);
      return 0;
    }
  }
  // Orphans of the command that came to this subreaper and are done.
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  if (!client) return 0;
  uint32_t code = (uint32_t)exit_status(status);
  unsigned char payload[4] = {code >> 24, code >> 16, code >> 8, code};
  send_frame(conn, STREAM_EXIT, payload, 4);
  // remora may still be sending stdin the command never read. A socket closed with unread
  // data resets the connection, and remora could lose the status on its way: read on
  // until remora, which has the status, closes its side (bounded, in case it never does).
  shutdown(conn, SHUT_WR);
  struct pollfd rest = {conn, POLLIN, 0};
  char sink[CHUNK];
  while (poll(&rest, 1, 5000) > 0 && read(conn, sink, sizeof sink) > 0) {
  }
  free(buffer);
  return 0;
}

static char socket_path[sizeof ((struct sockaddr_un *)0)->sun_path];
static int listener = -1;

/** SIGTERM (the keeper going): leave now; a flag could be missed just before accept blocks. */
static void on_stop(int sig) {
  (void)sig;
  unlink(socket_path);
  _exit(0);
}

/**
 * SIGUSR1 (a stop): take no more commands, and stay to reap the handlers still ending
 * theirs (their parent gone, they would be left to the target's PID 1).
 */
static void on_close(int sig) {
  (void)sig;
  unlink(socket_path);
  close(listener);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fputs("usage: remora-serve DIR PIDFILE\n", stderr);
    return 1;
  }
  struct sockaddr_un address = {.sun_family = AF_UNIX};
  if ((size_t)snprintf(address.sun_path, sizeof address.sun_path, "%s/control.sock", argv[1]) >= sizeof address.sun_path) {
    fputs("remora-serve: the directory's path is too long for a socket\n", stderr);
    return 1;
  }
  memcpy(socket_path, address.sun_path, sizeof socket_path);
  // One server a session: a second (two commands that both found none) leaves at once.
  char lock_path[sizeof address.sun_path + 16];
  snprintf(lock_path, sizeof lock_path, "%s/serve.lock", argv[1]);
  int lock = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB) < 0) return 0;

  signal(SIGPIPE, SIG_IGN);
  // Connections are handled by children this process never waits for.
  struct sigaction ignore = {.sa_handler = SIG_IGN, .sa_flags = SA_NOCLDWAIT};
  sigaction(SIGCHLD, &ignore, NULL);
  struct sigaction stop = {.sa_handler = on_stop};
  sigaction(SIGTERM, &stop, NULL);
  sigaction(SIGINT, &stop, NULL);
  struct sigaction close_socket = {.sa_handler = on_close};
  sigaction(SIGUSR1, &close_socket, NULL);

  listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  unlink(address.sun_path);
  if (listener < 0 || bind(listener, (struct sockaddr *)&address, sizeof address) < 0) {
    perror("remora-serve: bind");
    return 1;
  }
  // The directory around it is the user's own (mode 0700 above it on the host): the
  // socket itself is open so the host user reaches it whatever uid the toolkit runs as.
  chmod(address.sun_path, 0666);
  if (listen(listener, 64) < 0) {
    perror("remora-serve: listen");
    return 1;
  }
  FILE *pidfile = fopen(argv[2], "we");
  if (pidfile) {
    fprintf(pidfile, "%d\n", (int)getpid());
    fclose(pidfile);
  }
  for (;;) {
    int conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    if (conn < 0 && (errno == EBADF || errno == EINVAL)) break; /* closed by a stop */
    if (conn < 0) continue;
    pid_t handler = fork();
    if (handler == 0) {
      struct sigaction end = {.sa_handler = on_end}; /* no SA_RESTART: poll and waitpid return */
      sigaction(SIGTERM, &end, NULL);
      signal(SIGINT, SIG_DFL);
      signal(SIGUSR1, SIG_DFL);
      struct sigaction reset = {.sa_handler = SIG_DFL};
      sigaction(SIGCHLD, &reset, NULL);
      prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
      close(listener);
      close(lock);
      _exit(serve(conn));
    }
    close(conn);
  }
  // Stopped: the toolkit is about to be removed. Its handlers are children of this
  // process, reaped by the kernel (SA_NOCLDWAIT) as long as it lives.
  for (;;) pause();
}

// remora-relay HOST PORT: one forwarded TCP connection, run by `remora port-forward` in the
// toolkit (so inside the target's network namespace) for each local connection it accepts.
// It connects out to HOST:PORT and opens no listening socket.
//
// The exec's streams carry no end-of-stream of their own (the engine closes them only when
// the process exits, and stdout and stderr are copied independently), so both directions
// are framed: a 4-byte big-endian length, then that many bytes; a zero length means "this
// side closed its sending half". That carries half-close both ways. On stdin, an EOF that
// was not announced by a zero frame means remora went away (Ctrl-C, killed, connection
// lost): the connection is reset and the relay exits at once, so no relay outlives it.
//
// Exit status: 0 closed cleanly, 1 usage, 2 connect failed, 3 reset by the remote side,
// 4 aborted by remora; a message on stderr says which.
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { BUF = 64 * 1024 };

static void die(int status, const char *what, int err) {
  if (err) fprintf(stderr, "%s: %s\n", what, strerror(err));
  else fprintf(stderr, "%s\n", what);
  exit(status);
}

static int write_all(int fd, const unsigned char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/** HOST is a numeric address (remora resolves names itself): no NSS in a static binary. */
static int connect_to(const char *host, const char *port) {
  char what[300];
  snprintf(what, sizeof what, "connect to %s:%s", host, port);
  char *end = NULL;
  long number = strtol(port, &end, 10);
  if (*port == '\0' || *end != '\0' || number < 1 || number > 65535) die(1, "bad port", 0);
  struct sockaddr_storage addr;
  memset(&addr, 0, sizeof addr);
  socklen_t size;
  struct sockaddr_in *v4 = (struct sockaddr_in *)&addr;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&addr;
  if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)number);
    size = sizeof *v4;
  } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)number);
    size = sizeof *v6;
  } else {
    die(1, "bad address", 0);
    return -1;
  }
  int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) die(2, what, errno);
  if (connect(fd, (struct sockaddr *)&addr, size) != 0) die(2, what, errno);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

/** Ends the connection with a RST, as a client that went away unannounced would see. */
static void reset_and_exit(int sock, int status, const char *why) {
  struct linger hard = {.l_onoff = 1, .l_linger = 0};
  setsockopt(sock, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  close(sock);
  die(status, why, 0);
}

int main(int argc, char **argv) {
  if (argc != 3) die(1, "usage: remora-relay HOST PORT", 0);
  signal(SIGPIPE, SIG_IGN);
  int sock = connect_to(argv[1], argv[2]);

  static unsigned char in[BUF], out[BUF + 4];
  size_t have = 0;       // bytes of stdin frames not yet consumed
  int local_open = 1;    // the local client may still send (no zero frame yet)
  int remote_open = 1;   // still reading from the remote side
  for (;;) {
    if (!local_open && !remote_open) break;
    // stdin is watched to the end: its EOF is how an abort by remora shows.
    struct pollfd fds[2] = {{.fd = 0, .events = POLLIN}, {.fd = remote_open ? sock : -1, .events = POLLIN}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      die(1, "poll", errno);
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = read(0, in + have, sizeof in - have);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) reset_and_exit(sock, 4, "aborted");
      have += (size_t)n;
      size_t at = 0;
      while (have - at >= 4) {
        uint32_t len = ((uint32_t)in[at] << 24) | ((uint32_t)in[at + 1] << 16) | ((uint32_t)in[at + 2] << 8) | in[at + 3];
        if (len > BUF - 4 || (!local_open && len > 0)) reset_and_exit(sock, 1, "bad frame");
        if (len == 0) {
          // The local client shut down its sending half: pass that on.
          if (local_open) shutdown(sock, SHUT_WR);
          local_open = 0;
          at += 4;
          continue;
        }
        if (have - at < 4 + (size_t)len) break;
        if (write_all(sock, in + at + 4, len) < 0) {
          if (errno == ECONNRESET || errno == EPIPE) reset_and_exit(sock, 3, "reset by the remote side");
          die(1, "write", errno);
        }
        at += 4 + len;
      }
      memmove(in, in + at, have - at);
      have -= at;
    }
    if (remote_open && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t n = read(sock, out + 4, BUF);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        if (errno == ECONNRESET) reset_and_exit(sock, 3, "reset by the remote side");
        die(1, "read", errno);
      }
      out[0] = (unsigned char)(n >> 24);
      out[1] = (unsigned char)(n >> 16);
      out[2] = (unsigned char)(n >> 8);
      out[3] = (unsigned char)n;
      if (write_all(1, out, 4 + (size_t)n) < 0) reset_and_exit(sock, 4, "aborted");
      if (n == 0) remote_open = 0; // the zero frame told remora: the remote side is done sending
    }
  }
  close(sock);
  return 0;
}

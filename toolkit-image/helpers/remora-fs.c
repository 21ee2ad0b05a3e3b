// remora-fs: copies files in and out of a target container's root (normally
// /proc/<pid>/root, reached from the toolkit container) without ever resolving a
// path of the target in user space. Every lookup is done by the kernel with
// openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) relative to a directory fd of
// the root, so "..", absolute symlinks and /proc magic links planted by the
// target cannot lead outside it. There are no string-prefix checks anywhere.
//
// Built static (gcc -static -O2) so it runs in any toolkit, whatever its libc.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "remora-common.inc"


static const char usage_text[] =
    "usage: remora-fs [-x] COMMAND ROOT PATH [ARGS]\n"
    "\n"
    "-x: every PATH, DIR and NAME is given in hex, two digits a byte (an exec's command is\n"
    "UTF-8 text, and a name need not be: caf\\xe9 is 636166e9).\n"
    "\n"
    "Every PATH is resolved by the kernel inside ROOT (normally /proc/<pid>/root) with\n"
    "openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS): \"..\" stops at ROOT, absolute\n"
    "symlinks are taken relative to ROOT, /proc magic links are refused.\n"
    "\n"
    "  stat [-L] ROOT PATH       one JSON line on stdout:\n"
    "                            {\"type\":\"file|dir|symlink|other\",\"size\":N,\"mode\":\"0644\",\n"
    "                             \"uid\":N,\"gid\":N,\"mtime\":N[,\"target\":\"...\"]}\n"
    "                            (target only for symlinks; a final symlink is not followed\n"
    "                            unless -L)\n"
    "  read [-L] [-a] ROOT PATH  the file's bytes on stdout (regular files only; a final\n"
    "                            symlink is refused unless -L); -a: an account file\n"
    "                            (passwd, group): at most 4 MiB of whole lines, within 5 s\n"
    "  realpath ROOT PATH        PATH resolved inside ROOT, as an absolute path of ROOT\n"
    "  pack [-L] [-t] ROOT PATH  PATH (a file, symlink or whole tree) as a record stream on\n"
    "                            stdout; -t sends the total size first; exits once stdin\n"
    "                            is closed (remora-fs-tree.inc says why)\n"
    "  unpack [-a | -o UID:GID | -p PID] ROOT DIR NAME\n"
    "                            a record stream from stdin into the directory DIR, the\n"
    "                            copied item named NAME there (. = merge into DIR); every\n"
    "                            file lands by rename from a temporary. Owner: -a the\n"
    "                            stream's, -o given, -p that of process PID; else root\n"
    "  where [-L] -p PID ROOT PATH...\n"
    "                            one JSON line for the archive route (remora-fs-archive.inc):\n"
    "                            {\"uid\":N,\"gid\":N (PID's effective ids),\"paths\":[one per\n"
    "                             PATH: {\"type\":\"file|dir|symlink|other\",\"size\":N,\"path\":\n"
    "                             PATH resolved inside ROOT}, or {\"type\":\"none\"} if missing],\n"
    "                             \"mountinfo\":PID's /proc/PID/mountinfo}\n"
    "  land ROOT DIR TEMP NAME   waits for stdin to end: if it said \"land\\n\", renames the\n"
    "                            temporary TEMP (.remora-tmp-XXXXXX, a regular file) in DIR\n"
    "                            onto NAME; otherwise (or on a signal, or a failure) removes\n"
    "                            TEMP. Once renamed it prints \"landed\" on stdout, then\n"
    "                            frees the file it replaced and sweeps stale temporaries in DIR\n"
    "\n"
    "Errors are one line on stderr, \"remora-fs: <op> <path>: <reason>\", and the exit\n"
    "code says which kind:\n"
    "  0   success\n"
    "  1   any other error\n"
    "  2   ENOENT: not found\n"
    "  3   EACCES, EPERM: permission denied\n"
    "  4   EROFS: read-only file system\n"
    "  5   ENOSPC, EDQUOT: no space or quota left\n"
    "  6   ELOOP, EXDEV: a final symlink not followed, a magic link, too many links,\n"
    "      or an escape attempt\n"
    "  7   openat2 unavailable (kernel older than 5.6, or blocked by seccomp)\n"
    "  64  usage error\n";

enum {
  EXIT_OTHER = 1,
  EXIT_NOENT = 2,
  EXIT_ACCESS = 3,
  EXIT_ROFS = 4,
  EXIT_NOSPACE = 5,
  EXIT_ESCAPE = 6,
  EXIT_NO_OPENAT2 = 7,
  EXIT_USAGE = 64,
};


// ---------------------------------------------------------------------------
// Errors

static int exit_code_for(int err) {
  switch (err) {
    case ENOENT: return EXIT_NOENT;
    case EACCES: case EPERM: return EXIT_ACCESS;
    case EROFS: return EXIT_ROFS;
    case ENOSPC: case EDQUOT: return EXIT_NOSPACE;
    case ELOOP: case EXDEV: return EXIT_ESCAPE;
    default: return EXIT_OTHER;
  }
}

static void cleanup_temp(void);

/** Prints "remora-fs: <op> <path>: <reason>" and exits with the code of err's class. */
static _Noreturn void fail_with(const char *op, const char *path, int err, const char *reason) {
  cleanup_temp();
  fprintf(stderr, "remora-fs: %s %s: %s\n", op, path, reason ? reason : strerror(err));
  exit(exit_code_for(err));
}

static _Noreturn void fail(const char *op, const char *path, int err) {
  fail_with(op, path, err, NULL);
}

static _Noreturn void usage_error(const char *message) {
  fprintf(stderr, "remora-fs: %s (remora-fs --help for usage)\n", message);
  exit(EXIT_USAGE);
}

// ---------------------------------------------------------------------------
// Path resolution: the only two ways a path of the target is ever opened.

/** The root's directory fd. ROOT comes from the caller, not from the target. */
static int open_root(const char *root) {
  int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail("open root", root, errno);
  return fd;
}


/** Fails with exit code 7 unless openat2 works here. Docker's and Podman's seccomp
 *  profiles answer unknown syscalls with ENOSYS or EPERM; opening "." of a directory
 *  we already hold cannot legitimately fail with either, so both mean "unavailable". */
static void require_openat2(int rootfd) {
  int fd = open_in_root(rootfd, ".", O_PATH | O_DIRECTORY, 0);
  if (fd >= 0) {
    close(fd);
    return;
  }
  int err = errno;
  if (err == ENOSYS || err == EPERM) {
    fprintf(stderr, "remora-fs: openat2 is not available (%s): the kernel is older than 5.6 or a "
                    "seccomp profile blocks it; refusing to resolve paths without it\n", strerror(err));
    exit(EXIT_NO_OPENAT2);
  }
  fail("open root", ".", err);
}

/** Splits PATH into its directory (opened inside root) and its last component, which
 *  must be a plain name: "", "." and ".." cannot be created or renamed over. */
static int open_parent(int rootfd, const char *op, const char *path, char *name, size_t name_size) {
  size_t len = strlen(path);
  while (len > 1 && path[len - 1] == '/') len--; // "a/b/" names b
  size_t start = len;
  while (start > 0 && path[start - 1] != '/') start--;
  size_t name_len = len - start;
  if (name_len == 0 || name_len >= name_size || (name_len == 1 && path[start] == '.') ||
      (name_len == 2 && path[start] == '.' && path[start + 1] == '.')) {
    fail_with(op, path, EINVAL, "not a name that can be created (empty, \".\", \"..\" or too long)");
  }
  memcpy(name, path + start, name_len);
  name[name_len] = '\0';

  char parent[PATH_MAX];
  if (start == 0) {
    strcpy(parent, ".");
  } else {
    if (start >= sizeof parent) fail(op, path, ENAMETOOLONG);
    memcpy(parent, path, start);
    parent[start] = '\0'; // keeps the trailing '/', so "/x" has parent "/"
  }
  int fd = open_in_root(rootfd, parent, O_PATH | O_DIRECTORY, 0);
  if (fd < 0) fail(op, path, errno);
  return fd;
}

/** Refuses to replace NAME in dirfd when something is mounted on it in the target
 *  (Docker's /etc/hosts, /etc/hostname, /etc/resolv.conf, a file volume). rename(2)
 *  looks for mount points only in the caller's mount namespace, so from the toolkit it
 *  succeeds and silently detaches the target's mount. A missing NAME is fine. */
static void refuse_mount_point(int dirfd, const char *name, const char *op, const char *path) {
  struct statx dir, entry;
  if (statx(dirfd, name, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &entry) < 0) {
    if (errno == ENOENT) return;
    fail(op, path, errno);
  }
  int mounted;
  if (entry.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) { // Linux 5.8 and later
    mounted = (entry.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
  } else { // older kernels: a different device at least (misses a bind from the same fs)
    if (statx(dirfd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &dir) < 0) fail(op, path, errno);
    mounted = dir.stx_dev_major != entry.stx_dev_major || dir.stx_dev_minor != entry.stx_dev_minor;
  }
  if (mounted) fail_with(op, path, EBUSY, "is a mount point in the target; replacing it would unmount it");
}


// ---------------------------------------------------------------------------
// Small helpers

static int write_all(int fd, const char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

/** Copies in to out until EOF; on failure sets *failed_fd to the side that failed. */
static int copy_fd(int in, int out, int *failed_fd) {
  static char buf[1 << 16];
  for (;;) {
    ssize_t n = read(in, buf, sizeof buf);
    if (n == 0) return 0;
    if (n < 0) {
      if (errno == EINTR) continue;
      *failed_fd = in;
      return -1;
    }
    if (write_all(out, buf, (size_t)n) < 0) {
      *failed_fd = out;
      return -1;
    }
  }
}

static long long parse_number(const char *text, int base, long long min, long long max, const char *what) {
  char *end = NULL;
  errno = 0;
  long long value = strtoll(text, &end, base);
  if (errno != 0 || end == text || *end != '\0' || value < min || value > max) {
    char message[128];
    snprintf(message, sizeof message, "bad %s: %s", what, text);
    usage_error(message);
  }
  return value;
}


static long long parse_id(const char *text, const char *what) {
  return parse_number(text, 10, -1, (long long)UINT32_MAX - 1, what);
}


/** Set by -x: the arguments after ROOT are hex (see usage_text). */
static int hex_paths = 0;

static int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/** Decodes a hex argument in place (the bytes take half its room). */
static void decode_hex_arg(char *arg) {
  size_t len = strlen(arg);
  if (len == 0 || len % 2 != 0) usage_error("-x: a path in hex has an even, non-zero number of digits");
  for (size_t i = 0; i < len; i += 2) {
    int high = hex_digit(arg[i]), low = hex_digit(arg[i + 1]);
    if (high < 0 || low < 0) usage_error("-x: a path in hex has only the digits 0-9, a-f");
    if (high == 0 && low == 0) usage_error("-x: a path cannot hold a NUL byte");
    arg[i / 2] = (char)(high * 16 + low);
  }
  arg[len / 2] = '\0';
}

// Options come before ROOT, one letter each (-L, -p).
static int take_flag(int *argc, char ***argv, char flag) {
  if (*argc > 0 && (*argv)[0][0] == '-' && (*argv)[0][1] == flag && (*argv)[0][2] == '\0') {
    (*argc)--;
    (*argv)++;
    return 1;
  }
  return 0;
}

static void expect_args(int argc, char **argv, int count, const char *command) {
  if (argc != count) {
    char message[128];
    snprintf(message, sizeof message, "%s takes %d arguments, got %d", command, count, argc);
    usage_error(message);
  }
  if (argc > 0 && argv[0][0] == '-') usage_error("unknown option before ROOT");
  // Every command's arguments after ROOT are its paths.
  if (hex_paths)
    for (int i = 1; i < argc; i++) decode_hex_arg(argv[i]);
}

// ---------------------------------------------------------------------------
// stat

static int cmd_stat(int argc, char **argv) {
  int follow = take_flag(&argc, &argv, 'L');
  expect_args(argc, argv, 2, "stat");
  const char *path = argv[1];
  int rootfd = open_root(argv[0]);
  require_openat2(rootfd);

  // O_PATH | O_NOFOLLOW on a final symlink (even a magic one) gives an fd of the link
  // itself, so its parent is resolved inside root and the link is never followed.
  int fd = open_in_root(rootfd, path, O_PATH | (follow ? 0 : O_NOFOLLOW), 0);
  if (fd < 0) fail("stat", path, errno);
  struct stat st;
  if (fstat(fd, &st) < 0) fail("stat", path, errno);

  const char *type = S_ISREG(st.st_mode) ? "file" : S_ISDIR(st.st_mode) ? "dir" : S_ISLNK(st.st_mode) ? "symlink" : "other";
  printf("{\"type\":\"%s\",\"size\":%lld,\"mode\":\"%04o\",\"uid\":%u,\"gid\":%u,\"mtime\":%lld", type,
         (long long)st.st_size, (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid, (unsigned)st.st_gid,
         (long long)st.st_mtim.tv_sec);
  if (S_ISLNK(st.st_mode)) {
    char target[PATH_MAX + 1];
    ssize_t n = readlinkat(fd, "", target, sizeof target); // "" = the O_PATH fd's own link
    if (n < 0) fail("readlink", path, errno);
    if ((size_t)n >= sizeof target) fail("readlink", path, ENAMETOOLONG);
    printf(",\"target\":");
    print_json_string(target, (size_t)n);
  }
  printf("}\n");
  if (fflush(stdout) != 0 || ferror(stdout)) fail("write", "stdout", errno);
  close(fd);
  close(rootfd);
  return 0;
}

// ---------------------------------------------------------------------------
// read

static int cmd_read(int argc, char **argv) {
  int follow = take_flag(&argc, &argv, 'L');
  int account = take_flag(&argc, &argv, 'a');
  expect_args(argc, argv, 2, "read");
  const char *path = argv[1];
  int rootfd = open_root(argv[0]);
  require_openat2(rootfd);

  // O_NONBLOCK so that a FIFO or device planted by the target cannot hang the open.
  int fd = open_in_root(rootfd, path, O_RDONLY | O_NONBLOCK | (follow ? 0 : O_NOFOLLOW), 0);
  if (fd < 0) {
    int err = errno;
    if (err == ELOOP && !follow) {
      // ELOOP is also what O_NOFOLLOW gives for a plain symlink: say which it was.
      int link = open_in_root(rootfd, path, O_PATH | O_NOFOLLOW, 0);
      struct stat st;
      if (link >= 0 && fstat(link, &st) == 0 && S_ISLNK(st.st_mode)) {
        fail_with("read", path, ELOOP, "is a symbolic link (not followed without -L)");
      }
    }
    fail("read", path, err);
  }
  if (account) {
    char *text = NULL;
    ssize_t n = read_account_file(fd, ACCOUNTS_MAX_BYTES, &text);
    if (n < 0) fail_with("read", path, errno, errno == EINVAL ? "not a regular file" : errno == EINTR ? "timed out" : strerror(errno));
    if (write_all(STDOUT_FILENO, text, (size_t)n) < 0) fail("write stdout", path, errno);
    free(text);
    close(fd);
    close(rootfd);
    return 0;
  }
  struct stat st;
  if (fstat(fd, &st) < 0) fail("read", path, errno);
  if (S_ISDIR(st.st_mode)) fail("read", path, EISDIR);
  if (!S_ISREG(st.st_mode)) fail_with("read", path, EINVAL, "not a regular file");
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) fail("read", path, errno);

  int failed_fd = -1;
  if (copy_fd(fd, STDOUT_FILENO, &failed_fd) < 0) fail(failed_fd == fd ? "read" : "write stdout", path, errno);
  close(fd);
  close(rootfd);
  return 0;
}

// ---------------------------------------------------------------------------
// Temporaries: a file being written is removed on every way out, signals included.

// Set only while signals are blocked, read by the handler.
static volatile sig_atomic_t temp_active = 0;
static int temp_dirfd = -1;
static char temp_name[32];

static void cleanup_temp(void) {
  if (temp_active) {
    unlinkat(temp_dirfd, temp_name, 0); // best effort: we are already failing
    temp_active = 0;
  }
}

static void on_signal(int sig) {
  // Only async-signal-safe calls here: unlinkat and _exit.
  if (temp_active) unlinkat(temp_dirfd, temp_name, 0);
  _exit(128 + sig);
}

static const int cleanup_signals[] = {SIGTERM, SIGINT, SIGPIPE, SIGHUP};

static void block_signals(sigset_t *old) {
  sigset_t set;
  sigemptyset(&set);
  for (size_t i = 0; i < sizeof cleanup_signals / sizeof cleanup_signals[0]; i++) sigaddset(&set, cleanup_signals[i]);
  if (sigprocmask(SIG_BLOCK, &set, old) < 0) fail("sigprocmask", "", errno);
}

static void restore_signals(const sigset_t *old) {
  if (sigprocmask(SIG_SETMASK, old, NULL) < 0) fail("sigprocmask", "", errno);
}

static void install_signal_handlers(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigfillset(&sa.sa_mask);
  for (size_t i = 0; i < sizeof cleanup_signals / sizeof cleanup_signals[0]; i++) {
    if (sigaction(cleanup_signals[i], &sa, NULL) < 0) fail("sigaction", "", errno);
  }
}


// ---------------------------------------------------------------------------
// realpath
//
// The kernel resolves PATH inside root (openat2 follows every symlink, final one
// included, confined to root); then /proc/self/fd/N names the result and
// /proc/self/fd/<rootfd> names the root, both rendered by the same d_path() from the
// same vantage point, so the first always begins with the second. Stripping it is
// presentation, not a security check: containment was already enforced by openat2,
// and we only ever print a name, never open it again. Through /proc/<pid>/root of a
// container the root usually reads as "/" (its mount is the root of the target's
// mount namespace), and the file's name is then already the path inside root.

static ssize_t fd_path(int fd, char *buf, size_t size) {
  char link[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, buf, size - 1);
  if (n < 0) return -1;
  if ((size_t)n >= size - 1) {
    errno = ENAMETOOLONG;
    return -1;
  }
  buf[n] = '\0';
  return n;
}

static int cmd_realpath(int argc, char **argv) {
  expect_args(argc, argv, 2, "realpath");
  const char *path = argv[1];
  int rootfd = open_root(argv[0]);
  require_openat2(rootfd);

  int fd = open_in_root(rootfd, path, O_PATH, 0);
  if (fd < 0) fail("realpath", path, errno);
  static char root_name[PATH_MAX + 1], file_name[PATH_MAX + 1];
  ssize_t root_len = fd_path(rootfd, root_name, sizeof root_name);
  if (root_len < 0) fail("readlink root", argv[0], errno);
  if (fd_path(fd, file_name, sizeof file_name) < 0) fail("realpath", path, errno);

  if (root_name[0] != '/' || file_name[0] != '/') {
    fail_with("realpath", path, EINVAL, "the kernel gave no absolute name (deleted, or not reachable from here)");
  }
  if (strcmp(root_name, "/") == 0) root_len = 0; // "/" + "/etc" must not lose the slash
  const char *inside = file_name + root_len;
  if (strncmp(file_name, root_name, (size_t)root_len) != 0 || (*inside != '\0' && *inside != '/')) {
    fail_with("realpath", path, EXDEV, "resolved name is not under the root's name");
  }
  printf("%s\n", *inside ? inside : "/");
  if (fflush(stdout) != 0 || ferror(stdout)) fail("write", "stdout", errno);
  close(fd);
  close(rootfd);
  return 0;
}

// ---------------------------------------------------------------------------
// pack, unpack: whole trees for `remora cp`, kept in their own file.

#include "remora-fs-tree.inc"

// ---------------------------------------------------------------------------
// where, land: around the engine's archive API, kept in their own file.

#include "remora-fs-archive.inc"

// ---------------------------------------------------------------------------

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "-x") == 0) {
    hex_paths = 1;
    argc--;
    argv++;
  }
  if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
    fputs(usage_text, argc < 2 ? stderr : stdout);
    return argc < 2 ? EXIT_USAGE : 0;
  }
  const char *command = argv[1];
  argc -= 2;
  argv += 2;
  if (strcmp(command, "stat") == 0) return cmd_stat(argc, argv);
  if (strcmp(command, "read") == 0) return cmd_read(argc, argv);
  if (strcmp(command, "realpath") == 0) return cmd_realpath(argc, argv);
  if (strcmp(command, "pack") == 0) return cmd_pack(argc, argv);
  if (strcmp(command, "unpack") == 0) return cmd_unpack(argc, argv);
  if (strcmp(command, "where") == 0) return cmd_where(argc, argv);
  if (strcmp(command, "land") == 0) return cmd_land(argc, argv);
  char message[128];
  snprintf(message, sizeof message, "unknown command: %.64s", command);
  usage_error(message);
}

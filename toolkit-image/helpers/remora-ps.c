// remora-ps: what `remora ps` needs of every process in the PID namespace, in one run and
// fast enough for 1,000+ processes, as one JSON object on stdout. It gathers; Remora
// decides (users, %CPU, what to show) in ops/ps.ts, as it does for the POSIX-sh fallback
// that other toolkit images get.
//
// Two CPU samples frame a short interval, and the rest of the reading happens inside it.
// CPU time comes from schedstat in nanoseconds, summed over a process's threads, with the
// sample's CLOCK_BOOTTIME: clock ticks (10 ms) and /proc/uptime (centiseconds) are too
// coarse for an interval of a tenth of a second.
//
// Processes that exit mid-listing are skipped, never an error. Of the target's filesystem
// only /etc/passwd is read (a regular file only, capped, with a timeout), resolved by the kernel inside ROOT (openat2 RESOLVE_IN_ROOT |
// RESOLVE_NO_MAGICLINKS). Built static (gcc -static -O2) so it runs in any toolkit.
//
// {"clockTicks":100,"pageSize":4096,"bootTime":S,"uptimeNs":N,"intervalNs":N,"passwd":"..."|null,
//  "processes":[{"pid":1,"uid":0,"toolkit":false,"comm":"app","argv":["/app"],
//                 "startTicksA":N,"cpuTicksA":N,"cpuNsA":N|null}, ...],   (sample A)
//  "uptimeNs":N,"intervalNs":N,
//  "samples":[{"pid":1,"ppid":0,"state":"S","threads":1,"rssPages":N,"startTicks":N,
//              "cpuTicks":N,"cpuNs":N|null}, ...]}                          (sample B)
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "remora-common.inc"

// The same file as KEEPER_PID_FILE in src/session/keeper-script.ts.
#define KEEPER_PID_FILE "/run/remora-keeper.pid"

/** sample_ms 0: one sample, for a caller that measures %CPU since its previous listing in
 *  clock ticks; nanosecond times (every thread's schedstat) would be read for nothing. */
static int one_sample;

static const char usage_text[] =
    "usage: remora-ps ROOT SAMPLE_MS\n"
    "  ROOT       the target's root, e.g. /proc/1/root (for its /etc/passwd)\n"
    "  SAMPLE_MS  the CPU sampling interval in milliseconds (0: one sample)\n";

static char *buffer;
static size_t buffer_size = 1 << 16;

static void out_of_memory(void) {
  fputs("remora-ps: out of memory\n", stderr);
  exit(1);
}

/** Reads a whole file from an open fd (proc files report size 0: read until EOF). */
static ssize_t read_fd(int fd) {
  size_t used = 0;
  for (;;) {
    if (used == buffer_size) {
      buffer_size *= 2;
      buffer = realloc(buffer, buffer_size);
      if (!buffer) out_of_memory();
    }
    ssize_t n = read(fd, buffer + used, buffer_size - used);
    if (n < 0) return -1;
    if (n == 0) break;
    used += (size_t)n;
  }
  return (ssize_t)used;
}

/**
 * Reads a whole file into `buffer`, NUL-terminated; -1 if it is gone or unreadable.
 * stat, status and schedstat are made whole by one seq_file show, so one read that does
 * not fill the buffer has all of it: no second read to see EOF (a third of the syscalls).
 */
static ssize_t read_file(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buffer, buffer_size - 1);
  if (n >= 0 && (size_t)n == buffer_size - 1) {
    lseek(fd, 0, SEEK_SET);
    n = read_fd(fd);
  }
  close(fd);
  if (n < 0) return -1;
  if ((size_t)n == buffer_size) {
    buffer = realloc(buffer, ++buffer_size);
    if (!buffer) out_of_memory();
  }
  buffer[n] = '\0';
  return n;
}

struct sample {
  int present;
  char state;
  int ppid;
  long threads;
  long long rss_pages;
  unsigned long long start_ticks;
  unsigned long long cpu_ticks;
  long long cpu_ns; /* -1: schedstat unavailable */
  char comm[64];
};

struct process {
  int pid;
  struct sample a;
  struct sample b;
};

static struct process *processes;
static size_t process_count;

static int compare_processes(const void *a, const void *b) {
  return ((const struct process *)a)->pid - ((const struct process *)b)->pid;
}

static void list_pids(void) {
  DIR *proc = opendir("/proc");
  if (!proc) {
    perror("remora-ps: /proc");
    exit(1);
  }
  size_t capacity = 1024;
  processes = calloc(capacity, sizeof *processes);
  if (!processes) out_of_memory();
  struct dirent *entry;
  while ((entry = readdir(proc)) != NULL) {
    if (!isdigit((unsigned char)entry->d_name[0])) continue;
    if (process_count == capacity) {
      capacity *= 2;
      processes = realloc(processes, capacity * sizeof *processes);
      if (!processes) out_of_memory();
    }
    memset(&processes[process_count], 0, sizeof *processes);
    processes[process_count++].pid = atoi(entry->d_name);
  }
  closedir(proc);
  qsort(processes, process_count, sizeof *processes, compare_processes);
}

/** Nanoseconds on CPU: the leader's schedstat, or every thread's when there are several. */
static long long cpu_ns(int pid, long threads) {
  char path[320];
  if (threads <= 1) {
    snprintf(path, sizeof path, "/proc/%d/schedstat", pid);
    return read_file(path) > 0 ? strtoll(buffer, NULL, 10) : -1;
  }
  snprintf(path, sizeof path, "/proc/%d/task", pid);
  DIR *tasks = opendir(path);
  if (!tasks) return -1;
  long long total = 0;
  int seen = 0;
  struct dirent *entry;
  while ((entry = readdir(tasks)) != NULL) {
    if (!isdigit((unsigned char)entry->d_name[0])) continue;
    snprintf(path, sizeof path, "/proc/%d/task/%s/schedstat", pid, entry->d_name);
    if (read_file(path) <= 0) continue;
    total += strtoll(buffer, NULL, 10);
    seen = 1;
  }
  closedir(tasks);
  return seen ? total : -1;
}

/** One /proc/PID/stat and the CPU time; present = 0 when the process is gone. */
static void take_sample(int pid, struct sample *sample) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  sample->present = 0;
  if (read_file(path) <= 0) return;
  // comm is in parentheses and may hold anything, ")" and spaces included: the last ")".
  char *open_paren = strchr(buffer, '(');
  char *close_paren = strrchr(buffer, ')');
  if (!open_paren || !close_paren || close_paren < open_paren) return;
  size_t comm_length = (size_t)(close_paren - open_paren - 1);
  if (comm_length >= sizeof sample->comm) comm_length = sizeof sample->comm - 1;
  memcpy(sample->comm, open_paren + 1, comm_length);
  sample->comm[comm_length] = '\0';
  // Fields from 3 on: state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt
  // cmajflt utime stime cutime cstime priority nice num_threads itrealvalue starttime
  // vsize rss.
  char state;
  int ppid;
  unsigned long long utime, stime, start;
  long threads;
  long long rss;
  int fields = sscanf(close_paren + 2, "%c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %ld %*d %llu %*u %lld", &state, &ppid,
                      &utime, &stime, &threads, &start, &rss);
  if (fields != 7) return;
  sample->state = state;
  sample->ppid = ppid;
  sample->threads = threads;
  sample->rss_pages = rss;
  sample->start_ticks = start;
  sample->cpu_ticks = utime + stime;
  sample->cpu_ns = one_sample ? -1 : cpu_ns(pid, threads);
  sample->present = 1;
}

/** The real uid from /proc/PID/status ("Uid:\treal\teffective\tsaved\tfs"); -1 if gone. */
static long real_uid(int pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/status", pid);
  if (read_file(path) <= 0) return -1;
  char *line = strstr(buffer, "\nUid:");
  return line ? strtol(line + 5, NULL, 10) : -1;
}

static void put_argv(int pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
  // Not a seq_file: read until EOF.
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd >= 0 ? read_fd(fd) : -1;
  if (fd >= 0) close(fd);
  putchar('[');
  size_t start = 0;
  int first = 1;
  for (ssize_t i = 0; n > 0 && i <= n; i++) {
    if (i < n && buffer[i] != '\0') continue;
    if (i == n && (size_t)i == start) break; // the NUL after the last argument
    if (!first) putchar(',');
    print_json_string(buffer + start, (size_t)i - start);
    first = 0;
    start = (size_t)i + 1;
  }
  putchar(']');
}

/**
 * Ours share this mount namespace; another session's hold its keeper's pid file. The
 * target's own processes share its mount namespace and need no second look.
 */
static int is_toolkit(int pid, const struct stat *own_mnt, const struct stat *target_mnt) {
  char path[96];
  snprintf(path, sizeof path, "/proc/%d/ns/mnt", pid);
  struct stat st;
  if (stat(path, &st) != 0) return 0;
  if (own_mnt && st.st_dev == own_mnt->st_dev && st.st_ino == own_mnt->st_ino) return 1;
  if (target_mnt && st.st_dev == target_mnt->st_dev && st.st_ino == target_mnt->st_ino) return 0;
  snprintf(path, sizeof path, "/proc/%d/root" KEEPER_PID_FILE, pid);
  return access(path, F_OK) == 0;
}

/** The target's /etc/passwd as a JSON string (null if it has none or it is not a regular
 *  file), resolved by the kernel inside ROOT, so a symlinked passwd cannot point this
 *  outside the target; capped and timed as read_account_file says. */
static void put_passwd(const char *root) {
  int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  int fd = rootfd < 0 ? -1 : open_in_root(rootfd, "etc/passwd", O_RDONLY | O_NONBLOCK, 0);
  if (rootfd >= 0) close(rootfd);
  if (fd < 0 && (errno == ENOSYS || errno == EPERM)) {
    // No openat2 (a kernel before 5.6, or seccomp): through ROOT as the shell fallback does.
    char path[4096];
    snprintf(path, sizeof path, "%s/etc/passwd", root);
    fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  }
  char *text = NULL;
  ssize_t n = fd >= 0 ? read_account_file(fd, ACCOUNTS_MAX_BYTES, &text) : -1;
  if (fd >= 0) close(fd);
  if (n < 0) {
    fputs("null", stdout);
    return;
  }
  print_json_string(text, (size_t)n);
  free(text);
}

static long long boottime_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_BOOTTIME, &now);
  return (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
}

static long long boot_time_seconds(void) {
  if (read_file("/proc/stat") <= 0) return 0;
  char *line = strstr(buffer, "\nbtime ");
  return line ? strtoll(line + 7, NULL, 10) : 0;
}

static void put_number_or_null(int known, long long value) {
  if (known) printf("%lld", value);
  else fputs("null", stdout);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fputs(usage_text, stderr);
    return 2;
  }
  const char *root = argv[1];
  long sample_ms = strtol(argv[2], NULL, 10);
  one_sample = sample_ms == 0;
  buffer = malloc(buffer_size);
  if (!buffer) out_of_memory();
  static char out[1 << 20];
  setvbuf(stdout, out, _IOFBF, sizeof out);

  long long started = boottime_ns();
  list_pids();
  for (size_t i = 0; i < process_count; i++) take_sample(processes[i].pid, &processes[i].a);

  // Inside the interval: everything that is not a CPU sample.
  struct stat own_mnt, target_mnt;
  int have_own_mnt = stat("/proc/self/ns/mnt", &own_mnt) == 0;
  // ROOT is /proc/PID/root: the target's mount namespace is /proc/PID/ns/mnt. Made by text:
  // "ROOT/.." would resolve inside the target, where the root is its own parent.
  char target_mnt_path[4096];
  size_t root_length = strlen(root);
  int have_target_mnt = root_length > 5 && root_length < sizeof target_mnt_path && strcmp(root + root_length - 5, "/root") == 0;
  if (have_target_mnt) {
    snprintf(target_mnt_path, sizeof target_mnt_path, "%.*s/ns/mnt", (int)(root_length - 5), root);
    have_target_mnt = stat(target_mnt_path, &target_mnt) == 0;
  }
  long long boot_time = boot_time_seconds();
  printf("{\"clockTicks\":%ld,\"pageSize\":%ld,\"bootTime\":%lld,\"passwd\":", sysconf(_SC_CLK_TCK), sysconf(_SC_PAGESIZE), boot_time);
  put_passwd(root);
  fputs(",\"processes\":[", stdout);
  int first = 1;
  for (size_t i = 0; i < process_count; i++) {
    struct process *p = &processes[i];
    if (!p->a.present) continue;
    long uid = real_uid(p->pid);
    if (uid < 0) {
      p->a.present = 0; // gone already
      continue;
    }
    if (!first) putchar(',');
    first = 0;
    printf("{\"pid\":%d,\"uid\":%ld,\"toolkit\":%s,\"comm\":", p->pid, uid, is_toolkit(p->pid, have_own_mnt ? &own_mnt : NULL, have_target_mnt ? &target_mnt : NULL) ? "true" : "false");
    print_json_string(p->a.comm, strlen(p->a.comm));
    fputs(",\"argv\":", stdout);
    put_argv(p->pid);
    printf(",\"startTicksA\":%llu,\"cpuTicksA\":%llu,\"cpuNsA\":", p->a.start_ticks, p->a.cpu_ticks);
    put_number_or_null(p->a.cpu_ns >= 0, p->a.cpu_ns);
    putchar('}');
  }
  fputs("],", stdout);

  long long left_ns = sample_ms * 1000000LL - (boottime_ns() - started);
  if (left_ns > 0) {
    struct timespec pause = {(time_t)(left_ns / 1000000000LL), (long)(left_ns % 1000000000LL)};
    nanosleep(&pause, NULL);
  }

  // Sample B, the same processes (one born meanwhile is in the next listing): their CPU
  // time again. Where schedstat answers, that is all that is read (state, memory and
  // threads are from sample A, a tenth of a second old); elsewhere /proc/PID/stat again.
  long long clock_b = boottime_ns();
  for (size_t i = 0; i < process_count; i++) {
    struct process *p = &processes[i];
    if (!p->a.present) continue;
    if (one_sample) {
      p->b = p->a;
    } else if (p->a.cpu_ns >= 0) {
      p->b = p->a;
      p->b.cpu_ns = cpu_ns(p->pid, p->a.threads);
      p->b.present = p->b.cpu_ns >= 0; // gone meanwhile
    } else {
      take_sample(p->pid, &p->b);
    }
  }
  // One sample: there was no interval to measure %CPU over.
  printf("\"uptimeNs\":%lld,\"intervalNs\":%lld,\"samples\":[", clock_b, one_sample ? 0 : clock_b - started);
  first = 1;
  for (size_t i = 0; i < process_count; i++) {
    struct process *p = &processes[i];
    if (!p->a.present || !p->b.present) continue;
    if (!first) putchar(',');
    first = 0;
    printf("{\"pid\":%d,\"ppid\":%d,\"state\":\"%c\",\"threads\":%ld,\"rssPages\":%lld,\"startTicks\":%llu,\"cpuTicks\":%llu,\"cpuNs\":", p->pid, p->b.ppid,
           p->b.state, p->b.threads, p->b.rss_pages, p->b.start_ticks, p->b.cpu_ticks);
    put_number_or_null(p->b.cpu_ns >= 0, p->b.cpu_ns);
    putchar('}');
  }
  fputs("]}\n", stdout);
  return fflush(stdout) == 0 ? 0 : 1;
}

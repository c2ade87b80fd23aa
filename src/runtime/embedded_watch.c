/*
 * embedded_watch.c — what makes the throwaway server unable to outlive the
 * executable that started it, however that executable ends.
 *
 * A watchdog child is forked as soon as the directory exists.  It holds
 * the read end of a pipe whose write end only the parent has (close on
 * exec, so initdb, pg_ctl and the server never hold it); when the parent
 * goes, by exit, by a signal or by SIGKILL, the kernel closes that end, the
 * watchdog reads EOF, stops the server and removes the directory.  The
 * normal stop is the same path: close the pipe, wait for the watchdog.
 *
 * So the signal handlers need do nothing but what is async-signal-safe:
 * kill the program being waited for (initdb, pg_ctl) and _exit.  They are
 * installed by main before anything else, SIGPIPE is ignored (a closed
 * stdout is an error to write, not a death), and directories left by a
 * run whose parent and watchdog are both gone (a machine reset, a SIGKILL
 * to the whole process group) are removed by the next run.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "schemactl.h"

#define OWNER_FILE "owner.pid"

/* The program the parent is waiting for, killed with it on a signal. */
static volatile sig_atomic_t waited_child;

static void on_signal(int sig)
{
    pid_t child = (pid_t)waited_child;
    if (child > 0)
        kill(child, SIGTERM);
    _exit(128 + sig);
}

void sctl_signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

void sctl_waiting_for(pid_t child)
{
    waited_child = (sig_atomic_t)child;
}

/* Whether process pid runs with "-D data" on its command line. */
static bool serves(const char *pid, const char *data)
{
    char path[300], cmd[8192];
    snprintf(path, sizeof path, "/proc/%s/cmdline", pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, cmd, sizeof cmd - 1);
    close(fd);
    if (n <= 0)
        return false;
    cmd[n] = '\0';
    for (char *a = cmd; a < cmd + n; a += strlen(a) + 1)
        if (strcmp(a, "-D") == 0 && a + 3 < cmd + n &&
            strcmp(a + 3, data) == 0)
            return true;
    return false;
}

/*
 * A server that a killed pg_ctl had started but that had not yet written
 * its postmaster.pid when the directory went (the parent killed in that
 * moment): found by its data directory, which no other server names, and
 * sent sig.  Returns how many were found.
 */
static int stop_orphans(const char *dir, int sig)
{
    char data[4200];
    snprintf(data, sizeof data, "%s/data", dir);
    DIR *d = opendir("/proc");
    struct dirent *ent;
    int found = 0;
    while (d && (ent = readdir(d)))
        if (ent->d_name[0] >= '0' && ent->d_name[0] <= '9' &&
            serves(ent->d_name, data)) {
            kill((pid_t)atol(ent->d_name), sig);
            found++;
        }
    if (d)
        closedir(d);
    return found;
}

/* The watchdog: out of the caller's process group (a ^C or a group kill
 * meant for the run must not take the cleanup with it), deaf to the
 * signals that end the parent, waiting for EOF. */
static void watchdog(int fd, const char *dir)
{
    char buf[64];
    sigset_t none;
    /* not the run's output: a caller reading it to EOF must not wait for
     * the watchdog */
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        if (null > STDERR_FILENO)
            close(null);
    }
    setpgid(0, 0);
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n == 0 || (n < 0 && errno != EINTR))
            break;
    }
    /* an initdb or pg_ctl the parent left may still be writing in dir
     * until its SIGTERM lands: up to a minute on a loaded machine */
    for (int i = 0; i < 300 && access(dir, F_OK) == 0; i++) {
        struct timespec pause = {0, 200 * 1000000L};
        if (i > 0)
            nanosleep(&pause, NULL);
        sctl_embedded_cleanup(dir);
    }
    /* SIGQUIT (an immediate shutdown) for half a second, then SIGKILL */
    for (int i = 0; i < 20 && stop_orphans(dir, i < 10 ? SIGQUIT
                                                       : SIGKILL) > 0; i++) {
        struct timespec pause = {0, 50 * 1000000L};
        nanosleep(&pause, NULL);
    }
    _exit(0);
}

/* Records who owns dir: the parent and the watchdog, for a later run to
 * tell whether it is stale. */
static void write_owner(const char *dir, pid_t parent, pid_t dog)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/" OWNER_FILE, dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644);
    if (fd >= 0) {
        dprintf(fd, "%ld %ld\n", (long)parent, (long)dog);
        close(fd);
    }
}

bool sctl_watchdog_start(SctlEmbedded *e)
{
    int fd[2];
    if (pipe(fd) != 0)
        return false;
    fcntl(fd[1], F_SETFD, FD_CLOEXEC);
    pid_t dog = fork();
    if (dog == 0) {
        close(fd[1]);
        watchdog(fd[0], e->dir);
    }
    close(fd[0]);
    if (dog < 0) {
        close(fd[1]);
        return false;
    }
    e->watch_fd = fd[1];
    e->watchdog = dog;
    write_owner(e->dir, getpid(), dog);
    return true;
}

bool sctl_watchdog_stop(SctlEmbedded *e)
{
    if (e->watchdog <= 0)
        return false;
    close(e->watch_fd);
    while (waitpid(e->watchdog, NULL, 0) < 0 && errno == EINTR)
        ;
    e->watchdog = 0;
    return true;
}

/* A zombie counts as dead: where nothing reaps orphans (a container whose
 * pid 1 is no init) a killed run stays one. */
static bool alive(long pid)
{
    if (pid <= 0 || (kill((pid_t)pid, 0) != 0 && errno != EPERM))
        return false;
    char path[64], stat[256] = "";
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (f && !fgets(stat, sizeof stat, f))
        stat[0] = '\0';
    if (f)
        fclose(f);
    const char *paren = strrchr(stat, ')');
    return !(paren && paren[1] == ' ' && paren[2] == 'Z');
}

/* A directory of ours whose parent and watchdog are both gone. */
static bool stale(const char *dir)
{
    char path[4200];
    long parent = 0, dog = 0;
    struct stat st;
    snprintf(path, sizeof path, "%s/" OWNER_FILE, dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    bool ours = fstat(fileno(f), &st) == 0 && st.st_uid == geteuid() &&
                fscanf(f, "%ld %ld", &parent, &dog) == 2;
    fclose(f);
    return ours && !alive(parent) && !alive(dog);
}

void sctl_embedded_sweep(const char *base)
{
    DIR *d = opendir(base);
    struct dirent *ent;
    char dir[4096];
    while (d && (ent = readdir(d))) {
        if (strncmp(ent->d_name, "schemactl-", 10) != 0)
            continue;
        snprintf(dir, sizeof dir, "%s/%s", base, ent->d_name);
        if (stale(dir))
            sctl_embedded_cleanup(dir);
    }
    if (d)
        closedir(d);
}

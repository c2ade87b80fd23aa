/*
 * embedded.c — the throwaway PostgreSQL behind --embedded: initdb into a
 * fresh temporary directory, a server listening only on a unix socket in
 * that directory, everything removed at stop.
 *
 * Programs run by fork and exec with an argv, never through a shell.  As
 * root they run as the postgres system user, since PostgreSQL refuses to
 * run as root; the privileges are dropped here rather than by runuser or su
 * so that nothing beyond the server binaries is needed.
 */
/* setgroups is BSD, nftw X/Open */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1
#endif
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <locale.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "schemactl.h"

/* Where the server binaries are when neither PATH nor pg_config says. */
#define FALLBACK_BINDIR "/usr/lib/postgresql/15/bin"

/* sun_path holds 107 bytes and a NUL; the socket is
 * BASE/schemactl-XXXXXX/.s.PGSQL.NNNNN, 32 bytes longer than BASE. */
#define MAX_BASE_LEN (107 - 32)

static char *fmt(const char *f, ...)
{
    va_list ap, again;
    va_start(ap, f);
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, f, ap);
    char *s = n < 0 ? NULL : malloc((size_t)n + 1);
    if (s)
        vsnprintf(s, (size_t)n + 1, f, again);
    va_end(again);
    va_end(ap);
    return s;
}

static bool executable(const char *dir, const char *name)
{
    char *path = fmt("%s/%s", dir, name);
    bool ok = path && access(path, X_OK) == 0;
    free(path);
    return ok;
}

/* initdb, pg_ctl and postgres side by side: pg_ctl looks for postgres
 * next to itself. */
static bool has_server(const char *dir)
{
    return executable(dir, "initdb") && executable(dir, "pg_ctl") &&
           executable(dir, "postgres");
}

/* The first directory of PATH with `name` in it (or, when want_server,
 * with the server binaries), malloc'd; NULL if none. */
static char *on_path(const char *name, bool want_server)
{
    const char *path = getenv("PATH");
    while (path && *path) {
        size_t n = strcspn(path, ":");
        char *dir = fmt("%.*s", (int)n, path);
        /* an empty entry would be the caller's cwd: not a place to trust */
        if (dir && *dir &&
            (want_server ? has_server(dir) : executable(dir, name)))
            return dir;
        free(dir);
        path += n + (path[n] == ':');
    }
    return NULL;
}

/* Reads what a program prints on stdout (at most 4 KiB, one line). */
static char *first_line_of(char *const argv[])
{
    char buf[4096];
    ssize_t n = 0, got;
    int fd[2];
    if (pipe(fd) != 0)
        return NULL;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd[1], STDOUT_FILENO);
        close(fd[0]);
        close(fd[1]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(fd[1]);
    while (pid > 0 && (got = read(fd[0], buf + n, sizeof buf - 1 - n)) > 0)
        n += got;
    close(fd[0]);
    if (pid > 0)
        waitpid(pid, NULL, 0);
    buf[n] = '\0';
    return pid > 0 && n > 0 ? fmt("%.*s", (int)strcspn(buf, "\n"), buf) : NULL;
}

static char *pg_config_bindir(void)
{
    char *dir = on_path("pg_config", false);
    if (!dir)
        return NULL;
    char *exe = fmt("%s/pg_config", dir);
    char *argv[] = {exe, "--bindir", NULL};
    char *bindir = exe ? first_line_of(argv) : NULL;
    free(exe);
    free(dir);
    return bindir;
}

/* PATH first, then pg_config --bindir, then the Debian location. */
static char *find_bindir(void)
{
    char *dir = on_path(NULL, true);
    if (!dir && (dir = pg_config_bindir()) && !has_server(dir)) {
        free(dir);
        dir = NULL;
    }
    if (!dir && has_server(FALLBACK_BINDIR))
        dir = fmt("%s", FALLBACK_BINDIR);
    return dir;
}

/* In the child, before exec: says why to the log, then exits. */
static void child_fails(const char *what, const char *hint)
{
    dprintf(STDERR_FILENO, "%s: %s%s\n", what, strerror(errno), hint);
    _exit(126);
}

/* The child side of run(): log, user, directory, then exec.  The log is
 * opened first so that whatever goes wrong is in it for the caller. */
static void child(char *const argv[], const char *log,
                  const struct passwd *as, const char *cwd, pid_t parent)
{
    int in = open("/dev/null", O_RDONLY);
    /* O_NOFOLLOW: as root, in a directory user postgres owns */
    int out = open(log, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW, 0600);
    if (in < 0 || out < 0 || dup2(in, STDIN_FILENO) < 0 ||
        dup2(out, STDOUT_FILENO) < 0 || dup2(out, STDERR_FILENO) < 0)
        _exit(126);
    if (as && (setgroups(1, &as->pw_gid) != 0 || setgid(as->pw_gid) != 0 ||
               setuid(as->pw_uid) != 0))
        child_fails("cannot become user postgres", "");
    /* An initdb or pg_ctl whose parent was killed (SIGKILL runs no
     * handler) is ended too, rather than left writing in the directory
     * the watchdog is removing: set after setuid, which clears it, and
     * checked against a parent that died before it was set.  (A server
     * pg_ctl starts is its grandchild, which does not inherit it: the
     * watchdog stops that.) */
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent)
        _exit(126);
    /* after dropping privileges: the caller's cwd may be closed to them */
    if (chdir(cwd) != 0)
        child_fails(as ? "user postgres cannot enter the directory" :
                         "cannot enter the directory",
                    as ? " (set TMPDIR to a directory it can reach)" : "");
    execv(argv[0], argv);
    child_fails(argv[0], "");
}

/* Runs argv (as `as` if not NULL) in cwd with stdout and stderr appended
 * to log; true if it exits 0. */
static bool run(char *const argv[], const char *log, const struct passwd *as,
                const char *cwd)
{
    int status;
    pid_t parent = getpid(), pid = fork();
    if (pid == 0)
        child(argv, log, as, cwd, parent);
    if (pid < 0)
        return false;
    sctl_waiting_for(pid);
    pid_t got;
    while ((got = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
        ;
    sctl_waiting_for(0);
    return got == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* The last non-empty line of a log, for error messages (malloc'd), or
 * NULL if it has none. */
static char *last_line(const char *path)
{
    char line[512], last[512] = "";
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f))
        if (line[strspn(line, " \t\r\n")])
            memcpy(last, line, sizeof last);
    if (f)
        fclose(f);
    last[strcspn(last, "\r\n")] = '\0';
    return last[0] ? fmt("%s", last) : NULL;
}

/* "WHAT: " and the last line of the first log that has one. */
static char *log_failure(const char *what, const char *log,
                         const char *other_log)
{
    char *why = last_line(log);
    if (!why && other_log)
        why = last_line(other_log);
    char *msg = fmt("%s: %s", what, why ? why : "no output");
    free(why);
    return msg;
}

/* An absolute path short enough for a socket, of characters that need no
 * quoting in postgresql.conf, in the URL, or in the shell command pg_ctl
 * builds with the data directory's path in it. */
static bool plain_path(const char *s)
{
    return s[0] == '/' && strlen(s) <= MAX_BASE_LEN &&
           strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "0123456789/._-") == strlen(s);
}

/* $TMPDIR, unless it is unset or unusable for a socket path, else /tmp;
 * with its watchdog, so that from here on nothing can outlive us. */
static bool make_dir(SctlEmbedded *e, const struct passwd *pg, char **err)
{
    const char *base = getenv("TMPDIR");
    if (!base || !plain_path(base))
        base = "/tmp";
    sctl_embedded_sweep(base);
    e->dir = fmt("%s%sschemactl-XXXXXX", base,
                 base[strlen(base) - 1] == '/' ? "" : "/");
    if (!e->dir || !mkdtemp(e->dir)) {
        *err = fmt("cannot create a temporary directory in %s: %s", base,
                   strerror(errno));
        free(e->dir);
        e->dir = NULL;
        return false;
    }
    if (!sctl_watchdog_start(e)) {
        *err = fmt("cannot start the embedded server's watchdog: %s",
                   strerror(errno));
        return false;
    }
    if (pg && chown(e->dir, pg->pw_uid, pg->pw_gid) != 0) {
        *err = fmt("cannot give %s to user postgres: %s", e->dir,
                   strerror(errno));
        return false;
    }
    return true;
}

/* make_dir with the ending signals held: one arriving between mkdtemp and
 * the watchdog's start would leave the directory to nobody. */
static bool make_dir_guarded(SctlEmbedded *e, const struct passwd *pg,
                             char **err)
{
    sigset_t ending, before;
    sigemptyset(&ending);
    sigaddset(&ending, SIGINT);
    sigaddset(&ending, SIGTERM);
    sigaddset(&ending, SIGHUP);
    sigprocmask(SIG_BLOCK, &ending, &before);
    bool ok = make_dir(e, pg, err);
    sigprocmask(SIG_SETMASK, &before, NULL);
    return ok;
}

static const char *pick_locale(void)
{
    locale_t l = newlocale(LC_ALL_MASK, "C.UTF-8", (locale_t)0);
    if (!l)
        return "C";
    freelocale(l);
    return "C.UTF-8";
}

/* Only the socket's file name depends on the port (there is no TCP), so
 * any number works; one derived from the directory keeps clear of 5432. */
static int pick_port(const char *dir)
{
    unsigned h = 5381;
    for (; *dir; dir++)
        h = h * 33 + (unsigned char)*dir;
    return 20000 + (int)(h % 10000);
}

static bool init_cluster(SctlEmbedded *e, const char *bindir,
                         const struct passwd *pg, char **err)
{
    char *exe = fmt("%s/initdb", bindir), *data = fmt("%s/data", e->dir);
    char *log = fmt("%s/initdb.log", e->dir);
    char *loc = fmt("--locale=%s", pick_locale());
    /* --no-sync: nothing here has to survive a crash */
    char *argv[] = {exe, "-D", data, "-U", "postgres", "-A", "trust",
                    "-E", "UTF8", loc, "--no-sync", "--no-instructions",
                    NULL};
    bool ok = run(argv, log, pg, e->dir);
    if (!ok)
        *err = log_failure("initdb failed", log, NULL);
    free(exe);
    free(data);
    free(log);
    free(loc);
    return ok;
}

/* A copy of the cluster kept from an earlier initdb when there is one
 * (embedded_template.c), else initdb, kept for the next time.  As root,
 * only where user postgres can enter: else initdb says why. */
static bool make_cluster(SctlEmbedded *e, const char *bindir,
                         const struct passwd *pg, char **err)
{
    char *data = fmt("%s/data", e->dir), *log = fmt("%s/pg_ctl.log", e->dir);
    char *argv[] = {"/bin/true", NULL};
    bool ok = data && log && (!pg || run(argv, log, pg, e->dir)) &&
              sctl_template_clone(bindir, pg, data);
    if (!ok && (ok = init_cluster(e, bindir, pg, err)) && data)
        sctl_template_keep(bindir, data);
    free(data);
    free(log);
    return ok;
}

/* Durability off, no TCP: a crash loses nothing anyone cares about. */
static bool configure(SctlEmbedded *e, char **err)
{
    char *path = fmt("%s/data/postgresql.conf", e->dir);
    int fd = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "a");
    free(path);
    if (f)
        fprintf(f, "\n# schemactl --embedded: a throwaway cluster\n"
                   "listen_addresses = ''\nunix_socket_directories = '%s'\n"
                   "port = %d\nfsync = off\nsynchronous_commit = off\n"
                   "full_page_writes = off\nwal_level = minimal\n"
                   "max_wal_senders = 0\nautovacuum = off\njit = off\n"
                   "max_locks_per_transaction = 1024\n"
                   "log_min_messages = warning\n", e->dir, e->port);
    if (!f || fclose(f) != 0) {
        *err = fmt("cannot configure the embedded server: %s",
                   strerror(errno));
        if (!f && fd >= 0)
            close(fd);
        return false;
    }
    return true;
}

/* pg_ctl -w returns once the server accepts connections. */
static bool start_server(SctlEmbedded *e, const char *bindir,
                         const struct passwd *pg, char **err)
{
    char *exe = fmt("%s/pg_ctl", bindir), *data = fmt("%s/data", e->dir);
    char *log = fmt("%s/pg_ctl.log", e->dir);
    char *server_log = fmt("%s/server.log", e->dir);
    char *argv[] = {exe, "-D", data, "-l", server_log, "-w", "-t", "60",
                    "-s", "start", NULL};
    bool ok = run(argv, log, pg, e->dir);
    /* the server's own log says why, unless pg_ctl never got that far */
    if (!ok)
        *err = log_failure("the embedded server did not start", server_log,
                           log);
    free(exe);
    free(data);
    free(log);
    free(server_log);
    return ok;
}

/* The postgres user when running as root; NULL and *err if it is
 * needed and missing. */
static bool server_user(const struct passwd **pg, char **err)
{
    *pg = NULL;
    if (geteuid() != 0)
        return true;
    if ((*pg = getpwnam("postgres")))
        return true;
    *err = fmt("running as root needs the postgres system user "
               "(PostgreSQL refuses to run as root)");
    return false;
}

static bool start(SctlEmbedded *e, char **err)
{
    const struct passwd *pg;
    char *bindir = find_bindir();
    bool ok = false;
    if (!bindir)
        *err = fmt("PostgreSQL server binaries not found (initdb, pg_ctl "
                   "and postgres on PATH, in pg_config --bindir or in %s)",
                   FALLBACK_BINDIR);
    else if (server_user(&pg, err) && make_dir_guarded(e, pg, err)) {
        e->port = pick_port(e->dir);
        ok = make_cluster(e, bindir, pg, err) && configure(e, err) &&
             start_server(e, bindir, pg, err);
    }
    free(bindir);
    return ok;
}

bool sctl_embedded_start(SctlEmbedded *e, char **err)
{
    memset(e, 0, sizeof *e);
    *err = NULL;
    if (!start(e, err)) {
        sctl_embedded_stop(e);
        return false;
    }
    e->url = fmt("postgresql://postgres@/postgres?host=%s&port=%d", e->dir,
                 e->port);
    return true;
}

/* The postmaster of our data directory, or 0: the pid file's first line,
 * checked against the process's command line (a stale file may name an
 * unrelated process by now). */
static pid_t postmaster(const char *dir)
{
    char *pidfile = fmt("%s/data/postmaster.pid", dir), line[64] = "";
    FILE *f = fopen(pidfile, "r");
    free(pidfile);
    if (f && !fgets(line, sizeof line, f))
        line[0] = '\0';
    if (f)
        fclose(f);
    long pid = strtol(line, NULL, 10);
    if (pid <= 0)
        return 0;
    char *cmdline = fmt("/proc/%ld/cmdline", pid), buf[4096];
    FILE *p = fopen(cmdline, "r");
    free(cmdline);
    size_t n = p ? fread(buf, 1, sizeof buf - 1, p) : 0;
    if (p)
        fclose(p);
    for (size_t i = 0; i < n; i++)
        buf[i] = buf[i] ? buf[i] : ' ';
    buf[n] = '\0';
    char *data = fmt("%s/data", dir);
    bool ours = data && strstr(buf, data);
    free(data);
    return ours ? (pid_t)pid : 0;
}

static void pause_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* When pg_ctl cannot stop it: SIGQUIT (immediate shutdown), then after
 * five seconds SIGKILL. */
static void kill_postmaster(const char *dir)
{
    pid_t pid = postmaster(dir);
    if (pid <= 0 || kill(pid, SIGQUIT) != 0)
        return;
    for (int i = 0; i < 50 && postmaster(dir) == pid; i++)
        pause_ms(100);
    if (postmaster(dir) == pid)
        kill(pid, SIGKILL);
}

static void stop_server(const char *dir)
{
    const struct passwd *pg;
    char *err = NULL, *bindir = find_bindir();
    char *exe = bindir ? fmt("%s/pg_ctl", bindir) : NULL;
    char *data = fmt("%s/data", dir), *log = fmt("%s/pg_ctl.log", dir);
    char *argv[] = {exe, "-D", data, "-m", "fast", "-w", "-t", "30", "-s",
                    "stop", NULL};
    if (!exe || !server_user(&pg, &err) || !run(argv, log, pg, dir))
        kill_postmaster(dir);
    free(err);
    free(bindir);
    free(exe);
    free(data);
    free(log);
}

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

void sctl_embedded_cleanup(const char *dir)
{
    char *pidfile = fmt("%s/data/postmaster.pid", dir);
    if (pidfile && access(pidfile, F_OK) == 0)
        stop_server(dir);
    free(pidfile);
    /* depth first, without following symbolic links out of it */
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void sctl_embedded_stop(SctlEmbedded *e)
{
    if (e->dir && !sctl_watchdog_stop(e))
        sctl_embedded_cleanup(e->dir);
    free(e->dir);
    free(e->url);
    memset(e, 0, sizeof *e);
}

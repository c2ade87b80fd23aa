/*
 * migrate.c — `schemac diff OLD NEW`: the migration file from one version
 * of a schema to another.  One planner, not two: NEW's executable is
 * built into a temporary directory and run as `migration --base OLD.sql`,
 * which applies OLD's canonical SQL to a throwaway server and plans NEW
 * against it exactly as apply would (src/runtime/migration.c).
 *
 * OLD and NEW are a .schema file or a directory, or REV:PATH read from
 * git (PATH from the top of the work tree, as git spells it).  Everything
 * temporary lives in one directory, removed on every path out, signals
 * included; the output is written whole or not at all.
 */
/* nftw is X/Open */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#include "schemac.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { EXIT_INPUT = 1, EXIT_USAGE = 2 };

typedef struct DiffArgs {
    const char *old, *new;
    const char *out_dir, *name;   /* -o DIR --name NAME */
    bool supabase;                /* --format supabase */
    bool allow_data_loss;
} DiffArgs;

/* One side: the directory to compile in and the path there. */
typedef struct Side {
    const char *root;             /* NULL: the current directory */
    const char *path;
} Side;

/* ------------------------------------------------ cleanup on any exit */

static char *work;                /* the temporary directory, or NULL */
static char *partial;             /* an output file being written */
static volatile pid_t child;      /* the process group running, or 0 */

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

/* A throwaway server under it may still be stopping (its watchdog stops
 * it once the executable is gone) and writing files: removed until none
 * is left, for up to 10 s. */
static void remove_work(void)
{
    struct stat st;
    for (int k = 0; work && k < 100 && stat(work, &st) == 0; k++) {
        nftw(work, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        if (stat(work, &st) == 0)
            usleep(100 * 1000);
    }
    work = NULL;
}

/* The child's group first (it stops its own throwaway server), then the
 * directory. */
static void on_signal(int sig)
{
    pid_t pid = child;
    if (pid > 0) {
        kill(-pid, SIGTERM);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    remove_work();
    if (partial)
        unlink(partial);
    _exit(128 + sig);
}

static bool make_work(void)
{
    const char *tmp = getenv("TMPDIR");
    char *t = malloc(4096);
    snprintf(t, 4096, "%s/schemac-diff-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(t)) {
        fprintf(stderr, "schemac: cannot make a temporary directory: %s\n",
                strerror(errno));
        free(t);
        return false;
    }
    work = t;
    chmod(t, 0711);   /* the server's own directory is postgres's */
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);
    return true;
}

/* ------------------------------------------------------- subprocesses */

/* Runs file with argv (no shell) in dir (NULL: here) with stdout to out
 * (NULL: as it is), in a process group of its own so a signal reaches all
 * of it.  Returns its exit status, or -1 when it could not run or was
 * killed. */
static int run_file(const char *dir, const char *file, char *const argv[],
                    const char *out)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        int fd = out ? open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600) : -1;
        if ((out && (fd < 0 || dup2(fd, 1) < 0)) || (dir && chdir(dir) != 0))
            _exit(126);
        execvp(file, argv);
        fprintf(stderr, "schemac: cannot run %s: %s\n", file,
                strerror(errno));
        _exit(127);
    }
    if (pid < 0)
        return -1;
    child = pid;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            status = -1;
            break;
        }
    child = 0;
    return status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int run_in(const char *dir, char *const argv[], const char *out)
{
    return run_file(dir, argv[0], argv, out);
}

/* A file's whole text (malloc'd), or NULL. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    Buf b = {0};
    char chunk[65536];
    size_t n;
    buf_put(&b, "", 0);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_put(&b, chunk, n);
    bool ok = !ferror(f);
    fclose(f);
    if (!ok) {
        buf_free(&b);
        return NULL;
    }
    *len = b.len;
    return b.data;
}

static char *in_work(Arena *a, const char *name)
{
    return arena_printf(a, "%s/%s", work, name);
}

/* ----------------------------------------------------------- the sides */

/* The top of the git work tree we are in (arena), or NULL. */
static const char *git_top(Arena *a)
{
    char *out = in_work(a, "git-top");
    char *argv[] = {"git", "rev-parse", "--show-toplevel", NULL};
    size_t n = 0;
    char *text = run_in(NULL, argv, out) == 0 ? slurp(out, &n) : NULL;
    if (!text)
        return NULL;
    text[strcspn(text, "\n")] = '\0';
    const char *top = arena_strdup(a, text);
    free(text);
    return *top ? top : NULL;
}

/* REV:PATH, PATH from the top of the work tree, extracted under the work
 * directory: the files keep their names from the top (PATH/...). */
static bool from_git(Arena *a, const char *spec, const char *tag, Side *s)
{
    const char *colon = strchr(spec, ':');
    char *rev = arena_strndup(a, spec, (size_t)(colon - spec));
    const char *path = *(colon + 1) ? colon + 1 : ".";
    const char *top = git_top(a);
    char *tar = in_work(a, arena_printf(a, "%s.tar", tag));
    char *root = in_work(a, tag);
    char *archive[] = {"git", "archive", "--format=tar", "-o", tar, rev,
                       "--", (char *)path, NULL};
    char *extract[] = {"tar", "-xf", tar, "-C", root, NULL};
    if (!top || mkdir(root, 0700) != 0 || run_in(top, archive, NULL) != 0 ||
        run_in(NULL, extract, NULL) != 0) {
        fprintf(stderr, "schemac: cannot read %s from git\n", spec);
        return false;
    }
    s->root = root;
    s->path = path;
    return true;
}

/* A path that exists is a path; else REV:PATH when it has a colon. */
static bool resolve(Arena *a, const char *spec, const char *tag, Side *s)
{
    struct stat st;
    if (stat(spec, &st) == 0 || !strchr(spec, ':') || spec[0] == ':') {
        s->root = NULL;
        s->path = spec;
        return true;
    }
    return from_git(a, spec, tag, s);
}

/* An absolute path of this very program, to run it again. */
static char *self(Arena *a)
{
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0)
        return arena_strdup(a, "schemac");
    buf[n] = '\0';
    return arena_strdup(a, buf);
}

/* The project's name: the last part of its path, without .schema. */
static const char *project_name(Arena *a, const char *path)
{
    char *p = arena_strdup(a, path);
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        p[--n] = '\0';
    const char *base = strrchr(p, '/');
    base = base ? base + 1 : p;
    size_t m = strcspn(base, ".");
    if (m == 0)
        return "schema";
    return arena_strndup(a, base, m);
}

/* -------------------------------------------------------------- steps */

/* An exit status of schemac run again: its own, or 2 when it died. */
static int status_of(int st)
{
    return st == 0 || st == EXIT_INPUT ? st : EXIT_USAGE;
}

/* OLD's canonical SQL, to work/old.sql. */
static int compile_old(Arena *a, const Side *old, const char *sql)
{
    char *argv[] = {self(a), "sql", (char *)old->path, NULL};
    return status_of(run_in(old->root, argv, sql));
}

/* NEW's executable, to work/bin/NAME, with everything it writes under
 * work. */
static int build_new(Arena *a, const Side *new, const char *bin)
{
    char *argv[] = {self(a), "build", (char *)new->path, "-o", (char *)bin,
                    "--sql-dir", in_work(a, "generated"),
                    "--pgc-dir", in_work(a, "pgc"),
                    "--build-dir", in_work(a, "build"), NULL};
    return status_of(run_in(new->root, argv, "/dev/null"));
}

/* The executable plans; its messages start "schemac:" like ours (its
 * name is argv[0]). */
static int plan_migration(const char *bin, const char *sql, bool allow,
                          const char *out)
{
    char *argv[] = {"schemac", "migration", "--base", (char *)sql,
                    allow ? "--allow-data-loss" : NULL, NULL};
    int st = run_file(NULL, bin, argv, out);
    return st == 0 || st == 1 ? st : EXIT_USAGE;
}

/* ------------------------------------------------------------- output */

/* A name from the command line in a comment: on its line. */
static void put_spec(Buf *b, const char *label, const char *spec)
{
    buf_puts(b, label);
    for (const char *p = spec; *p; p++)
        buf_putc(b, (unsigned char)*p < 0x20 ? '?' : *p);
    buf_putc(b, '\n');
}

static bool good_name(const char *name)
{
    return *name && strspn(name, "abcdefghijklmnopqrstuvwxyz"
                           "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") ==
                        strlen(name);
}

/* DIR/NAME.sql, or as the Supabase CLI names a new migration:
 * DIR/supabase/migrations/<UTC YYYYMMDDHHMMSS>_NAME.sql. */
static char *file_name(Arena *a, const DiffArgs *d)
{
    if (!d->supabase)
        return arena_printf(a, "%s/%s.sql", d->out_dir, d->name);
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", gmtime_r(&now, &tm));
    return arena_printf(a, "%s/supabase/migrations/%s_%s.sql", d->out_dir,
                        stamp, d->name);
}

static bool make_parents(Arena *a, const char *path)
{
    char *p = arena_strdup(a, path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            return false;
        *s = '/';
    }
    return true;
}

/* A temporary file beside path, then rename: never half a migration. */
static int write_file(Arena *a, const char *path, const Buf *b)
{
    char *tmp = arena_printf(a, "%s.XXXXXX", path);
    int fd = make_parents(a, path) ? mkstemp(tmp) : -1;
    if (fd >= 0)
        partial = tmp;
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    bool ok = f && fwrite(b->data, 1, b->len, f) == b->len;
    ok = f && fclose(f) == 0 && ok;
    ok = ok && chmod(tmp, 0644) == 0 && rename(tmp, path) == 0;
    if (!ok) {
        fprintf(stderr, "schemac: cannot write %s: %s\n", path,
                strerror(errno));
        if (fd >= 0)
            unlink(tmp);
    }
    partial = NULL;
    if (ok)
        printf("%s\n", path);
    return ok ? 0 : EXIT_USAGE;
}

static int emit(Arena *a, const DiffArgs *d, const char *body_path)
{
    size_t n = 0;
    char *body = slurp(body_path, &n);
    if (!body) {
        fprintf(stderr, "schemac: cannot read the migration\n");
        return EXIT_USAGE;
    }
    Buf b = {0};
    buf_puts(&b, "-- generated by schemac diff; do not edit\n");
    put_spec(&b, "-- from: ", d->old);
    put_spec(&b, "-- to:   ", d->new);
    buf_put(&b, body, n);
    free(body);
    int status = 0;
    if (d->out_dir)
        status = write_file(a, file_name(a, d), &b);
    else if (fwrite(b.data, 1, b.len, stdout) != b.len || fflush(stdout))
        status = EXIT_USAGE;
    buf_free(&b);
    return status;
}

/* ------------------------------------------------------------ command */

static const char usage[] =
    "usage: schemac diff [--allow-data-loss] [-o DIR --name NAME "
    "[--format supabase]] OLD NEW\n"
    "OLD and NEW: a .schema file, a directory, or REV:PATH read from git\n";

static bool parse_args(int argc, char **argv, DiffArgs *d)
{
    for (int i = 2; i < argc; i++) {
        const char *w = argv[i];
        bool more = i + 1 < argc;
        if (strcmp(w, "--allow-data-loss") == 0)
            d->allow_data_loss = true;
        else if (strcmp(w, "-o") == 0 && more)
            d->out_dir = argv[++i];
        else if (strcmp(w, "--name") == 0 && more)
            d->name = argv[++i];
        else if (strcmp(w, "--format") == 0 && more &&
                 (strcmp(argv[i + 1], "supabase") == 0 ||
                  strcmp(argv[i + 1], "plain") == 0))
            d->supabase = strcmp(argv[++i], "supabase") == 0;
        else if (w[0] == '-' && w[1]) {
            fprintf(stderr, "schemac: unknown option %s\n%s", w, usage);
            return false;
        } else if (!d->old)
            d->old = w;
        else if (!d->new)
            d->new = w;
        else {
            fprintf(stderr, "schemac: diff takes two versions\n%s", usage);
            return false;
        }
    }
    return true;
}

static bool check_args(const DiffArgs *d)
{
    const char *problem =
        !d->old || !d->new ? "diff needs OLD and NEW"
        : !d->out_dir != !d->name ? "-o DIR and --name NAME go together"
        : d->supabase && !d->out_dir ? "--format supabase needs -o DIR"
        : d->name && !good_name(d->name)
            ? "--name takes letters, digits, _ and - only"
            : NULL;
    if (problem)
        fprintf(stderr, "schemac: %s\n%s", problem, usage);
    return !problem;
}

/* Everything after the temporary directory exists. */
static int diff_in_work(Arena *a, const DiffArgs *d)
{
    Side old, new;
    if (!resolve(a, d->old, "old", &old) || !resolve(a, d->new, "new", &new))
        return EXIT_USAGE;
    char *sql = in_work(a, "old.sql");
    char *bin = in_work(a, arena_printf(a, "bin/%s",
                                        project_name(a, new.path)));
    char *body = in_work(a, "migration.sql");
    int status = compile_old(a, &old, sql);
    if (status == 0)
        status = build_new(a, &new, bin);
    if (status == 0)
        status = plan_migration(bin, sql, d->allow_data_loss, body);
    if (status == 0)
        status = emit(a, d, body);
    return status;
}

int migrate_main(int argc, char **argv)
{
    DiffArgs d = {0};
    if (!parse_args(argc, argv, &d) || !check_args(&d))
        return EXIT_USAGE;
    if (!make_work())
        return EXIT_USAGE;
    /* what the children make (compiler files, the throwaway server) goes
     * into the one directory removed at the end, whatever stops them */
    setenv("TMPDIR", work, 1);
    Arena *a = arena_new();
    int status = diff_in_work(a, &d);
    remove_work();
    arena_free(a);
    return status;
}

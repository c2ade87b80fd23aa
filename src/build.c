/*
 * build.c — `schemac build`: checks every statement the executable can
 * run (shape_check.c), writes generated/NAME.sql and pgc/NAME.pgc (each
 * whole or not at all), then compiles the source's parts in parallel and
 * links bin/NAME with the schemactl runtime, libecpg and libpq.
 *
 * Everything is written beside -o unless told otherwise: for bin/NAME the
 * directory above bin/ (the project's top), else -o's own directory; the
 * intermediate files go to build/schemac/NAME there.  Nothing is rebuilt
 * when the source and the runtime are the same as last time.
 */
#include "schemac.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static bool make_dirs(const char *path, Diag *d)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
            diag_plain(d, DIAG_ERROR, "cannot create %s: %s", buf,
                       strerror(errno));
            return false;
        }
        *p = '/';
    }
    return true;
}

/* A temporary file of its own beside path, then rename: readers never see
 * half a file, and two builds never share a temporary name. */
static bool write_whole(Arena *a, const char *path, const Buf *b, Diag *d)
{
    if (!make_dirs(path, d))
        return false;
    char *tmp = arena_printf(a, "%s.XXXXXX", path);
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    bool ok = f && fwrite(b->data, 1, b->len, f) == b->len;
    ok = f && fclose(f) == 0 && ok;
    if (!f && fd >= 0)
        close(fd);
    if (ok && chmod(tmp, 0644) == 0 && rename(tmp, path) == 0)
        return true;
    diag_plain(d, DIAG_ERROR, "cannot write %s: %s", path, strerror(errno));
    if (fd >= 0)
        unlink(tmp);
    return false;
}

static pid_t spawn(char *const argv[])
{
    pid_t pid = fork();
    if (pid == 0) {
        execvp(argv[0], argv);
        fprintf(stderr, "schemac: cannot run %s: %s\n", argv[0],
                strerror(errno));
        _exit(127);
    }
    return pid;
}

static bool finished(pid_t pid)
{
    int status = 0;
    while (pid > 0 && waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return false;
    return pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Runs each command line (no shell) at the same time; true if all exit
 * 0.  Their output passes through. */
static bool run_all(char **argvs[], int n, Diag *d)
{
    pid_t pids[EMIT_PGC_PARTS + 1];
    for (int i = 0; i < n; i++)
        pids[i] = spawn(argvs[i]);
    bool ok = true;
    for (int i = 0; i < n; i++)
        if (!finished(pids[i])) {
            diag_plain(d, DIAG_ERROR, "%s failed", argvs[i][0]);
            ok = false;
        }
    return ok;
}

/* libpq and ecpg headers: pg_config knows; Debian's place otherwise. */
static char *pg_includedir(Arena *a)
{
    FILE *p = popen("pg_config --includedir 2>/dev/null", "r");
    char line[1024] = "";
    if (p) {
        if (!fgets(line, sizeof line, p))
            line[0] = '\0';
        pclose(p);
    }
    line[strcspn(line, "\n")] = '\0';
    return arena_strdup(a, line[0] ? line : "/usr/include/postgresql");
}

/* ------------------------------------------------------------ places */

static char *dir_of(Arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return arena_strdup(a, ".");
    return slash == path ? arena_strdup(a, "/")
                         : arena_strndup(a, path, (size_t)(slash - path));
}

/* The project's top: above bin/ when -o is bin/NAME, else -o's dir. */
static char *top_of(Arena *a, const char *bin)
{
    char *dir = dir_of(a, bin);
    const char *base = strrchr(dir, '/');
    base = base ? base + 1 : dir;
    return strcmp(base, "bin") == 0 ? dir_of(a, dir) : dir;
}

static void default_dirs(Arena *a, const char *bin, BuildDirs *out)
{
    char *top = top_of(a, bin);
    if (!out->sql_dir)
        out->sql_dir = arena_printf(a, "%s/generated", top);
    if (!out->pgc_dir)
        out->pgc_dir = arena_printf(a, "%s/pgc", top);
    if (!out->work_dir)
        out->work_dir = arena_printf(a, "%s/build/schemac", top);
}

/* ------------------------------------------------------------ compile */

static const char *cc(void)
{
    const char *v = getenv("CC");
    return v && *v ? v : "cc";
}

static const char *cflags(void)
{
    const char *v = getenv("SCHEMAC_CFLAGS");
    return v && *v ? v : "-O0";
}

/* What the executable's binary depends on: its source, the runtime it
 * links and how it is compiled.  Equal keys mean the last build's binary
 * is this one's. */
static char *build_key(Arena *a, const Buf *pgc, const char *runtime)
{
    struct stat st;
    Buf b = {0};
    buf_put(&b, pgc->data, pgc->len);
    buf_printf(&b, "\n%s %s", cc(), cflags());
    if (stat(runtime, &st) == 0)
        buf_printf(&b, "\n%s %lld %lld", runtime, (long long)st.st_size,
                   (long long)st.st_mtime);
    char hex[65];
    sha256_hex(b.data, b.len, hex);
    buf_free(&b);
    return arena_strdup(a, hex);
}

static bool up_to_date(const char *stamp, const char *key, const char *bin)
{
    char line[80] = "";
    FILE *f = fopen(stamp, "r");
    if (f) {
        if (!fgets(line, sizeof line, f))
            line[0] = '\0';
        fclose(f);
    }
    return access(bin, X_OK) == 0 && strncmp(line, key, 64) == 0;
}

typedef struct Compile {
    Arena *a;
    const char *work;        /* build/schemac/NAME */
    const char *rt, *common, *pginc;
} Compile;

static char **ecpg_argv(Compile *c, int k)
{
    char **v = arena_alloc(c->a, sizeof *v * 7);
    v[0] = "ecpg";
    v[1] = "-o";
    v[2] = arena_printf(c->a, "%s/part%d.c", c->work, k + 1);
    v[3] = arena_printf(c->a, "-I%s", c->rt);
    v[4] = arena_printf(c->a, "-I%s", c->common);
    v[5] = arena_printf(c->a, "%s/part%d.pgc", c->work, k + 1);
    return v;
}

static char **cc_argv(Compile *c, int k)
{
    char **v = arena_alloc(c->a, sizeof *v * 12);
    char **p = v;
    *p++ = (char *)cc();
    *p++ = (char *)cflags();
    *p++ = "-w";
    *p++ = "-c";
    *p++ = arena_printf(c->a, "-I%s", c->rt);
    *p++ = arena_printf(c->a, "-I%s", c->common);
    *p++ = arena_printf(c->a, "-I%s", c->pginc);
    *p++ = "-o";
    *p++ = arena_printf(c->a, "%s/part%d.o", c->work, k + 1);
    *p++ = arena_printf(c->a, "%s/part%d.c", c->work, k + 1);
    return v;
}

/* Not position-independent: the tables of statements and objects are
 * pointers, and a PIE relocates each at every start (1.27 million at
 * 10,000 tables: verify's fast path 0.158 s against 0.138, 67 MiB
 * resident against 29). */
static char **link_argv(Compile *c, const char *out, const char *runtime)
{
    char **v = arena_alloc(c->a, sizeof *v * (EMIT_PGC_PARTS + 9));
    char **p = v;
    *p++ = (char *)cc();
    *p++ = "-no-pie";
    *p++ = "-o";
    *p++ = (char *)out;
    for (int k = 0; k < EMIT_PGC_PARTS; k++)
        *p++ = arena_printf(c->a, "%s/part%d.o", c->work, k + 1);
    *p++ = (char *)runtime;
    *p++ = "-lecpg";
    *p++ = "-lpq";
    return v;
}

/* Each part through ecpg, then cc, all parts at once; then the link to a
 * temporary name, renamed over bin. */
static bool compile_parts(Compile *c, const char *bin, const char *runtime,
                          Diag *d)
{
    char **argvs[EMIT_PGC_PARTS];
    for (int k = 0; k < EMIT_PGC_PARTS; k++)
        argvs[k] = ecpg_argv(c, k);
    if (!run_all(argvs, EMIT_PGC_PARTS, d))
        return false;
    for (int k = 0; k < EMIT_PGC_PARTS; k++)
        argvs[k] = cc_argv(c, k);
    if (!run_all(argvs, EMIT_PGC_PARTS, d) || !make_dirs(bin, d))
        return false;
    const char *tmp = arena_printf(c->a, "%s.tmp%ld", bin, (long)getpid());
    char **link = link_argv(c, tmp, runtime);
    if (run_all(&link, 1, d) && rename(tmp, bin) == 0)
        return true;
    unlink(tmp);
    diag_plain(d, DIAG_ERROR, "cannot link %s", bin);
    return false;
}

static bool compile_and_link(Arena *a, const Buf *pgc,
                             Buf parts[EMIT_PGC_PARTS], const char *bin,
                             const char *work, Diag *d)
{
    SchemacHome h;
    if (!home_find(a, &h, d))
        return false;
    Compile c = {a, work, h.runtime_inc, h.common_inc, pg_includedir(a)};
    const char *runtime = h.lib;
    const char *stamp = arena_printf(a, "%s/stamp", work);
    char *key = build_key(a, pgc, runtime);
    if (up_to_date(stamp, key, bin))
        return true;
    for (int k = 0; k < EMIT_PGC_PARTS; k++)
        if (!write_whole(a, arena_printf(a, "%s/part%d.pgc", work, k + 1),
                         &parts[k], d))
            return false;
    if (!compile_parts(&c, bin, runtime, d))
        return false;
    Buf line = {0};
    buf_printf(&line, "%s\n", key);
    bool ok = write_whole(a, stamp, &line, d);
    buf_free(&line);
    return ok;
}

/* ------------------------------------------------------------ outputs */

int build_outputs(Arena *a, const Program *p, const char *project,
                  BuildOutputs *out, Diag *d)
{
    Vec statements = {0};
    emit_sql_statements(a, p, &statements);
    out->sql = (Buf){0};
    emit_sql_write(&out->sql, &statements);
    out->model = model_build(a, p, &statements, out->sql.data, project,
                             &out->at);
    out->parsed = shape_check(a, out->model, &out->at, d);
    return d->errors ? 1 : 0;
}

static const char *project_of(const char *bin)
{
    const char *base = strrchr(bin, '/');
    return base ? base + 1 : bin;
}

int build_project(Arena *a, const Program *p, const char *bin,
                  const BuildDirs *given, Diag *d)
{
    const char *project = project_of(bin);
    BuildDirs dirs = *given;
    default_dirs(a, bin, &dirs);
    BuildOutputs o;
    int status = build_outputs(a, p, project, &o, d);
    if (status != 0) {
        buf_free(&o.sql);
        return status;
    }
    Buf parts[EMIT_PGC_PARTS], pgc = {0};
    emit_pgc_parts(parts, o.model);
    for (int k = 0; k < EMIT_PGC_PARTS; k++)
        buf_put(&pgc, parts[k].data, parts[k].len);
    const char *work = arena_printf(a, "%s/%s", dirs.work_dir, project);
    bool ok = write_whole(a, arena_printf(a, "%s/%s.sql", dirs.sql_dir,
                                          project), &o.sql, d) &&
              write_whole(a, arena_printf(a, "%s/%s.pgc", dirs.pgc_dir,
                                          project), &pgc, d) &&
              compile_and_link(a, &pgc, parts, bin, work, d);
    for (int k = 0; k < EMIT_PGC_PARTS; k++)
        buf_free(&parts[k]);
    buf_free(&pgc);
    buf_free(&o.sql);
    return ok ? 0 : 2;
}

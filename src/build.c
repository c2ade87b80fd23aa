/*
 * build.c — `schemac build`: writes generated/NAME.sql and pgc/NAME.pgc
 * (each whole or not at all), then runs ecpg and the C compiler to link
 * bin/NAME with the schemactl runtime, libecpg and libpq.
 */
#include "schemac.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SCHEMAC_HOME
#define SCHEMAC_HOME "."
#endif

/* Where the runtime was built: $SCHEMAC_HOME, else the source tree this
 * schemac was built from. */
static const char *home(void)
{
    const char *h = getenv("SCHEMAC_HOME");
    return h && *h ? h : SCHEMAC_HOME;
}

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

/* Temp file and rename: readers never see half a file. */
static bool write_whole(const char *path, const Buf *b, Diag *d)
{
    if (!make_dirs(path, d))
        return false;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    bool ok = f && fwrite(b->data, 1, b->len, f) == b->len;
    ok = f && fclose(f) == 0 && ok;
    if (ok && rename(tmp, path) == 0)
        return true;
    diag_plain(d, DIAG_ERROR, "cannot write %s: %s", path, strerror(errno));
    unlink(tmp);
    return false;
}

/* Runs argv (no shell), its output passing through; true on status 0. */
static bool run(char *const argv[], Diag *d)
{
    pid_t pid = fork();
    if (pid == 0) {
        execvp(argv[0], argv);
        fprintf(stderr, "schemac: cannot run %s: %s\n", argv[0],
                strerror(errno));
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
        diag_plain(d, DIAG_ERROR, "%s failed", argv[0]);
        return false;
    }
    return true;
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

static bool compile_and_link(Arena *a, const char *pgc, const char *bin,
                             const char *project, Diag *d)
{
    const char *c_file = arena_printf(a, "build/pgc/%s.c", project);
    const char *rt = arena_printf(a, "%s/src/runtime", home());
    if (!make_dirs(c_file, d) || !make_dirs(bin, d))
        return false;
    char *ecpg[] = {"ecpg", "-o", (char *)c_file,
                    (char *)arena_printf(a, "-I%s", rt),
                    (char *)arena_printf(a, "-I%s/src/common", home()),
                    (char *)pgc, NULL};
    if (!run(ecpg, d))
        return false;
    const char *cc = getenv("CC") && *getenv("CC") ? getenv("CC") : "cc";
    const char *cflags = getenv("SCHEMAC_CFLAGS");
    char *link[] = {(char *)cc, (char *)(cflags && *cflags ? cflags : "-O0"),
                    "-g", "-w", "-o", (char *)bin, (char *)c_file,
                    (char *)arena_printf(a, "-I%s", rt),
                    (char *)arena_printf(a, "-I%s/src/common", home()),
                    (char *)arena_printf(a, "-I%s", pg_includedir(a)),
                    (char *)arena_printf(a, "%s/build/libschemactl.a",
                                         home()),
                    "-lecpg", "-lpq", NULL};
    return run(link, d);
}

int build_project(Arena *a, const Program *p, const char *sql,
                  const char *bin, Diag *d)
{
    const char *base = strrchr(bin, '/');
    const char *project = base ? base + 1 : bin;
    Buf sqlb = {0}, pgc = {0};
    buf_puts(&sqlb, sql);
    emit_pgc(&pgc, a, p, sql, project);
    const char *sql_path = arena_printf(a, "generated/%s.sql", project);
    const char *pgc_path = arena_printf(a, "pgc/%s.pgc", project);
    bool ok = write_whole(sql_path, &sqlb, d) &&
              write_whole(pgc_path, &pgc, d) &&
              compile_and_link(a, pgc_path, bin, project, d);
    buf_free(&sqlb);
    buf_free(&pgc);
    return ok ? 0 : 2;
}

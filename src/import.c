/*
 * import.c — `schemac import`: .schema files from an existing database.
 *
 *   schemac import --db URL [--schema S ...] [--platform supabase] -o DIR
 *   schemac import FILE.sql ... [--schema S ...] [--platform supabase] -o DIR
 *
 * From SQL files, the files run first, statement by statement as psql
 * runs them, on the runtime's throwaway server (src/runtime/embedded.c),
 * with the platform's stand-in installed first when asked.  The catalog
 * is then read (import_read.c) and written (import_write.c) into a
 * temporary directory beside DIR, compiled there as a check, and renamed
 * to DIR: the output is whole or not there.  Errors are one line; exit 1
 * for the input (a failing statement, an object the language cannot say),
 * 2 for usage, connection and I/O.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#include "import.h"
#include "schemactl.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pg_query.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { EXIT_INPUT = 1, EXIT_USAGE = 2 };

/* The runtime's messages name this program. */
const char *sctl_progname = "schemac";

typedef struct ImportArgs {
    const char *db;             /* --db URL, or NULL: files */
    Vec files;                  /* FILE.sql ... */
    Vec schemas;                /* --schema S ... */
    const char *out;            /* -o DIR */
    bool supabase;              /* --platform supabase */
} ImportArgs;

/* ------------------------------------------------ cleanup on any exit */

static char *partial;           /* the temporary output directory */

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

static void remove_partial(void)
{
    if (partial)
        nftw(partial, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    partial = NULL;
}

/* The throwaway server's watchdog stops it when we go; the output is
 * ours to remove. */
static void on_signal(int sig)
{
    remove_partial();
    _exit(128 + sig);
}

static int fail(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int fail(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("schemac: import: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return status;
}

/* First line of a server or libpq message. */
static const char *line_of(Arena *a, const char *msg)
{
    return arena_strndup(a, msg, strcspn(msg, "\n"));
}

/* --------------------------------------------------------- arguments */

static const char usage_text[] =
    "usage: schemac import --db URL [--schema S ...] [--platform supabase]"
    " -o DIR\n"
    "       schemac import FILE.sql ... [--schema S ...] [--platform "
    "supabase] -o DIR\n";

static bool value_of(int argc, char **argv, int *i, const char *name,
                     const char **v)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return false;
    if (argv[*i][n] == '=')
        *v = argv[*i] + n + 1;
    else if (argv[*i][n] == '\0')
        *v = *i + 1 < argc ? argv[++*i] : NULL;
    else
        return false;
    return true;
}

/* An option with a value: true if argv[*i] is name, *ok false (said)
 * when its value is missing. */
static bool valued(int argc, char **argv, int *i, const char *name,
                   const char **v, bool *ok)
{
    if (!value_of(argc, argv, i, name, v))
        return false;
    if (!*v) {
        fprintf(stderr, "schemac: %s needs a value\n", name);
        *ok = false;
    }
    return true;
}

static bool one_option(Arena *a, int argc, char **argv, int *i,
                       ImportArgs *x, bool *ok)
{
    const char *v = NULL;
    if (valued(argc, argv, i, "--db", &v, ok))
        x->db = v;
    else if (valued(argc, argv, i, "--schema", &v, ok)) {
        if (v)
            vec_push(a, &x->schemas, (void *)v);
    } else if (valued(argc, argv, i, "-o", &v, ok))
        x->out = v;
    else if (valued(argc, argv, i, "--platform", &v, ok)) {
        if (v && strcmp(v, "supabase") != 0) {
            fprintf(stderr, "schemac: invalid value \"%s\" for --platform\n",
                    v);
            *ok = false;
        }
        x->supabase = true;
    } else
        return false;
    return true;
}

static bool parse_args(Arena *a, int argc, char **argv, ImportArgs *x)
{
    for (int i = 2; i < argc; i++) {
        bool ok = true;
        if (one_option(a, argc, argv, &i, x, &ok)) {
            if (!ok)
                return false;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "schemac: unknown option %s for import; see "
                    "schemac import --help\n", argv[i]);
            return false;
        } else
            vec_push(a, &x->files, argv[i]);
    }
    if (!x->out || (!x->db) == (x->files.len == 0)) {
        fputs(!x->out ? "schemac: import needs -o DIR\n"
                      : "schemac: import reads --db URL or FILE.sql ..., "
                        "one of the two\n", stderr);
        fputs(usage_text, stderr);
        return false;
    }
    return true;
}

/* --------------------------------------------------------- SQL files */

/* line:col of byte offset off in text (1-based). */
static void position(const char *text, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && text[i]; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char)text[i] & 0xC0) != 0x80)
            (*col)++;
    }
}

static char *read_file(const char *path, char **err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *err = strerror(errno);
        return NULL;
    }
    Buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_put(&b, chunk, n);
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        buf_free(&b);
        *err = "read error";
        return NULL;
    }
    buf_putc(&b, '\0');
    return b.data;
}

/* One statement; on failure the error at its place in the file. */
static bool run_statement(Arena *a, PGconn *conn, const char *path,
                          const char *text, int loc, int len)
{
    char *sql = arena_strndup(a, text + loc, (size_t)len);
    PGresult *r = PQexec(conn, sql);
    ExecStatusType st = PQresultStatus(r);
    bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ||
              st == PGRES_EMPTY_QUERY;
    if (!ok) {
        const char *pos = PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION);
        const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
        size_t off = (size_t)loc + strspn(text + loc, " \t\r\n");
        if (pos)
            off = (size_t)loc + (size_t)(atoi(pos) - 1);
        int line, col;
        position(text, off, &line, &col);
        fprintf(stderr, "%s:%d:%d: error: %s\n", path, line, col,
                line_of(a, msg ? msg : PQerrorMessage(conn)));
    }
    PQclear(r);
    return ok;
}

/* Under platform supabase, CREATE EXTENSION of an extension Supabase
 * preinstalls whose objects the stand-in makes itself (Debian ships
 * neither): on Supabase the statement finds it there, so here it is
 * skipped rather than failed. */
static bool platform_has_extension(Arena *a, const char *sql)
{
    static const char *const made[] = {"pg_graphql", "supabase_vault", NULL};
    bool mentioned = false;     /* a cheap test before the parser */
    for (const char *c = sql; *c && !mentioned; c++)
        mentioned = strncasecmp(c, "extension", 9) == 0;
    if (!mentioned)
        return false;
    PgQueryParseResult r = pg_query_parse(sql);
    const char *err = NULL;
    Json *tree = r.error ? NULL
                         : json_parse(a, r.parse_tree, strlen(r.parse_tree),
                                      &err);
    pg_query_free_parse_result(r);
    Json *stmt = json_get(json_get(json_at(json_get(tree, "stmts"), 0),
                                   "stmt"), "CreateExtensionStmt");
    const char *name = json_str(json_get(stmt, "extname"));
    for (int i = 0; name && made[i]; i++)
        if (strcmp(name, made[i]) == 0)
            return true;
    return false;
}

/* The file statement by statement (libpg_query splits it as the server
 * would), each in its own transaction unless the file opens one. */
static bool run_file(Arena *a, PGconn *conn, const char *path, bool supabase)
{
    char *why;
    char *text = read_file(path, &why);
    if (!text) {
        fail(EXIT_USAGE, "cannot read %s: %s", path, why);
        return false;
    }
    PgQuerySplitResult s = pg_query_split_with_scanner(text);
    bool ok = !s.error;
    if (s.error) {
        int line, col;
        position(text, (size_t)(s.error->cursorpos > 0 ? s.error->cursorpos - 1
                                                       : 0), &line, &col);
        fprintf(stderr, "%s:%d:%d: error: %s\n", path, line, col,
                s.error->message);
    }
    for (int i = 0; ok && i < s.n_stmts; i++) {
        int loc = s.stmts[i]->stmt_location;
        int len = s.stmts[i]->stmt_len ? s.stmts[i]->stmt_len
                                       : (int)strlen(text + loc);
        if (supabase &&
            platform_has_extension(a, arena_strndup(a, text + loc,
                                                    (size_t)len)))
            continue;
        ok = run_statement(a, conn, path, text, loc, len);
    }
    pg_query_free_split_result(s);
    free(text);
    return ok;
}

/* --------------------------------------------------------- the source */

typedef struct ImportSource {
    SctlEmbedded server;        /* files: the throwaway server */
    bool embedded;
    PGconn *conn;
} ImportSource;

static void source_close(ImportSource *s)
{
    if (s->conn)
        PQfinish(s->conn);
    if (s->embedded)
        sctl_embedded_stop(&s->server);
}

static bool connect_to(Arena *a, ImportSource *s, const char *url)
{
    if (!getenv("PGCONNECT_TIMEOUT"))
        setenv("PGCONNECT_TIMEOUT", SCTL_CONNECT_TIMEOUT, 1);
    s->conn = PQconnectdb(url);
    if (PQstatus(s->conn) != CONNECTION_OK) {
        fail(EXIT_USAGE, "cannot connect to the database: %s",
             line_of(a, PQerrorMessage(s->conn)));
        return false;
    }
    PQclear(PQexec(s->conn, "SET client_min_messages = warning"));
    return true;
}

/* The files run on a throwaway server; its URL on success. */
static int from_files(Arena *a, ImportSource *s, const ImportArgs *x)
{
    char *err = NULL;
    if (!sctl_embedded_start(&s->server, &err)) {
        fail(EXIT_USAGE, "%s", err ? err : "cannot start a server");
        free(err);
        return EXIT_USAGE;
    }
    s->embedded = true;
    if (!connect_to(a, s, s->server.url))
        return EXIT_USAGE;
    if (x->supabase && (!sctl_install_platform(s->conn, &err) ||
                        !import_platform_snapshot(s->conn, &err))) {
        fail(EXIT_USAGE, "%s", err ? err : "cannot install the platform");
        free(err);
        return EXIT_USAGE;
    }
    /* the files' own notices and warnings are not import's to print */
    PQclear(PQexec(s->conn, "SET client_min_messages = error"));
    for (int i = 0; i < x->files.len; i++)
        if (!run_file(a, s->conn, x->files.items[i], x->supabase))
            return EXIT_INPUT;
    return EXIT_SUCCESS;
}

/* ---------------------------------------------------------- output */

static bool write_all(const char *path, const Buf *b)
{
    FILE *f = fopen(path, "wx");
    if (!f)
        return false;
    bool ok = fwrite(b->data ? b->data : "", 1, b->len, f) == b->len;
    return fclose(f) == 0 && ok;
}

/* A temporary directory beside out, so that the rename stays on one
 * filesystem. */
static char *temporary_beside(Arena *a, const char *out)
{
    const char *slash = strrchr(out, '/');
    char *dir = slash ? arena_strndup(a, out, (size_t)(slash - out + 1))
                      : arena_strdup(a, "");
    char *t = arena_printf(a, "%s.schemac-import-XXXXXX", dir);
    return mkdtemp(t);
}

/* The files written compile: otherwise import has a bug, said here
 * rather than found by the user. */
static bool compiles(Arena *a, const char *dir, const ImportOut *o,
                     const char *out)
{
    Diag d;
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    diag_init(&d, mem);
    CompileInput in = {0};
    for (int i = 0; i < o->files.len; i++) {
        const ImportFile *f = o->files.items[i];
        vec_push(a, &in.paths, arena_printf(a, "%s/%s.schema", dir, f->name));
    }
    Compilation c = compile(a, &in, &d);
    if (c.prog) {           /* every canonical statement parses */
        BuildOutputs bo;
        build_outputs(a, c.prog, "import", &bo, &d);
        buf_free(&bo.sql);
    }
    fclose(mem);
    bool ok = d.errors == 0;
    const char *first = line_of(a, text ? text : "");
    if (strncmp(first, dir, strlen(dir)) == 0)   /* say where it would be */
        first = arena_printf(a, "%s%s", out, first + strlen(dir));
    if (!ok)
        fail(EXIT_INPUT, "the schema written does not compile: %s "
             "(please report it)", first);
    free(text);
    return ok;
}

static int write_out(Arena *a, const ImportOut *o, const char *out)
{
    struct stat st;
    if (stat(out, &st) == 0 && !S_ISDIR(st.st_mode))
        return fail(EXIT_USAGE, "%s exists and is not a directory", out);
    partial = temporary_beside(a, out);
    if (!partial)
        return fail(EXIT_USAGE, "cannot create a directory beside %s: %s",
                    out, strerror(errno));
    for (int i = 0; i < o->files.len; i++) {
        const ImportFile *f = o->files.items[i];
        char *path = arena_printf(a, "%s/%s.schema", partial, f->name);
        if (!write_all(path, &f->text)) {
            remove_partial();
            return fail(EXIT_USAGE, "cannot write %s: %s", path,
                        strerror(errno));
        }
    }
    if (!compiles(a, partial, o, out)) {
        remove_partial();
        return EXIT_INPUT;
    }
    chmod(partial, 0755);
    if (rename(partial, out) != 0) {
        int e = errno;
        remove_partial();
        return fail(EXIT_USAGE, "cannot create %s: %s", out,
                    e == ENOTEMPTY || e == EEXIST
                        ? "it exists and is not empty" : strerror(e));
    }
    partial = NULL;
    return EXIT_SUCCESS;
}

/* ------------------------------------------------------------ main */

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* SCHEMAC_IMPORT_TIMING=1: the phases' times on stderr. */
static void phase(const char *what, double *t)
{
    double n = now_s();
    if (getenv("SCHEMAC_IMPORT_TIMING"))
        fprintf(stderr, "import: %s in %.3f s\n", what, n - *t);
    *t = n;
}

static int import_run(Arena *a, const ImportArgs *x)
{
    double t = now_s();
    ImportSource s = {0};
    int status = x->db ? (connect_to(a, &s, x->db) ? 0 : EXIT_USAGE)
                       : from_files(a, &s, x);
    ImportDb db = {.arena = a, .supabase = x->supabase,
                   .standin = x->supabase && !x->db};
    char *err = NULL;
    if (status == 0 && !import_read(s.conn, &db, (const char *const *)
                                    x->schemas.items, x->schemas.len, &err)) {
        status = fail(x->schemas.len && strncmp(err, "no schema", 9) == 0
                          ? EXIT_USAGE : EXIT_USAGE,
                      "cannot read the catalog: %s", line_of(a, err));
        free(err);
    }
    phase("connected and read", &t);
    source_close(&s);
    if (status != 0) {
        import_db_free(&db);
        return status;
    }
    ImportOut o = {.arena = a, .db = &db};
    bool written = import_write(&o);
    phase("written", &t);
    if (!written)
        status = fail(EXIT_INPUT, "%s", o.error);
    else
        status = write_out(a, &o, x->out);
    phase("checked and renamed", &t);
    for (int i = 0; i < o.files.len; i++)
        buf_free(&((ImportFile *)o.files.items[i])->text);
    import_db_free(&db);
    return status;
}

int import_main(int argc, char **argv)
{
    if (argc >= 3 && (strcmp(argv[2], "--help") == 0 ||
                      strcmp(argv[2], "-h") == 0)) {
        fputs(usage_text, stdout);
        return EXIT_SUCCESS;
    }
    sctl_signals_install();
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    Arena *a = arena_new();
    ImportArgs x = {0};
    int status = parse_args(a, argc, argv, &x) ? import_run(a, &x)
                                                : EXIT_USAGE;
    arena_free(a);
    return status;
}

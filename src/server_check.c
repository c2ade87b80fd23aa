/*
 * server_check.c — the semantic check against PostgreSQL itself.
 *
 * What the compiler cannot know from the declarations alone (the type of
 * any expression, a column of a view read by a view, what a function body
 * names), the server knows: the canonical SQL runs on it in a transaction
 * that is rolled back, all in one round trip, and when that fails one
 * statement at a time, each in a savepoint.  A statement that fails is
 * reported at its .schema place (server_map.c) and what depends on it is
 * skipped, so one mistake is one error.  The
 * server is the runtime's throwaway one (src/runtime/embedded.c), with the
 * Supabase stand-in under `platform supabase;`, or one given by --db, in
 * a scratch database made and dropped there.
 */
#include "schemac.h"
#include "schemactl.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The server in use and what to undo at the end. */
typedef struct Server {
    SctlEmbedded emb;          /* dir NULL: not ours */
    PGconn *admin;             /* --db: the connection given */
    PGconn *conn;              /* where the statements run */
    char scratch[80];          /* --db: the scratch database's name */
} Server;

/* Run on each failed statement: what it makes no longer exists. */
typedef struct Failed {
    Arena *a;
    Vec units;                 /* const Unit* that failed or were skipped */
} Failed;

static const char SAVEPOINT[] = "SAVEPOINT schemac_check; ";

static void plain_error(Diag *d, const char *what, const char *why)
{
    diag_plain(d, DIAG_ERROR, "server check: %s: %.*s", what,
               (int)strcspn(why, "\n"), why);
}

/* A connection to another database of conn's server. */
static PGconn *connect_to(PGconn *conn, const char *dbname)
{
    PQconninfoOption *opts = PQconninfo(conn);
    int n = 0;
    while (opts && opts[n].keyword)
        n++;
    const char **keys = calloc((size_t)n + 2, sizeof *keys);
    const char **vals = calloc((size_t)n + 2, sizeof *vals);
    if (!keys || !vals) {
        fputs("schemac: out of memory\n", stderr);
        exit(2);
    }
    int k = 0;
    for (int i = 0; i < n; i++)
        if (opts[i].val && strcmp(opts[i].keyword, "dbname") != 0) {
            keys[k] = opts[i].keyword;
            vals[k++] = opts[i].val;
        }
    keys[k] = "dbname";
    vals[k] = dbname;
    PGconn *c = PQconnectdbParams(keys, vals, 0);
    free(keys);
    free(vals);
    PQconninfoFree(opts);
    return c;
}

static bool exec_ok(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK ||
              PQresultStatus(r) == PGRES_TUPLES_OK;
    PQclear(r);
    return ok;
}

/* --db URL: a scratch database of that server (roles and extensions the
 * schema makes are rolled back with the transaction). */
static bool open_given(Server *sv, const char *db, Diag *d)
{
    sv->admin = PQconnectdb(db);
    if (PQstatus(sv->admin) != CONNECTION_OK) {
        plain_error(d, "cannot connect to --db", PQerrorMessage(sv->admin));
        return false;
    }
    snprintf(sv->scratch, sizeof sv->scratch, "schemac_check_%d_%ld",
             PQbackendPID(sv->admin), (long)time(NULL));
    char sql[160];
    snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE template0",
             sv->scratch);
    PGresult *r = PQexec(sv->admin, sql);
    bool made = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!made)
        plain_error(d, "cannot create a scratch database (needs CREATEDB)",
                    PQresultErrorMessage(r));
    PQclear(r);
    if (!made) {
        sv->scratch[0] = '\0';
        return false;
    }
    sv->conn = connect_to(sv->admin, sv->scratch);
    return true;
}

static bool no_server_found(const char *err)
{
    return strncmp(err, "PostgreSQL server binaries not found", 36) == 0;
}

/*
 * The throwaway server's files go in memory when the system has a tmpfs
 * at /dev/shm and TMPDIR names no other place: making a table is making
 * files, and on a disk's file system that is most of the check's time
 * (initdb and thorbis's statements take three times as long).
 */
static bool start_in_memory(SctlEmbedded *e, char **err)
{
    struct stat st;
    bool shm = !getenv("TMPDIR") && stat("/dev/shm", &st) == 0 &&
               S_ISDIR(st.st_mode) && access("/dev/shm", W_OK | X_OK) == 0;
    if (shm)
        setenv("TMPDIR", "/dev/shm", 1);
    bool ok = sctl_embedded_start(e, err);
    if (shm)
        unsetenv("TMPDIR");
    return ok;
}

/* A throwaway server; *skip when there is no PostgreSQL to start. */
static bool open_embedded(Server *sv, Diag *d, bool *skip)
{
    char *err = NULL;
    if (!start_in_memory(&sv->emb, &err)) {
        *skip = no_server_found(err);
        if (*skip)
            fprintf(d->out, "schemac: note: no PostgreSQL found, so the "
                    "server check was skipped (--no-server says so)\n");
        else
            plain_error(d, "the embedded server", err);
        free(err);
        return false;
    }
    sv->conn = PQconnectdb(sv->emb.url);
    return true;
}

static void close_server(Server *sv)
{
    if (sv->conn)
        PQfinish(sv->conn);
    if (sv->admin && sv->scratch[0]) {
        char sql[160];
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", sv->scratch);
        exec_ok(sv->admin, sql);
    }
    if (sv->admin)
        PQfinish(sv->admin);
    sctl_embedded_stop(&sv->emb);
}

/* ------------------------------------------------------------ reporting */

/* DETAIL and HINT as notes of the error just reported. */
static void notes(Diag *d, const PGresult *r)
{
    const char *detail = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
    const char *hint = PQresultErrorField(r, PG_DIAG_MESSAGE_HINT);
    if (detail)
        diag_plain(d, DIAG_NOTE, "detail: %s", detail);
    if (hint)
        diag_plain(d, DIAG_NOTE, "hint: %s", hint);
}

/* The byte the server points at in st's SQL, or -1: its own position, or
 * one in a query it ran on the statement's behalf (a body's). */
static long error_position(const PGresult *r, const EmitStmt *st)
{
    const char *pos = PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION);
    if (pos) {
        long off = server_char_offset(st->sql, strtol(pos, NULL, 10) -
                                      (long)strlen(SAVEPOINT));
        return off >= 0 && (size_t)off <= strlen(st->sql) ? off : -1;
    }
    const char *ipos = PQresultErrorField(r, PG_DIAG_INTERNAL_POSITION);
    const char *iq = PQresultErrorField(r, PG_DIAG_INTERNAL_QUERY);
    const char *at = ipos && iq ? strstr(st->sql, iq) : NULL;
    if (!at)
        return -1;
    return (long)(at - st->sql) +
           server_char_offset(iq, strtol(ipos, NULL, 10));
}

static void report_statement(Arena *a, Diag *d, const EmitStmt *st,
                             const PGresult *r)
{
    const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    ServerSpot at = server_map_statement(a, st, error_position(r, st), msg);
    diag_at(d, DIAG_ERROR, at.src, at.off, at.len, "%s",
            msg ? msg : "the server refused this statement");
    notes(d, r);
}

/* ----------------------------------------------------------- statements */

static bool failed_before(const Failed *f, const Unit *u)
{
    for (int i = 0; i < f->units.len; i++)
        if (f->units.items[i] == u)
            return true;
    return false;
}

/* A unit is skipped when it, or something it needs, failed. */
static bool skipped(Failed *f, const Unit *u)
{
    bool skip = failed_before(f, u);
    for (int i = 0; !skip && i < u->deps.len; i++)
        skip = failed_before(f, u->deps.items[i]);
    if (skip && !failed_before(f, u))
        vec_push(f->a, &f->units, (void *)u);
    return skip;
}

/* One statement in its savepoint; false when it failed (reported). */
static bool run_statement(Arena *a, PGconn *c, const EmitStmt *st, Diag *d)
{
    Buf sql = {0};
    buf_printf(&sql, "%s%s;\nRELEASE SAVEPOINT schemac_check", SAVEPOINT,
               st->sql);
    PGresult *r = PQexec(c, sql.data);
    buf_free(&sql);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK ||
              PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok) {
        report_statement(a, d, st, r);
        exec_ok(c, "ROLLBACK TO SAVEPOINT schemac_check");
    }
    PQclear(r);
    return ok;
}

/* All of them in one round trip, inside a savepoint: true if all ran. */
static bool run_at_once(PGconn *c, const Vec *stmts)
{
    Buf sql = {0};
    buf_puts(&sql, "SAVEPOINT schemac_all;\n");
    for (int i = 0; i < stmts->len; i++)
        buf_printf(&sql, "%s;\n", ((const EmitStmt *)stmts->items[i])->sql);
    bool ok = exec_ok(c, sql.data);
    buf_free(&sql);
    if (!ok)
        exec_ok(c, "ROLLBACK TO SAVEPOINT schemac_all");
    return ok;
}

/* The usual case, no error, costs one round trip; only when there is one
 * do the statements run one by one to tell which. */
static void run_statements(Arena *a, PGconn *c, const Vec *stmts,
                           Failed *f, Diag *d)
{
    if (run_at_once(c, stmts))
        return;
    for (int i = 0; i < stmts->len && !diag_too_many(d); i++) {
        const EmitStmt *st = stmts->items[i];
        if (!skipped(f, st->unit) && !run_statement(a, c, st, d))
            vec_push(f->a, &f->units, (void *)st->unit);
    }
}

/* ------------------------------------------------------- plpgsql_check */

static bool has_plpgsql(const Program *p)
{
    for (int i = 0; i < p->decls.len; i++) {
        const Decl *fn = p->decls.items[i];
        if (fn->kind == DECL_FUNCTION && fn->language &&
            strcmp(fn->language, "plpgsql") == 0)
            return true;
    }
    return false;
}

/* A trigger function is checked as fired on a table of a trigger that
 * calls it; NULL when none does (it cannot be checked). */
static const Decl *trigger_table(const Program *p, const Decl *fn)
{
    for (int i = 0; i < p->decls.len; i++) {
        const Decl *t = p->decls.items[i];
        for (int k = 0; t->kind == DECL_TABLE && k < t->items.len; k++) {
            const Item *it = t->items.items[k];
            if (it->kind == ITEM_TRIGGER && it->u.trigger->func_decl == fn)
                return t;
        }
    }
    return NULL;
}

static bool is_trigger_function(const Decl *fn)
{
    if (fn->returns.len != 7)   /* a procedure returns nothing */
        return false;
    const char *r = fn->returns.src->text + fn->returns.off;
    return strncmp(r, "trigger", 7) == 0;
}

static char *qname(Arena *a, const char *schema, const char *name)
{
    Buf b = {0};
    quote_qname(&b, schema, name);
    char *s = arena_strdup(a, b.data);
    buf_free(&b);
    return s;
}

static void report_plpgsql(Arena *a, Diag *d, const Decl *fn,
                           const PGresult *r, int row)
{
    const char *line = PQgetvalue(r, row, 0), *pos = PQgetvalue(r, row, 1);
    const char *query = PQgetisnull(r, row, 4) ? NULL : PQgetvalue(r, row, 4);
    ServerSpot at = server_map_body(a, fn, atoi(line), query,
                                    *pos ? atol(pos) : 0,
                                    PQgetvalue(r, row, 2));
    diag_at(d, DIAG_ERROR, at.src, at.off, at.len, "%s",
            PQgetvalue(r, row, 2));
    if (!PQgetisnull(r, row, 5))
        diag_plain(d, DIAG_NOTE, "detail: %s", PQgetvalue(r, row, 5));
    if (!PQgetisnull(r, row, 6))
        diag_plain(d, DIAG_NOTE, "hint: %s", PQgetvalue(r, row, 6));
}

/* plpgsql_check's first error in one function (what follows from it
 * would be reported too); its warnings are not ours. */
static void check_function(Arena *a, PGconn *c, const Program *p,
                           const Decl *fn, Diag *d)
{
    const Decl *table = is_trigger_function(fn) ? trigger_table(p, fn)
                                                : NULL;
    if (is_trigger_function(fn) && !table)
        return;
    const char *params[2] = {
        arena_printf(a, "%s(%s)", qname(a, fn->schema, fn->name.name),
                     fn->argtypes ? fn->argtypes : ""),
        table ? qname(a, table->schema, table->name.name) : "0"};
    PGresult *r = PQexecParams(c,
        "SELECT lineno, position, message, level, query, detail, hint "
        "FROM plpgsql_check_function_tb($1::regprocedure, "
        "relid => $2::regclass, "
        "other_warnings => false, extra_warnings => false) "
        "WHERE level = 'error'", 2, NULL, params, NULL, NULL, 0);
    for (int i = 0; PQresultStatus(r) == PGRES_TUPLES_OK &&
                    i < PQntuples(r); i++)
        report_plpgsql(a, d, fn, r, i);
    PQclear(r);
}

/* Every PL/pgSQL function that was made, through plpgsql_check. */
static void check_plpgsql(Arena *a, PGconn *c, const Program *p,
                          const Failed *f, Diag *d)
{
    if (!has_plpgsql(p))
        return;
    if (!exec_ok(c, "SAVEPOINT schemac_plpgsql; "
                    "CREATE EXTENSION IF NOT EXISTS plpgsql_check")) {
        exec_ok(c, "ROLLBACK TO SAVEPOINT schemac_plpgsql");
        fprintf(d->out, "schemac: note: plpgsql_check is not installed, so "
                "PL/pgSQL bodies were not checked by the server\n");
        return;
    }
    for (int i = 0; i < p->decls.len && !diag_too_many(d); i++) {
        const Decl *fn = p->decls.items[i];
        if (fn->kind == DECL_FUNCTION && !fn->external && fn->language &&
            strcmp(fn->language, "plpgsql") == 0 &&
            !failed_before(f, fn->unit))
            check_function(a, c, p, fn, d);
    }
}

/* --------------------------------------------------------------- driver */

static void no_notices(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* A Supabase database given by --db has the real thing: no stand-in. */
static bool has_platform(PGconn *c)
{
    PGresult *r = PQexec(c, "SELECT pg_catalog.to_regprocedure('auth.uid()') "
                            "IS NOT NULL");
    bool has = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
               strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    return has;
}

static bool prepare(PGconn *c, const Program *p, Diag *d)
{
    if (PQstatus(c) != CONNECTION_OK) {
        plain_error(d, "cannot connect", PQerrorMessage(c));
        return false;
    }
    PQsetNoticeProcessor(c, no_notices, NULL);
    exec_ok(c, "SET client_min_messages = error");
    if (!exec_ok(c, "BEGIN")) {
        plain_error(d, "BEGIN", PQerrorMessage(c));
        return false;
    }
    PGresult *r = p->supabase && !has_platform(c)
                  ? PQexec(c, sctl_supabase_sql) : NULL;
    bool ok = !r || PQresultStatus(r) == PGRES_COMMAND_OK ||
              PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok)
        plain_error(d, "the Supabase stand-in", PQresultErrorMessage(r));
    PQclear(r);
    return ok;
}

bool server_check(Arena *a, const Program *p, const char *db, Diag *d)
{
    Server sv;
    memset(&sv, 0, sizeof sv);
    bool skip = false;
    bool ok = db ? open_given(&sv, db, d) : open_embedded(&sv, d, &skip);
    if (ok && (ok = prepare(sv.conn, p, d))) {
        Vec stmts = {0};
        emit_sql_statements(a, p, &stmts);
        Failed f = {a, {0}};
        run_statements(a, sv.conn, &stmts, &f, d);
        check_plpgsql(a, sv.conn, p, &f, d);
        exec_ok(sv.conn, "ROLLBACK");
    }
    close_server(&sv);
    return ok || skip;
}

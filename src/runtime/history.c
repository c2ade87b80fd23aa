/*
 * history.c — schemactl's own state, in schema "schemactl": the runs that
 * applied something (history) and the cache of catalog normal forms
 * (normal_forms); and the advisory lock that keeps two applies from
 * interleaving.
 *
 * Every statement names its tables and functions with their schema, so a
 * search_path set by the database or role cannot redirect them.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "schemactl.h"
#include "serial.h"

/*
 * The key every schemactl takes, whatever the project: the ASCII bytes
 * "schemctl" read as a big-endian 64-bit integer (0x736368656d63746c).
 * Fixed, so that an apply of one project also waits for another's: they
 * may share roles and schemas.
 */
#define LOCK_KEY "8314604121892287596"

static const char create_sql[] =
    "CREATE SCHEMA IF NOT EXISTS schemactl;\n"
    "CREATE TABLE IF NOT EXISTS schemactl.history (\n"
    "  id bigserial PRIMARY KEY,\n"
    "  project text NOT NULL,\n"
    "  checksum text NOT NULL,\n"
    "  changes int NOT NULL,\n"
    "  applied_at timestamptz NOT NULL DEFAULT now(),\n"
    "  applied_by text NOT NULL DEFAULT current_user\n"
    ");\n"

    "CREATE TABLE IF NOT EXISTS schemactl.normal_forms (\n"
    "  checksum text PRIMARY KEY,\n"
    "  server_version int NOT NULL,\n"
    "  facets text NOT NULL,\n"
    "  created_at timestamptz NOT NULL DEFAULT now()\n"
    ");\n";

/* What rollback reads, added to the tables any schemactl made. */
static const char upgrade_sql[] =
    "ALTER TABLE schemactl.history\n"
    "  ADD COLUMN IF NOT EXISTS action text NOT NULL DEFAULT 'apply',\n"
    "  ADD COLUMN IF NOT EXISTS schema_data text;\n";

/*
 * Whatever default privileges the database has (ALTER DEFAULT PRIVILEGES
 * ... GRANT ALL ON TABLES TO authenticated is common on Supabase), the
 * tool's own objects are the owner's alone: every grant to anyone else,
 * PUBLIC included, is revoked.  Finds none, and so changes nothing and
 * takes no lock, on every run but the first.
 */
static const char lockdown_sql[] =
    "DO $sctl$ DECLARE r record; BEGIN\n"
    "  FOR r IN\n"
    "    SELECT 'TABLE ' || c.oid::pg_catalog.regclass::text AS obj,\n"
    "           a.grantee\n"
    "      FROM pg_catalog.pg_class c,\n"
    "           pg_catalog.aclexplode(c.relacl) a\n"
    "     WHERE c.relnamespace = 'schemactl'::pg_catalog.regnamespace\n"
    "       AND a.grantee <> c.relowner\n"
    "    UNION\n"
    "    SELECT 'SCHEMA schemactl', a.grantee\n"
    "      FROM pg_catalog.pg_namespace n,\n"
    "           pg_catalog.aclexplode(n.nspacl) a\n"
    "     WHERE n.nspname = 'schemactl' AND a.grantee <> n.nspowner\n"
    "  LOOP\n"
    "    EXECUTE pg_catalog.format('REVOKE ALL ON %s FROM %s', r.obj,\n"
    "      CASE WHEN r.grantee = 0 THEN 'PUBLIC'\n"
    "      ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(r.grantee))"
    " END);\n"
    "  END LOOP;\n"
    "END $sctl$";

bool sctl_lockdown(PGconn *conn, char **err)
{
    return sctl_exec(conn, lockdown_sql, "cannot keep schemactl's tables to "
                     "their owner", err);
}

static bool old_tables_exist(PGconn *conn)
{
    return sctl_query_bool(conn, "SELECT pg_catalog.to_regclass('schemactl.history') "
                     "IS NOT NULL AND pg_catalog.to_regclass("
                     "'schemactl.normal_forms') IS NOT NULL");
}

static bool tables_exist(PGconn *conn)
{
    return sctl_query_bool(conn, "SELECT pg_catalog.to_regclass('schemactl.history') "
                     "IS NOT NULL AND pg_catalog.to_regclass("
                     "'schemactl.normal_forms') IS NOT NULL AND EXISTS ("
                     "SELECT FROM pg_catalog.pg_attribute WHERE attrelid = "
                     "pg_catalog.to_regclass('schemactl.history') AND attname "
                     "= 'schema_data' AND NOT attisdropped)");
}

/*
 * Runs in the caller's transaction.  The tables are looked for first, so
 * that the usual run takes no DDL lock and draws no "already exists,
 * skipping" notices.
 */
bool sctl_history_ensure(PGconn *conn, char **err)
{
    *err = NULL;
    if (!tables_exist(conn) &&
        !((old_tables_exist(conn) ||
           sctl_exec(conn, create_sql, "cannot create schemactl's history "
                     "tables", err)) &&
          sctl_exec(conn, upgrade_sql, "cannot add rollback's columns to "
                    "schemactl.history", err)))
        return false;
    return sctl_lockdown(conn, err);
}

/*
 * Whether the project's last run applied this same schema: rollback reads
 * the schema of the run that first put a version on the stack
 * (version_stack), never of one that applied it again, so such a run
 * records none (megabytes at 10,000 tables, on every apply).
 */
static bool applied_last(PGconn *conn, const SctlSchema *s)
{
    const char *params[] = {s->project, s->checksum};
    PGresult *r = PQexecParams(conn,
        "SELECT action = 'apply' AND checksum = $2 FROM schemactl.history "
        "WHERE project = $1 ORDER BY id DESC LIMIT 1", 2, NULL, params, NULL,
        NULL, 0);
    bool yes = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
               strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    return yes;
}

/* Megabytes of text at 10,000 tables (a schema recorded, the normal forms
 * cached): lz4, where the server has it, compresses them several times
 * faster than the default pglz (70 ms less for the cache row of 1,000
 * tables) and reads them back faster.  For the rest of the transaction. */
void sctl_compress_lz4(PGconn *conn)
{
    PQclear(PQexec(conn, "SELECT pg_catalog.set_config("
                   "'default_toast_compression', 'lz4', true) FROM "
                   "pg_catalog.pg_settings WHERE name = "
                   "'default_toast_compression' AND 'lz4' = ANY (enumvals)"));
}

bool sctl_history_record(PGconn *conn, const SctlSchema *s,
                         const char *action, int changes, char **err)
{
    char count[16];
    snprintf(count, sizeof count, "%d", changes);
    bool again = strcmp(action, "apply") == 0 && applied_last(conn, s);
    char *data = again ? NULL : sctl_schema_dump(s);
    if (data)
        sctl_compress_lz4(conn);
    if (!again && !data) {
        *err = sctl_xstrdup("cannot record the run: out of memory");
        return false;
    }
    const char *params[] = {s->project, s->checksum, count, action, data};
    PGresult *r = PQexecParams(conn,
                               "INSERT INTO schemactl.history "
                               "(project, checksum, changes, action, "
                               "schema_data) "
                               "VALUES ($1, $2, $3::int, $4, $5)",
                               5, NULL, params, NULL, NULL, 0);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    *err = ok ? NULL : sctl_failure(conn, r, "cannot record the run");
    PQclear(r);
    free(data);
    return ok;
}

/*
 * The recorded versions as a stack of rows of r: an apply of another
 * schema than the top's pushes (applying the same one again does not), a
 * rollback pops.  Returns how many; rows[0..n) bottom first.
 */
static int version_stack(const PGresult *r, int *rows)
{
    int n = 0;
    for (int row = 0; row < PQntuples(r); row++) {
        if (strcmp(PQgetvalue(r, row, 1), "rollback") == 0)
            n -= n > 0;
        else if (n == 0 || strcmp(PQgetvalue(r, rows[n - 1], 2),
                                  PQgetvalue(r, row, 2)) != 0)
            rows[n++] = row;
    }
    return n;
}

static const char runs_sql[] =
    "SELECT id, action, checksum, schema_data IS NOT NULL, "
    "pg_catalog.to_char(applied_at, 'YYYY-MM-DD HH24:MI:SSOF') "
    "FROM schemactl.history WHERE project = $1 ORDER BY id";

static const char data_sql[] =
    "SELECT schema_data FROM schemactl.history WHERE id = $1::bigint";

/* The recorded schema of run id (loaded), or NULL and *err. */
static SctlSchema *load_run(PGconn *conn, long id, char **err)
{
    char num[32];
    snprintf(num, sizeof num, "%ld", id);
    const char *params[] = {num};
    PGresult *r = PQexecParams(conn, data_sql, 1, NULL, params, NULL, NULL,
                               0);
    SctlSchema *s = NULL;
    const char *why = NULL;
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
        *err = sctl_failure(conn, r, "cannot read run %ld", id);
    else if (!(s = sctl_schema_load(PQgetvalue(r, 0, 0), &why)))
        *err = sctl_printf("cannot read the schema run %ld recorded: %s",
                           id, why);
    PQclear(r);
    return s;
}

/* The runs of project, oldest first; NULL and *err on failure.  A table
 * an older schemactl made has no action or schema_data yet. */
static PGresult *runs_of(PGconn *conn, const char *project, char **err)
{
    const char *params[] = {project};
    PGresult *r = PQexecParams(conn, tables_exist(conn) ? runs_sql :
        "SELECT id, 'apply', checksum, false, '' FROM schemactl.history "
        "WHERE project = $1 ORDER BY id", 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) == PGRES_TUPLES_OK)
        return r;
    *err = sctl_failure(conn, r, "cannot read schemactl.history");
    PQclear(r);
    return NULL;
}

int sctl_history_previous(PGconn *conn, const char *project,
                          SctlSchema **out, long *undone, char **err)
{
    *out = NULL;
    if (!sctl_query_bool(conn, "SELECT pg_catalog.to_regclass("
                         "'schemactl.history') IS NOT NULL")) {
        *err = sctl_xstrdup("nothing to roll back: no apply is recorded "
                            "here");
        return SCTL_USAGE;
    }
    PGresult *r = runs_of(conn, project, err);
    if (!r)
        return SCTL_USAGE;
    int *rows = sctl_xcalloc((size_t)PQntuples(r) + 1, sizeof *rows);
    int n = version_stack(r, rows);
    int row = n >= 2 ? rows[n - 2] : -1;
    long id = row >= 0 ? strtol(PQgetvalue(r, row, 0), NULL, 10) : 0;
    if (n < 2)
        *err = sctl_printf("nothing to roll back: no apply of %s before the "
                           "last one is recorded here", project);
    else if (strcmp(PQgetvalue(r, row, 3), "t") != 0)
        *err = sctl_printf("cannot roll back: run %ld (%s) recorded no "
                           "schema (an older schemactl applied it)", id,
                           PQgetvalue(r, row, 4));
    else
        *out = load_run(conn, id, err);
    if (undone)
        *undone = n >= 1 ? strtol(PQgetvalue(r, rows[n - 1], 0), NULL, 10)
                         : 0;
    free(rows);
    PQclear(r);
    return *out ? SCTL_OK : SCTL_USAGE;
}

/* The columns of the history table as printed; ORDER: history_sql. */
static const struct {
    const char *title;
    bool right;           /* numbers line up on the right */
} columns[] = {
    {"id", true},
    {"applied at", false},
    {"project", false},
    {"checksum", false},
    {"changes", true},
    {"applied by", false},
};
enum { NCOLUMNS = sizeof columns / sizeof columns[0] };

static const char history_sql[] =
    "SELECT id, pg_catalog.to_char(applied_at, 'YYYY-MM-DD HH24:MI:SSOF'), "
    "project, pg_catalog.left(checksum, 12), changes, applied_by "
    "FROM schemactl.history ORDER BY id DESC";

/* Width on a terminal: UTF-8 characters, not bytes. */
static int width(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* One row; the last column is not padded, so no line ends in blanks. */
static void print_row(FILE *out, const char *const cell[], const int w[])
{
    for (int i = 0; i < NCOLUMNS; i++) {
        int pad = w[i] - width(cell[i]);
        bool last = i == NCOLUMNS - 1;
        if (i > 0)
            fputs("  ", out);
        fprintf(out, "%*s%s%*s", columns[i].right ? pad : 0, "", cell[i],
                columns[i].right || last ? 0 : pad, "");
    }
    fputc('\n', out);
}

static void print_table(FILE *out, const PGresult *r)
{
    const char *cell[NCOLUMNS];
    int w[NCOLUMNS];
    for (int i = 0; i < NCOLUMNS; i++) {
        w[i] = width(columns[i].title);
        for (int row = 0; row < PQntuples(r); row++)
            if (width(PQgetvalue(r, row, i)) > w[i])
                w[i] = width(PQgetvalue(r, row, i));
        cell[i] = columns[i].title;
    }
    print_row(out, cell, w);
    for (int row = 0; row < PQntuples(r); row++) {
        for (int i = 0; i < NCOLUMNS; i++)
            cell[i] = PQgetvalue(r, row, i);
        print_row(out, cell, w);
    }
}

/* Looks for the table first: a failed query would abort the caller's
 * transaction. */
bool sctl_history_print(PGconn *conn, FILE *out)
{
    if (!sctl_query_bool(conn, "SELECT pg_catalog.to_regclass('schemactl.history') "
                   "IS NOT NULL"))
        return false;
    PGresult *r = PQexec(conn, history_sql);
    bool any = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0;
    if (any)
        print_table(out, r);
    PQclear(r);
    return any;
}

/*
 * A transaction-scoped lock, released by COMMIT or ROLLBACK, so that a
 * crashed apply cannot leave it held.  Outside a transaction it would be
 * released as soon as it is taken, hence refused there.  Waits for as long
 * as another apply holds it.
 */
bool sctl_lock(PGconn *conn, char **err)
{
    *err = NULL;
    if (PQtransactionStatus(conn) != PQTRANS_INTRANS) {
        *err = sctl_xstrdup("cannot take the schemactl lock: not in a "
                            "transaction");
        return false;
    }
    PGresult *r = PQexec(conn, "SELECT pg_catalog.pg_advisory_xact_lock("
                               LOCK_KEY ")");
    bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok)
        *err = sctl_failure(conn, r, "cannot take the schemactl lock");
    PQclear(r);
    return ok;
}

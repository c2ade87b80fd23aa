/*
 * fastpath.c — knowing that nothing changed since the last clean verify,
 * without reading the catalog.
 *
 * The fingerprint sums, per catalog the reader prints from, the row count
 * and the xmin of every visible row (the relations' stamps, stamps.c, sum
 * the same rows relation by relation: 0.28-0.36 s where this takes
 * 0.17-0.2 s at 10,000 tables, so they are taken only when this one has
 * moved).  Any
 * transactional change of a row (insert, update, delete) gives the new
 * rows a transaction id newer than every row that was there: with the
 * count unchanged (as many rows gone as came), the new xmins are each
 * larger than any that went, so the sum grows.  The ids are 32 bits and
 * wrap around every four billion, which moves their epoch (summed too);
 * only a change that removes a row written before the last wrap could
 * leave the sum in place, by a coincidence as unlikely as the 32-bit hash
 * of each row's (xmin, ctid) this summed once, which on pg_attribute of
 * 10,000 tables took 142 ms against 86 without.  Whole catalogs are
 * summed, not only the managed schemas' rows: a renamed type
 * or schema elsewhere changes how managed objects print.  What may move
 * the fingerprint without changing anything (VACUUM FREEZE, VACUUM FULL
 * of a catalog, temporary tables) costs only a comparison; the columns
 * PostgreSQL updates in place (relpages, reltuples, relhasindex, ...) are
 * ones the reader never prints.  Roles are summed by content, because
 * pg_authid's rows cannot be read by everyone.
 *
 * A verify whose comparison found nothing, read in one REPEATABLE READ
 * snapshot with the fingerprint, stores (checksum, fingerprint) in
 * schemactl.clean_at, with the relations' stamps, and so does an apply to
 * a fresh database, whose declared state is what it read back of what it
 * made; a later command that finds the same fingerprint for the same
 * checksum, reader and server version knows the catalog reads as the
 * declared state, and skips reading it and loading the declared state
 * too: the memo says how many objects the comparison checked.  One that
 * finds another fingerprint but the same global part reads only the
 * relations that changed (stamps.c).
 */
#include "schemactl.h"

#include <stdlib.h>
#include <string.h>

/* Changes whenever the reader prints anything differently, so that a
 * memo of an older reader is never taken for one of this. */
#define READER_VERSION "facets-5"

#define SUMS(cat)                                                         \
    "(SELECT count(*) || '/' || coalesce(sum(xmin::text::bigint), 0)"    \
    " FROM pg_catalog." cat ")"

/* What both the fingerprint and its global part end with. */
#define ROLES_EPOCH_VERSION                                                \
    " (SELECT pg_catalog.md5(pg_catalog.string_agg(oid::text || ':' ||"  \
    "  rolname || ':' || rolcanlogin::text, ',' ORDER BY oid))"          \
    "  FROM pg_catalog.pg_roles),"                                        \
    " (pg_catalog.pg_snapshot_xmin(pg_catalog.pg_current_snapshot())::text"\
    "::bigint >> 32),"                                                    \
    " current_setting('server_version_num')"

static const char SQL_FINGERPRINT[] =
    "SELECT pg_catalog.md5(pg_catalog.concat_ws(',',"
    SUMS("pg_namespace") "," SUMS("pg_class") "," SUMS("pg_attribute") ","
    SUMS("pg_attrdef") "," SUMS("pg_constraint") "," SUMS("pg_index") ","
    SUMS("pg_policy") "," SUMS("pg_trigger") "," SUMS("pg_proc") ","
    SUMS("pg_type") "," SUMS("pg_enum") "," SUMS("pg_description") ","
    SUMS("pg_depend") "," SUMS("pg_inherits") "," SUMS("pg_default_acl") ","
    SUMS("pg_extension") "," SUMS("pg_rewrite") "," SUMS("pg_collation") ","
    SUMS("pg_opclass") "," SUMS("pg_operator") "," SUMS("pg_language") ","
    SUMS("pg_am") "," SUMS("pg_partitioned_table") ","
    SUMS("pg_auth_members") "," SUMS("pg_publication") ","
    SUMS("pg_publication_rel") "," SUMS("pg_sequence") ","
    ROLES_EPOCH_VERSION;

/*
 * The fingerprint's global part: the catalogs no one relation owns
 * (stamps.c sums the rest relation by relation).  Row types, their
 * arrays, relations' constraints and comments, and dependencies other
 * than extension membership belong to relations, or print nowhere.
 */
#define SUMS_WHERE(cat, where)                                            \
    "(SELECT count(*) || '/' || coalesce(sum(x.xmin::text::bigint), 0)"  \
    " FROM pg_catalog." cat " x WHERE " where ")"

/* Of schemas, functions and types, only what a relation's printing reads
 * of them (their names, and what decides how a call or a type name is
 * written): a function's body, a domain's default or a schema's grants
 * change no relation, and these are read whole anyway, so a change there
 * reads only them.  Creating or dropping one moves this, as a new
 * overload can change how calls print. */
#define NAMES(cat, cols, where)                                           \
    "(SELECT pg_catalog.md5(coalesce(pg_catalog.string_agg("              \
    "pg_catalog.concat_ws(':', x.oid, " cols "), ',' ORDER BY x.oid), ''))"\
    " FROM pg_catalog." cat " x WHERE " where ")"
#define NOT_RELATION_ROW_TYPE                                             \
    "x.typrelid = 0 AND NOT EXISTS (SELECT FROM pg_catalog.pg_type r"     \
    " WHERE r.typarray = x.oid AND r.typrelid <> 0)"

static const char SQL_GLOBAL[] =
    "SELECT pg_catalog.md5(pg_catalog.concat_ws(',',"
    NAMES("pg_namespace", "x.nspname", "true") ","
    NAMES("pg_proc", "x.proname, x.pronamespace, x.proargtypes,"
          " x.prorettype, x.proretset, x.provariadic, x.prokind,"
          " x.pronargdefaults", "true") ","
    SUMS("pg_enum") ","
    SUMS("pg_default_acl") "," SUMS("pg_extension") ","
    SUMS("pg_collation") "," SUMS("pg_opclass") "," SUMS("pg_operator") ","
    SUMS("pg_language") "," SUMS("pg_am") "," SUMS("pg_auth_members") ","
    SUMS("pg_publication") ","
    NAMES("pg_type", "x.typname, x.typnamespace, x.typtype, x.typelem,"
          " x.typlen, x.typbasetype, x.typtypmod, x.typndims,"
          " x.typcollation",
          NOT_RELATION_ROW_TYPE) ","
    SUMS_WHERE("pg_constraint", "x.conrelid = 0") ","
    SUMS_WHERE("pg_description", "x.classoid NOT IN"
               " ('pg_catalog.pg_class'::pg_catalog.regclass,"
               " 'pg_catalog.pg_constraint'::pg_catalog.regclass,"
               " 'pg_catalog.pg_policy'::pg_catalog.regclass,"
               " 'pg_catalog.pg_trigger'::pg_catalog.regclass)") ","
    SUMS_WHERE("pg_depend", "x.deptype = 'e'") ","
    ROLES_EPOCH_VERSION;

/* Buckets are rows of a table, not catalog rows. */
static const char SQL_BUCKET_SUMS[] =
    ", (SELECT count(*) || '/' || coalesce(sum(xmin::text::bigint), 0)"
    " FROM storage.buckets)";

static bool has_buckets(PGconn *conn, const char *const *schemas, int n,
                        bool *yes, char **err)
{
    *yes = false;
    for (int i = 0; i < n; i++)
        if (strcmp(schemas[i], "storage") == 0)
            *yes = true;
    if (!*yes)
        return true;
    PGresult *r = PQexec(conn, "SELECT pg_catalog.to_regclass("
                         "'storage.buckets') IS NOT NULL");
    bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
    if (ok)
        *yes = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    else
        *err = sctl_failure(conn, r, "fingerprint");
    PQclear(r);
    return ok;
}

static char *sums(PGconn *conn, const char *const *schemas, int n,
                  const char *select, char **err)
{
    bool buckets;
    *err = NULL;
    if (!has_buckets(conn, schemas, n, &buckets, err))
        return NULL;
    char *sql = sctl_printf("%s%s))", select,
                            buckets ? SQL_BUCKET_SUMS : "");
    PGresult *r = PQexec(conn, sql);
    free(sql);
    char *fp = NULL;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        fp = sctl_xstrdup(PQgetvalue(r, 0, 0));
    else
        *err = sctl_failure(conn, r, "fingerprint");
    PQclear(r);
    return fp;
}

char *sctl_fingerprint(PGconn *conn, const char *const *schemas, int n,
                       char **err)
{
    return sums(conn, schemas, n, SQL_FINGERPRINT, err);
}

char *sctl_fingerprint_global(PGconn *conn, const char *const *schemas,
                              int n, char **err)
{
    return sums(conn, schemas, n, SQL_GLOBAL, err);
}

/* A memo of an older schemactl has no stamps: not used (the next apply
 * adds them). */
static const char SQL_HAS_MEMO[] =
    "SELECT EXISTS (SELECT FROM pg_catalog.pg_attribute WHERE attrelid ="
    " pg_catalog.to_regclass('schemactl.clean_at') AND attname = 'stamps'"
    " AND NOT attisdropped)";

static const char SQL_CREATE_MEMO[] =
    "CREATE TABLE IF NOT EXISTS schemactl.clean_at (\n"
    "  checksum text PRIMARY KEY,\n"
    "  reader text NOT NULL,\n"
    "  server_version int NOT NULL,\n"
    "  fingerprint text NOT NULL,\n"
    "  verified_at timestamptz NOT NULL DEFAULT now()\n"
    ");\n"
    "ALTER TABLE schemactl.clean_at ADD COLUMN IF NOT EXISTS objects int,"
    " ADD COLUMN IF NOT EXISTS global text,"
    " ADD COLUMN IF NOT EXISTS stamps text";

bool sctl_clean_memo_ensure(PGconn *conn, char **err)
{
    *err = NULL;
    if (sctl_query_bool(conn, SQL_HAS_MEMO))
        return true;
    return sctl_exec(conn, SQL_CREATE_MEMO, "cannot create schemactl's "
                     "verify memo", err) &&
           sctl_lockdown(conn, err);    /* default privileges gave it out */
}

/* Declared rows change without the catalog: such a schema is read whole. */
static bool declares_rows(const SctlSchema *s)
{
    for (int i = 0; i < s->nobjects; i++)
        if (s->objects[i].kind == SCTL_K_ROWS)
            return true;
    return false;
}

int sctl_memo_objects(PGconn *conn, const char *fp, const SctlSchema *s)
{
    if (declares_rows(s) || !sctl_query_bool(conn, SQL_HAS_MEMO))
        return -1;
    char version[16];
    snprintf(version, sizeof version, "%d", PQserverVersion(conn));
    const char *params[4] = {s->checksum, READER_VERSION, version, fp};
    PGresult *r = PQexecParams(conn, "SELECT objects FROM schemactl.clean_at "
                               "WHERE checksum = $1 AND reader = $2 AND "
                               "server_version = $3::int AND fingerprint = $4"
                               " AND objects >= 0", 4, NULL, params, NULL,
                               NULL, 0);
    int n = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1
            ? atoi(PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    return n;
}

/* The memos whose stamps a reading with this global part may use. */
#define MEMOS_OF_GLOBAL                                                    \
    " FROM schemactl.clean_at WHERE reader = $1 AND server_version = $2::int"\
    " AND global = $3 AND objects >= 0 AND stamps IS NOT NULL"

/* The latest such memo's stamps, and whether it is of this schema ($4,
 * its checksum); have: whether there is one, its stamps not fetched. */
static PGresult *memo_of_global(PGconn *conn, const char *global,
                                const SctlSchema *s, bool have)
{
    if (declares_rows(s) || !sctl_query_bool(conn, SQL_HAS_MEMO))
        return NULL;
    char version[16];
    snprintf(version, sizeof version, "%d", PQserverVersion(conn));
    const char *params[4] = {READER_VERSION, version, global, s->checksum};
    PGresult *r = PQexecParams(conn, have
        ? "SELECT NULL, checksum = $4" MEMOS_OF_GLOBAL " LIMIT 1"
        : "SELECT stamps, checksum = $4" MEMOS_OF_GLOBAL
          " ORDER BY verified_at DESC LIMIT 1", 4, NULL, params, NULL, NULL,
        0);
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        return r;
    PQclear(r);
    return NULL;
}

char *sctl_memo_stamps(PGconn *conn, const char *global, const SctlSchema *s,
                       bool *same_schema)
{
    PGresult *r = memo_of_global(conn, global, s, false);
    *same_schema = r && strcmp(PQgetvalue(r, 0, 1), "t") == 0;
    char *stamps = r ? sctl_xstrdup(PQgetvalue(r, 0, 0)) : NULL;
    PQclear(r);
    return stamps;
}

bool sctl_memo_has_stamps(PGconn *conn, const char *global,
                          const SctlSchema *s)
{
    PGresult *r = memo_of_global(conn, global, s, true);
    bool yes = r != NULL;
    PQclear(r);
    return yes;
}

static int memo_matches(PGconn *conn, const SctlSchema *s)
{
    if (!sctl_query_bool(conn, SQL_HAS_MEMO))
        return -1;
    char *err = NULL;
    char *fp = sctl_fingerprint(conn, s->schemas, s->nschemas, &err);
    free(err);
    int n = fp ? sctl_memo_objects(conn, fp, s) : -1;
    free(fp);
    return n;
}

/* In the caller's transaction, under a savepoint: a failing query here
 * (a table it may not read) must not abort the apply around it. */
static bool savepoint(PGconn *conn)
{
    return PQtransactionStatus(conn) == PQTRANS_INTRANS &&
           sctl_exec(conn, "SAVEPOINT sctl_fingerprint", NULL, NULL);
}

static void savepoint_end(PGconn *conn)
{
    if (PQtransactionStatus(conn) != PQTRANS_INTRANS)
        sctl_exec(conn, "ROLLBACK TO SAVEPOINT sctl_fingerprint", NULL, NULL);
    sctl_exec(conn, "RELEASE SAVEPOINT sctl_fingerprint", NULL, NULL);
}

int sctl_known_clean(PGconn *conn, const SctlSchema *s)
{
    if (declares_rows(s))
        return -1;
    if (PQtransactionStatus(conn) == PQTRANS_IDLE)
        return memo_matches(conn, s);
    if (!savepoint(conn))
        return -1;
    int n = memo_matches(conn, s);
    savepoint_end(conn);
    return n;
}

char *sctl_fingerprint_here(PGconn *conn, const SctlSchema *s)
{
    if (declares_rows(s) || !savepoint(conn))
        return NULL;
    char *err = NULL;
    char *fp = sctl_fingerprint(conn, s->schemas, s->nschemas, &err);
    free(err);
    savepoint_end(conn);
    return fp;
}

/* The stamps (of a large schema, the one kind that reads them) are taken
 * here, in the transaction that took fp and has changed nothing since. */
void sctl_memo_write_here(PGconn *conn, const SctlSchema *s, const char *fp,
                          int objects, const SctlFacets *declared)
{
    if (!savepoint(conn))
        return;
    char *err = NULL;
    SctlStamps *st = s->nobjects >= SCTL_LARGE_SCHEMA
                     ? sctl_stamps_read(conn, s->schemas, s->nschemas, &err)
                     : NULL;
    free(err);
    sctl_memo_write(conn, s, fp, objects, st, declared);
    sctl_stamps_free(st);
    savepoint_end(conn);
}

bool sctl_memo_write(PGconn *conn, const SctlSchema *s, const char *fp,
                     int objects, SctlStamps *st,
                     const SctlFacets *declared)
{
    if (declares_rows(s) || !sctl_query_bool(conn, SQL_HAS_MEMO))
        return false;
    char version[16], count[16];
    snprintf(version, sizeof version, "%d", PQserverVersion(conn));
    snprintf(count, sizeof count, "%d", objects);
    char *stamps = st && declared ? sctl_stamps_text(st, declared) : NULL;
    const char *params[7] = {s->checksum, READER_VERSION, version, fp, count,
                             st ? sctl_stamps_global(st) : NULL, stamps};
    PGresult *r = PQexecParams(conn,
        "INSERT INTO schemactl.clean_at (checksum, reader, server_version,"
        " fingerprint, objects, global, stamps) VALUES ($1, $2, $3::int, $4,"
        " $5::int, $6, $7)"
        " ON CONFLICT (checksum) DO UPDATE SET reader = EXCLUDED.reader,"
        " server_version = EXCLUDED.server_version, fingerprint ="
        " EXCLUDED.fingerprint, objects = EXCLUDED.objects, global ="
        " EXCLUDED.global, stamps = EXCLUDED.stamps, verified_at ="
        " now()", 7, NULL, params, NULL, NULL, 0);
    free(stamps);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok;
}

/* Outside any transaction, on its own: a failure (a read-only server, no
 * privilege) only means the next verify reads the catalog again. */
void sctl_remember_clean(PGconn *conn, const SctlSchema *s, const char *fp,
                         int objects, SctlStamps *st,
                         const SctlFacets *declared)
{
    if (PQtransactionStatus(conn) == PQTRANS_IDLE)
        sctl_memo_write(conn, s, fp, objects, st, declared);
}

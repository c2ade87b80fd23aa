/*
 * normal.c — the declared state in PostgreSQL's own words.  The canonical
 * SQL is applied to a scratch database of the same server, in a
 * transaction that is rolled back (so roles it would create are not left
 * behind), and read with the facet reader.  The result is cached in the
 * target database, keyed by schema checksum and server version, in rows
 * checksummed by cache.c.
 */
#include "commands.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* One text value of a one-parameter query, malloc'd; NULL and *err on
 * failure or when the query finds nothing. */
static char *one_value(PGconn *conn, const char *sql, const char *param,
                       const char *what, char **err)
{
    const char *params[1] = {param};
    PGresult *r = PQexecParams(conn, sql, 1, NULL, params, NULL, NULL, 0);
    char *v = NULL;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
        !PQgetisnull(r, 0, 0))
        v = sctl_xstrdup(PQgetvalue(r, 0, 0));
    else
        *err = sctl_failure(conn, r, "cannot find the function %s", what);
    PQclear(r);
    return v;
}

/*
 * Declared functions are known by signature; the reader knows them by
 * name(identity arguments), which only the server can print.  Signatures
 * are resolved under the search path the canonical SQL ran with (an
 * unqualified argument type may name a type of public), then printed
 * under pg_catalog alone, as the reader prints every name.
 */
static bool function_keys(PGconn *conn, const SctlSchema *s, char **keys,
                          char **err)
{
    char **oids = sctl_xcalloc((size_t)s->nobjects + 1, sizeof *oids);
    bool ok = true;
    for (int i = 0; ok && i < s->nobjects; i++)
        if (s->objects[i].kind == SCTL_K_FUNCTION)
            ok = (oids[i] = one_value(conn, "SELECT pg_catalog."
                      "to_regprocedure($1)::pg_catalog.oid::pg_catalog.text",
                      s->objects[i].signature, s->objects[i].signature,
                      err)) != NULL;
    ok = ok && sctl_exec(conn, "SET LOCAL search_path = pg_catalog",
                       "search_path", err);
    for (int i = 0; ok && i < s->nobjects; i++) {
        if (!oids[i])
            continue;
        char *name = one_value(conn, "SELECT p.proname || '(' || "
            "pg_get_function_identity_arguments(p.oid) || ')' FROM pg_proc p "
            "WHERE p.oid = $1::oid", oids[i], s->objects[i].signature, err);
        SctlObject named = s->objects[i];
        named.name = name;
        ok = name != NULL;
        if (ok) {
            free(keys[i]);
            keys[i] = sctl_object_key(&named);
        }
        free(name);
    }
    for (int i = 0; i < s->nobjects; i++)
        free(oids[i]);
    free(oids);
    return ok;
}

/* The role database-wide default privileges without `for role` are for
 * is the one applying: keyed by its name, as the reader knows it. */
static bool applying_role_keys(PGconn *conn, const SctlSchema *s,
                               char **keys, char **err)
{
    for (int i = 0; i < s->nobjects; i++) {
        const SctlObject *o = &s->objects[i];
        if (o->kind != SCTL_K_ROLE || strcmp(o->name, SCTL_APPLYING_ROLE))
            continue;
        char *name = one_value(conn, "SELECT CAST(current_user AS "
                               "pg_catalog.text) WHERE $1::pg_catalog.text "
                               "IS NOT NULL", "", "current_user", err);
        if (!name)
            return false;
        SctlObject named = *o;
        named.name = name;
        free(keys[i]);
        keys[i] = sctl_object_key(&named);
        free(name);
    }
    return true;
}

static char **object_keys(const SctlSchema *s)
{
    char **keys = calloc((size_t)s->nobjects + 1, sizeof *keys);
    for (int i = 0; i < s->nobjects; i++)
        keys[i] = sctl_object_key(&s->objects[i]);
    return keys;
}

/* Applies the declared SQL in scratch and reads it, then rolls back. */
static bool read_scratch(PGconn *scratch, const SctlSchema *s,
                         const char *defaults, SctlDeclared *d, char **err)
{
    if (!sctl_exec(scratch, "BEGIN", "scratch database", err))
        return false;
    bool ok = (!s->supabase ||
               sctl_exec(scratch, sctl_supabase_sql, "platform stand-in", err))
           && (!*defaults ||
               sctl_exec(scratch, defaults, "the target's default privileges",
                         err))
           && sctl_run_declared(scratch, s, "declared schema", err);
    if (ok) {
        d->keys = object_keys(s);
        ok = function_keys(scratch, s, d->keys, err) &&
             applying_role_keys(scratch, s, d->keys, err) &&
             sctl_exec(scratch, "RESET search_path", "search_path", err);
    }
    if (ok && !(d->facets = sctl_read_schema_facets(scratch, s, NULL, err)))
        ok = false;
    PQclear(PQexec(scratch, "ROLLBACK"));
    return ok;
}

/*
 * Scratch databases are named after the backend that creates them, so a
 * run cut off before its DROP (a lost connection, kill -9) leaves one that
 * the next run recognises as stale: its backend is gone.  What cannot be
 * dropped (another owner's, in use) is left for later.
 */
static void drop_stale_scratch(PGconn *conn)
{
    PGresult *r = PQexec(conn,
        "SELECT pg_catalog.quote_ident(datname) FROM pg_catalog.pg_database "
        "WHERE datname ~ '^schemactl_scratch_[0-9]+_[0-9]+$' AND "
        "pg_catalog.split_part(datname, '_', 3)::bigint NOT IN "
        "(SELECT pid FROM pg_catalog.pg_stat_activity)");
    for (int i = 0; PQresultStatus(r) == PGRES_TUPLES_OK && i < PQntuples(r);
         i++) {
        char sql[192];
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s",
                 PQgetvalue(r, i, 0));
        PQclear(PQexec(conn, sql));
    }
    PQclear(r);
}

static bool from_scratch(const SctlConn *c, const SctlSchema *s,
                         SctlDeclared *d, char **err)
{
    char *defaults = sctl_default_privileges_sql(c->pg, err);
    if (!defaults)
        return false;
    char name[96];
    drop_stale_scratch(c->pg);
    snprintf(name, sizeof name, "schemactl_scratch_%d_%ld",
             PQbackendPID(c->pg), (long)time(NULL));
    char sql[192];
    snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE template0", name);
    if (!sctl_exec(c->pg, sql, "cannot create a scratch database to normalise "
                 "the declared schema (needs CREATEDB)", err)) {
        free(defaults);
        return false;
    }
    PGconn *scratch = sctl_connect_db(c, name, err);
    bool ok = scratch && read_scratch(scratch, s, defaults, d, err);
    free(defaults);
    if (scratch)
        PQfinish(scratch);
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", name);
    char *drop_err = NULL;
    if (!sctl_exec(c->pg, sql, "cannot drop the scratch database", &drop_err))
        free(drop_err);  /* the normalisation stands; only cleanup failed */
    return ok;
}

bool sctl_declared_here(const SctlConn *c, const SctlSchema *s,
                        SctlDeclared *d, char **err)
{
    memset(d, 0, sizeof *d);
    d->keys = object_keys(s);
    if (!function_keys(c->pg, s, d->keys, err) ||
        !applying_role_keys(c->pg, s, d->keys, err) ||
        !sctl_exec(c->pg, "RESET search_path", "search_path", err))
        return false;
    d->facets = sctl_read_schema_facets(c->pg, s, NULL, err);
    return d->facets != NULL;
}

bool sctl_has_function_named(const SctlSchema *s, const SctlFacets *live)
{
    for (int i = 0; i < sctl_facet_count(live); i++) {
        const SctlFacet *f = sctl_facet_at(live, i);
        if (f->kind != SCTL_K_FUNCTION)
            continue;
        for (int k = 0; k < s->nobjects; k++) {
            const SctlObject *o = &s->objects[k];
            size_t n = strcspn(o->name, "(");
            if (o->kind == SCTL_K_FUNCTION &&
                strcmp(o->schema, f->schema) == 0 &&
                strncmp(o->name, f->name, n) == 0 && f->name[n] == '(')
                return true;
        }
    }
    return false;
}

/* ------------------------------------------------------------- cache */

static bool has_cache(PGconn *conn)
{
    return sctl_query_bool(conn, "SELECT pg_catalog.to_regclass("
                           "'schemactl.normal_forms') IS NOT NULL");
}

static SctlCacheRead cache_read(PGconn *conn, const SctlSchema *s,
                                SctlDeclared *d)
{
    if (!has_cache(conn))
        return SCTL_CACHE_OTHER;
    char version[16];
    snprintf(version, sizeof version, "%d", PQserverVersion(conn));
    const char *params[2] = {s->checksum, version};
    PGresult *r = PQexecParams(conn, "SELECT facets FROM"
                               " schemactl.normal_forms WHERE checksum = $1"
                               " AND server_version = $2::int", 2, NULL,
                               params, NULL, NULL, 0);
    SctlCacheRead got = SCTL_CACHE_OTHER;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        got = sctl_cache_load(s, PQserverVersion(conn), PQgetvalue(r, 0, 0),
                              d);
    PQclear(r);
    return got;
}

static SctlCacheRead from_cache(PGconn *conn, const SctlSchema *s,
                                SctlDeclared *d)
{
    SctlCacheRead got = cache_read(conn, s, d);
    if (got == SCTL_CACHE_TAMPERED)
        fprintf(stderr, "%s: warning: schemactl.normal_forms holds a row for "
                "this schema that fails its checksum; not used, normalised "
                "again\n", sctl_progname);
    return got;
}

/* Normal forms made in a scratch database, kept for the next run where
 * the target has a cache that lacks them (a new version of the schema
 * or of the cache's layout): otherwise every verify until an apply
 * normalises again, a minute and more at 10,000 tables.  Not over a row
 * that fails its checksum, which stays to be warned of until an apply
 * rewrites it; not inside the caller's transaction; a failure (a
 * read-only server, no privilege) only means normalising again. */
static void keep_scratch(PGconn *conn, const SctlSchema *s,
                         const SctlDeclared *d, SctlCacheRead got)
{
    if (got == SCTL_CACHE_TAMPERED ||
        PQtransactionStatus(conn) != PQTRANS_IDLE || !has_cache(conn))
        return;
    char *err = NULL;
    sctl_declared_store(conn, s, d, &err);
    free(err);
}

/* Megabytes to fetch, check and parse at 10,000 tables (0.28-0.36 s
 * when loaded before the reading, `--timing`), done while the server
 * reads the catalog. */
struct SctlPrefetch {
    SctlBackground *background;
    const SctlSchema *s;
    SctlDeclared d;
    SctlCacheRead got;
};

/* The objects' facets looked up here too: the reading is the longer of
 * the two. */
static void prefetch(PGconn *own, void *arg)
{
    SctlPrefetch *p = arg;
    p->got = cache_read(own, p->s, &p->d);
    if (p->got == SCTL_CACHE_OK) {
        sctl_declared_index(&p->d, p->s->nobjects);
        sctl_facets_hash_relations(p->d.facets);
    }
}

SctlPrefetch *sctl_declared_prefetch(PGconn *conn, const SctlSchema *s)
{
    SctlPrefetch *p = sctl_xcalloc(1, sizeof *p);
    p->s = s;
    p->got = SCTL_CACHE_OTHER;
    p->background = sctl_background_start(conn, "schemactl normal forms",
                                          prefetch, p);
    if (!p->background) {
        free(p);
        return NULL;
    }
    return p;
}

bool sctl_declared_prefetched(SctlPrefetch *p, SctlDeclared *d)
{
    bool ok = sctl_background_join(p->background) &&
              p->got == SCTL_CACHE_OK;
    if (ok) {
        *d = p->d;
        d->from_cache = true;
    } else {
        sctl_declared_free(&p->d, p->s->nobjects);
    }
    free(p);
    return ok;
}

bool sctl_declared(const SctlConn *c, const SctlSchema *s, SctlDeclared *d,
                   char **err)
{
    memset(d, 0, sizeof *d);
    SctlCacheRead got = from_cache(c->pg, s, d);
    if (got == SCTL_CACHE_OK) {
        d->from_cache = true;
        return true;
    }
    if (from_scratch(c, s, d, err)) {
        keep_scratch(c->pg, s, d, got);
        return true;
    }
    sctl_declared_free(d, s->nobjects);
    return false;
}

bool sctl_declared_store(PGconn *conn, const SctlSchema *s,
                         const SctlDeclared *d, char **err)
{
    if (!sctl_clean_memo_ensure(conn, err))
        return false;
    if (d->from_cache || !d->keys)    /* cached, or not needed this run */
        return true;
    char *text = sctl_cache_dump(s, d, PQserverVersion(conn));
    sctl_compress_lz4(conn);
    char version[16];
    snprintf(version, sizeof version, "%d", PQserverVersion(conn));
    const char *params[3] = {s->checksum, version, text};
    PGresult *r = PQexecParams(conn,
        "INSERT INTO schemactl.normal_forms (checksum, server_version, facets)"
        " VALUES ($1, $2::int, $3) ON CONFLICT (checksum) DO UPDATE SET"
        " server_version = EXCLUDED.server_version, facets = EXCLUDED.facets",
        3, NULL, params, NULL, NULL, 0);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        *err = sctl_failure(conn, r, "cannot store normal forms");
    PQclear(r);
    free(text);
    return ok;
}

void sctl_declared_free(SctlDeclared *d, int nobjects)
{
    for (int i = 0; d->keys && i < nobjects; i++)
        free(d->keys[i]);
    free(d->keys);
    if (d->facets)
        sctl_facets_free(d->facets);
    free(d->of);
    d->keys = NULL;
    d->facets = NULL;
    d->of = NULL;
    d->found = 0;
}

void sctl_declared_index(SctlDeclared *d, int nobjects)
{
    if (d->of || !d->keys)
        return;
    d->of = sctl_xmalloc(sizeof *d->of * (size_t)(nobjects + 1));
    for (int i = 0; i < nobjects; i++)
        d->of[i] = sctl_facet(d->facets, d->keys[i]);
}

const SctlFacet *sctl_declared_of(const SctlDeclared *d, int i)
{
    return d->of ? d->of[i] : sctl_facet(d->facets, d->keys[i]);
}

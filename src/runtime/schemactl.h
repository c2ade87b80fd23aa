/*
 * schemactl.h — the runtime linked into every executable `schemac build`
 * makes.  The generated ECPG source (pgc/NAME.pgc) defines `sctl_schema`:
 * what was declared, and one static EXEC SQL statement per change the
 * executable may need to make.  This runtime connects, reads the catalog,
 * compares, and runs those statements.
 *
 * Sections are named after the file that owns them.
 */
#ifndef SCHEMACTL_H
#define SCHEMACTL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <pwd.h>

#include <libpq-fe.h>

#include "objects.h"   /* SctlKind, shared with the compiler */

/* Exit status of every command (DESIGN.md). */
enum {
    SCTL_OK = 0,
    SCTL_DRIFT = 1,       /* verification or test failure */
    SCTL_USAGE = 2,       /* usage or connection error */
    SCTL_APPLY_FAILED = 3 /* apply failed and was rolled back */
};

/* -------------------------------------------------------------- util.c */

/* Memory: NULL never comes back; out of memory prints and exits 2. */
void *sctl_xmalloc(size_t n);
void *sctl_xcalloc(size_t n, size_t size);
void *sctl_xrealloc(void *p, size_t n);
char *sctl_xstrdup(const char *s);
char *sctl_xstrndup(const char *s, size_t n);
/* printf into new memory (malloc'd). */
char *sctl_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *sctl_vprintf(const char *fmt, va_list ap);

/* A growable string, always NUL-terminated once anything is put. */
typedef struct SctlBuf {
    char *data;
    size_t len, cap;
} SctlBuf;

void sctl_buf_put(SctlBuf *b, const char *s, size_t n);
void sctl_buf_puts(SctlBuf *b, const char *s);
void sctl_buf_printf(SctlBuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The text (malloc'd, "" when empty); b is empty again. */
char *sctl_buf_take(SctlBuf *b);
void sctl_buf_free(SctlBuf *b);

/* "LEAD: reason" on one line: the server's primary message from r, else
 * libpq's (malloc'd). */
char *sctl_failure(PGconn *conn, const PGresult *r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Runs sql, rows ignored; on failure *err (if err) is "WHAT: reason". */
bool sctl_exec(PGconn *conn, const char *sql, const char *what, char **err);
/* A text[] literal ({"a","b\\"c"}) for a $n::text[] parameter, whole or
 * item by item (add, then take: "{}" when nothing was added). */
char *sctl_text_array(const char *const *items, int n);
void sctl_array_add(SctlBuf *b, const char *item);
char *sctl_array_take(SctlBuf *b);
/* A catalog read under search_path = pg_catalog alone, so that names
 * print qualified as the facet reader prints them: its own read-only
 * transaction, or a savepoint in the caller's (*own says which); end
 * undoes the setting whatever happened. */
bool sctl_catalog_begin(PGconn *conn, bool *own, const char *what,
                        char **err);
void sctl_catalog_end(PGconn *conn, bool own);
/* A query answering one boolean; false on error too. */
bool sctl_query_bool(PGconn *conn, const char *sql);
/* In a transaction whose statements all see one snapshot (repeatable
 * read or serializable): a fingerprint taken in it holds for the rest. */
bool sctl_in_snapshot(PGconn *conn);

/* ------------------------------------------ generated code (pgc/NAME.pgc) */

/*
 * The generated source defines sctl_schema: the tables of objects,
 * canonical statements and tests that src/common/objects.h describes.
 * It holds no code: the runtime runs the statements as they are.
 */
extern const SctlSchema sctl_schema;

/* ------------------------------------------------------------ schema.c */

/* The file an object or step was declared in. */
const char *sctl_file(const SctlSchema *s, int file);
/* generated/NAME.sql put back together from the statements, byte for
 * byte (malloc'd). */
char *sctl_canonical_sql(const SctlSchema *s);

/* ------------------------------------------------------------ facets.c */

/*
 * A facet is one object's definition as PostgreSQL prints it: a key
 * ("column\x1fpublic\x1ft\x1fid") and named fields (type, not_null,
 * default, ...) whose values come from the server's own functions
 * (format_type, pg_get_expr, pg_get_constraintdef, pg_get_indexdef, ...),
 * read with search_path = pg_catalog so every name is qualified.
 */
typedef struct SctlField {
    const char *name;
    const char *value;      /* NULL for SQL NULL */
} SctlField;

typedef struct SctlFacet {
    const char *key;
    SctlKind kind;
    const char *schema, *table, *name;
    SctlField *fields;
    int nfields;
} SctlFacet;

typedef struct SctlFacets SctlFacets;   /* a map key -> facet */
typedef struct SctlStamps SctlStamps;   /* stamps.c */

/*
 * Reads every facet in the given schemas (and the roles, extensions,
 * memberships they involve) in a few batched queries.  NULL and *err set
 * on failure.
 */
SctlFacets *sctl_read_facets(PGconn *conn, const char *const *schemas,
                             int nschemas, char **err);
const SctlFacet *sctl_facet(const SctlFacets *f, const char *key);
/* The facets whose table is schema.table (columns, constraints, ...);
 * *out points into f (not to be freed), NULL when there are none. */
void sctl_facets_of_table(const SctlFacets *f, const char *schema,
                          const char *table, const SctlFacet ***out, int *n);
int sctl_facet_count(const SctlFacets *f);
/* A field's value (NULL when absent or SQL NULL; f may be NULL). */
const char *sctl_field(const SctlFacet *f, const char *name);
/* Equal values, NULL equal to NULL only. */
bool sctl_same(const char *a, const char *b);
/* Whether a and b are one facet's copies (a relation's live facets taken
 * from the declared state after a partial read): equal without a look. */
bool sctl_facet_shared(const SctlFacet *a, const SctlFacet *b);
const SctlFacet *sctl_facet_at(const SctlFacets *f, int i);
void sctl_facets_free(SctlFacets *f);
/* The key of a declared object (malloc'd). */
char *sctl_object_key(const SctlObject *o);
/* Serialises facets to text and back (the normal-form cache). */
char *sctl_facets_dump(const SctlFacets *f);
SctlFacets *sctl_facets_load(const char *text);
/* As sctl_read_facets; when the read ran in a snapshot of its own,
 * *fingerprint is the catalog's (sctl_fingerprint) in that same snapshot,
 * else NULL (malloc'd). */
SctlFacets *sctl_read_facets_fp(PGconn *conn, const char *const *schemas,
                                int nschemas, char **fingerprint,
                                char **err);
/* As sctl_read_facets_fp over s's schemas, with the rows s declares
 * (SCTL_K_ROWS: one facet per table, read by its own query). */
SctlFacets *sctl_read_schema_facets(PGconn *conn, const SctlSchema *s,
                                    char **fingerprint, char **err);
/* As sctl_read_schema_facets, but when known(conn, fingerprint, arg) holds
 * (a read in a snapshot of its own only), reads nothing more: NULL, *hit
 * set and no *err.  One fingerprint where a check then a read took two. */
typedef bool SctlFpKnown(PGconn *conn, const char *fp, void *arg);
/* When it does not, and stamps(conn, st, arg) marks the relations changed
 * since a clean comparison (sctl_stamps_compare; -1 when it cannot), only
 * those are read: sctl_facets_complete adds the rest. */
typedef int SctlStampsKnown(PGconn *conn, SctlStamps *st, void *arg);
SctlFacets *sctl_read_facets_unless(PGconn *conn, const SctlSchema *s,
                                    char **fingerprint,
                                    SctlFpKnown *known,
                                    SctlStampsKnown *stamps, void *arg,
                                    bool *hit, char **err);
/* One more owner of f: each sctl_facets_free drops one (returns f). */
SctlFacets *sctl_facets_share(SctlFacets *f);
/* A read of the changed relations only, completed with the declared
 * facets of the unchanged ones (which read as declared when the memo was
 * written); takes read, returns the map to use.  Any other read is
 * returned as it is. */
SctlFacets *sctl_facets_complete(SctlFacets *read, SctlFacets *declared);
/* The relations' stamps taken with the reading, or NULL. */
SctlStamps *sctl_facets_stamps(const SctlFacets *f);
/* A hash of the facets of one relation and its parts, "-" when f has
 * none. */
void sctl_facets_relation_hash(const SctlFacets *f, const char *schema,
                               const char *rel, char out[17]);
/* Takes every relation's hash ahead, where there is time to (the normal
 * forms' loading beside the reading); f is not to change after. */
void sctl_facets_hash_relations(SctlFacets *f);

/* -------------------------------------------------------- background.c */

/* fn(own, arg) in a thread of its own, own a new connection to conn's
 * database made as conn was (named name); NULL when no thread starts. */
typedef void SctlBackgroundFn(PGconn *own, void *arg);
typedef struct SctlBackground SctlBackground;
SctlBackground *sctl_background_start(PGconn *conn, const char *name,
                                      SctlBackgroundFn *fn, void *arg);
/* Waits for it; whether its connection was made (and so fn ran). */
bool sctl_background_join(SctlBackground *b);
/* A schema of this many objects (some 140 tables like the bench's) takes
 * longer to read and load than a background connection takes to open. */
#define SCTL_LARGE_SCHEMA 2000

/* ----------------------------------------------------- facets_helper.c */

/* A second connection that runs sqls[0..n) (each with $1 = schemas where
 * by_schema) after settings, in a thread, in the snapshot conn's
 * REPEATABLE READ transaction exports; NULL when it cannot start (the
 * caller runs them).  conn's transaction must stay open until finish. */
typedef struct SctlHelper SctlHelper;
SctlHelper *sctl_helper_start(PGconn *conn, const char *settings,
                              const char *const *sqls, const bool *by_schema,
                              int n, const char *schemas);
/* Waits for it; true with every result in results[0..n) (the caller's
 * to PQclear), false with none (the caller runs them itself). */
bool sctl_helper_finish(SctlHelper *h, PGresult **results);

/* ---------------------------------------------------------- fastpath.c */

/* The catalog rows every facet is printed from, summed (malloc'd); NULL
 * and *err on failure. */
char *sctl_fingerprint(PGconn *conn, const char *const *schemas, int n,
                       char **err);
/* When the last clean comparison of this schema saw the catalog's
 * fingerprint as it is now (the catalog reads as the declared state): how
 * many objects it checked.  -1 on any doubt. */
int sctl_known_clean(PGconn *conn, const SctlSchema *s);
/* The same for a fingerprint already taken. */
int sctl_memo_objects(PGconn *conn, const char *fp, const SctlSchema *s);
/* Notes a clean comparison of objects objects read at fp, in the caller's
 * transaction if any; false if it could not. */
bool sctl_memo_write(PGconn *conn, const SctlSchema *s, const char *fp,
                     int objects, SctlStamps *st,
                     const SctlFacets *declared);
/* In the caller's transaction, under a savepoint (so that a failure
 * leaves it as it was): the fingerprint now, or NULL; the memo written
 * (failure ignored). */
char *sctl_fingerprint_here(PGconn *conn, const SctlSchema *s);
void sctl_memo_write_here(PGconn *conn, const SctlSchema *s, const char *fp,
                          int objects, const SctlFacets *declared);
/* As sctl_memo_write, outside any transaction only (failure ignored). */
void sctl_remember_clean(PGconn *conn, const SctlSchema *s, const char *fp,
                         int objects, SctlStamps *st,
                         const SctlFacets *declared);
/* Creates schemactl.clean_at (inside the caller's transaction). */
bool sctl_clean_memo_ensure(PGconn *conn, char **err);
/* The fingerprint's part that no one relation owns (malloc'd). */
char *sctl_fingerprint_global(PGconn *conn, const char *const *schemas,
                              int n, char **err);
/* The relations' stamps of the latest clean comparison whose global part
 * was global, of any version of the schema (malloc'd), else NULL;
 * *same_schema whether it was of this version. */
char *sctl_memo_stamps(PGconn *conn, const char *global,
                       const SctlSchema *s, bool *same_schema);
/* Whether there is such a memo (without fetching its stamps). */
bool sctl_memo_has_stamps(PGconn *conn, const char *global,
                          const SctlSchema *s);

/* ------------------------------------------------------------ stamps.c */

/* Each relation's catalog rows summed, with the global part. */
SctlStamps *sctl_stamps_read(PGconn *conn, const char *const *schemas,
                             int nschemas, char **err);
/* The query of the sums, for a connection of the same snapshot. */
const char *sctl_stamps_sql(void);
/* The stamps of its rows (run here when NULL) with the global part (both
 * taken, freed on failure too); NULL and *err if the query failed. */
SctlStamps *sctl_stamps_take(PGconn *conn, const char *const *schemas,
                             int nschemas, char *global, PGresult *rows,
                             char **err);
void sctl_stamps_free(SctlStamps *st);
const char *sctl_stamps_global(const SctlStamps *st);
/* The stamps as the memo keeps them, with what declared says of each
 * relation (malloc'd). */
char *sctl_stamps_text(SctlStamps *st, const SctlFacets *declared);
/* Marks the relations whose stamp differs from the memo's, or that
 * declared (now) says otherwise of than the memo's did, and those that
 * print with one of them: how many, or -1 when most changed or the memo
 * cannot be read (read everything). */
int sctl_stamps_compare(PGconn *conn, SctlStamps *st, const char *memo,
                        const SctlFacets *declared, char **err);
/* The marked relations as an oid[] literal (malloc'd). */
char *sctl_stamps_changed(const SctlStamps *st);
/* Whether schema.name is a relation there and not marked. */
bool sctl_stamps_unchanged(const SctlStamps *st, const char *schema,
                           const char *name);

/* ----------------------------------------------------------- connect.c */

typedef struct SctlConn {
    PGconn *pg;             /* libpq view of the ECPG connection */
    char *target;           /* ECPG target, for messages */
    char *conninfo;         /* libpq conninfo string of the same server;
                               holds the password: never print it */
} SctlConn;

/*
 * Connects from --db URL, else DATABASE_URL, else the PG* variables.
 * Standard postgresql:// and postgres:// URIs and unix-socket hosts work.
 * On failure returns false with a message in *err (exit status 2).
 */
bool sctl_connect(const char *url, SctlConn *c, char **err);
/* Seconds to wait for a server unless PGCONNECT_TIMEOUT or the URL say. */
#define SCTL_CONNECT_TIMEOUT "10"
/* Overwrites the password in a URL or keyword string with '*', in place
 * (so that ps shows none). */
void sctl_hide_password(char *raw);
/* Drops the server's NOTICEs on conn; prints WARNINGs and worse, one line. */
void sctl_quiet_notices(PGconn *conn);
void sctl_disconnect(SctlConn *c);
/* A second libpq connection to another database of the same server. */
PGconn *sctl_connect_db(const SctlConn *c, const char *dbname, char **err);

/* ---------------------------------------------------------- embedded.c */

typedef struct SctlEmbedded {
    char *dir;              /* temporary directory, removed at stop */
    char *url;              /* postgresql:// URL of its unix socket */
    int port;
    int watch_fd;           /* write end of the watchdog's pipe */
    pid_t watchdog;         /* 0 when none */
} SctlEmbedded;

/*
 * Starts a throwaway PostgreSQL: initdb into a temporary directory, unix
 * socket only, as the postgres user when run as root.  false and *err on
 * failure.
 */
bool sctl_embedded_start(SctlEmbedded *e, char **err);
void sctl_embedded_stop(SctlEmbedded *e);
/* Stops the server of dir if it runs, then removes dir. */
void sctl_embedded_cleanup(const char *dir);

/* ------------------------------------------------ embedded_template.c */

/* A fresh cluster kept to start the next throwaway server from (in
 * $SCHEMACTL_CACHE, $XDG_CACHE_HOME/schemactl or ~/.cache/schemactl; the
 * empty SCHEMACTL_CACHE turns it off).  clone copies it to data (owned by
 * pg when given), false when there is none or the copy fails; keep copies
 * the cluster initdb just made in data, unless one is kept already. */
bool sctl_template_clone(const char *bindir, const struct passwd *pg,
                         const char *data);
void sctl_template_keep(const char *bindir, const char *data);

/* ---------------------------------------------------- embedded_watch.c */

/* Installed first thing in main: SIGINT, SIGTERM and SIGHUP end the run
 * (the watchdog cleans up), SIGPIPE is ignored. */
void sctl_signals_install(void);
/* The child a signal should take down with the run (0: none). */
void sctl_waiting_for(pid_t child);
/* Forks the watchdog of e->dir; false if it cannot. */
bool sctl_watchdog_start(SctlEmbedded *e);
/* Has the watchdog clean up and waits for it; false if there is none. */
bool sctl_watchdog_stop(SctlEmbedded *e);
/* Cleans up the schemactl-* directories in base left by dead runs. */
void sctl_embedded_sweep(const char *base);

/* ---------------------------------------------------------- platform.c */

/* The Supabase stand-in (src/platform/supabase.sql), installed when
 * `platform supabase;` is declared. */
extern const char sctl_supabase_sql[];
bool sctl_has_platform(PGconn *conn);
bool sctl_install_platform(PGconn *conn, char **err);

/* ----------------------------------------------------------- history.c */

/* schemactl's own state lives in schema "schemactl": run history and the
 * cache of normal forms.  Created on first apply. */
bool sctl_history_ensure(PGconn *conn, char **err);
/* Every grant on schemactl's objects to anyone but their owner revoked,
 * whatever default privileges gave (after making one of them). */
bool sctl_lockdown(PGconn *conn, char **err);
/* Large values written in the rest of the caller's transaction are
 * compressed with lz4 where the server has it. */
void sctl_compress_lz4(PGconn *conn);
/* A run of s: action "apply" or "rollback"; s itself is recorded (as
 * serial.h writes it), for a later rollback to plan back to, unless the
 * last run applied s already. */
bool sctl_history_record(PGconn *conn, const SctlSchema *s,
                         const char *action, int changes, char **err);
/*
 * The schema to roll back to: the one recorded by the apply before the
 * last (applies of the same schema count once; each rollback undoes one).
 * SCTL_OK with *out (sctl_schema_free) and *undone the id of the run it
 * undoes; SCTL_USAGE and *err when there is none, or it cannot be read.
 */
int sctl_history_previous(PGconn *conn, const char *project,
                          SctlSchema **out, long *undone, char **err);
/* Prints applied runs; false if none or no history table. */
bool sctl_history_print(PGconn *conn, FILE *out);
/* An advisory lock that serialises applies of any schemactl. */
bool sctl_lock(PGconn *conn, char **err);

/* ------------------------------------------------------------ normal.c */

/*
 * The declared state as PostgreSQL prints it: the canonical SQL applied
 * to a scratch database of the same server inside a transaction that is
 * rolled back, read with the same reader as the target.  The result is
 * cached in the target's schemactl.normal_forms by checksum and server
 * version, so a later verify needs no scratch database.
 */
typedef struct SctlDeclared {
    SctlFacets *facets;
    char **keys;          /* the facet key of each declared object */
    bool from_cache;
    int found;            /* how many keys have a facet, plus one; 0 until
                             cmd_declared_count counts them */
    const SctlFacet **of; /* each object's facet, or NULL: looked up once
                             by sctl_declared_index, else NULL */
} SctlDeclared;

/* The cached normal forms loaded on a background connection while the
 * caller reads (NULL if it cannot start); then true with *d loaded, or
 * false (d untouched: no usable row, which sctl_declared then says). */
typedef struct SctlPrefetch SctlPrefetch;
SctlPrefetch *sctl_declared_prefetch(PGconn *conn, const SctlSchema *s);
bool sctl_declared_prefetched(SctlPrefetch *p, SctlDeclared *d);
bool sctl_declared(const SctlConn *c, const SctlSchema *s, SctlDeclared *d,
                   char **err);
/* The declared state read from the target itself, right after the
 * canonical statements made it there (inside the caller's transaction). */
bool sctl_declared_here(const SctlConn *c, const SctlSchema *s,
                        SctlDeclared *d, char **err);
/* True if live has a function with the name of a declared one. */
bool sctl_has_function_named(const SctlSchema *s, const SctlFacets *live);
/* Stores d in the target's cache (inside the caller's transaction). */
bool sctl_declared_store(PGconn *conn, const SctlSchema *s,
                         const SctlDeclared *d, char **err);
void sctl_declared_free(SctlDeclared *d, int nobjects);
/* Looks up each object's declared facet once (d->of), for the
 * comparison, the plan and the count that each walk every object. */
void sctl_declared_index(SctlDeclared *d, int nobjects);
/* The declared facet of object i (d->of when indexed). */
const SctlFacet *sctl_declared_of(const SctlDeclared *d, int i);

/* ----------------------------------------------------- declared_error.c */

/* Runs the canonical SQL of s on conn (inside the caller's transaction);
 * when the server refuses it, *err is "FILE:LINE:COL: WHAT: message" for
 * the declaration refused, with its DETAIL and HINT on lines of their
 * own (malloc'd). */
bool sctl_run_declared(PGconn *conn, const SctlSchema *s, const char *what,
                       char **err);
/* The object the failed statement sql of object made, narrowed to the
 * part of its CREATE TABLE the server points at (a column's default). */
const SctlObject *sctl_failed_object(const SctlSchema *s, int object,
                                     const char *sql, const PGresult *r);

/* ------------------------------------------------------------- cache.c */

/* A normal_forms row for s on this server version (malloc'd): checksummed
 * over its text, s's checksum and the version. */
char *sctl_cache_dump(const SctlSchema *s, const SctlDeclared *d,
                      int server_version);
typedef enum {
    SCTL_CACHE_OK,        /* d holds the row */
    SCTL_CACHE_OTHER,     /* another schemactl's layout: normalise again */
    SCTL_CACHE_TAMPERED,  /* fails its checksum: never used */
} SctlCacheRead;
/* Reads a row; d is left empty unless SCTL_CACHE_OK. */
SctlCacheRead sctl_cache_load(const SctlSchema *s, int server_version,
                              const char *row, SctlDeclared *d);
/* The row without its checksum line (what the fuzzer reads): false if it
 * is not one; the caller frees d either way. */
bool sctl_cache_parse(int nobjects, const char *body, SctlDeclared *d);

/* ----------------------------------------------------------- depends.c */

/* One object that depends on another in the live database (pg_depend). */
typedef struct SctlDependent {
    char *referenced;         /* facet key of what it depends on */
    SctlKind kind;            /* its kind */
    char *key;                /* its facet key (a default: its column's) */
    bool is_default;          /* a column's default, not the column */
    bool is_generated;        /* a generated column's expression */
} SctlDependent;

typedef struct SctlDepends SctlDepends;

/* The dependencies on objects of the managed schemas.  NULL and *err on
 * failure; inside a transaction, its state is kept. */
SctlDepends *sctl_read_depends(PGconn *conn, const char *const *schemas,
                               int nschemas, char **err);
/* What depends on referenced: *out points into d, *n of them. */
void sctl_depends_on(const SctlDepends *d, const char *referenced,
                     const SctlDependent **out, int *n);
/* Built by hand (tests): add, then finish before asking. */
SctlDepends *sctl_depends_new(void);
void sctl_depends_add(SctlDepends *d, const char *referenced, SctlKind kind,
                      const char *key, bool is_default, bool is_generated);
void sctl_depends_finish(SctlDepends *d);
void sctl_depends_free(SctlDepends *d);

/* ------------------------------------------------ default_privileges.c */

/* ALTER DEFAULT PRIVILEGES statements that give another database the
 * default privileges this one has for the current role's new objects in
 * public and the platform's schemas (malloc'd; "" if none). */
char *sctl_default_privileges_sql(PGconn *conn, char **err);

/* -------------------------------------------------------- undeclared.c */

/* The top-level object of a pg_depend end (classid, objid), by OID
 * (stamps.c reduces dependents the same way).  OIDs
 * come from one cluster-wide counter, so the catalogs' OIDs do not collide
 * short of a wraparound. */
#define SCTL_SQL_TOP(cl, ob)                                                 \
    "CASE " cl "::regclass"                                                  \
    " WHEN 'pg_rewrite'::regclass THEN (SELECT ev_class FROM pg_rewrite"     \
    "  WHERE oid = " ob ")"                                                  \
    " WHEN 'pg_attrdef'::regclass THEN (SELECT adrelid FROM pg_attrdef"      \
    "  WHERE oid = " ob ")"                                                  \
    " WHEN 'pg_trigger'::regclass THEN (SELECT tgrelid FROM pg_trigger"      \
    "  WHERE oid = " ob ")"                                                  \
    " WHEN 'pg_policy'::regclass THEN (SELECT polrelid FROM pg_policy"       \
    "  WHERE oid = " ob ")"                                                  \
    " WHEN 'pg_constraint'::regclass THEN (SELECT CASE WHEN conrelid <> 0"   \
    "  THEN conrelid ELSE contypid END FROM pg_constraint WHERE oid = " ob ")" \
    " WHEN 'pg_class'::regclass THEN (SELECT CASE WHEN relkind IN ('i', 'I')" \
    "  THEN (SELECT indrelid FROM pg_index WHERE indexrelid = " ob ")"       \
    "  WHEN relkind = 'c' THEN reltype ELSE oid END FROM pg_class"           \
    "  WHERE oid = " ob ")"                                                  \
    " WHEN 'pg_type'::regclass THEN (SELECT CASE WHEN t.typrelid <> 0 AND"   \
    "  r.relkind <> 'c' THEN t.typrelid ELSE t.oid END FROM pg_type t"       \
    "  LEFT JOIN pg_class r ON r.oid = t.typrelid WHERE t.oid = " ob ")"     \
    " ELSE " ob " END"


/* An object in an owned schema that the schema does not declare. */
typedef struct SctlUndeclared {
    const char *word;         /* "table", "view", "materialized view",
                                 "function", "type", "sequence" */
    char letter;              /* relkind; 'f'/'P' function/procedure;
                                 'e', 'd', 'c', 'R' enum, domain,
                                 composite, range type */
    char *schema, *name;      /* a function's name with its arguments */
    char *signature;          /* a function's, as DROP takes it */
    char *key;                /* its facet key (NULL: a sequence) */
    bool late;                /* a declared object depends on it now: it
                                 is dropped after the declared changes */
} SctlUndeclared;

typedef struct SctlUndeclaredList {
    SctlUndeclared *items;    /* in drop order: dependents first */
    int len, cap;
} SctlUndeclaredList;

/* The undeclared objects of s's owned schemas (declared: the declared
 * state; NULL when none of it exists here), minus ignored ones and what
 * they depend on.  false and *err on failure; the transaction state is
 * kept. */
bool sctl_read_undeclared(PGconn *conn, const SctlSchema *s,
                          const SctlFacets *declared,
                          SctlUndeclaredList *out, char **err);
/* As sctl_read_undeclared when the relations not in relations ("{oid,
 * ...}") are known to be declared or ignored (NULL: none is known). */
bool sctl_read_undeclared_among(PGconn *conn, const SctlSchema *s,
                                const SctlFacets *declared,
                                const char *relations,
                                SctlUndeclaredList *out, char **err);
void sctl_undeclared_free(SctlUndeclaredList *l);
/* "unexpected: view public.v (not declared)", one line each. */
void sctl_undeclared_print(const SctlUndeclaredList *l, FILE *out);
/* Whether an `ignore` of the schema covers the object (word as above). */
bool sctl_ignored(const SctlSchema *s, const char *word, const char *schema,
                  const char *name);

/* -------------------------------------------------------------- diff.c */

/* One way the live catalog differs from the declaration. */
typedef struct SctlDiff {
    int object;               /* declared object, or -1 for an extra */
    const SctlFacet *live;    /* NULL if missing */
    const SctlFacet *declared;/* NULL for an extra */
    const char *field;        /* NULL: the whole object is missing/extra */
    const char *live_value;
    const char *declared_value;
} SctlDiff;

typedef struct SctlDiffs {
    SctlDiff *items;
    int len, cap;
    SctlUndeclaredList undeclared;  /* whole objects not declared */
    const SctlFacets *paired;   /* the live map live_of was looked up in */
    const SctlFacet **live_of;  /* each object's live facet, or NULL */
} SctlDiffs;

/* Every difference, declared objects in order, then extras on declared
 * tables (columns, constraints, indexes, policies, triggers). */
void sctl_diff(const SctlSchema *s, const SctlDeclared *d,
               const SctlFacets *live, SctlDiffs *out);
void sctl_diffs_free(SctlDiffs *ds);
/* Whether the schema declares object's row level security switch. */
bool sctl_rls_declared(const SctlSchema *s, int object);
/* Prints each difference with the object's name and DSL file:line. */
void sctl_diffs_print(const SctlSchema *s, const SctlDiffs *ds, FILE *out);
/* Where a difference is declared: its object, or for an undeclared part
 * the table it is on; NULL when neither is declared. */
const SctlObject *sctl_diff_where(const SctlSchema *s, const SctlDiff *d);
/* The difference on one line, without position or colors. */
void sctl_diff_text(const SctlSchema *s, const SctlDiff *d, FILE *out);

/* -------------------------------------------------------------- plan.c */

/* One step of an apply: a canonical statement, or a repair of fixed
 * shape written here (objects.h). */
/* What a step's row check counts (plan_rows.c). */
typedef enum {
    SCTL_PROBE_NONE,
    SCTL_PROBE_NULLS,         /* rows with NULL in a column made NOT NULL */
    SCTL_PROBE_ROWS,          /* rows that get no value for a new required
                                 column */
    SCTL_PROBE_BREAKS,        /* rows that break a new key, check or fk */
    SCTL_PROBE_LOST_LABELS,   /* rows holding a label an enum loses */
    SCTL_PROBE_LOST_VALUES    /* rows whose value a new type changes */
    /* (the two LOST kinds: the step then needs --allow-data-loss) */
} SctlProbeKind;

typedef struct SctlStep {
    int statement;            /* index into statements, or -1 */
    char *sql;                /* a repair (owned), or NULL */
    int object;               /* declared object, or -1 */
    bool data_loss;           /* needs --allow-data-loss */
    bool after_commit;        /* CREATE INDEX CONCURRENTLY */
    bool first;               /* committed before the rest (enum labels:
                                 a new label is usable only then) */
    char *why;                /* why it cannot run, or NULL */
    int shape;                /* the SctlShape of a repair, or -1 */
    SctlProbeKind probe_kind; /* its row check, if any: */
    char *probe;              /* a query counting the rows in the way */
    char *note;               /* what its row check found, or NULL */
    bool done;                /* ran before the comparison (a rename) */
} SctlStep;

typedef struct SctlPlan {
    SctlStep *steps;
    int len, cap;
    bool asked_depends;     /* the planner asked what depends on something:
                               planned with NULL deps, it may differ */
} SctlPlan;

/* deps may be NULL (nothing is known to depend on anything). */
void sctl_plan(const SctlSchema *s, const SctlDeclared *d,
               const SctlFacets *live, const SctlDepends *deps,
               const SctlDiffs *diffs, SctlPlan *out);
void sctl_plan_free(SctlPlan *p);
/* Appends a step (sql owned by the plan, may be NULL); returns it. */
SctlStep *sctl_plan_add(SctlPlan *p, int statement, char *sql, int object);
const char *sctl_step_sql(const SctlSchema *s, const SctlStep *st);
/* When a step runs: committed first on its own (new enum labels, usable
 * only once committed), in the transaction, or after its commit (what
 * cannot run in one).  Apply and migration files both keep this order. */
typedef enum { SCTL_PHASE_FIRST, SCTL_PHASE_MAIN, SCTL_PHASE_AFTER } SctlPhase;
SctlPhase sctl_step_phase(const SctlStep *st);

/* ----------------------------------------------------------- renames.c */

/* The renames that objects declared `renamed from` need here, tables
 * first: a step for each one found under its old name only, a refusal
 * (why) for each one found under both names. */
void sctl_renames_find(const SctlSchema *s, const SctlFacets *live,
                       SctlPlan *out);
/* Whether any object declared `renamed from` is there under its old
 * name (so the database is not fresh). */
bool sctl_renames_any(const SctlSchema *s, const SctlFacets *live);

/* --------------------------------------------------------- plan_rows.c */

/*
 * Runs the row check of every step that has one, each under a savepoint
 * (a check whose table is not there yet is left to the server); a step
 * whose check finds rows in the way gets a why that says how many.
 * Inside the caller's transaction, read only.  The number of steps so
 * stopped.
 */
int sctl_plan_check_rows(PGconn *conn, const SctlSchema *s, SctlPlan *p);

/* ----------------------------------------------- report_matrix.c, _er.c */

/* For each declared access cell, what the live catalog amounts to in the
 * same words (NULL: not read, a bucket); NULL and *err on failure. */
char **sctl_live_access(PGconn *conn, const SctlSchema *s, char **err);
/* The same access, the policies of "rows: ..." in any order. */
bool sctl_same_access(const char *declared, const char *live);
/* The tables and foreign keys of the managed schemas as a Graphviz graph
 * (malloc'd), and how many tables. */
char *sctl_er_dot(PGconn *conn, const SctlSchema *s, int *ntables,
                  char **err);
/* The graph drawn by Graphviz `dot` as an <svg> element (malloc'd). */
char *sctl_dot_svg(const char *dot, char **err);
/* --------------------------------------------------- migration_print.c */

/*
 * The plan as a migration file for psql -v ON_ERROR_STOP=1 -f: BEGIN, each
 * step after the `-- source:` line of what declares it, hazards (data
 * loss, rows in the way) as comments, COMMIT, then the steps that cannot
 * run in a transaction.  Steps that cannot run at all (why) are left out:
 * the caller refuses such a plan first.
 */
void sctl_migration_print(const SctlSchema *s, const SctlPlan *p, FILE *out);

/* ----------------------------------------------------------- hazards.c */

/* What a step's hazards depend on that only the server knows. */
typedef struct SctlStepFacts {
    bool table_new;         /* its table is made by this plan */
    bool has_rows;          /* its table holds rows now */
    bool volatile_default;  /* ADD COLUMN: a volatile default (or identity,
                               or a stored generated column) */
    bool binary_coercible;  /* ALTER TYPE: no rewrite needed */
    bool required;          /* ADD COLUMN: NOT NULL without a default */
} SctlStepFacts;

/* The strongest lock a step takes on a table, and what it does there
 * while holding it (PostgreSQL 15). */
typedef struct SctlHazard {
    const char *lock;       /* "ACCESS EXCLUSIVE", ...; NULL: none */
    char *on;               /* "schema.table" it locks, or NULL */
    const char *also;       /* a second table's lock, in words, or NULL */
    const char *effect;     /* "rewrites the table", "scans the table",
                               ...; NULL: neither */
    const char *warning;    /* why it may hurt a busy table, or NULL */
} SctlHazard;

void sctl_hazard(const SctlSchema *s, const SctlStep *st,
                 const SctlStepFacts *f, SctlHazard *h);
void sctl_hazard_free(SctlHazard *h);
/* "-- lock: ... ; effect" and a "-- warning: ..." line (malloc'd), or
 * NULL when the step locks no table. */
char *sctl_hazard_text(const SctlHazard *h, bool table_new);

/* ------------------------------------------------------------ online.c */

/* The server-side facts of steps, read on demand and kept. */
typedef struct SctlOnline {
    PGconn *conn;
    const SctlSchema *s;
    const SctlDeclared *d;
    const SctlFacets *live;
    char **tables;          /* "schema\x1ftable" whose rows were counted */
    bool *rows;
    int n, cap;
} SctlOnline;

bool sctl_step_facts(SctlOnline *on, const SctlStep *st, SctlStepFacts *f,
                     char **err);
/*
 * Makes the plan gentler on a live database: a foreign key or check
 * added to a table with rows is added NOT VALID, then validated (after
 * the commit when online); with online, a new index of an existing
 * table is built concurrently after the commit.
 */
bool sctl_plan_online(SctlOnline *on, SctlPlan *p, bool online, char **err);
void sctl_online_free(SctlOnline *on);
/* lock_timeout and statement_timeout in ms (0: none); SET LOCAL inside a
 * transaction, else for the session. */
bool sctl_set_timeouts(PGconn *conn, int lock_ms, int statement_ms,
                       char **err);

/* -------------------------------------------------------------- test.c */

/*
 * Runs every test, each in its own transaction that is always rolled back,
 * each step under a savepoint; prints PASS or FAIL lines and a summary to
 * out.  SCTL_OK when all pass, SCTL_DRIFT when any fails, SCTL_USAGE when
 * a test cannot start.  The caller checks first that the database holds
 * the schema (cmd_test: verify is clean).
 */
int sctl_run_tests(PGconn *conn, const SctlSchema *s, FILE *out);
/* Whether the last apply recorded in schemactl.history was of this
 * schema, by checksum (whichever executable recorded it). */
bool sctl_schema_applied(PGconn *conn, const SctlSchema *s);

#endif

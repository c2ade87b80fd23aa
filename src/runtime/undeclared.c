/*
 * undeclared.c — objects in the schemas a project owns that it does not
 * declare: tables, views, materialized views, functions and procedures,
 * types (enums, domains, composite and range types) and sequences that no
 * column owns.  verify reports them, apply drops them (plan_undeclared.c).
 *
 * The owned schemas are the managed ones but a platform's own (the
 * compiler leaves Supabase's auth and storage out: their objects are no
 * one's declaration).  Extension members, schemactl's own state and
 * objects an `ignore` names are left alone, and so is everything an
 * ignored object depends on (dropping it would fail, or take the ignored
 * object with it).
 *
 * One query reads the candidates, declared or not, and the dependencies
 * between them from pg_depend, each end reduced to its top-level object
 * (a view's rule to the view, a default, trigger, policy, index or
 * constraint to its table, a table's row type to the table).  The drop
 * order follows them: dependents first.  An undeclared object a declared
 * one depends on now (a view about to be replaced, a default about to be
 * changed) is dropped last, once the declared objects no longer need it.
 */
#include "schemactl.h"

#include <stdlib.h>
#include <string.h>

#define OWNED(nsp) \
    nsp ".nspname = ANY ($1::text[]) AND " nsp ".nspname <> 'schemactl'"
#define NOT_EXT(cat, oid)                                                 \
    "NOT EXISTS (SELECT FROM pg_depend e WHERE e.refclassid ="           \
    " 'pg_extension'::regclass AND e.deptype = 'e' AND e.classid = '" cat \
    "'::regclass AND e.objid = " oid ")"

/*
 * Candidates: oid, letter (relkind; prokind for functions and procedures;
 * typtype 'e', 'd', 'c' for types, 'R' for a range type), the facet key's kind word, schema, name (a
 * function's with its argument types, as the facet reader names it), the
 * signature a DROP takes (functions), then the OIDs it depends on.
 * $2, when not NULL, limits the relations to those OIDs.
 */
#define CANDIDATES                                                          \
    "WITH cand AS ("                                                        \
    " SELECT c.oid, c.relkind::text AS letter, n.nspname::text AS sch,"     \
    "  c.relname::text AS name, NULL::text AS signature"                    \
    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"        \
    " WHERE " OWNED("n") " AND c.relkind IN ('r', 'p', 'v', 'm', 'S')"      \
    "  AND ($2::oid[] IS NULL OR c.oid = ANY ($2::oid[]))"                  \
    "  AND " NOT_EXT("pg_class", "c.oid")                                   \
    "  AND NOT (c.relkind = 'S' AND EXISTS (SELECT FROM pg_depend o"        \
    "   WHERE o.classid = 'pg_class'::regclass AND o.objid = c.oid"         \
    "   AND o.refclassid = 'pg_class'::regclass"                            \
    "   AND o.deptype IN ('a', 'i')))"                                      \
    " UNION ALL"                                                            \
    " SELECT p.oid, p.prokind::text, n.nspname::text,"                      \
    "  p.proname || '('"                                                    \
    "  || pg_get_function_identity_arguments(p.oid) || ')',"                \
    "  p.oid::regprocedure::text"                                           \
    " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"         \
    " WHERE " OWNED("n") " AND p.prokind IN ('f', 'p')"                     \
    "  AND " NOT_EXT("pg_proc", "p.oid")                                    \
    " UNION ALL"                                                            \
    " SELECT t.oid, CASE t.typtype WHEN 'r' THEN 'R'"                       \
    "  ELSE t.typtype::text END, n.nspname::text, t.typname::text, NULL"    \
    " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"         \
    " LEFT JOIN pg_class c ON c.oid = t.typrelid"                           \
    " WHERE " OWNED("n") " AND (t.typtype IN ('e', 'd', 'r')"               \
    "  OR (t.typtype = 'c' AND c.relkind = 'c'))"                           \
    "  AND " NOT_EXT("pg_type", "t.oid") ")"
#define BY_NAME " ORDER BY c.sch COLLATE \"C\", c.name COLLATE \"C\""

/* Dependencies matter only when something is undeclared: reducing every
 * pg_depend row to its top-level object was most of the reading. */
static const char SQL_CANDIDATES[] =
    CANDIDATES
    " SELECT c.oid, c.letter, c.sch, c.name, c.signature, NULL AS refs"
    " FROM cand c" BY_NAME;

static const char SQL_UNDECLARED[] =
    CANDIDATES ","
    " edge AS ("
    " SELECT DISTINCT " SCTL_SQL_TOP("d.classid", "d.objid") " AS dependent,"
    "  " SCTL_SQL_TOP("d.refclassid", "d.refobjid") " AS referenced"
    " FROM pg_depend d WHERE d.deptype IN ('n', 'a')"
    "  AND d.refobjid >= 16384 AND d.objid >= 16384),"
    " refs AS (SELECT e.dependent, string_agg(e.referenced::text, ',')"
    "  AS refs FROM edge e WHERE e.dependent <> e.referenced"
    "  GROUP BY e.dependent)"
    " SELECT c.oid, c.letter, c.sch, c.name, c.signature, r.refs"
    " FROM cand c LEFT JOIN refs r ON r.dependent = c.oid" BY_NAME;

static const char SQL_SET_PATH[] =
    "SET LOCAL search_path = pg_catalog, pg_temp;"
    "SET LOCAL quote_all_identifiers = off";

/* ---------------------------------------------------------- the list */

static const char *word_of(char letter)
{
    switch (letter) {
    case 'r': case 'p': return "table";
    case 'v': return "view";
    case 'm': return "materialized view";
    case 'S': return "sequence";
    case 'f': case 'P': return "function";
    default: return "type";
    }
}

/* The kind word of its facet key: matviews are views, domains types. */
static SctlKind key_kind(char letter)
{
    switch (letter) {
    case 'r': case 'p': return SCTL_K_TABLE;
    case 'v': case 'm': return SCTL_K_VIEW;
    case 'f': case 'P': return SCTL_K_FUNCTION;
    case 'S': return SCTL_K_SEQUENCE;
    default: return SCTL_K_TYPE;
    }
}

/* A glob where '*' is any run of characters. */
static bool glob(const char *pat, const char *s)
{
    if (!*pat)
        return !*s;
    if (*pat == '*')
        return glob(pat + 1, s) || (*s && glob(pat, s + 1));
    return *s == *pat && glob(pat + 1, s + 1);
}

bool sctl_ignored(const SctlSchema *s, const char *word, const char *schema,
                  const char *name)
{
    size_t base = strcspn(name, "(");   /* a function: any overload */
    char *bare = sctl_xstrndup(name, base);
    bool yes = false;
    for (int i = 0; !yes && i < s->nignores; i++) {
        const SctlIgnore *ig = &s->ignores[i];
        yes = strcmp(ig->word, word) == 0 && glob(ig->schema, schema) &&
              glob(ig->name, bare);
    }
    free(bare);
    return yes;
}

typedef struct Cand {
    unsigned long oid;
    char letter;
    char *schema, *name, *signature, *key;
    unsigned long *refs;
    int nrefs;
    bool declared, ignored, kept, done;
} Cand;

static void parse_refs(Cand *c, const char *text)
{
    for (const char *p = text; p && *p;) {
        c->refs = sctl_xrealloc(c->refs, sizeof *c->refs *
                                (size_t)(c->nrefs + 1));
        c->refs[c->nrefs++] = strtoul(p, NULL, 10);
        p += strcspn(p, ",");
        p += *p == ',';
    }
}

static Cand *find(Cand *c, int n, unsigned long oid)
{
    for (int i = 0; i < n; i++)
        if (c[i].oid == oid)
            return &c[i];
    return NULL;
}

/* What an ignored object stands on stays too, to the end of the chain. */
static void keep_what_ignored_need(Cand *c, int n)
{
    for (bool more = true; more;) {
        more = false;
        for (int i = 0; i < n; i++) {
            if (!c[i].kept)
                continue;
            for (int k = 0; k < c[i].nrefs; k++) {
                Cand *r = find(c, n, c[i].refs[k]);
                if (r && !r->kept && !r->declared) {
                    r->kept = true;
                    more = true;
                }
            }
        }
    }
}

/* Does an object still to be listed (undeclared, not kept) depend on x? */
static bool needed(Cand *c, int n, const Cand *x)
{
    for (int i = 0; i < n; i++) {
        if (c[i].declared || c[i].kept || c[i].done || &c[i] == x)
            continue;
        for (int k = 0; k < c[i].nrefs; k++)
            if (c[i].refs[k] == x->oid)
                return true;
    }
    return false;
}

/* Is x needed by a declared object, or by one that is dropped late? */
static bool late(Cand *c, int n, const Cand *x, const bool *is_late)
{
    for (int i = 0; i < n; i++) {
        if (c[i].kept || (!c[i].declared && !is_late[i]))
            continue;
        for (int k = 0; k < c[i].nrefs; k++)
            if (c[i].refs[k] == x->oid)
                return true;
    }
    return false;
}

static void put(SctlUndeclaredList *l, const Cand *c, bool is_late)
{
    if (l->len == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->items = sctl_xrealloc(l->items, sizeof *l->items * (size_t)l->cap);
    }
    l->items[l->len++] = (SctlUndeclared){
        .word = word_of(c->letter), .letter = c->letter,
        .schema = sctl_xstrdup(c->schema), .name = sctl_xstrdup(c->name),
        .signature = c->signature ? sctl_xstrdup(c->signature) : NULL,
        .key = c->key ? sctl_xstrdup(c->key) : NULL, .late = is_late};
}

static bool listed(const Cand *c)
{
    return !c->declared && !c->kept && !c->done;
}

/* Dependents first.  What is left in a cycle goes in the order read: its
 * drop fails on the server, and the apply is rolled back. */
static void order(Cand *c, int n, SctlUndeclaredList *out)
{
    bool *is_late = sctl_xcalloc((size_t)n + 1, 1);
    for (bool more = true; more;) {
        more = false;
        for (int i = 0; i < n; i++)
            if (listed(&c[i]) && !is_late[i] && late(c, n, &c[i], is_late))
                is_late[i] = more = true;
    }
    for (bool left = true; left;) {
        int placed = 0, first = -1;
        for (int i = 0; i < n; i++) {
            if (!listed(&c[i]))
                continue;
            if (first < 0)
                first = i;
            if (!needed(c, n, &c[i])) {
                put(out, &c[i], is_late[i]);
                c[i].done = true;
                placed++;
            }
        }
        if (!placed && first >= 0) {
            put(out, &c[first], is_late[first]);
            c[first].done = true;
        }
        left = first >= 0;
    }
    free(is_late);
}

/* ---------------------------------------------------------- reading */

static void cand_of_row(const SctlSchema *s, const SctlFacets *declared,
                        PGresult *r, int row, Cand *c)
{
    *c = (Cand){.oid = strtoul(PQgetvalue(r, row, 0), NULL, 10)};
    const char *letter = PQgetvalue(r, row, 1);
    /* prokind 'p' would read as a partitioned table: call it 'P' */
    c->letter = PQgetisnull(r, row, 4) ? letter[0]
              : letter[0] == 'p' ? 'P' : 'f';
    c->schema = sctl_xstrdup(PQgetvalue(r, row, 2));
    c->name = sctl_xstrdup(PQgetvalue(r, row, 3));
    if (!PQgetisnull(r, row, 4))
        c->signature = sctl_xstrdup(PQgetvalue(r, row, 4));
    parse_refs(c, PQgetisnull(r, row, 5) ? NULL : PQgetvalue(r, row, 5));
    SctlObject o = {.kind = key_kind(c->letter), .schema = c->schema,
                    .name = c->name};
    c->key = sctl_object_key(&o);
    c->declared = declared && c->key && sctl_facet(declared, c->key);
    c->ignored = !c->declared &&
                 sctl_ignored(s, word_of(c->letter), c->schema, c->name);
    c->kept = c->ignored;
}

static void free_cands(Cand *c, int n)
{
    for (int i = 0; i < n; i++) {
        free(c[i].schema);
        free(c[i].name);
        free(c[i].signature);
        free(c[i].key);
        free(c[i].refs);
    }
    free(c);
}

static bool read_cands(PGconn *conn, const char *sql, const char *schemas,
                       const char *relations, const SctlSchema *s,
                       const SctlFacets *declared, Cand **out, int *n,
                       char **err)
{
    const char *params[2] = {schemas, relations};
    PGresult *r = PQexecParams(conn, sql, 2, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        *err = sctl_failure(conn, r, "reading undeclared objects");
        PQclear(r);
        return false;
    }
    *n = PQntuples(r);
    *out = sctl_xcalloc((size_t)*n + 1, sizeof **out);
    for (int i = 0; i < *n; i++)
        cand_of_row(s, declared, r, i, &(*out)[i]);
    PQclear(r);
    return true;
}

static bool any_undeclared(const Cand *c, int n)
{
    for (int i = 0; i < n; i++)
        if (!c[i].declared)
            return true;
    return false;
}

/* The first read looks among the relations given; only when it finds
 * one undeclared are all read, with what they depend on. */
static bool query(PGconn *conn, const SctlSchema *s,
                  const SctlFacets *declared, const char *relations,
                  SctlUndeclaredList *out, char **err)
{
    if (!sctl_exec(conn, SQL_SET_PATH, "undeclared objects", err))
        return false;
    char *arr = sctl_text_array(s->owned, s->nowned);
    Cand *c;
    int n;
    bool ok = read_cands(conn, SQL_CANDIDATES, arr, relations, s, declared,
                         &c, &n, err);
    if (ok && any_undeclared(c, n)) {
        free_cands(c, n);
        ok = read_cands(conn, SQL_UNDECLARED, arr, NULL, s, declared, &c, &n,
                        err);
    }
    free(arr);
    if (!ok)
        return false;
    keep_what_ignored_need(c, n);
    order(c, n, out);
    free_cands(c, n);
    return true;
}

bool sctl_read_undeclared(PGconn *conn, const SctlSchema *s,
                          const SctlFacets *declared,
                          SctlUndeclaredList *out, char **err)
{
    return sctl_read_undeclared_among(conn, s, declared, NULL, out, err);
}

bool sctl_read_undeclared_among(PGconn *conn, const SctlSchema *s,
                                const SctlFacets *declared,
                                const char *relations,
                                SctlUndeclaredList *out, char **err)
{
    memset(out, 0, sizeof *out);
    *err = NULL;
    if (s->nowned == 0)
        return true;
    PGTransactionStatusType ts = PQtransactionStatus(conn);
    bool own = ts == PQTRANS_IDLE;
    /* one snapshot for both reads */
    if (!sctl_exec(conn, own ? "BEGIN ISOLATION LEVEL REPEATABLE READ, READ "
                   "ONLY" : "SAVEPOINT sctl_undeclared",
                   "undeclared objects", err))
        return false;
    bool ok = query(conn, s, declared, relations, out, err);
    sctl_exec(conn, own ? "ROLLBACK"
                        : "ROLLBACK TO SAVEPOINT sctl_undeclared; "
                          "RELEASE SAVEPOINT sctl_undeclared", NULL, NULL);
    if (!ok)
        sctl_undeclared_free(out);
    return ok;
}

void sctl_undeclared_free(SctlUndeclaredList *l)
{
    for (int i = 0; i < l->len; i++) {
        free(l->items[i].schema);
        free(l->items[i].name);
        free(l->items[i].signature);
        free(l->items[i].key);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

void sctl_undeclared_print(const SctlUndeclaredList *l, FILE *out)
{
    for (int i = 0; i < l->len; i++)
        fprintf(out, "unexpected: %s %s.%s (not declared)\n",
                l->items[i].word, l->items[i].schema, l->items[i].name);
}

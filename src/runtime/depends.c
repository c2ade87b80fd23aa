/*
 * depends.c — what stands on what in the live database, from pg_depend.
 *
 * A column whose type changes, a view or function made again, an enum
 * rebuilt: PostgreSQL refuses while views, policies, triggers and the
 * like depend on them.  The planner asks here which objects those are,
 * never guessing from names: each row of pg_depend of the normal kind
 * (deptype 'n') whose referenced object is in a managed schema, with both
 * ends named as facet keys.  Objects of extensions and PostgreSQL's own
 * (pinned) objects have no such rows.
 */
#include "schemactl.h"

#include <stdlib.h>
#include <string.h>

/*
 * Each dependent and referenced object is named as the facet reader
 * names it: kind word, schema, table (for parts of a table), name.  A
 * column default (pg_attrdef) is its column with is_default set; an index
 * that backs a key is the constraint; a column of a view stands for the
 * view; a table's row type for the table; an array type for its element.
 */
static const char SQL_DEPENDS[] =
    "SELECT dep.kind, dep.sch, dep.tbl, dep.name, dep.is_default,"
    " ref.kind, ref.sch, ref.tbl, ref.name, dep.is_generated"
    " FROM pg_depend d"
    " CROSS JOIN LATERAL ("
    "  SELECT 'view' AS kind, n.nspname AS sch, NULL::name AS tbl,"
    "   c.relname::text AS name, false AS is_default, false AS is_generated"
    "  FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class"
    "  JOIN pg_namespace n ON n.oid = c.relnamespace"
    "  WHERE d.classid = 'pg_rewrite'::regclass AND r.oid = d.objid"
    "   AND c.relkind IN ('v', 'm') AND NOT (d.refclassid ="
    "   'pg_class'::regclass AND d.refobjid = c.oid)"
    "  UNION ALL"
    "  SELECT 'policy', n.nspname, c.relname, p.polname::text, false, false"
    "  FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid"
    "  JOIN pg_namespace n ON n.oid = c.relnamespace"
    "  WHERE d.classid = 'pg_policy'::regclass AND p.oid = d.objid"
    "  UNION ALL"
    "  SELECT 'trigger', n.nspname, c.relname, g.tgname::text, false, false"
    "  FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid"
    "  JOIN pg_namespace n ON n.oid = c.relnamespace"
    "  WHERE d.classid = 'pg_trigger'::regclass AND g.oid = d.objid"
    "   AND NOT g.tgisinternal"
    "  UNION ALL"
    "  SELECT 'constraint', n.nspname, c.relname, k.conname::text, false, false"
    "  FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid"
    "  JOIN pg_namespace n ON n.oid = c.relnamespace"
    "  WHERE d.classid = 'pg_constraint'::regclass AND k.oid = d.objid"
    "  UNION ALL"
    "  SELECT CASE WHEN k.oid IS NOT NULL THEN 'constraint'"
    "   ELSE 'index' END, n.nspname, t.relname,"
    "   coalesce(k.conname, i.relname)::text, false, false"
    "  FROM pg_class i JOIN pg_index x ON x.indexrelid = i.oid"
    "  JOIN pg_class t ON t.oid = x.indrelid"
    "  JOIN pg_namespace n ON n.oid = t.relnamespace"
    "  LEFT JOIN pg_constraint k ON k.conindid = i.oid"
    "   AND k.conrelid = t.oid AND k.contype IN ('p', 'u', 'x')"
    "  WHERE d.classid = 'pg_class'::regclass AND i.oid = d.objid"
    "   AND i.relkind = 'i'"
    "  UNION ALL"
    "  SELECT 'column', n.nspname, c.relname, a.attname::text, false, false"
    "  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    "  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid"
    "  WHERE d.classid = 'pg_class'::regclass AND c.oid = d.objid"
    "   AND d.objsubid > 0 AND c.relkind IN ('r', 'p')"
    "  UNION ALL"
    "  SELECT 'column', n.nspname, c.relname, a.attname::text,"
    "   a.attgenerated = '', a.attgenerated <> ''"
    "  FROM pg_attrdef f JOIN pg_class c ON c.oid = f.adrelid"
    "  JOIN pg_namespace n ON n.oid = c.relnamespace"
    "  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = f.adnum"
    "  WHERE d.classid = 'pg_attrdef'::regclass AND f.oid = d.objid"
    "  UNION ALL"
    "  SELECT 'function', n.nspname, NULL,"
    "   p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',"
    "   false, false"
    "  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
    "  WHERE d.classid = 'pg_proc'::regclass AND p.oid = d.objid"
    " ) dep"
    " CROSS JOIN LATERAL ("
    "  SELECT CASE WHEN d.refobjsubid > 0 AND c.relkind IN ('r', 'p')"
    "   THEN 'column' WHEN c.relkind IN ('r', 'p') THEN 'table'"
    "   ELSE 'view' END AS kind, n.nspname AS sch,"
    "   CASE WHEN d.refobjsubid > 0 AND c.relkind IN ('r', 'p')"
    "   THEN c.relname END AS tbl,"
    "   CASE WHEN d.refobjsubid > 0 AND c.relkind IN ('r', 'p')"
    "   THEN a.attname ELSE c.relname END::text AS name"
    "  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    "  LEFT JOIN pg_attribute a ON a.attrelid = c.oid"
    "   AND a.attnum = d.refobjsubid"
    "  WHERE d.refclassid = 'pg_class'::regclass AND c.oid = d.refobjid"
    "   AND c.relkind IN ('r', 'p', 'v', 'm')"
    "  UNION ALL"
    "  SELECT CASE WHEN r.oid IS NULL THEN 'type'"
    "   WHEN r.relkind IN ('r', 'p') THEN 'table' ELSE 'view' END,"
    "   n.nspname, NULL, coalesce(r.relname, e.typname)::text"
    "  FROM pg_type t0"
    "  JOIN pg_type e ON e.oid = CASE WHEN t0.typcategory = 'A'"
    "   AND t0.typelem <> 0 THEN t0.typelem ELSE t0.oid END"
    "  JOIN pg_namespace n ON n.oid = e.typnamespace"
    "  LEFT JOIN pg_class r ON r.oid = e.typrelid"
    "  WHERE d.refclassid = 'pg_type'::regclass AND t0.oid = d.refobjid"
    "   AND (r.oid IS NULL OR r.relkind IN ('r', 'p', 'v', 'm'))"
    "  UNION ALL"
    "  SELECT 'function', n.nspname, NULL,"
    "   p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'"
    "  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
    "  WHERE d.refclassid = 'pg_proc'::regclass AND p.oid = d.refobjid"
    " ) ref"
    " WHERE d.deptype = 'n'"
    "  AND d.classid IN ('pg_rewrite'::regclass, 'pg_policy'::regclass,"
    "   'pg_trigger'::regclass, 'pg_constraint'::regclass,"
    "   'pg_class'::regclass, 'pg_attrdef'::regclass, 'pg_proc'::regclass)"
    "  AND d.refclassid IN ('pg_class'::regclass, 'pg_type'::regclass,"
    "   'pg_proc'::regclass)"
    "  AND ref.sch = ANY ($1::text[])";

struct SctlDepends {
    SctlDependent *items;   /* sorted by referenced key */
    int len, cap;
};

static SctlKind kind_of(const char *word)
{
    for (int k = 0; k < SCTL_NKINDS; k++)
        if (strcmp(sctl_kind_words[k], word) == 0)
            return (SctlKind)k;
    return SCTL_K_TABLE;
}

static char *key_of(PGresult *r, int row, int col)
{
    const char *v[4];
    for (int k = 0; k < 4; k++)
        v[k] = PQgetisnull(r, row, col + k) ? NULL
                                             : PQgetvalue(r, row, col + k);
    SctlObject o = {.kind = kind_of(v[0]), .schema = v[1], .table = v[2],
                    .name = v[3]};
    return sctl_object_key(&o);
}

static int by_referenced(const void *a, const void *b)
{
    const SctlDependent *x = a, *y = b;
    int c = strcmp(x->referenced, y->referenced);
    return c ? c : strcmp(x->key, y->key);
}

SctlDepends *sctl_depends_new(void)
{
    return sctl_xcalloc(1, sizeof(SctlDepends));
}

void sctl_depends_add(SctlDepends *d, const char *referenced, SctlKind kind,
                      const char *key, bool is_default, bool is_generated)
{
    if (d->len == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 64;
        d->items = sctl_xrealloc(d->items, sizeof *d->items * (size_t)d->cap);
    }
    d->items[d->len++] = (SctlDependent){sctl_xstrdup(referenced), kind,
                                         sctl_xstrdup(key), is_default,
                                         is_generated};
}

void sctl_depends_finish(SctlDepends *d)
{
    if (d->len)
        qsort(d->items, (size_t)d->len, sizeof *d->items, by_referenced);
}

/* Names print as the facet reader prints them: under pg_catalog alone. */
SctlDepends *sctl_read_depends(PGconn *conn, const char *const *schemas,
                               int nschemas, char **err)
{
    bool own;
    if (!sctl_catalog_begin(conn, &own, "dependencies", err))
        return NULL;
    char *arr = sctl_text_array(schemas, nschemas);
    const char *params[1] = {arr};
    PGresult *r = PQexecParams(conn, SQL_DEPENDS, 1, NULL, params, NULL,
                               NULL, 0);
    free(arr);
    SctlDepends *d = NULL;
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        *err = sctl_failure(conn, r, "reading dependencies");
    } else {
        d = sctl_depends_new();
        for (int i = 0; i < PQntuples(r); i++) {
            char *dep = key_of(r, i, 0), *ref = key_of(r, i, 5);
            sctl_depends_add(d, ref, kind_of(PQgetvalue(r, i, 0)), dep,
                             strcmp(PQgetvalue(r, i, 4), "t") == 0,
                             strcmp(PQgetvalue(r, i, 9), "t") == 0);
            free(dep);
            free(ref);
        }
        sctl_depends_finish(d);
    }
    PQclear(r);
    sctl_catalog_end(conn, own);
    return d;
}

void sctl_depends_on(const SctlDepends *d, const char *referenced,
                     const SctlDependent **out, int *n)
{
    *out = NULL;
    *n = 0;
    if (!d || !d->len)
        return;
    int lo = 0, hi = d->len;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (strcmp(d->items[mid].referenced, referenced) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    int end = lo;
    while (end < d->len && strcmp(d->items[end].referenced, referenced) == 0)
        end++;
    *out = d->items + lo;
    *n = end - lo;
}

void sctl_depends_free(SctlDepends *d)
{
    if (!d)
        return;
    for (int i = 0; i < d->len; i++) {
        free(d->items[i].referenced);
        free(d->items[i].key);
    }
    free(d->items);
    free(d);
}

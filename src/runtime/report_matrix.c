/*
 * report_matrix.c — the access matrix as the live catalog has it.
 *
 * For each cell of the declared matrix (role, object, command), what the
 * database says, in the declared matrix's words (docs/matrix.md): the
 * server's own has_*_privilege functions decide the privilege (PUBLIC
 * and memberships included), pg_policy and pg_has_role the policies that
 * apply, pg_class whether row level security is on and forced, pg_roles
 * BYPASSRLS.  A cell whose role or object the database lacks says so.
 * Policies are listed by name (the declared matrix lists them as
 * written: compare with sctl_same_access).  Types print as under
 * search_path = pg_catalog, as the compiler names them.
 * Buckets are rows, not objects: their cells are not read (NULL).
 */
#include "schemactl.h"

#include <stdlib.h>
#include <string.h>

static const char SQL_LIVE_ACCESS[] =
    "WITH cell AS ("
    " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])"
    "  WITH ORDINALITY AS x(role, kind, object, command, i)),"
    " rel AS ("
    " SELECT c.oid, n.nspname, c.relkind, c.relrowsecurity AS rls,"
    "  c.relforcerowsecurity AS forced, c.relowner,"
    "  coalesce(c.reloptions && ARRAY['security_invoker=true',"
    "   'security_invoker=on', 'security_invoker=1'], false) AS invoker,"
    "  n.nspname || '.' || c.relname AS object"
    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relkind IN ('r', 'p', 'v', 'm')),"
    " fn AS ("
    " SELECT p.oid, n.nspname, p.proowner,"
    "  n.nspname || '.' || p.proname || '(' ||"
    "  oidvectortypes(p.proargtypes) || ')' AS object"
    " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace),"
    " target AS ("
    " SELECT x.i, x.command, x.kind, x.role,"
    "  coalesce(r.oid, f.oid) AS oid, coalesce(r.nspname, f.nspname) AS nsp,"
    "  r.rls, r.forced, r.invoker,"
    "  CASE WHEN x.role = '(owner)'"
    "   THEN pg_get_userbyid(coalesce(r.relowner, f.proowner))"
    "   ELSE x.role END AS rn,"
    "  x.role = '(owner)' AS owner"
    " FROM cell x"
    " LEFT JOIN rel r ON x.kind IN ('table', 'view', 'matview')"
    "  AND r.object = x.object"
    " LEFT JOIN fn f ON x.kind = 'function' AND (f.object = x.object"
    "  OR f.oid = to_regprocedure(x.object))),"
    " judged AS ("
    " SELECT t.*, upper(t.command) AS priv,"
    "  t.rn = 'public' OR EXISTS (SELECT FROM pg_roles WHERE rolname = t.rn)"
    "   AS role_there"
    " FROM target t),"
    " held AS ("
    " SELECT j.*,"
    "  CASE WHEN NOT j.role_there OR j.oid IS NULL THEN NULL"
    "   WHEN j.owner THEN true"
    "   WHEN j.kind = 'function' THEN"
    "    has_function_privilege(j.rn, j.oid, 'EXECUTE')"
    "   ELSE has_table_privilege(j.rn, j.oid, j.priv) END AS granted,"
    "  CASE WHEN NOT j.role_there OR j.oid IS NULL OR j.owner"
    "   OR j.kind = 'function' OR j.command = 'delete' THEN NULL"
    "   WHEN has_table_privilege(j.rn, j.oid, j.priv) THEN NULL"
    "   ELSE (SELECT string_agg(quote_ident(a.attname), ', '"
    "    ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = j.oid"
    "    AND a.attnum > 0 AND NOT a.attisdropped"
    "    AND has_column_privilege(j.rn, j.oid, a.attnum, j.priv)) END"
    "   AS columns,"
    "  j.owner OR (j.role_there AND j.nsp IS NOT NULL"
    "   AND has_schema_privilege(j.rn, j.nsp, 'USAGE')) AS usage,"
    "  (j.owner AND NOT coalesce(j.forced, false)) OR EXISTS (SELECT FROM"
    "   pg_roles b WHERE b.rolname = j.rn AND b.rolbypassrls"
    "   AND NOT j.owner) AS bypass,"
    "  pol.policies, pol.restrictive"
    " FROM judged j"
    " CROSS JOIN LATERAL (SELECT"
    "  string_agg(p.name, ', ' ORDER BY p.polname COLLATE \"C\")"
    "   FILTER (WHERE p.polpermissive) AS policies,"
    "  string_agg(p.name, ', ' ORDER BY p.polname COLLATE \"C\")"
    "   FILTER (WHERE NOT p.polpermissive) AS restrictive"
    "  FROM (SELECT q.polname, q.polpermissive, '\"' ||"
    "   replace(q.polname, '\"', '\"\"') || '\"' AS name"
    "   FROM pg_policy q WHERE q.polrelid = j.oid"
    "   AND q.polcmd IN ('*', CASE j.command WHEN 'select' THEN 'r'"
    "    WHEN 'insert' THEN 'a' WHEN 'update' THEN 'w' ELSE 'd' END)"
    "   AND (0 = ANY (q.polroles) OR (j.rn <> 'public' AND EXISTS (SELECT"
    "    FROM unnest(q.polroles) pr WHERE pg_has_role(j.rn, pr, 'MEMBER'))))"
    "  ) p) pol),"
    " access AS ("
    " SELECT h.i, CASE"
    "  WHEN h.kind = 'bucket' THEN NULL"
    "  WHEN h.oid IS NULL THEN '(not in the database)'"
    "  WHEN NOT h.role_there THEN '(no such role)'"
    "  WHEN NOT h.granted AND h.columns IS NULL THEN 'none'"
    "  WHEN NOT h.usage THEN 'none (no usage on schema ' || h.nsp || ')'"
    "  WHEN h.kind = 'function' THEN 'execute'"
    "  WHEN h.kind = 'view' AND h.invoker"
    "   THEN 'as invoker (the role''s access to the tables read)'"
    "  WHEN h.kind IN ('view', 'matview') THEN CASE h.command"
    "   WHEN 'select' THEN 'all rows (read as the owner)'"
    "   ELSE 'all rows (as the owner, if the view is updatable)' END"
    "  WHEN NOT h.rls THEN 'all rows'"
    "  WHEN h.bypass THEN 'all rows (bypasses row level security)'"
    "  WHEN h.policies IS NULL THEN 'none (row level security, no policy)'"
    "  ELSE 'rows: ' || h.policies || coalesce('; restricted by ' ||"
    "   h.restrictive, '') END AS a, h.columns"
    " FROM held h)"
    " SELECT a.a || CASE WHEN a.columns IS NOT NULL AND a.a NOT LIKE 'none%'"
    "  AND a.a NOT LIKE '(%' THEN ' (columns ' || a.columns || ')' ELSE ''"
    "  END"
    " FROM access a ORDER BY a.i";

static char **read_access(PGconn *conn, const SctlSchema *s, char **err);

/* A text[] literal of one field of every cell. */
static char *column_array(const SctlSchema *s, int field)
{
    SctlBuf b = {0};
    for (int i = 0; i < s->ncells; i++) {
        const SctlAccessCell *c = &s->cells[i];
        sctl_array_add(&b, field == 0 ? c->role : field == 1 ? c->kind
                           : field == 2 ? c->object : c->command);
    }
    return sctl_array_take(&b);
}

char **sctl_live_access(PGconn *conn, const SctlSchema *s, char **err)
{
    bool own;
    if (!sctl_catalog_begin(conn, &own, "access matrix", err))
        return NULL;
    char **out = read_access(conn, s, err);
    sctl_catalog_end(conn, own);
    return out;
}

/* The policy names of "rows: A, B; restricted by C", each list sorted. */
static char *sorted_names(const char *list)
{
    int n = 0;
    char *copy = sctl_xstrdup(list);
    char *items[256];
    for (char *p = copy; *p && n < 256;) {
        items[n++] = p;
        char *sep = strstr(p, "\", \"");
        if (!sep)
            break;
        sep[1] = '\0';
        p = sep + 3;
    }
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && strcmp(items[j - 1], items[j]) > 0; j--) {
            char *t = items[j];
            items[j] = items[j - 1];
            items[j - 1] = t;
        }
    SctlBuf b = {0};
    for (int i = 0; i < n; i++)
        sctl_buf_printf(&b, "%s%s", i ? ", " : "", items[i]);
    free(copy);
    return sctl_buf_take(&b);
}

static char *canonical(const char *access)
{
    if (strncmp(access, "rows: ", 6) != 0)
        return sctl_xstrdup(access);
    const char *restricted = strstr(access, "; restricted by ");
    char *first = sctl_xstrndup(access + 6, restricted
                                ? (size_t)(restricted - access - 6)
                                : strlen(access + 6));
    char *a = sorted_names(first);
    char *b = restricted ? sorted_names(restricted + 16) : NULL;
    char *out = b ? sctl_printf("rows: %s; restricted by %s", a, b)
                  : sctl_printf("rows: %s", a);
    free(first);
    free(a);
    free(b);
    return out;
}

bool sctl_same_access(const char *declared, const char *live)
{
    char *a = canonical(declared), *b = canonical(live);
    bool same = strcmp(a, b) == 0;
    free(a);
    free(b);
    return same;
}

static char **read_access(PGconn *conn, const SctlSchema *s, char **err)
{
    char *arrays[4];
    for (int k = 0; k < 4; k++)
        arrays[k] = column_array(s, k);
    const char *params[4] = {arrays[0], arrays[1], arrays[2], arrays[3]};
    PGresult *r = PQexecParams(conn, SQL_LIVE_ACCESS, 4, NULL, params, NULL,
                               NULL, 0);
    for (int k = 0; k < 4; k++)
        free(arrays[k]);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != s->ncells) {
        *err = sctl_failure(conn, r, "reading the live access matrix");
        PQclear(r);
        return NULL;
    }
    char **out = sctl_xcalloc((size_t)s->ncells + 1, sizeof *out);
    for (int i = 0; i < s->ncells; i++)
        out[i] = PQgetisnull(r, i, 0) ? NULL
                                      : sctl_xstrdup(PQgetvalue(r, i, 0));
    PQclear(r);
    return out;
}

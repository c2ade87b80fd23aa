/*
 * import_objects.c — the objects besides tables: schemas, roles,
 * extensions, types, views, functions and procedures, buckets, and the
 * refusal of what the language cannot say yet.  One writer per kind
 * (sequences, publications and database-wide default privileges have
 * their own files).
 */
#include "import_table.h"

#include <stdlib.h>
#include <string.h>

void import_comment_item(Buf *b, const ImportRows *R, int i)
{
    if (import_null(R, i, "comment"))
        return;
    buf_puts(b, "  comment ");
    import_literal(b, import_get(R, i, "comment"));
    buf_puts(b, ";\n");
}

void import_trailing_comment(Buf *b, const ImportRows *R, int i)
{
    if (import_null(R, i, "comment"))
        return;
    buf_puts(b, " comment ");
    import_literal(b, import_get(R, i, "comment"));
}

/* "KIND NAME { body }" or "KIND NAME;" when body is empty. */
void import_put_block(Buf *b, const char *head, Buf *body)
{
    if (b->len)
        buf_putc(b, '\n');
    buf_puts(b, head);
    if (body->len) {
        buf_puts(b, " {\n");
        buf_put(b, body->data, body->len);
        buf_puts(b, "}\n");
    } else
        buf_puts(b, ";\n");
    buf_free(body);
}

bool import_owned(ImportOut *o, const ImportRows *R, int i, const char *what)
{
    const char *owner = import_get(R, i, "owner_name");
    if (strcmp(owner, o->db->user) == 0)
        return true;
    import_fail(o, "%s is owned by %s, not by %s (owners are not in the "
                "language)", what, owner, o->db->user);
    return false;
}

/* ---------------------------------------------------------- schemas */

/* default privileges grant PRIVS on KIND to R; from "t:acl" entries.  In
 * a schema they only add to the database's defaults: every entry is a
 * grant. */
static void default_privileges(ImportOut *o, Buf *b, const char *schema,
                               const char *list)
{
    static const struct { char t; const char *on; } kinds[] = {
        {'r', "tables"}, {'S', "sequences"}, {'f', "functions"},
        {'T', "types"}, {'n', "schemas"},
    };
    for (const char *p = list; *p && !o->error;) {
        size_t n = strcspn(p, "\x1e");
        char *entry = arena_strndup(o->arena, p, n);
        p += n + (p[n] == '\x1e');
        const char *on = NULL;
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
            if (entry[0] == kinds[k].t)
                on = kinds[k].on;
        char *why = NULL;
        if (!on || entry[1] != ':') {
            import_fail(o, "schema %s: default privileges of a kind the "
                        "language does not have", schema);
            return;
        }
        if (!import_acl_items_on(b, o->arena, "  default privileges ",
                                 entry + 2, "{}", on, &why))
            import_fail(o, "default privileges in schema %s: %s", schema,
                        why);
        ImportAcl *e;
        int ne = import_acl_parse(o->arena, entry + 2, &e);
        for (int k = 0; k < ne; k++)
            import_note_role(o, e[k].grantee);
    }
}

/* public is there before anything: only what differs from PostgreSQL
 * 15's own is said. */
static const char PUBLIC_ACL[] =
    "{pg_database_owner=UC/pg_database_owner,=U/pg_database_owner}";

static void write_schema(ImportOut *o, const ImportRows *S, int i)
{
    const char *name = import_get(S, i, "name");
    bool public = strcmp(name, "public") == 0;
    const char *owner = import_get(S, i, "owner_name");
    if (!(public && strcmp(owner, "pg_database_owner") == 0) &&
        !import_owned(o, S, i, arena_printf(o->arena, "schema %s", name)))
        return;
    Buf body = {0};
    char *why = NULL;
    const char *acl = import_null(S, i, "acl") ? NULL
                                               : import_get(S, i, "acl");
    if (public && acl && strcmp(acl, PUBLIC_ACL) == 0)
        acl = NULL;
    if (!import_acl_items(&body, o->arena, "  ", acl,
                          public ? PUBLIC_ACL
                                 : import_get(S, i, "default_acl"), &why))
        import_fail(o, "schema %s: %s", name, why);
    if (acl) {
        ImportAcl *e;
        int n = import_acl_parse(o->arena, acl, &e);
        for (int k = 0; k < n; k++)
            import_note_role(o, e[k].grantee);
    }
    default_privileges(o, &body, name, import_get(S, i, "defacl"));
    if (!(public && strcmp(import_get(S, i, "comment"),
                           "standard public schema") == 0))
        import_comment_item(&body, S, i);
    if (public && !body.len)
        return;
    Buf head = {0};
    buf_puts(&head, "schema ");
    quote_ident(&head, name);
    import_put_block(&import_file(o, name)->text, head.data, &body);
    buf_free(&head);
}

void import_write_schemas(ImportOut *o)
{
    const ImportRows *S = &o->db->rows[IMP_SCHEMAS];
    for (int i = 0; i < S->n && !o->error; i++)
        write_schema(o, S, i);
}

/* ------------------------------------------------------------ roles */

static bool platform_role(const ImportOut *o, const char *r)
{
    return o->db->supabase && sema_supabase_role(r);
}

/* Roles a project declares: not PUBLIC, pg_*, the owner, the platform's. */
static bool declared_role(const ImportOut *o, const char *r)
{
    return *r && strcmp(r, "public") != 0 && strncmp(r, "pg_", 3) != 0 &&
           strcmp(r, o->db->user) != 0 && !platform_role(o, r);
}

void import_note_role(ImportOut *o, const char *role)
{
    if (!declared_role(o, role) || map_get(o->roles, role))
        return;
    map_put(o->roles, role, (void *)role);
    vec_push(o->arena, &o->role_list, arena_strdup(o->arena, role));
}

void import_role(ImportOut *o, Buf *b, const char *role)
{
    if (!*role || strcmp(role, "public") == 0)
        buf_puts(b, "public");
    else
        quote_ident(b, role);
    import_note_role(o, role);
}

static int role_row(const ImportRows *R, const char *name)
{
    for (int i = 0; i < R->n; i++)
        if (strcmp(import_get(R, i, "name"), name) == 0)
            return i;
    return -1;
}

static void write_role(ImportOut *o, const ImportRows *R, const char *name,
                       Buf *b)
{
    int i = role_row(R, name);
    if (i < 0 || import_bool(R, i, "unusual")) {
        import_fail(o, "role %s %s", name, i < 0 ? "is named but not there"
                    : "has attributes the language cannot say (superuser, "
                      "createdb, createrole, replication, bypassrls, "
                      "noinherit, a connection limit or an expiry)");
        return;
    }
    Buf body = {0};
    const char **groups;
    int n = import_split(o->arena, import_get(R, i, "member_of"), &groups);
    for (int k = 0; k < n; k++) {
        buf_puts(&body, k ? ", " : "  in role ");
        quote_ident(&body, groups[k]);
        import_note_role(o, groups[k]);
    }
    if (n)
        buf_puts(&body, ";\n");
    import_comment_item(&body, R, i);
    Buf head = {0};
    buf_puts(&head, "role ");
    quote_ident(&head, name);
    if (import_bool(R, i, "login"))
        buf_puts(&head, " login");
    import_put_block(b, head.data, &body);
    buf_free(&head);
}

/* After everything else: the roles noted on the way (and their groups,
 * which join the list as they are found). */
void import_write_roles(ImportOut *o)
{
    const ImportRows *R = &o->db->rows[IMP_ROLES];
    Buf *b = &import_file(o, "project")->text;
    for (int i = 0; i < o->role_list.len && !o->error; i++)
        write_role(o, R, o->role_list.items[i], b);
}

/* ------------------------------------------------------- extensions */

void import_write_extensions(ImportOut *o)
{
    const ImportRows *X = &o->db->rows[IMP_EXTENSIONS];
    Buf *b = &import_file(o, "project")->text;
    for (int i = 0; i < X->n; i++) {
        Buf head = {0}, body = {0};
        const char *schema = import_get(X, i, "schema");
        buf_puts(&head, "extension ");
        quote_ident(&head, import_get(X, i, "name"));
        if (strcmp(schema, "public") != 0) {
            buf_puts(&head, " schema ");
            quote_ident(&head, schema);
        }
        if (!import_null(X, i, "comment") &&
            strcmp(import_get(X, i, "comment"),
                   import_get(X, i, "default_comment")) != 0)
            import_comment_item(&body, X, i);
        import_put_block(b, head.data, &body);
        buf_free(&head);
    }
}

/* ------------------------------------------------------------ types */

static void domain_header(ImportOut *o, Buf *h, const ImportRows *Y, int i)
{
    const char *schema = import_get(Y, i, "schema");
    const char *name = import_get(Y, i, "name");
    buf_putc(h, ' ');
    import_type(h, import_get(Y, i, "base"));
    if (!import_null(Y, i, "collation"))
        buf_printf(h, " collate %s", import_get(Y, i, "collation"));
    if (import_bool(Y, i, "not_null"))
        buf_puts(h, " not null");
    if (!import_null(Y, i, "default"))
        buf_printf(h, " default %s", import_get(Y, i, "default"));
    const char *checks = import_get(Y, i, "checks");
    for (const char *p = checks; *p;) {
        size_t n = strcspn(p, "\x1e");
        char *c = arena_strndup(o->arena, p, n);
        p += n + (p[n] == '\x1e');
        char *def = strchr(c, '\x1f');
        *def++ = '\0';
        if (strstr(def, " NOT VALID")) {
            import_fail(o, "constraint %s of domain %s.%s is NOT VALID", c,
                        schema, name);
            return;
        }
        if (!import_name_omittable(o->db->names, schema, name, c, NULL, 0,
                                   "check")) {
            buf_puts(h, " constraint ");
            quote_ident(h, c);
        }
        buf_printf(h, " check %s",
                   import_fix_arrays(o->arena, def + strlen("CHECK ")));
    }
}

static void write_type(ImportOut *o, const ImportRows *Y, int i)
{
    const char *schema = import_get(Y, i, "schema");
    const char *name = import_get(Y, i, "name");
    char kind = import_get(Y, i, "kind")[0];
    const char *what = arena_printf(o->arena, "type %s.%s", schema, name);
    if (!import_owned(o, Y, i, what))
        return;
    if (!import_null(Y, i, "acl") &&
        strcmp(import_get(Y, i, "acl"), import_get(Y, i, "default_acl"))) {
        import_fail(o, "%s has grants (grants on types are not in the "
                    "language yet)", what);
        return;
    }
    Buf head = {0}, body = {0};
    buf_puts(&head, kind == 'e' ? "enum " : kind == 'd' ? "domain " : "type ");
    import_qname(&head, schema, name);
    if (kind == 'e')
        buf_printf(&head, " (%s)", import_get(Y, i, "labels"));
    else if (kind == 'd')
        domain_header(o, &head, Y, i);
    else
        buf_printf(&head, " as (%s)", import_get(Y, i, "fields"));
    import_comment_item(&body, Y, i);
    import_put_block(&import_file(o, schema)->text, head.data, &body);
    buf_free(&head);
}

void import_write_types(ImportOut *o)
{
    const ImportRows *Y = &o->db->rows[IMP_TYPES];
    for (int i = 0; i < Y->n && !o->error; i++)
        write_type(o, Y, i);
}

/* ------------------------------------------------------------ views */

static const char *view_refusal(ImportOut *o, const ImportRows *V, int i)
{
    int n;
    if (import_bool(V, i, "column_comments"))
        return "has comments on columns (not in the language yet)";
    if (import_bool(V, i, "column_grants"))
        return "has grants on columns (not in the language yet)";
    if (!import_bool(V, i, "populated"))
        return "is not populated (WITH NO DATA is not in the language yet)";
    if (import_first(&o->db->rows[IMP_TRIGGERS], import_get(V, i, "owner"),
                     &n) >= 0)
        return "has triggers (triggers on views are not in the language "
               "yet)";
    return NULL;
}

static void write_view(ImportOut *o, const ImportRows *V, int i)
{
    const char *schema = import_get(V, i, "schema");
    const char *name = import_get(V, i, "name");
    bool mat = import_get(V, i, "kind")[0] == 'm';
    const char *what = arena_printf(o->arena, "%sview %s.%s",
                                    mat ? "materialized " : "", schema, name);
    const char *why = view_refusal(o, V, i);
    if (why) {
        import_fail(o, "%s %s", what, why);
        return;
    }
    if (!import_owned(o, V, i, what))
        return;
    Buf *b = &import_file(o, schema)->text;
    if (b->len)
        buf_putc(b, '\n');
    buf_puts(b, mat ? "materialized view " : "view ");
    import_qname(b, schema, name);
    buf_puts(b, " {\n");
    if (*import_get(V, i, "options"))
        buf_printf(b, "  with (%s);\n", import_get(V, i, "options"));
    const char *q = import_fix_arrays(o->arena, import_get(V, i, "query"));
    q += strspn(q, " \n");
    size_t n = strlen(q);
    while (n && (q[n - 1] == ';' || q[n - 1] == '\n' || q[n - 1] == ' '))
        n--;
    buf_printf(b, "  as %.*s;\n", (int)n, q);
    import_indexes(o, b, import_get(V, i, "owner"), schema, name);
    import_grants(o, b, V, i, what);
    import_comment_item(b, V, i);
    buf_puts(b, "}\n");
}

void import_write_views(ImportOut *o)
{
    const ImportRows *V = &o->db->rows[IMP_VIEWS];
    for (int i = 0; i < V->n && !o->error; i++)
        write_view(o, V, i);
}

/* -------------------------------------------------------- functions */

/* set NAME = VALUE from proconfig's "name=value": a list setting's
 * elements as they are ("" is ''), another value as a literal. */
static void put_setting(Buf *b, const char *setting)
{
    const char *eq = strchr(setting, '=');
    if (!eq)
        return;
    buf_printf(b, "  set %.*s = ", (int)(eq - setting), setting);
    const char *v = eq + 1;
    if (strncmp(setting, "search_path=", 12) == 0) {
        for (const char *p = v; *p;) {
            size_t n = strcspn(p, ",");
            if (n == 2 && strncmp(p, "\"\"", 2) == 0)
                buf_puts(b, "''");
            else
                buf_put(b, p, n);
            p += n;
            if (*p == ',') {
                buf_puts(b, ", ");
                p++;
                p += strspn(p, " ");
            }
        }
    } else
        quote_literal(b, v);
    buf_puts(b, ";\n");
}

static void function_attributes(Buf *b, const ImportRows *F, int i)
{
    const char *vol = import_get(F, i, "volatility");
    if (vol[0] != 'v')
        buf_puts(b, vol[0] == 'i' ? "  immutable;\n" : "  stable;\n");
    if (import_bool(F, i, "definer"))
        buf_puts(b, "  security definer;\n");
    if (import_bool(F, i, "strict"))
        buf_puts(b, "  strict;\n");
    if (import_bool(F, i, "leakproof"))
        buf_puts(b, "  leakproof;\n");
    const char *par = import_get(F, i, "parallel");
    if (par[0] != 'u')
        buf_puts(b, par[0] == 's' ? "  parallel safe;\n"
                                  : "  parallel restricted;\n");
    if (strcmp(import_get(F, i, "cost"), "100") != 0)
        buf_printf(b, "  cost %s;\n", import_get(F, i, "cost"));
    const char *rows = import_get(F, i, "rows");
    if (strcmp(rows, import_bool(F, i, "retset") ? "1000" : "0") != 0)
        buf_printf(b, "  rows %s;\n", rows);
}

static void write_function(ImportOut *o, const ImportRows *F, int i)
{
    const char *schema = import_get(F, i, "schema");
    const char *name = import_get(F, i, "name");
    const char *lang = import_get(F, i, "language");
    char kind = import_get(F, i, "kind")[0];
    const char *what = arena_printf(o->arena, "%s %s.%s(%s)",
                                    kind == 'p' ? "procedure" : "function",
                                    schema, name, import_get(F, i, "args"));
    if (kind != 'f' && kind != 'p')
        return;     /* aggregates: refused as unsayable */
    if (strcmp(lang, "sql") != 0 && strcmp(lang, "plpgsql") != 0) {
        import_fail(o, "%s is in language %s (only sql and plpgsql are in "
                    "the language)", what, lang);
        return;
    }
    if (import_bool(F, i, "sql_body")) {
        import_fail(o, "%s has an SQL-standard body (BEGIN ATOMIC), not in "
                    "the language yet", what);
        return;
    }
    if (!import_owned(o, F, i, what))
        return;
    Buf *b = &import_file(o, schema)->text;
    if (b->len)
        buf_putc(b, '\n');
    buf_puts(b, kind == 'p' ? "procedure " : "function ");
    import_qname(b, schema, name);
    buf_printf(b, "(%s)", kind == 'p'
               ? import_args_plain(o->arena, import_get(F, i, "args"))
               : import_get(F, i, "args"));
    if (kind == 'f')
        buf_printf(b, " returns %s", import_get(F, i, "result"));
    buf_printf(b, " {\n  language %s;\n", lang);
    /* a procedure has only the defaults of the others (PostgreSQL takes
     * none), and security definer */
    function_attributes(b, F, i);
    const char **config;
    int n = import_split(o->arena, import_get(F, i, "config"), &config);
    for (int k = 0; k < n; k++)
        put_setting(b, config[k]);
    buf_puts(b, "  as ");
    import_dollar(b, import_get(F, i, "body"));
    buf_puts(b, ";\n");
    import_grants(o, b, F, i, what);
    import_comment_item(b, F, i);
    buf_puts(b, "}\n");
}

void import_write_functions(ImportOut *o)
{
    const ImportRows *F = &o->db->rows[IMP_FUNCTIONS];
    for (int i = 0; i < F->n && !o->error; i++)
        write_function(o, F, i);
}

/* ---------------------------------------------------------- buckets */

/* A bucket's policy clause is "((bucket_id = 'ID'::text) AND (REST))" as
 * the compiler writes it; REST, or NULL when the clause is not that. */
static const char *bucket_clause(ImportOut *o, const char *clause,
                                 const char *id)
{
    Buf want = {0};
    buf_puts(&want, "((bucket_id = ");
    quote_literal(&want, id);
    buf_puts(&want, "::text) AND ");
    size_t n = strlen(clause);
    const char *rest = NULL;
    if (strncmp(clause, want.data, want.len) == 0 && n > want.len &&
        clause[n - 1] == ')') {
        char *r = arena_strndup(o->arena, clause + want.len,
                                n - want.len - 1);
        if (!import_top_level_and(r))
            rest = r;
    }
    buf_free(&want);
    return rest;
}

/* Which bucket a policy on storage.objects belongs to, by its first
 * clause: the id between the first quotes. */
static bool policy_of_bucket(ImportOut *o, const ImportRows *P, int p,
                             const char *id, const char **u, const char **c)
{
    *u = *c = NULL;
    bool has_u = !import_null(P, p, "using"), has_c = !import_null(P, p, "check");
    if (has_u)
        *u = bucket_clause(o, import_get(P, p, "using"), id);
    if (has_c)
        *c = bucket_clause(o, import_get(P, p, "check"), id);
    return (has_u || has_c) && (!has_u || *u) && (!has_c || *c);
}

static void size_limit(Buf *b, const char *bytes)
{
    long long v = strtoll(bytes, NULL, 10);
    static const struct { const char *unit; long long n; } units[] = {
        {"gb", 1024LL * 1024 * 1024}, {"mb", 1024 * 1024}, {"kb", 1024},
    };
    for (size_t k = 0; k < sizeof units / sizeof units[0]; k++)
        if (v % units[k].n == 0) {
            buf_printf(b, "  file size limit %lld %s;\n", v / units[k].n,
                       units[k].unit);
            return;
        }
    buf_printf(b, "  file size limit %lld bytes;\n", v);
}

static void write_bucket(ImportOut *o, const ImportRows *B, int i,
                         bool *claimed)
{
    const char *id = import_get(B, i, "name");
    if (strcmp(id, import_get(B, i, "bucket_name")) != 0) {
        import_fail(o, "bucket %s is named %s: a bucket's id and name are "
                    "one in the language", id, import_get(B, i, "bucket_name"));
        return;
    }
    Buf *b = &import_file(o, "storage")->text;
    if (b->len)
        buf_putc(b, '\n');
    buf_puts(b, "bucket ");
    bool bare = strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789_") ==
                strlen(id) && !(id[0] >= '0' && id[0] <= '9');
    if (bare)
        buf_puts(b, id);
    else
        buf_printf(b, "\"%s\"", id);
    buf_printf(b, " {\n  public %s;\n", import_bool(B, i, "public") ||
               strcmp(import_get(B, i, "public"), "true") == 0 ? "true"
                                                              : "false");
    if (!import_null(B, i, "size_limit"))
        size_limit(b, import_get(B, i, "size_limit"));
    if (!import_bool(B, i, "any_mime"))
        buf_printf(b, "  allowed mime types %s;\n",
                   import_get(B, i, "mime_types"));
    const ImportRows *P = &o->db->rows[IMP_POLICIES];
    int n, p0 = import_first(P, import_get(B, i, "objects"), &n);
    for (int p = p0; p >= 0 && p < p0 + n; p++) {
        const char *u, *c;
        if (claimed[p - p0] || !policy_of_bucket(o, P, p, id, &u, &c))
            continue;
        claimed[p - p0] = true;
        map_put(o->bucket_policies, import_get(P, p, "name"), (void *)id);
        import_policy(o, b, P, p, u, c);
    }
    buf_puts(b, "}\n");
}

/* A policy on storage.objects that is no bucket's is written in the
 * table (import_platform.c). */
void import_write_buckets(ImportOut *o)
{
    const ImportRows *B = &o->db->rows[IMP_BUCKETS];
    const ImportRows *P = &o->db->rows[IMP_POLICIES];
    if (!o->db->all_schemas)
        return;
    int n = 0;
    if (B->n)
        import_first(P, import_get(B, 0, "objects"), &n);
    bool *claimed = arena_alloc(o->arena, (size_t)n + 1);
    for (int i = 0; i < B->n && !o->error; i++)
        write_bucket(o, B, i, claimed);
}

/* -------------------------------------------------------- unsayable */

void import_write_unsayable(ImportOut *o)
{
    const ImportRows *U = &o->db->rows[IMP_UNSAYABLE];
    if (U->n == 0)
        U = &o->db->rows[IMP_PLATFORM_EXTRAS];
    if (U->n > 0)
        import_fail(o, "%s: %s cannot be imported yet%s",
                    PQgetvalue(U->res, 0, 0), PQgetvalue(U->res, 0, 1),
                    U->n > 1 ? arena_printf(o->arena, " (and %d more "
                                            "such objects)", U->n - 1)
                             : "");
}

/*
 * import_table_items.c — the items of a table after its columns and
 * constraints: indexes, partitions, row level security, policies, grants,
 * triggers, comment.  Each comes printed by the server (pg_get_indexdef,
 * pg_get_triggerdef, pg_get_expr) and is cut into the language's form.
 */
#include "import_table.h"

#include <ctype.h>
#include <string.h>

/* Lower-case outside quotes: the keywords of a printed clause. */
static void put_lower(Buf *b, const char *s, size_t n)
{
    char q = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (q && c == q)
            q = 0;
        else if (!q && (c == '\'' || c == '"'))
            q = c;
        buf_putc(b, q ? c : (char)tolower((unsigned char)c));
    }
}

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Where the parenthesis at s closes (s itself when it does not). */
static const char *close_paren(const char *s)
{
    int depth = 0;
    char q = 0;
    for (const char *p = s; *p; p++) {
        if (q) {
            if (*p == q)
                q = 0;
        } else if (*p == '\'' || *p == '"')
            q = *p;
        else if (*p == '(')
            depth++;
        else if (*p == ')' && --depth == 0)
            return p;
    }
    return s;
}

/* ---------------------------------------------------------- indexes */

/* After "USING method ": "(elems)[ INCLUDE (...)][ NULLS NOT DISTINCT]
 * [ WHERE pred]" with the keywords in lower case. */
static void index_tail(Buf *b, const char *rest)
{
    const char *end = close_paren(rest);
    buf_put(b, rest, (size_t)(end - rest + 1));
    const char *p = end + 1;
    if (starts(p, " INCLUDE (")) {
        const char *e = close_paren(p + 9);
        buf_puts(b, " include ");
        buf_put(b, p + 9, (size_t)(e - (p + 9) + 1));
        p = e + 1;
    }
    if (starts(p, " NULLS NOT DISTINCT")) {
        buf_puts(b, " nulls not distinct");
        p += 19;
    }
    if (starts(p, " WHERE ")) {
        buf_puts(b, " where ");
        buf_puts(b, p + 7);
    } else
        buf_puts(b, p);
}

static void index_item(ImportOut *o, Buf *b, const ImportRows *I, int i,
                       const char *schema, const char *table)
{
    const char *name = import_get(I, i, "name");
    const char *def = import_get(I, i, "def");
    const char *method = import_get(I, i, "method");
    if (import_bool(I, i, "unusual")) {
        import_fail(o, "index %s.%s has storage parameters or a tablespace",
                    schema, name);
        return;
    }
    char *using_ = arena_printf(o->arena, " USING %s (", method);
    const char *at = strstr(def, using_);
    if (!at) {
        import_fail(o, "index %s.%s: cannot read its definition", schema,
                    name);
        return;
    }
    buf_puts(b, import_bool(I, i, "is_unique") ? "  unique index " : "  index ");
    const char **cols;
    int n = import_split(o->arena, import_get(I, i, "cols"), &cols);
    if (import_bool(I, i, "has_exprs") ||
        !import_name_omittable(o->db->names, schema, table, name, cols, n,
                               "idx")) {
        import_ident(b, name);
        buf_putc(b, ' ');
    }
    if (strcmp(method, "btree") != 0)
        buf_printf(b, "using %s ", method);
    index_tail(b, import_fix_arrays(o->arena, at + strlen(using_) - 1));
    import_trailing_comment(b, I, i);
    buf_puts(b, ";\n");
}

void import_indexes(ImportOut *o, Buf *b, const char *oid,
                    const char *schema, const char *name)
{
    const ImportRows *I = &o->db->rows[IMP_INDEXES];
    int n, i0 = import_first(I, oid, &n);
    for (int i = i0; i >= 0 && i < i0 + n; i++)
        if (!import_bool(I, i, "attached"))
            index_item(o, b, I, i, schema, name);
}

/* ------------------------------------------------------- partitions */

/* A partition is its parent's item: anything of its own is refused. */
static bool partition_plain(ImportOut *o, const ImportRows *T, int p)
{
    const char *oid = import_get(T, p, "owner");
    const char *why = NULL;
    int n;
    if (!import_null(T, p, "acl") && !import_bool(T, p, "acl_from_defaults"))
        why = "grants";
    else if (!import_null(T, p, "comment"))
        why = "a comment";
    else if (import_bool(T, p, "rls"))
        why = "row level security";
    else if (!import_null(T, p, "partkey"))
        why = "partitions";
    else if (import_first(&o->db->rows[IMP_POLICIES], oid, &n) >= 0)
        why = "policies";
    const ImportRows *I = &o->db->rows[IMP_INDEXES];
    int i0 = import_first(I, oid, &n);
    for (int i = i0; !why && i >= 0 && i < i0 + n; i++)
        if (!import_bool(I, i, "attached"))
            why = "an index";
    const ImportRows *G = &o->db->rows[IMP_TRIGGERS];
    i0 = import_first(G, oid, &n);
    for (int i = i0; !why && i >= 0 && i < i0 + n; i++)
        if (!import_bool(G, i, "inherited"))
            why = "a trigger";
    const ImportRows *K = &o->db->rows[IMP_CONSTRAINTS];
    i0 = import_first(K, oid, &n);
    for (int i = i0; !why && i >= 0 && i < i0 + n; i++)
        if (import_bool(K, i, "local") && !import_bool(K, i, "inherited"))
            why = "a constraint";
    if (why)
        import_fail(o, "partition %s.%s has %s of its own (a partition "
                    "cannot say more than its bound yet)",
                    import_get(T, p, "schema"), import_get(T, p, "name"),
                    why);
    return !why;
}

static void partitions(ImportTable *t)
{
    const char *key = import_get(t->T, t->t, "partkey");
    if (import_null(t->T, t->t, "partkey"))
        return;
    buf_puts(t->b, "  partition by ");
    size_t word = strcspn(key, " ");
    put_lower(t->b, key, word);
    buf_puts(t->b, key + word);
    buf_puts(t->b, ";\n");
    for (int p = 0; p < t->T->n; p++) {
        if (strcmp(import_get(t->T, p, "parent"), t->oid) != 0 ||
            !partition_plain(t->o, t->T, p))
            continue;
        const char *schema = import_get(t->T, p, "schema");
        buf_puts(t->b, "  partition ");
        if (strcmp(schema, t->schema) != 0) {
            quote_ident(t->b, schema);
            buf_putc(t->b, '.');
        }
        quote_ident(t->b, import_get(t->T, p, "name"));
        buf_putc(t->b, ' ');
        const char *bound = import_get(t->T, p, "bound");
        put_lower(t->b, bound, strlen(bound));
        buf_puts(t->b, ";\n");
    }
}

/* --------------------------------------------------------- policies */

static const char *command(char c)
{
    switch (c) {
    case 'r': return "select";
    case 'a': return "insert";
    case 'w': return "update";
    case 'd': return "delete";
    default: return NULL;       /* '*', all: the default */
    }
}

static void policy_name(Buf *b, const char *name)
{
    buf_putc(b, '"');
    for (const char *c = name; *c; c++)
        buf_puts(b, *c == '"' ? "\"\"" : (char[2]){*c, 0});
    buf_putc(b, '"');
}

void import_policy(ImportOut *o, Buf *b, const ImportRows *P, int p,
                   const char *using_, const char *check)
{
    buf_puts(b, "  policy ");
    policy_name(b, import_get(P, p, "name"));
    if (!import_bool(P, p, "permissive"))
        buf_puts(b, " as restrictive");
    const char *cmd = command(import_get(P, p, "cmd")[0]);
    if (cmd)
        buf_printf(b, " for %s", cmd);
    const char **roles;
    int n = import_split(o->arena, import_get(P, p, "roles"), &roles);
    if (!(n == 1 && strcmp(roles[0], "public") == 0))
        for (int i = 0; i < n; i++) {
            buf_puts(b, i ? ", " : " to ");
            import_role(o, b, roles[i]);
        }
    if (using_) {
        buf_puts(b, "\n    using ");
        import_paren(b, import_fix_arrays(o->arena, using_));
    }
    if (check) {
        buf_puts(b, "\n    with check ");
        import_paren(b, import_fix_arrays(o->arena, check));
    }
    import_trailing_comment(b, P, p);
    buf_puts(b, ";\n");
}

static void policies(ImportTable *t)
{
    const ImportRows *P = &t->o->db->rows[IMP_POLICIES];
    int n, p0 = import_first(P, t->oid, &n);
    for (int p = p0; p >= 0 && p < p0 + n; p++) {
        if (import_bool(P, p, "on_objects") &&
            map_get(t->o->bucket_policies, import_get(P, p, "name")))
            continue;           /* a bucket's, written in it */
        import_policy(t->o, t->b, P, p,
                      import_null(P, p, "using") ? NULL
                                                 : import_get(P, p, "using"),
                      import_null(P, p, "check") ? NULL
                                                 : import_get(P, p, "check"));
    }
}

/* ----------------------------------------------------------- grants */

/* Column privileges: one item per grantee and privileges, naming the
 * columns that have them, when that keeps every column's order of
 * grantees; else one item per column and grantee. */
typedef struct ColumnGrant {
    const char *grantee, *privs;
    Buf cols;
} ColumnGrant;

static int grant_index(Vec *gs, const char *grantee, const char *privs)
{
    for (int i = 0; i < gs->len; i++) {
        ColumnGrant *g = gs->items[i];
        if (strcmp(g->grantee, grantee) == 0 && strcmp(g->privs, privs) == 0)
            return i;
    }
    return -1;
}

static void put_column_grant(ImportTable *t, const ColumnGrant *g)
{
    buf_printf(t->b, "  grant %s (%s) to ",
               import_privilege_words(t->o->arena, g->privs, false),
               g->cols.data);
    import_role(t->o, t->b, g->grantee);
    buf_puts(t->b, ";\n");
}

static bool column_acls(ImportTable *t, Vec *gs, bool grouped)
{
    Arena *a = t->o->arena;
    for (int c = t->col0; c >= 0 && c < t->col0 + t->ncols; c++) {
        if (import_null(t->C, c, "acl"))
            continue;
        ImportAcl *e;
        int n = import_acl_parse(a, import_get(t->C, c, "acl"), &e);
        int last = -1;
        for (int i = 0; i < n; i++) {
            if (strchr(e[i].privs, '*')) {
                import_fail(t->o, "column %s.%s.%s: a grant with grant "
                            "option on a column is not in the language yet",
                            t->schema, t->name, import_get(t->C, c, "name"));
                return false;
            }
            int k = grouped ? grant_index(gs, e[i].grantee, e[i].privs) : -1;
            if (k < 0) {
                ColumnGrant *g = arena_alloc(a, sizeof *g);
                g->grantee = e[i].grantee;
                g->privs = e[i].privs;
                vec_push(a, gs, g);
                k = gs->len - 1;
            }
            if (k < last)
                return false;   /* grouping would reorder this column */
            last = k;
            ColumnGrant *g = gs->items[k];
            if (g->cols.len)
                buf_puts(&g->cols, ", ");
            quote_ident(&g->cols, import_get(t->C, c, "name"));
        }
    }
    return true;
}

static void column_grants(ImportTable *t)
{
    Vec gs = {0};
    if (!column_acls(t, &gs, true)) {
        if (t->o->error)
            return;
        gs = (Vec){0};
        column_acls(t, &gs, false);
    }
    for (int i = 0; i < gs.len; i++) {
        put_column_grant(t, gs.items[i]);
        buf_free(&((ColumnGrant *)gs.items[i])->cols);
    }
}

void import_grants(ImportOut *o, Buf *b, const ImportRows *R, int i,
                   const char *what)
{
    char *why = NULL;
    size_t start = b->len;
    if (!import_acl_items(b, o->arena, "  ", import_null(R, i, "acl")
                              ? NULL : import_get(R, i, "acl"),
                          import_get(R, i, "default_acl"), &why)) {
        import_fail(o, "%s: %s", what, why);
        return;
    }
    if (b->len > start && !import_null(R, i, "acl")) {
        ImportAcl *e;
        int n = import_acl_parse(o->arena, import_get(R, i, "acl"), &e);
        for (int k = 0; k < n; k++)
            import_note_role(o, e[k].grantee);
    }
}

/* --------------------------------------------------------- triggers */

/* CREATE TRIGGER name TIMING EVENTS ON table FOR EACH ... as the item
 * trigger name timing events for each ... (lower-case keywords). */
static void trigger_item(ImportTable *t, const ImportRows *G, int g)
{
    const char *name = import_get(G, g, "name");
    const char *def = import_get(G, g, "def");
    Buf head = {0}, on = {0};
    buf_puts(&head, "CREATE TRIGGER ");
    quote_ident(&head, name);
    buf_puts(&head, " ");
    buf_puts(&on, " ON ");
    quote_qname(&on, t->schema, t->name);
    buf_puts(&on, " FOR EACH ");
    const char *events = starts(def, head.data) ? def + head.len : NULL;
    const char *at = events ? strstr(events, on.data) : NULL;
    const char *why = import_bool(G, g, "is_constraint") ? "is a constraint "
                      "trigger" : strcmp(import_get(G, g, "enabled"), "O")
                      ? "is disabled or set to fire on replicas"
                      : !at ? "has transition tables or clauses the language "
                      "does not have" : NULL;
    if (why)
        import_fail(t->o, "trigger %s on %s.%s %s", name, t->schema, t->name,
                    why);
    else {
        buf_puts(t->b, "  trigger ");
        import_ident(t->b, name);
        buf_putc(t->b, ' ');
        put_lower(t->b, events, (size_t)(at - events));
        buf_putc(t->b, ' ');
        const char *rest = at + on.len - strlen("FOR EACH ");
        const char *exec = strstr(rest, " EXECUTE FUNCTION ");
        const char *when = strstr(rest, " WHEN (");
        if (!exec)
            exec = rest + strlen(rest);
        put_lower(t->b, rest, (size_t)((when && when < exec ? when : exec) -
                                       rest) + 0);
        if (when && when < exec) {
            buf_puts(t->b, " when ");
            buf_puts(t->b, import_fix_arrays(t->o->arena, arena_strndup(
                t->o->arena, when + 6, (size_t)(exec - when - 6))));
        }
        if (*exec) {
            buf_puts(t->b, " execute function ");
            buf_puts(t->b, exec + strlen(" EXECUTE FUNCTION "));
        }
        import_trailing_comment(t->b, G, g);
        buf_puts(t->b, ";\n");
    }
    buf_free(&head);
    buf_free(&on);
}

static void triggers(ImportTable *t)
{
    const ImportRows *G = &t->o->db->rows[IMP_TRIGGERS];
    int n, g0 = import_first(G, t->oid, &n);
    for (int g = g0; g >= 0 && g < g0 + n; g++)
        if (!import_bool(G, g, "inherited"))
            trigger_item(t, G, g);
}

/* ------------------------------------------------------------ items */

/* A group of items after what came before, a blank line between. */
static void flush_group(Buf *main, Buf *g)
{
    if (g->len) {
        if (main->len >= 2 && !(main->data[main->len - 2] == '{' &&
                                main->data[main->len - 1] == '\n'))
            buf_putc(main, '\n');
        buf_put(main, g->data, g->len);
    }
    buf_free(g);
}

static void rls(ImportTable *t)
{
    if (import_bool(t->T, t->t, "rls"))
        buf_puts(t->b, import_bool(t->T, t->t, "force_rls")
                           ? "  row level security forced;\n"
                           : "  row level security;\n");
    else if (import_bool(t->T, t->t, "force_rls"))
        import_fail(t->o, "table %s.%s forces row level security without "
                    "enabling it", t->schema, t->name);
}

/* full, nothing, or an index: the language names it as declared, so its
 * name is always written (import_write.c counts it twice). */
static void replica(ImportTable *t)
{
    const char *r = import_get(t->T, t->t, "replident");
    if (strcmp(r, "f") == 0)
        buf_puts(t->b, "  replica identity full;\n");
    else if (strcmp(r, "n") == 0)
        buf_puts(t->b, "  replica identity nothing;\n");
    else if (strcmp(r, "i") == 0) {
        buf_puts(t->b, "  replica identity using index ");
        import_ident(t->b, import_get(t->T, t->t, "replident_index"));
        buf_puts(t->b, ";\n");
    }
}

void import_table_items(ImportTable *t)
{
    Buf *main = t->b, g = {0};
    t->b = &g;
    import_indexes(t->o, t->b, t->oid, t->schema, t->name);
    partitions(t);
    flush_group(main, &g);
    rls(t);
    replica(t);
    policies(t);
    flush_group(main, &g);
    import_grants(t->o, t->b, t->T, t->t,
                  arena_printf(t->o->arena, "table %s.%s", t->schema,
                               t->name));
    column_grants(t);
    triggers(t);
    import_comment_item(t->b, t->T, t->t);
    flush_group(main, &g);
    t->b = main;
}

/* A platform table: only what the schema adds to it. */
void import_platform_table_items(ImportTable *t)
{
    const char *what = arena_printf(t->o->arena, "table %s.%s", t->schema,
                                    t->name);
    if (import_bool(t->T, t->t, "rls_changed")) {
        if (!import_bool(t->T, t->t, "rls"))
            import_fail(t->o, "%s: row level security of the platform's "
                        "table turned off (not in the language)", what);
        else
            rls(t);
    }
    policies(t);
    import_grants(t->o, t->b, t->T, t->t, what);
    column_grants(t);
    triggers(t);
    import_comment_item(t->b, t->T, t->t);
}

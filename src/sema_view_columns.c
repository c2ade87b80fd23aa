/*
 * sema_view_columns.c — the columns a view's query, or a SELECT of an SQL
 * function's body, names, checked against the tables it reads, so that a
 * misspelt column is an error at its place in the .schema file rather
 * than at apply.  Only queries whose every source is a declared table are
 * checked (a view, a function or a WITH query in FROM makes the compiler
 * leave the query to the server), and only the select list, WHERE and
 * join conditions at the query's own level: subqueries are left alone.
 * In a function with arguments an unqualified name may be an argument, so
 * only qualified ones (t.col) are checked there.
 */
#include "sema.h"

#include <string.h>

typedef struct From {
    const char *alias;     /* the alias, or the table's own name */
    Decl *table;
} From;

typedef struct ViewScope {
    Sema *s;
    const Frag *f;
    bool bare;             /* unqualified names are columns */
    From from[16];
    int nfrom;
} ViewScope;

/* Collects the FROM list's tables; false if some source is not one. */
static bool add_from(ViewScope *v, const Json *n)
{
    const Json *rv = json_get(n, "RangeVar");
    if (rv) {
        const char *schema = json_str(json_get(rv, "schemaname"));
        const char *name = json_str(json_get(rv, "relname"));
        Decl *t = sema_find_relation(v->s, schema ? schema
                                                  : v->s->search_schema, name);
        /* the platform's tables are known only in part (auth.users) */
        if (!t || t->kind != DECL_TABLE || t->external || !t->columns.len ||
            v->nfrom == 16)
            return false;
        const Json *a = json_get(rv, "alias");
        if (json_get(a, "colnames"))
            return false;   /* t AS x (a, b) renames the columns */
        const char *alias = json_str(json_get(a, "aliasname"));
        v->from[v->nfrom++] = (From){alias ? alias : name, t};
        return true;
    }
    const Json *j = json_get(n, "JoinExpr");
    if (j && !json_get(j, "alias"))
        return add_from(v, json_get(j, "larg")) &&
               add_from(v, json_get(j, "rarg"));
    return false;
}

static Decl *table_of(ViewScope *v, const char *alias)
{
    for (int i = 0; i < v->nfrom; i++)
        if (strcmp(v->from[i].alias, alias) == 0)
            return v->from[i].table;
    return NULL;
}

static void unknown_column(ViewScope *v, const Json *ref, const char *col,
                           Decl *hint_in)
{
    long loc = json_int(json_get(ref, "location"), 0);
    if (loc < 0 || (size_t)loc > v->f->len)
        loc = 0;
    const char *hint = hint_in ? sema_hint_column(v->s, hint_in, col) : "";
    diag_at(v->s->diag, DIAG_ERROR, v->f->src, v->f->off + (size_t)loc,
            strlen(col), "column \"%s\" does not exist%s", col, hint);
}

static void check_ref(ViewScope *v, const Json *ref)
{
    const Json *fields = json_get(ref, "fields");
    int n = json_len(fields);
    const char *last = pgsql_list_string(fields, -1);
    if (!last)
        return;   /* t.* or * */
    static const char *const system[] = {"ctid", "xmin", "xmax", "cmin",
                                         "cmax", "tableoid", NULL};
    for (int i = 0; system[i]; i++)
        if (strcmp(last, system[i]) == 0)
            return;
    if (n == 1 && v->bare) {
        for (int i = 0; i < v->nfrom; i++)
            if (sema_find_column(v->from[i].table, last) ||
                strcmp(v->from[i].alias, last) == 0)  /* the whole row */
                return;
        unknown_column(v, ref, last, v->nfrom == 1 ? v->from[0].table : NULL);
    } else if (n == 2) {
        Decl *t = table_of(v, pgsql_list_string(fields, 0));
        if (t && !sema_find_column(t, last))
            unknown_column(v, ref, last, t);
    }
}

static void walk(ViewScope *v, const Json *n)
{
    if (!n || (n->kind != JSON_OBJECT && n->kind != JSON_ARRAY))
        return;
    if (json_get(n, "SubLink") || json_get(n, "RangeSubselect"))
        return;
    const Json *ref = json_get(n, "ColumnRef");
    if (ref) {
        check_ref(v, ref);
        return;
    }
    for (int i = 0; i < n->u.list.len; i++)
        walk(v, n->u.list.items[i]);
}

/* Join conditions, from the JoinExprs of the FROM list. */
static void walk_joins(ViewScope *v, const Json *n)
{
    const Json *j = json_get(n, "JoinExpr");
    if (!j)
        return;
    walk(v, json_get(j, "quals"));
    walk_joins(v, json_get(j, "larg"));
    walk_joins(v, json_get(j, "rarg"));
}

static void check_select(Sema *s, const Frag *f, const Json *sel,
                         bool bare)
{
    const char *op = json_str(json_get(sel, "op"));
    if (!sel || json_get(sel, "withClause") || (op && strcmp(op, "SETOP_NONE")))
        return;
    ViewScope v = {.s = s, .f = f, .bare = bare};
    const Json *from = json_get(sel, "fromClause");
    if (!json_len(from))
        return;
    for (int i = 0; i < json_len(from); i++)
        if (!add_from(&v, json_at(from, i)))
            return;
    walk(&v, json_get(sel, "targetList"));
    walk(&v, json_get(sel, "whereClause"));
    for (int i = 0; i < json_len(from); i++)
        walk_joins(&v, json_at(from, i));
}

/* Each top-level SELECT of text f. */
static void check_text(Sema *s, const Frag *f, bool bare)
{
    PgParse r = pgsql_parse(s->trees, "", f->src->text + f->off, f->len, "");
    const Json *stmts = json_get(r.tree, "stmts");
    for (int i = 0; i < json_len(stmts); i++)
        check_select(s, f, json_get(json_get(json_at(stmts, i), "stmt"),
                                    "SelectStmt"), bare);
}

void sema_view_columns(Sema *s, const Decl *view)
{
    for (int i = 0; i < view->items.len; i++) {
        const Item *it = view->items.items[i];
        if (it->kind == ITEM_QUERY)
            check_text(s, &it->u.query, true);
    }
}

void sema_function_columns(Sema *s, const Decl *fn)
{
    if (!fn->body || !fn->language || strcmp(fn->language, "sql") != 0)
        return;
    Frag body = sema_string_frag(s, fn->body);
    const char *saved = s->search_schema;
    bool args = fn->header.len > 0;
    check_text(s, &body, !args);
    s->search_schema = saved;
}

/*
 * sema_index.c — checks an index: its method, its elements (parsed by
 * PostgreSQL as CREATE INDEX would), included columns and predicate; and
 * works out the column names PostgreSQL uses when it names the index.
 */
#include "schemac.h"

#include <string.h>

#define ELEMS_PREFIX "CREATE INDEX ON x ("

static const char *const methods[] = {"btree", "hash", "gist", "spgist",
                                      "gin", "brin", NULL};

static const char *last_name(const Json *list)
{
    return pgsql_list_string(list, -1);
}

/*
 * FigureColname's answer for an index expression, as PostgreSQL uses it
 * for index names: lower(email) is "lower", (a::date) is "a"; NULL when it
 * has none (the caller then says "expr").  Strength 2 beats 1, as there.
 */
static int figure(const Json *node, const char **name)
{
    Json *v;
    if ((v = json_get(node, "ColumnRef"))) {
        const char *n = last_name(json_get(v, "fields"));
        if (n)
            *name = n;
        return n ? 2 : 0;
    }
    if ((v = json_get(node, "FuncCall")))
        return *name = last_name(json_get(v, "funcname")), 1;
    if ((v = json_get(node, "TypeCast"))) {
        int strength = figure(json_get(v, "arg"), name);
        if (strength <= 1)
            return *name = last_name(json_get(json_get(v, "typeName"),
                                              "names")), 1;
        return strength;
    }
    if ((v = json_get(node, "CoalesceExpr")))
        return *name = "coalesce", 1;
    if ((v = json_get(node, "MinMaxExpr"))) {
        const char *op = json_str(json_get(v, "op"));
        return *name = op && strcmp(op, "IS_GREATEST") == 0 ? "greatest"
                                                            : "least", 1;
    }
    if (json_get(node, "CaseExpr"))
        return *name = "case", 1;
    if (json_get(node, "A_ArrayExpr"))
        return *name = "array", 1;
    if (json_get(node, "RowExpr"))
        return *name = "row", 1;
    return 0;
}

static const char *elem_colname(const Json *elem)
{
    const char *name = json_str(json_get(elem, "name"));
    if (name)
        return name;
    name = NULL;
    figure(json_get(elem, "expr"), &name);
    return name ? name : "expr";
}

/* The token naming column within the fragment (the whole fragment if it
 * is not there as a word): IndexElem nodes carry no location. */
static void column_error(Sema *s, Decl *t, const Frag *f, const char *column)
{
    size_t off = f->off, len = f->len;
    Arena *a = s->arena;
    for (const Token *tk = f->first;
         tk->kind != TK_EOF && tk->off < f->off + f->len; tk++)
        if ((tk->kind == TK_IDENT || tk->kind == TK_QIDENT) &&
            strcmp(tok_ident(a, tk), column) == 0) {
            off = tk->off;
            len = tk->len;
            break;
        }
    diag_at(s->diag, DIAG_ERROR, f->src, off, len,
            "unknown column \"%s\" in table \"%s\"", column, t->name.name);
}

static void add_elems(Sema *s, Decl *t, Index *ix, Json *params, Vec *deps,
                      const Frag *f)
{
    for (int i = 0; i < json_len(params); i++) {
        Json *elem = json_get(json_at(params, i), "IndexElem");
        IndexElem *e = arena_alloc(s->arena, sizeof *e);
        const char *column = json_str(json_get(elem, "name"));
        e->column = column ? arena_strdup(s->arena, column) : NULL;
        e->colname = arena_strdup(s->arena, elem_colname(elem));
        if (e->column && t->kind == DECL_TABLE &&
            !sema_find_column(t, e->column))
            column_error(s, t, f, e->column);
        vec_push(s->arena, &ix->elemv, e);
    }
    sema_resolve_refs(s, params, f, strlen(ELEMS_PREFIX),
                      t->kind == DECL_TABLE ? t : NULL, deps);
}

static void check_include(Sema *s, Decl *t, Index *ix)
{
    Json *tree = sema_parse(s, "CREATE INDEX ON x (a) INCLUDE (",
                            &ix->include, "\n)", "included columns");
    Json *stmt = tree ? sema_stmt(tree, "IndexStmt") : NULL;
    Json *inc = json_get(stmt, "indexIncludingParams");
    for (int i = 0; i < json_len(inc); i++) {
        Json *elem = json_get(json_at(inc, i), "IndexElem");
        IndexElem *e = arena_alloc(s->arena, sizeof *e);
        e->column = e->colname = arena_strdup(s->arena, elem_colname(elem));
        if (t->kind == DECL_TABLE && !sema_find_column(t, e->column))
            column_error(s, t, &ix->include, e->column);
        vec_push(s->arena, &ix->elemv, e);  /* they are named too */
    }
}

static void check_method(Sema *s, Index *ix)
{
    if (!ix->method.name)
        return;
    for (int i = 0; methods[i]; i++)
        if (strcmp(ix->method.name, methods[i]) == 0)
            return;
    sema_error(s, ix->method.tok, "unknown index method \"%s\" (known: "
               "btree, hash, gist, spgist, gin, brin)", ix->method.name);
}

void sema_index(Sema *s, Decl *t, Index *ix, Vec *deps)
{
    if (ix->given.name)
        sema_check_length(s, ix->given.tok, ix->given.name, "index");
    check_method(s, ix);
    Json *tree = sema_parse(s, ELEMS_PREFIX, &ix->elems, "\n)",
                            "index elements");
    Json *stmt = tree ? sema_stmt(tree, "IndexStmt") : NULL;
    if (tree && (!stmt || json_get(stmt, "whereClause") ||
                 json_get(stmt, "indexIncludingParams"))) {
        diag_at(s->diag, DIAG_ERROR, ix->elems.src, ix->elems.off, 1,
                "index elements must be columns or expressions");
        return;
    }
    if (stmt)
        add_elems(s, t, ix, json_get(stmt, "indexParams"), deps, &ix->elems);
    if (ix->include.len)
        check_include(s, t, ix);
    if (ix->where.len) {
        Json *w = sema_parse(s, "SELECT (", &ix->where, "\n)",
                             "index predicate");
        if (w)
            sema_resolve_refs(s, w, &ix->where, 8,
                              t->kind == DECL_TABLE ? t : NULL, deps);
    }
}

/* Plain "a, b" elements, read from the tokens (no parse needed). */
bool sema_index_columns(Arena *a, const Index *ix, Vec *out)
{
    const Token *t = ix->elems.first;
    size_t end = ix->elems.off + ix->elems.len;
    bool want_name = true;
    for (; t->kind != TK_EOF && t->off < end; t++) {
        if (want_name && (t->kind == TK_IDENT || t->kind == TK_QIDENT)) {
            Ident *id = arena_alloc(a, sizeof *id);
            id->tok = t;
            id->name = tok_ident(a, t);
            vec_push(a, out, id);
        } else if (want_name || !tok_punct(t, ',')) {
            return false;
        }
        want_name = !want_name;
    }
    return out->len > 0 && !want_name;
}

/*
 * sema_index.c — checks an index: its method, its elements (parsed by
 * PostgreSQL as CREATE INDEX would), included columns and predicate; and
 * works out the column names PostgreSQL uses when it names the index.
 */
#include "sema.h"

#include <string.h>

#define ELEMS_PREFIX "CREATE INDEX ON x ("

static const char *const methods[] = {"btree", "hash", "gist", "spgist",
                                      "gin", "brin", NULL};

/* SVFOP_CURRENT_TIMESTAMP_N -> "current_timestamp" */
static const char *sql_value_function(Sema *s, const char *op)
{
    if (!op || strncmp(op, "SVFOP_", 6) != 0)
        return NULL;
    char *name = arena_strdup(s->trees, op + 6);
    size_t n = strlen(name);
    if (n > 2 && strcmp(name + n - 2, "_N") == 0)
        name[n - 2] = '\0';
    for (char *c = name; *c; c++)
        *c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
    return name;
}

static int figure(Sema *s, const Json *node, const char **name);

/* The name of a subquery's first output column. */
static int figure_sublink(Sema *s, const Json *v, const char **name)
{
    const char *kind = json_str(json_get(v, "subLinkType"));
    if (kind && strcmp(kind, "EXISTS_SUBLINK") == 0)
        return *name = "exists", 2;
    if (kind && strcmp(kind, "ARRAY_SUBLINK") == 0)
        return *name = "array", 2;
    Json *sel = json_get(json_get(v, "subselect"), "SelectStmt");
    Json *target = json_get(json_at(json_get(sel, "targetList"), 0),
                            "ResTarget");
    if (json_str(json_get(target, "name")))
        return *name = json_str(json_get(target, "name")), 2;
    return figure(s, json_get(target, "val"), name);
}

/* a[1] is named after a; (p).x after x, its last field. */
static int figure_indirection(Sema *s, const Json *v, const char **name)
{
    const Json *ind = json_get(v, "indirection");
    const char *field = NULL;
    for (int i = 0; i < json_len(ind); i++)
        if (json_get(json_at(ind, i), "String"))
            field = pgsql_list_string(ind, i);
    if (field)
        return *name = field, 2;
    return figure(s, json_get(v, "arg"), name);
}

static int figure_cast(Sema *s, const Json *v, const char **name)
{
    int strength = figure(s, json_get(v, "arg"), name);
    if (strength > 1)
        return strength;
    *name = pgsql_list_string(json_get(json_get(v, "typeName"), "names"), -1);
    return 1;
}

/*
 * PostgreSQL's FigureColname, which names index columns: lower(email) is
 * "lower", (a::date) is "a", a[1] is "a"; 0 when it has no name (the caller
 * then says "expr").  A stronger answer (2) beats a weaker one (1).
 */
static int figure(Sema *s, const Json *node, const char **name)
{
    Json *v;
    if ((v = json_get(node, "ColumnRef"))) {
        const char *n = pgsql_list_string(json_get(v, "fields"), -1);
        return n ? (*name = n, 2) : 0;
    }
    if ((v = json_get(node, "A_Indirection")))
        return figure_indirection(s, v, name);
    if ((v = json_get(node, "FuncCall")))
        return *name = pgsql_list_string(json_get(v, "funcname"), -1), 2;
    if ((v = json_get(node, "A_Expr"))) {
        const char *kind = json_str(json_get(v, "kind"));
        return kind && strcmp(kind, "AEXPR_NULLIF") == 0
                   ? (*name = "nullif", 2) : 0;
    }
    if ((v = json_get(node, "TypeCast")))
        return figure_cast(s, v, name);
    if ((v = json_get(node, "CollateClause")))
        return figure(s, json_get(v, "arg"), name);
    if ((v = json_get(node, "CaseExpr"))) {
        int strength = figure(s, json_get(v, "defresult"), name);
        return strength > 1 ? strength : (*name = "case", 1);
    }
    if ((v = json_get(node, "SubLink")))
        return figure_sublink(s, v, name);
    if ((v = json_get(node, "MinMaxExpr"))) {
        const char *op = json_str(json_get(v, "op"));
        return *name = op && strcmp(op, "IS_GREATEST") == 0 ? "greatest"
                                                            : "least", 2;
    }
    if ((v = json_get(node, "SQLValueFunction"))) {
        *name = sql_value_function(s, json_str(json_get(v, "op")));
        return *name ? 2 : 0;
    }
    static const char *const fixed[][2] = {
        {"CoalesceExpr", "coalesce"}, {"A_ArrayExpr", "array"},
        {"RowExpr", "row"}, {"GroupingFunc", "grouping"},
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (json_get(node, fixed[i][0]))
            return *name = fixed[i][1], 2;
    return 0;
}

const char *sema_index_colname(Sema *s, const Json *elem)
{
    const char *name = json_str(json_get(elem, "name"));
    if (name)
        return arena_strdup(s->arena, name);
    name = NULL;
    if (!figure(s, json_get(elem, "expr"), &name) || !name)
        name = "expr";
    return arena_strdup(s->arena, name);
}

/* The token naming column within the fragment (the whole fragment if it
 * is not there as a word): IndexElem nodes carry no location. */
void sema_column_error(Sema *s, Decl *t, const Frag *f, const char *column)
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
            "unknown column \"%s\" in table \"%s\"%s", column, t->name.name,
            sema_hint_column(s, t, column));
}

static void add_elems(Sema *s, Decl *t, Index *ix, Json *params, Vec *deps,
                      const Frag *f)
{
    for (int i = 0; i < json_len(params); i++) {
        Json *elem = json_get(json_at(params, i), "IndexElem");
        IndexElem *e = arena_alloc(s->arena, sizeof *e);
        const char *column = json_str(json_get(elem, "name"));
        e->column = column ? arena_strdup(s->arena, column) : NULL;
        e->colname = sema_index_colname(s, elem);
        if (e->column && t->kind == DECL_TABLE &&
            !sema_find_column(t, e->column))
            sema_column_error(s, t, f, e->column);
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
        e->column = e->colname = sema_index_colname(s, elem);
        if (t->kind == DECL_TABLE && !sema_find_column(t, e->column))
            sema_column_error(s, t, &ix->include, e->column);
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

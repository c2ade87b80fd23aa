/*
 * sema_routine.c — checks views, materialized views, functions and grants.
 * Queries and bodies are parsed by PostgreSQL's parser (PL/pgSQL bodies by
 * its PL/pgSQL parser); the tables and functions they read become
 * dependencies, so they are created first.
 */
#include "sema.h"

#include <string.h>

static const char *const table_privs[] = {"select", "insert", "update",
    "delete", "truncate", "references", "trigger", "all", NULL};
static const char *const column_privs[] = {"select", "insert", "update",
    "references", NULL};
static const char *const function_privs[] = {"execute", "all", NULL};
static const char *const schema_privs[] = {"usage", "create", "all", NULL};
static const char *const sequence_privs[] = {"usage", "select", "update",
    "all", NULL};
static const char *const type_privs[] = {"usage", "all", NULL};

static bool in_list(const char *word, const char *const *list)
{
    for (int i = 0; list[i]; i++)
        if (strcmp(word, list[i]) == 0)
            return true;
    return false;
}

/* Default privileges name the kind of object they apply to. */
static const char *const *default_privs(Sema *s, Grant *g, const char **kind)
{
    static const struct { const char *on; const char *const *privs; } k[] = {
        {"tables", table_privs}, {"sequences", sequence_privs},
        {"functions", function_privs}, {"routines", function_privs},
        {"types", type_privs}, {"schemas", schema_privs},
    };
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
        if (strcmp(g->on, k[i].on) == 0) {
            *kind = k[i].on;
            return k[i].privs;
        }
    sema_error(s, g->tok, "default privileges apply to tables, "
               "sequences, functions, routines or types, not \"%s\"", g->on);
    return NULL;
}

void sema_grant(Sema *s, Grant *g, const char *objkind)
{
    const char *const *valid =
        g->on ? default_privs(s, g, &objkind)
      : g->cols.len ? column_privs
      : strcmp(objkind, "function") == 0 ? function_privs
      : strcmp(objkind, "schema") == 0 ? schema_privs : table_privs;
    if (g->cols.len && strcmp(objkind, "table") != 0)
        sema_error(s, g->tok, "column privileges apply only to tables");
    for (int i = 0; valid && i < g->privs.len; i++) {
        const Ident *p = g->privs.items[i];
        if (in_list(p->name, valid))
            continue;
        const char *hint = parse_suggest(p->name, valid);
        sema_error(s, p->tok, "privilege \"%s\" is not valid for %s%s%s%s",
                   p->name, g->cols.len ? "columns" : g->on ? objkind
                   : arena_printf(s->arena, "a %s", objkind),
                   hint ? "; did you mean \"" : "", hint ? hint : "",
                   hint ? "\"?" : "");
    }
    sema_check_roles(s, &g->roles);
}

static void once(Sema *s, Item *it, Item **seen, const char *what)
{
    if (*seen)
        sema_error(s, it->tok, "%s is declared twice here", what);
    *seen = it;
}

static void check_query(Sema *s, Decl *v, const Frag *q)
{
    Json *tree = sema_parse(s, "", q, "", "view query");
    if (!tree)
        return;
    Json *sel = sema_stmt(tree, "SelectStmt");
    if (!sel || json_get(sel, "intoClause")) {
        diag_at(s->diag, DIAG_ERROR, q->src, q->off, 1,
                "a view's query must be one SELECT statement");
        return;
    }
    sema_resolve_refs(s, tree, q, 0, NULL, &v->deps);
}

void sema_view(Sema *s, Decl *v)
{
    Item *query = NULL, *opts = NULL, *comment = NULL;
    for (int i = 0; i < v->items.len; i++) {
        Item *it = v->items.items[i];
        if (it->kind == ITEM_OPTIONS) {
            once(s, it, &opts, "a with clause");
            sema_parse(s, "CREATE VIEW v WITH (", &it->u.options,
                       ") AS SELECT 1", "view options");
        } else if (it->kind == ITEM_QUERY) {
            once(s, it, &query, "a query");
            check_query(s, v, &it->u.query);
        } else if (it->kind == ITEM_GRANT) {
            sema_grant(s, it->u.grant, "table");
        } else if (it->kind == ITEM_COMMENT) {
            once(s, it, &comment, "a comment");
        } else if (it->kind == ITEM_INDEX) {
            sema_index(s, v, it->u.index, &it->deps);
        }
    }
    if (!query)
        sema_error(s, v->name.tok, "view \"%s\" has no query; add `as "
                   "SELECT ...;`", v->name.name);
}

/* ------------------------------------------------------------ functions */

typedef struct FnItems {
    Item *language, *body, *comment;
    Item *groups[7];   /* one attribute of each kind */
    Buf attrs;
    bool procedure;
} FnItems;

/* Attributes of one kind exclude each other (stable and immutable...). */
static int attribute_group(const char *sql)
{
    static const char *const groups[][3] = {
        {"IMMUTABLE", "STABLE", "VOLATILE"},
        {"SECURITY DEFINER", "SECURITY INVOKER", ""},
        {"STRICT", "CALLED ON NULL INPUT", "RETURNS NULL ON NULL INPUT"},
        {"LEAKPROOF", "NOT LEAKPROOF", ""},
        {"PARALLEL SAFE", "PARALLEL RESTRICTED", "PARALLEL UNSAFE"},
        {"COST", "", ""}, {"ROWS", "", ""},
    };
    for (int g = 0; g < 7; g++)
        for (int k = 0; k < 3; k++)
            if (groups[g][k][0] &&
                strncmp(sql, groups[g][k], strlen(groups[g][k])) == 0)
                return g;
    return 0;
}

static void function_item(Sema *s, Item *it, FnItems *fi)
{
    switch (it->kind) {
    case ITEM_LANGUAGE: once(s, it, &fi->language, "a language"); break;
    case ITEM_BODY: once(s, it, &fi->body, "a body"); break;
    case ITEM_COMMENT: once(s, it, &fi->comment, "a comment"); break;
    case ITEM_GRANT: sema_grant(s, it->u.grant, "function"); break;
    case ITEM_ALLOW: break;  /* lint checks the rule's name */
    case ITEM_ATTRIBUTE: {
        int g = attribute_group(it->u.attribute.name);
        if (fi->procedure && g != 1)
            sema_error(s, it->tok, "a procedure cannot be %s; it takes "
                       "security definer or invoker, and set",
                       it->u.attribute.name);
        if (fi->groups[g])
            sema_error(s, it->tok, "%s conflicts with %s",
                       it->u.attribute.name,
                       fi->groups[g]->u.attribute.name);
        fi->groups[g] = it;
        buf_printf(&fi->attrs, " %s", it->u.attribute.name);
        break;
    }
    case ITEM_SET: {
        const SetParam *sp = it->u.set;
        if (sp->value.len)
            buf_printf(&fi->attrs, " SET %s = %.*s", sp->name.name,
                       (int)sp->value.len, sp->value.src->text + sp->value.off);
        else
            buf_printf(&fi->attrs, " SET %s FROM CURRENT", sp->name.name);
        break;
    }
    case ITEM_COLUMN:
    case ITEM_CONSTRAINT:
    case ITEM_INDEX:
    case ITEM_RLS:
    case ITEM_POLICY:
    case ITEM_TRIGGER:
    case ITEM_AUDIT:
    case ITEM_TRANSITIONS:
    case ITEM_RETAIN:
    case ITEM_PARTITIONS:
    case ITEM_BUCKET_SETTING:
    case ITEM_REPLICA:
    case ITEM_PUB_TABLE:
    case ITEM_PUBLISH:
    case ITEM_PARTITION_BY:
    case ITEM_PARTITION:
    case ITEM_USE:
    case ITEM_OPTIONS:
    case ITEM_QUERY:
    case ITEM_DEFAULT_PRIVS:
    case ITEM_IN_ROLE:
    case ITEM_LOGIN:
        sema_error(s, it->tok, "%s is not allowed in a function",
                   item_kind_name(it->kind));
        break;
    }
}

/* The text of [first, last] tokens. */
static const char *tokens_text(Sema *s, const Token *first,
                               const Token *last)
{
    return arena_strndup(s->arena, tok_text(first),
                         last->off + last->len - first->off);
}

/* One argument's type as written: after mode and name, before default. */
static const char *arg_type(Sema *s, const Token *t, const Token *end,
                            const Json *param)
{
    if (tok_is(t, "in") || tok_is(t, "out") || tok_is(t, "inout") ||
        tok_is(t, "variadic"))
        t++;
    if (json_get(param, "name"))
        t++;
    const Token *first = t, *last = NULL;
    int depth = 0;
    for (; t < end; t++) {
        if (depth == 0 && (tok_is(t, "default") || tok_op(t, "=")))
            break;
        depth += tok_punct(t, '(') - tok_punct(t, ')');
        last = t;
    }
    return last ? tokens_text(s, first, last) : "";
}

/* Input argument types, comma-separated: the function's identity. */
static void argument_types(Sema *s, Decl *f, Json *params)
{
    Buf b = {0}, q = {0};
    const Token *t = f->header.first;
    size_t end_off = f->header.off + f->header.len;
    for (int i = 0; i < json_len(params) && f->header.len; i++) {
        Json *p = json_get(json_at(params, i), "FunctionParameter");
        const char *mode = json_str(json_get(p, "mode"));
        const Token *start = t;
        int depth = 0;
        for (; t->kind != TK_EOF && t->off < end_off; t++) {
            if (depth == 0 && tok_punct(t, ','))
                break;
            depth += tok_punct(t, '(') - tok_punct(t, ')');
        }
        bool input = !mode || (strcmp(mode, "FUNC_PARAM_OUT") != 0 &&
                               strcmp(mode, "FUNC_PARAM_TABLE") != 0);
        if (input && start < t) {
            const char *type = arg_type(s, start, t, p);
            const char *home = sema_type_schema(s, json_get(p, "argType"));
            buf_printf(&b, "%s%s", b.len ? ", " : "", type);
            buf_puts(&q, q.len ? ", " : "");
            if (home) {
                quote_ident(&q, home);
                buf_putc(&q, '.');
            }
            buf_puts(&q, type);
        }
        if (tok_punct(t, ','))
            t++;
    }
    f->argtypes = arena_strdup(s->arena, b.data ? b.data : "");
    f->sigtypes = arena_strdup(s->arena, q.data ? q.data : "");
    buf_free(&b);
    buf_free(&q);
}

static void resolve_param_types(Sema *s, Decl *f, Json *params,
                                const Frag *frag, size_t prefix)
{
    for (int i = 0; i < json_len(params); i++) {
        Json *p = json_get(json_at(params, i), "FunctionParameter");
        Json *tn = json_get(p, "argType");
        if (tn)
            sema_resolve_type(s, tn, frag, prefix, &f->deps);
    }
}

/* A procedure's OUT arguments are part of its identity, unlike a
 * function's: the one form the key of a routine does not cover. */
static void procedure_params(Sema *s, Decl *f, Json *params)
{
    for (int i = 0; i < json_len(params); i++) {
        const char *mode = json_str(json_get(json_get(json_at(params, i),
                                    "FunctionParameter"), "mode"));
        if (mode && strcmp(mode, "FUNC_PARAM_OUT") == 0) {
            sema_error(s, f->name.tok, "procedure \"%s\" has an OUT "
                       "argument; write it INOUT", f->name.name);
            return;
        }
    }
}

#define ARGS_PREFIX "CREATE FUNCTION f("
#define RETURNS_PREFIX "CREATE FUNCTION f() RETURNS "

static void check_signature(Sema *s, Decl *f)
{
    Json *tree = sema_parse(s, ARGS_PREFIX, &f->header,
                            ") RETURNS void LANGUAGE sql AS ''", "arguments");
    Json *stmt = tree ? sema_stmt(tree, "CreateFunctionStmt") : NULL;
    Json *params = json_get(stmt, "parameters");
    argument_types(s, f, params);
    resolve_param_types(s, f, params, &f->header, strlen(ARGS_PREFIX));
    if (ast_is_procedure(f)) {
        procedure_params(s, f, params);
        return;
    }
    tree = sema_parse(s, RETURNS_PREFIX, &f->returns,
                      " LANGUAGE sql AS ''", "return type");
    stmt = tree ? sema_stmt(tree, "CreateFunctionStmt") : NULL;
    Json *ret = json_get(stmt, "returnType");
    if (ret)
        sema_resolve_type(s, ret, &f->returns, strlen(RETURNS_PREFIX),
                          &f->deps);
    resolve_param_types(s, f, json_get(stmt, "parameters"), &f->returns,
                        strlen(RETURNS_PREFIX));
}

/* Unqualified names in a body resolve in its `set search_path`. */
static const char *search_schema(Sema *s, Decl *f)
{
    for (int i = 0; i < f->items.len; i++) {
        Item *it = f->items.items[i];
        if (it->kind != ITEM_SET || strcmp(it->u.set->name.name,
                                           "search_path") != 0 ||
            !it->u.set->value.len)
            continue;
        const Token *t = it->u.set->value.first;
        if (t->kind == TK_STRING)
            return tok_string(s->arena, t);
        if (t->kind == TK_IDENT || t->kind == TK_QIDENT)
            return tok_ident(s->arena, t);
    }
    return "public";
}

static void check_sql_body(Sema *s, Decl *f, const Frag *body)
{
    Json *tree = sema_parse(s, "", body, "", "function body");
    if (tree)
        sema_resolve_refs(s, tree, body, 0, NULL, &f->deps);
}

/* The length of the token a syntax error names (`at or near "TOKEN"`)
 * when it is at off in the body, else 0. */
static size_t near_length(const char *message, const Frag *body, size_t off)
{
    const char *s = strstr(message, "at or near \"");
    const char *e = s ? strrchr(s, '"') : NULL;
    size_t n = s && e ? (size_t)(e - s) - strlen("at or near \"") : 0;
    if (!n || off + n > body->len ||
        memcmp(body->src->text + body->off + off, s + 12, n) != 0)
        return 0;
    return n;
}

/* PL/pgSQL is checked inside a whole CREATE FUNCTION, so that argument
 * names are known variables. */
static void check_plpgsql_body(Sema *s, Decl *f, const Frag *body)
{
    Buf sql = {0};
    if (ast_is_procedure(f))
        buf_printf(&sql, "CREATE PROCEDURE f(%.*s) LANGUAGE plpgsql AS ",
                   (int)f->header.len, f->header.src->text + f->header.off);
    else
        buf_printf(&sql, "CREATE FUNCTION f(%.*s) RETURNS %.*s LANGUAGE "
                   "plpgsql AS ", (int)f->header.len,
                   f->header.src->text + f->header.off, (int)f->returns.len,
                   f->returns.src->text + f->returns.off);
    size_t before = sql.len;
    quote_dollar(&sql, body->src->text + body->off, body->len);
    size_t tag = (sql.len - before - body->len) / 2;
    PgParse r = pgsql_parse_plpgsql(s->trees, sql.data, before + tag,
                                    body->len);
    buf_free(&sql);
    if (!r.tree) {
        long off = r.error_off < 0 ? 0 : r.error_off;
        size_t at = body->off + (size_t)off, n = near_length(r.message,
                                                  body, (size_t)off);
        while (!n && at + n < body->off + body->len &&
               (body->src->text[at + n] == '_' ||
                (unsigned char)body->src->text[at + n] >= 0x80 ||
                ((body->src->text[at + n] | 0x20) >= 'a' &&
                 (body->src->text[at + n] | 0x20) <= 'z')))
            n++;
        diag_at(s->diag, DIAG_ERROR, body->src, at, n ? n : 1,
                "%s in function body", r.message);
        return;
    }
    Vec refs = {0};
    pgsql_collect_body_refs(s->trees, r.tree, body->src->text + body->off,
                            body->len, &refs);
    sema_resolve_ref_list(s, &refs, body, 0, NULL, NULL);
}

/*
 * A body written as a quoted string is parsed as its value; spans map the
 * value back to the file, one span per run between '' escapes, so errors
 * land on the right column.  (E'' bodies map to their first character.)
 */
Frag sema_string_frag(Sema *s, const Token *t)
{
    return sema_string_frag_in(s->arena, t);
}

Frag sema_string_frag_in(Arena *a, const Token *t)
{
    size_t off, len;
    tok_string_body(t, &off, &len);
    if (t->kind == TK_DOLLAR)
        return (Frag){t->src, off, len, t};
    const char *raw = t->src->text;
    bool escapes = (raw[t->off] | 0x20) == 'e';
    const char *v = tok_string(a, t);
    Source *src = source_from_text(a, t->src->name, v, strlen(v));
    int cap = 1;
    for (size_t i = off; i < off + len; i++)
        cap += raw[i] == '\'';
    src->spans = arena_alloc(a, sizeof(SourceSpan) * (size_t)cap);
    size_t vstart = 0, rstart = off, vpos = 0;
    for (size_t i = off; !escapes && i < off + len; i++, vpos++) {
        if (raw[i] != '\'' || i + 1 >= off + len)
            continue;
        src->spans[src->nspans++] = (SourceSpan){vstart, vpos + 1 - vstart,
                                                 t->src, rstart, false};
        i++;  /* the second quote of '' stands for nothing */
        vstart = vpos + 1;
        rstart = i + 1;
    }
    src->spans[src->nspans++] = (SourceSpan){vstart, strlen(v) - vstart + 1,
                                             t->src, rstart, false};
    return (Frag){src, 0, strlen(v), t};
}

static void check_body(Sema *s, Decl *f)
{
    Frag body = sema_string_frag(s, f->body);
    const char *saved = s->search_schema;
    s->search_schema = search_schema(s, f);
    if (strcmp(f->language, "sql") == 0)
        check_sql_body(s, f, &body);
    else
        check_plpgsql_body(s, f, &body);
    s->search_schema = saved;
}

static void check_overloads(Sema *s, Decl *f)
{
    Vec *ov = map_get(s->functions, sema_key(s, f->schema, f->name.name));
    for (int i = 0; ov && i < ov->len && ov->items[i] != f; i++) {
        Decl *other = ov->items[i];
        if (other->argtypes && strcmp(other->argtypes, f->argtypes) == 0 &&
            other->external && !f->external) {
            f->extends = other;   /* grants on the platform's function */
            continue;
        }
        if (other->argtypes && strcmp(other->argtypes, f->argtypes) == 0) {
            sema_error(s, f->name.tok, "function \"%s(%s)\" is declared "
                       "twice", f->name.name, f->argtypes);
            sema_note(s, other->name.tok, "first declared here");
        }
    }
}

void sema_function(Sema *s, Decl *f)
{
    FnItems fi = {.procedure = ast_is_procedure(f)};
    for (int i = 0; i < f->items.len; i++)
        function_item(s, f->items.items[i], &fi);
    f->attributes = arena_strdup(s->arena, fi.attrs.data ? fi.attrs.data
                                                         : "");
    buf_free(&fi.attrs);
    check_signature(s, f);
    check_overloads(s, f);
    if (f->extends) {
        sema_platform_function(s, f);
        return;
    }
    if (!fi.language) {
        sema_error(s, f->name.tok, "function \"%s\" has no language; add "
                   "`language sql;` or `language plpgsql;`", f->name.name);
        return;
    }
    f->language = fi.language->u.language.name;
    if (strcmp(f->language, "sql") != 0 && strcmp(f->language, "plpgsql")) {
        sema_error(s, fi.language->u.language.tok, "unsupported language "
                   "\"%s\" (supported: sql, plpgsql)", f->language);
        return;
    }
    if (!fi.body) {
        sema_error(s, f->name.tok, "function \"%s\" has no body; add `as "
                   "$$ ... $$;`", f->name.name);
        return;
    }
    f->body = fi.body->u.body;
    check_body(s, f);
}

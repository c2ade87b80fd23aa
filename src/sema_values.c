/*
 * sema_values.c — mistakes in values that PostgreSQL would reject only at
 * apply, found from the declared types alone: a default or a comparison
 * whose literal the column's type cannot read ('zero' for an integer, a
 * misspelt enum label), a comparison of types without an operator
 * (uuid = name), and a foreign key whose columns' types differ from the
 * key's.  Only what is certain is reported: types the compiler does not
 * know (domains' bases aside, arrays, ranges, extension types) are left to
 * the server.
 */
#include "sema.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* What a type is, as far as these checks go. */
typedef enum {
    VT_UNKNOWN,
    VT_INTEGER,
    VT_NUMERIC,    /* numeric, real, double precision */
    VT_BOOLEAN,
    VT_UUID,
    VT_STRING,     /* text, varchar, char, name, citext */
    VT_ENUM
} ValueType;

typedef struct Typed {
    ValueType type;
    const char *name;      /* as PostgreSQL names it in messages */
    const Decl *enum_decl; /* VT_ENUM */
} Typed;

static const Typed unknown = {VT_UNKNOWN, NULL, NULL};

static const struct { const char *name; ValueType type; const char *pg; }
builtin[] = {
    {"smallint", VT_INTEGER, "smallint"}, {"int2", VT_INTEGER, "smallint"},
    {"integer", VT_INTEGER, "integer"}, {"int", VT_INTEGER, "integer"},
    {"int4", VT_INTEGER, "integer"}, {"bigint", VT_INTEGER, "bigint"},
    {"int8", VT_INTEGER, "bigint"}, {"serial", VT_INTEGER, "integer"},
    {"serial4", VT_INTEGER, "integer"}, {"bigserial", VT_INTEGER, "bigint"},
    {"serial8", VT_INTEGER, "bigint"}, {"smallserial", VT_INTEGER, "smallint"},
    {"numeric", VT_NUMERIC, "numeric"}, {"decimal", VT_NUMERIC, "numeric"},
    {"real", VT_NUMERIC, "real"}, {"float4", VT_NUMERIC, "real"},
    {"float8", VT_NUMERIC, "double precision"},
    {"double precision", VT_NUMERIC, "double precision"},
    {"boolean", VT_BOOLEAN, "boolean"}, {"bool", VT_BOOLEAN, "boolean"},
    {"uuid", VT_UUID, "uuid"}, {"text", VT_STRING, "text"},
    {"varchar", VT_STRING, "character varying"},
    {"character varying", VT_STRING, "character varying"},
    {"char", VT_STRING, "character"}, {"character", VT_STRING, "character"},
    {"bpchar", VT_STRING, "character"}, {"name", VT_STRING, "name"},
};

/* "Character Varying(20)" -> "character varying"; NULL for arrays. */
static char *base_name(Arena *a, const char *text, size_t len)
{
    char *s = arena_strndup(a, text, len), *o = s;
    int depth = 0;
    bool space = false;
    for (const char *c = s; *c; c++) {
        if (*c == '[')
            return NULL;
        if (*c == '(') { depth++; continue; }
        if (*c == ')') { depth--; continue; }
        if (depth)
            continue;
        if (isspace((unsigned char)*c)) { space = o != s; continue; }
        if (space)
            *o++ = ' ';
        space = false;
        *o++ = (char)tolower((unsigned char)*c);
    }
    *o = '\0';
    return s;
}

static Typed type_named(Sema *s, const char *name)
{
    if (!name)
        return unknown;
    for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
        if (strcmp(name, builtin[i].name) == 0 ||
            (strncmp(name, "pg_catalog.", 11) == 0 &&
             strcmp(name + 11, builtin[i].name) == 0))
            return (Typed){builtin[i].type, builtin[i].pg, NULL};
    const char *dot = strchr(name, '.');
    const char *schema = dot ? arena_strndup(s->arena, name,
                                             (size_t)(dot - name))
                             : s->search_schema;
    const Decl *d = map_get(s->types, sema_key(s, schema, dot ? dot + 1
                                                             : name));
    if (d && d->kind == DECL_ENUM)
        return (Typed){VT_ENUM, d->name.name, d};
    return unknown;
}

static Typed column_type(Sema *s, const Column *c)
{
    return type_named(s, base_name(s->trees, c->type.src->text + c->type.off,
                                   c->type.len));
}

/* ------------------------------------------------------------ literals */

static bool reads_integer(const char *v)
{
    const char *c = v;
    while (isspace((unsigned char)*c))
        c++;
    if (*c == '+' || *c == '-')
        c++;
    if (!isdigit((unsigned char)*c))
        return false;
    while (isdigit((unsigned char)*c) || *c == '_')
        c++;
    while (isspace((unsigned char)*c))
        c++;
    return *c == '\0';
}

static bool reads_numeric(const char *v)
{
    char *end;
    strtod(v, &end);
    while (isspace((unsigned char)*end))
        end++;
    return end != v && *end == '\0';
}

/* boolin: true, false, yes, no or a unique prefix of one, on, off (two
 * letters at least), 1, 0; case and surrounding space do not matter. */
static bool reads_boolean(const char *v)
{
    static const char *const words[] = {"true", "false", "yes", "no", NULL};
    while (isspace((unsigned char)*v))
        v++;
    size_t n = strlen(v);
    while (n > 0 && isspace((unsigned char)v[n - 1]))
        n--;
    if (n == 0 || n > 5)
        return false;
    char w[6];
    for (size_t i = 0; i < n; i++)
        w[i] = (char)tolower((unsigned char)v[i]);
    w[n] = '\0';
    if (strcmp(w, "1") == 0 || strcmp(w, "0") == 0 || strcmp(w, "on") == 0 ||
        (n >= 2 && strncmp(w, "off", n) == 0))
        return true;
    for (int i = 0; words[i]; i++)
        if (strncmp(w, words[i], n) == 0 && w[0] != 'o')
            return true;
    return false;
}

/* uuid_in: 32 hex digits, optionally in braces, hyphens after any group
 * of four. */
static bool reads_uuid(const char *v)
{
    const char *c = v;
    bool brace = *c == '{';
    c += brace;
    int digits = 0;
    for (; *c && *c != '}'; c++) {
        if (isxdigit((unsigned char)*c))
            digits++;
        else if (*c != '-' || digits == 0 || digits % 4 != 0)
            return false;
    }
    if (brace != (*c == '}'))
        return false;
    return digits == 32 && (!brace || c[1] == '\0');
}

static bool is_label(const Decl *e, const char *v)
{
    for (int i = 0; i < e->enum_labels.len; i++)
        if (strcmp(((Ident *)e->enum_labels.items[i])->name, v) == 0)
            return true;
    return false;
}

/* The server's message for a string the type cannot read, or NULL. */
static const char *unreadable(Sema *s, Typed t, const char *v)
{
    switch (t.type) {
    case VT_INTEGER:
        return reads_integer(v) ? NULL : arena_printf(s->arena,
            "invalid input syntax for type %s: \"%s\"", t.name, v);
    case VT_NUMERIC:
        return reads_numeric(v) ? NULL : arena_printf(s->arena,
            "invalid input syntax for type %s: \"%s\"", t.name, v);
    case VT_BOOLEAN:
        return reads_boolean(v) ? NULL : arena_printf(s->arena,
            "invalid input syntax for type boolean: \"%s\"", v);
    case VT_UUID:
        return reads_uuid(v) ? NULL : arena_printf(s->arena,
            "invalid input syntax for type uuid: \"%s\"", v);
    case VT_ENUM: {
        if (is_label(t.enum_decl, v))
            return NULL;
        const char **labels = arena_alloc(s->arena, sizeof(char *) *
            (size_t)(t.enum_decl->enum_labels.len + 1));
        for (int i = 0; i < t.enum_decl->enum_labels.len; i++)
            labels[i] = ((Ident *)t.enum_decl->enum_labels.items[i])->name;
        const char *near = parse_suggest(v, labels);
        return arena_printf(s->arena, "invalid input value for enum %s: "
                            "\"%s\"%s%s%s", t.name, v,
                            near ? "; did you mean \"" : "", near ? near : "",
                            near ? "\"?" : "");
    }
    case VT_STRING: case VT_UNKNOWN:
        return NULL;
    }
    return NULL;
}

/* ------------------------------------------------------ expressions */

typedef struct Scope {
    Sema *s;
    const Decl *table;   /* whose columns unqualified names are */
    const Frag *f;
    size_t prefix;       /* bytes parsed before the fragment */
} Scope;

/* The length of the token at text: a quoted literal, or a run of
 * operator or word characters. */
static size_t token_len(const char *text, size_t max)
{
    size_t n = 1;
    if (text[0] == '\'') {
        while (n < max && (text[n] != '\'' || text[n + 1] == '\''))
            n += text[n] == '\'' ? 2 : 1;
        return n < max ? n + 1 : 1;
    }
    bool op = strchr("=<>!", text[0]) != NULL;
    while (n < max && (op ? strchr("=<>!", text[n]) != NULL
                          : (isalnum((unsigned char)text[n]) || text[n] == '_')))
        n++;
    return n;
}

static void error_at(const Scope *sc, long location, const char *msg)
{
    long off = location - (long)sc->prefix;
    if (off < 0 || (size_t)off > sc->f->len)
        off = 0;
    const char *at = sc->f->src->text + sc->f->off + (size_t)off;
    diag_at(sc->s->diag, DIAG_ERROR, sc->f->src, sc->f->off + (size_t)off,
            token_len(at, sc->f->len - (size_t)off), "%s", msg);
}

static const char *aconst_string(const Json *n)
{
    const Json *c = json_get(n, "A_Const");
    return json_str(json_get(json_get(c, "sval"), "sval"));
}

static bool aconst_number(const Json *n, bool *integer)
{
    const Json *c = json_get(n, "A_Const");
    if (json_get(c, "ival")) {
        *integer = true;
        return true;
    }
    if (json_get(c, "fval")) {
        *integer = false;
        return true;
    }
    return false;
}

/* The type of an expression where it is certain. */
static Typed expr_type(const Scope *sc, const Json *n)
{
    const Json *ref = json_get(n, "ColumnRef");
    if (ref && sc->table) {
        const Json *fields = json_get(ref, "fields");
        const char *col = json_len(fields) == 1
                              ? pgsql_list_string(fields, 0) : NULL;
        const Column *c = col ? sema_find_column((Decl *)sc->table, col)
                              : NULL;
        return c ? column_type(sc->s, c) : unknown;
    }
    const char *op = json_str(json_get(json_get(n, "SQLValueFunction"), "op"));
    if (op && (strcmp(op, "SVFOP_CURRENT_USER") == 0 ||
               strcmp(op, "SVFOP_SESSION_USER") == 0 ||
               strcmp(op, "SVFOP_CURRENT_ROLE") == 0 ||
               strcmp(op, "SVFOP_USER") == 0))
        return (Typed){VT_STRING, "name", NULL};
    const Json *call = json_get(n, "FuncCall");
    if (call) {
        const Json *names = json_get(call, "funcname");
        const char *schema = json_len(names) == 2
                                 ? pgsql_list_string(names, 0) : NULL;
        const char *fn = pgsql_list_string(names, -1);
        if (sc->s->prog->supabase && schema && fn &&
            strcmp(schema, "auth") == 0 && strcmp(fn, "uid") == 0)
            return (Typed){VT_UUID, "uuid", NULL};
        return unknown;
    }
    const Json *sub = json_get(json_get(json_get(n, "SubLink"), "subselect"),
                               "SelectStmt");
    const char *kind = json_str(json_get(json_get(n, "SubLink"),
                                         "subLinkType"));
    if (sub && kind && strcmp(kind, "EXPR_SUBLINK") == 0 &&
        !json_get(sub, "fromClause") &&
        json_len(json_get(sub, "targetList")) == 1) {
        Scope inner = *sc;
        inner.table = NULL;   /* no columns in a from-less select */
        return expr_type(&inner, json_get(json_get(json_at(
            json_get(sub, "targetList"), 0), "ResTarget"), "val"));
    }
    const Json *cast = json_get(json_get(n, "TypeCast"), "typeName");
    if (cast) {
        const Json *names = json_get(cast, "names");
        if (json_get(cast, "arrayBounds") || json_len(names) > 2)
            return unknown;
        const char *last = pgsql_list_string(names, -1);
        const char *first = json_len(names) == 2
                                ? pgsql_list_string(names, 0) : NULL;
        return type_named(sc->s, first && strcmp(first, "pg_catalog") != 0
            ? arena_printf(sc->s->trees, "%s.%s", first, last) : last);
    }
    bool integer;
    if (aconst_number(n, &integer))
        return integer ? (Typed){VT_INTEGER, "integer", NULL}
                       : (Typed){VT_NUMERIC, "numeric", NULL};
    return unknown;
}

/* Can = < > ... compare the two?  Categories that PostgreSQL converts
 * implicitly compare; these do not. */
static bool comparable(Typed a, Typed b)
{
    if (a.type == VT_UNKNOWN || b.type == VT_UNKNOWN || a.type == VT_ENUM ||
        b.type == VT_ENUM)
        return true;
    bool na = a.type == VT_INTEGER || a.type == VT_NUMERIC;
    bool nb = b.type == VT_INTEGER || b.type == VT_NUMERIC;
    return a.type == b.type || (na && nb);
}

static bool comparison(const char *op)
{
    static const char *const ops[] = {"=", "<>", "!=", "<", ">", "<=", ">=",
                                      NULL};
    for (int i = 0; op && ops[i]; i++)
        if (strcmp(op, ops[i]) == 0)
            return true;
    return false;
}

static void check_comparison(const Scope *sc, const Json *e)
{
    const char *kind = json_str(json_get(e, "kind"));
    const char *op = pgsql_list_string(json_get(e, "name"), -1);
    if (!kind || strcmp(kind, "AEXPR_OP") != 0 || !comparison(op))
        return;
    const Json *l = json_get(e, "lexpr"), *r = json_get(e, "rexpr");
    Typed lt = expr_type(sc, l), rt = expr_type(sc, r);
    long loc = json_int(json_get(e, "location"), -1);
    if (!comparable(lt, rt)) {
        error_at(sc, loc, arena_printf(sc->s->arena, "operator does not "
                 "exist: %s %s %s", lt.name, op, rt.name));
        return;
    }
    /* a column compared with a string its type cannot read */
    const Json *lit = aconst_string(r) ? r : aconst_string(l) ? l : NULL;
    Typed col = lit == r ? lt : rt;
    const char *msg = lit ? unreadable(sc->s, col, aconst_string(lit)) : NULL;
    if (msg)
        error_at(sc, json_int(json_get(json_get(lit, "A_Const"), "location"),
                              loc), msg);
}

/* Every comparison in the tree, not inside subqueries (their columns are
 * other tables'). */
static void walk(const Scope *sc, const Json *n)
{
    if (!n || (n->kind != JSON_OBJECT && n->kind != JSON_ARRAY))
        return;
    if (json_get(n, "SubLink") || json_get(n, "RangeSubselect"))
        return;
    const Json *e = json_get(n, "A_Expr");
    if (e)
        check_comparison(sc, e);
    for (int i = 0; i < n->u.list.len; i++)
        walk(sc, n->u.list.items[i]);
}

#define EXPR_PREFIX "SELECT ("

static void check_expr(Sema *s, const Decl *t, const Frag *f)
{
    if (!f->len)
        return;
    PgParse r = pgsql_parse(s->trees, EXPR_PREFIX, f->src->text + f->off,
                            f->len, "\n)");
    if (!r.tree)
        return;
    Scope sc = {s, t, f, strlen(EXPR_PREFIX)};
    walk(&sc, r.tree);
}

/* A default's literal must be readable as the column's type. */
static void check_default(Sema *s, const Decl *t, const Column *c,
                          const Constraint *k)
{
    const Frag *f = &k->expr;
    /* only a literal (perhaps cast) can be read wrong: skip calls */
    char first = f->len ? f->src->text[f->off] : 0;
    if (first != '\'' && first != '-' && first != '.' && first != '(' &&
        !isdigit((unsigned char)first) && (first | 0x20) != 'e')
        return;
    PgParse r = pgsql_parse(s->trees, EXPR_PREFIX, f->src->text + f->off,
                            f->len, "\n)");
    const Json *sel = json_get(json_get(json_at(json_get(r.tree, "stmts"), 0),
                                        "stmt"), "SelectStmt");
    const Json *v = json_get(json_get(json_at(json_get(sel, "targetList"), 0),
                                      "ResTarget"), "val");
    const Json *cast = json_get(v, "TypeCast");
    if (cast)
        v = json_get(cast, "arg");   /* 'x'::mood reads 'x' as mood */
    Typed ct = column_type(s, c);
    Scope sc = {s, t, f, strlen(EXPR_PREFIX)};
    const char *str = aconst_string(v);
    const char *msg = str ? unreadable(s, ct, str) : NULL;
    bool integer;
    if (!str && !cast && aconst_number(v, &integer) &&
        (ct.type == VT_UUID || ct.type == VT_BOOLEAN || ct.type == VT_ENUM))
        msg = arena_printf(s->arena, "column \"%s\" is of type %s but "
                           "default expression is of type %s", c->name.name,
                           ct.name, integer ? "integer" : "numeric");
    if (msg)
        error_at(&sc, json_int(json_get(json_get(v, "A_Const"), "location"),
                               (long)sc.prefix), msg);
}

/* A row's value (sema_rows.c), v its parse node in f: what a default's
 * literal must be, it must be too. */
void sema_check_value(Sema *s, const Decl *t, const Column *c, const Frag *f,
                      size_t prefix, const Json *v)
{
    const Json *cast = json_get(v, "TypeCast");
    if (cast)
        v = json_get(cast, "arg");
    Typed ct = column_type(s, c);
    Scope sc = {s, t, f, prefix};
    const char *str = aconst_string(v);
    const char *msg = str ? unreadable(s, ct, str) : NULL;
    bool integer;
    if (!str && !cast && aconst_number(v, &integer) &&
        (ct.type == VT_UUID || ct.type == VT_BOOLEAN || ct.type == VT_ENUM))
        msg = arena_printf(s->arena, "column \"%s\" is of type %s but "
                           "expression is of type %s", c->name.name,
                           ct.name, integer ? "integer" : "numeric");
    if (msg)
        error_at(&sc, json_int(json_get(json_get(v, "A_Const"), "location"),
                               (long)sc.prefix), msg);
}

/* --------------------------------------------------------- foreign keys */

static void check_fk_types(Sema *s, const Decl *t, const Constraint *k)
{
    const Decl *to = k->ref_decl;
    if (!to)
        return;
    Vec cols = {0};
    if (k->cols.len)
        cols = k->cols;
    for (int i = 0; i < k->ref_cols.len; i++) {
        const char *mine = cols.len > i ? ((Ident *)cols.items[i])->name
                         : k->column ? k->column->name.name : NULL;
        const char *theirs = ((Ident *)k->ref_cols.items[i])->name;
        const Column *a = mine ? sema_find_column((Decl *)t, mine) : NULL;
        const Column *b = sema_find_column((Decl *)to, theirs);
        if (!a || !b)
            continue;
        Typed at = column_type(s, a), bt = column_type(s, b);
        if (comparable(at, bt) && (at.type != VT_ENUM || bt.type != VT_ENUM ||
                                   at.enum_decl == bt.enum_decl))
            continue;
        sema_error(s, k->tok, "foreign key constraint \"%s\" cannot be "
                   "implemented: key columns \"%s\" and \"%s\" are of "
                   "incompatible types: %s and %s", k->name, mine, theirs,
                   at.name, bt.name);
    }
}

/* ------------------------------------------------------------ the pass */

static void check_constraint(Sema *s, const Decl *t, const Column *c,
                             const Constraint *k)
{
    if (k->kind == CON_DEFAULT && c)
        check_default(s, t, c, k);
    else if (k->kind == CON_CHECK)
        check_expr(s, t, &k->expr);
    else if (k->kind == CON_FOREIGN_KEY)
        check_fk_types(s, t, k);
}

static void check_table(Sema *s, const Decl *t)
{
    for (int i = 0; i < t->items.len; i++) {
        const Item *it = t->items.items[i];
        if (it->kind == ITEM_COLUMN)
            for (int k = 0; k < it->u.column->cons.len; k++)
                check_constraint(s, t, it->u.column,
                                 it->u.column->cons.items[k]);
        else if (it->kind == ITEM_CONSTRAINT)
            check_constraint(s, t, NULL, it->u.constraint);
        else if (it->kind == ITEM_POLICY) {
            check_expr(s, t, &it->u.policy->using_);
            check_expr(s, t, &it->u.policy->check);
        }
    }
}

/* ------------------------------------------------------- index names */

/* Indexes share their schema's namespace with tables, views and
 * sequences: a name given twice is "relation already exists" at apply. */
static void index_names(Sema *s)
{
    Map *relations = map_new(s->trees), *indexes = map_new(s->trees);
    for (int i = 0; i < s->prog->decls.len; i++) {
        const Decl *d = s->prog->decls.items[i];
        if (d->kind == DECL_TABLE || d->kind == DECL_VIEW ||
            d->kind == DECL_MATVIEW)
            map_put(relations, sema_key(s, d->schema, d->name.name),
                    (void *)d);
    }
    for (int i = 0; i < s->prog->decls.len; i++) {
        const Decl *d = s->prog->decls.items[i];
        if (d->external || (d->kind != DECL_TABLE && d->kind != DECL_MATVIEW))
            continue;
        for (int k = 0; k < d->items.len; k++) {
            const Item *it = d->items.items[k];
            if (it->kind != ITEM_INDEX || !it->u.index->name)
                continue;
            const Index *ix = it->u.index;
            const char *key = sema_key(s, d->schema, ix->name);
            const Decl *rel = map_get(relations, key);
            const Decl *owner = map_get(indexes, key);
            if ((rel || owner) && ix->given.name) {
                sema_error(s, ix->given.tok, "relation \"%s\" already exists "
                           "in schema %s: %s \"%s\" has the name (indexes, "
                           "tables and views share their schema's names)",
                           ix->name, d->schema, rel ? decl_kind_name(rel->kind)
                           : "an index of table", (rel ? rel : owner)->name.name);
                continue;
            }
            map_put(indexes, key, (void *)d);
        }
    }
}

void sema_values(Sema *s)
{
    index_names(s);
    for (int i = 0; i < s->prog->decls.len; i++) {
        const Decl *d = s->prog->decls.items[i];
        if (d->kind == DECL_TABLE && !d->external)
            check_table(s, d);
        else if ((d->kind == DECL_VIEW || d->kind == DECL_MATVIEW) &&
                 !d->external)
            sema_view_columns(s, d);
        else if (d->kind == DECL_FUNCTION && !d->external)
            sema_function_columns(s, d);
        arena_reset(s->trees);
    }
}

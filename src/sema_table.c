/*
 * sema_table.c — checks a table: column types, defaults, constraints,
 * foreign keys, policies, triggers and partitions.  Indexes are checked in
 * sema_index.c; names are chosen in sema_names.c.
 */
#include "sema.h"

#include <string.h>

#define EXPR_PREFIX "SELECT ("
#define EXPR_SUFFIX "\n)"

/* A reference kept beyond its parse tree's life. */
static PgRef *keep_ref(Sema *s, const PgRef *r)
{
    PgRef *k = arena_alloc(s->arena, sizeof *k);
    *k = *r;
    k->schema = r->schema ? arena_strdup(s->arena, r->schema) : NULL;
    k->name = arena_strdup(s->arena, r->name);
    return k;
}

/* The references of a parse tree, kept in the run's arena under key. */
static Vec *cache_refs(Sema *s, const char *key, const Json *tree)
{
    Vec found = {0};
    pgsql_collect_refs(s->trees, tree, &found);
    Vec *refs = arena_alloc(s->arena, sizeof *refs);
    for (int i = 0; i < found.len; i++)
        vec_push(s->arena, refs, keep_ref(s, found.items[i]));
    map_put(s->expr_cache, key, refs);
    return refs;
}

/*
 * The references of a one-expression fragment, NULL (reported) if it is
 * not one.  The same text always yields the same references, so each
 * distinct text is parsed once per run (defaults and template policies
 * repeat across thousands of tables).
 */
static Vec *expr_refs(Sema *s, const Frag *f, const char *what)
{
    const char *key = arena_strndup(s->trees, f->src->text + f->off, f->len);
    Vec *refs = map_get(s->expr_cache, key);
    if (refs)
        return refs;
    Json *tree = sema_parse(s, EXPR_PREFIX, f, EXPR_SUFFIX, what);
    if (!tree)
        return NULL;
    Json *sel = sema_stmt(tree, "SelectStmt");
    if (!sel || json_len(json_get(sel, "targetList")) != 1 ||
        json_get(sel, "fromClause") || json_get(sel, "whereClause")) {
        diag_at(s->diag, DIAG_ERROR, f->src, f->off, f->len > 0 ? 1 : 0,
                "%s must be one expression", what);
        return NULL;
    }
    return cache_refs(s, key, tree);
}

#define DEFAULT_PREFIX "CREATE TABLE x (c int DEFAULT "

/* A default is parsed where PostgreSQL parses it, since its grammar takes
 * less there than elsewhere (`default not true` is an error). */
static Vec *default_refs(Sema *s, const Frag *f)
{
    const char *text = arena_strndup(s->trees, f->src->text + f->off, f->len);
    const char *key = arena_printf(s->trees, "default\x1f%s", text);
    Vec *refs = map_get(s->expr_cache, key);
    if (refs)
        return refs;
    Json *tree = sema_parse(s, DEFAULT_PREFIX, f, "\n)", "default value");
    Json *stmt = tree ? sema_stmt(tree, "CreateStmt") : NULL;
    Json *col = json_get(json_at(json_get(stmt, "tableElts"), 0), "ColumnDef");
    Json *cons = json_get(col, "constraints");
    Json *expr = json_get(json_get(json_at(cons, 0), "Constraint"),
                          "raw_expr");
    if (!tree)
        return NULL;
    if (!expr || json_len(cons) != 1 ||
        json_len(json_get(stmt, "tableElts")) != 1) {
        diag_at(s->diag, DIAG_ERROR, f->src, f->off, 1,
                "a default must be one value or expression");
        return NULL;
    }
    return cache_refs(s, key, expr);
}

/* Parses an expression fragment and resolves what it names. */
static Vec *check_expr(Sema *s, const Frag *f, Decl *table, Vec *deps,
                       const char *what)
{
    Vec *refs = expr_refs(s, f, what);
    if (refs)
        sema_resolve_ref_list(s, refs, f, strlen(EXPR_PREFIX), table, deps);
    return refs;
}

static bool is_serial_name(const char *name)
{
    return strcmp(name, "serial") == 0 || strcmp(name, "serial4") == 0 ||
           strcmp(name, "bigserial") == 0 || strcmp(name, "serial8") == 0 ||
           strcmp(name, "smallserial") == 0 || strcmp(name, "serial2") == 0;
}

#define TYPE_PREFIX "SELECT CAST(NULL AS "

/* What a column type's text parses to; the same text always parses the
 * same way, so each distinct text is parsed once per run. */
typedef struct TypeInfo {
    const char *schema;
    const char *name;
    long off;          /* of the type name within the text */
    bool serial;
} TypeInfo;

static TypeInfo *parse_type(Sema *s, Column *c)
{
    Json *tree = sema_parse(s, TYPE_PREFIX, &c->type, "\n)", "column type");
    Json *sel = tree ? sema_stmt(tree, "SelectStmt") : NULL;
    Json *val = json_get(json_get(json_at(json_get(sel, "targetList"), 0),
                                  "ResTarget"), "val");
    Json *tn = json_get(json_get(val, "TypeCast"), "typeName");
    if (!tree)
        return NULL;
    Json *names = json_get(tn, "names");
    int n = json_len(names);
    if (!tn || json_get(sel, "fromClause") || n < 1 || n > 2 ||
        json_len(json_get(sel, "targetList")) != 1) {
        diag_at(s->diag, DIAG_ERROR, c->type.src, c->type.off, 1,
                "expected a type for column \"%s\"", c->name.name);
        return NULL;
    }
    TypeInfo *ti = arena_alloc(s->arena, sizeof *ti);
    ti->name = arena_strdup(s->arena, pgsql_list_string(names, -1));
    ti->schema = n == 2 ? arena_strdup(s->arena, pgsql_list_string(names, 0))
                        : NULL;
    ti->off = json_int(json_get(tn, "location"), -1) -
              (long)strlen(TYPE_PREFIX);
    ti->serial = n == 1 && is_serial_name(ti->name);
    return ti;
}

static void check_type(Sema *s, Decl *t, Column *c)
{
    const char *key = arena_strndup(s->trees, c->type.src->text + c->type.off,
                                    c->type.len);
    TypeInfo *ti = map_get(s->type_cache, key);
    if (!ti && (ti = parse_type(s, c)))
        map_put(s->type_cache, key, ti);
    if (!ti)
        return;
    c->serial = ti->serial;
    sema_resolve_type_name(s, ti->schema, ti->name, &c->type, ti->off,
                           &t->deps);
}

/* Columns of a key list must exist and appear once. */
static void check_key_columns(Sema *s, Decl *t, Vec *cols, const char *what)
{
    for (int i = 0; i < cols->len; i++) {
        const Ident *id = cols->items[i];
        if (!sema_find_column(t, id->name))
            sema_error(s, id->tok, "unknown column \"%s\" in table \"%s\"%s",
                       id->name, t->name.name,
                       sema_hint_column(s, t, id->name));
        for (int k = 0; k < i; k++)
            if (strcmp(((Ident *)cols->items[k])->name, id->name) == 0)
                sema_error(s, id->tok, "column \"%s\" appears twice in %s",
                           id->name, what);
    }
}

/* Do these columns match a primary key or unique constraint of t? */
static bool names_match(const Vec *a, const Vec *b)
{
    if (a->len != b->len)
        return false;
    for (int i = 0; i < a->len; i++) {
        bool found = false;
        for (int k = 0; k < b->len && !found; k++)
            found = strcmp(((Ident *)a->items[i])->name,
                           ((Ident *)b->items[k])->name) == 0;
        if (!found)
            return false;
    }
    return true;
}

static bool has_unique_key(Sema *s, Decl *t, const Vec *cols)
{
    for (int i = 0; i < t->items.len; i++) {
        Item *it = t->items.items[i];
        if (it->kind == ITEM_CONSTRAINT &&
            (it->u.constraint->kind == CON_PRIMARY_KEY ||
             it->u.constraint->kind == CON_UNIQUE) &&
            names_match(cols, &it->u.constraint->cols))
            return true;
        if (it->kind == ITEM_INDEX && it->u.index->unique &&
            it->u.index->where.len == 0) {
            Vec names = {0};
            if (sema_index_columns(s->arena, it->u.index, &names) &&
                names.len == cols->len && names_match(cols, &names))
                return true;
        }
        if (it->kind == ITEM_COLUMN && cols->len == 1) {
            Column *c = it->u.column;
            for (int k = 0; k < c->cons.len; k++) {
                Constraint *con = c->cons.items[k];
                if ((con->kind == CON_PRIMARY_KEY || con->kind == CON_UNIQUE)
                    && strcmp(c->name.name,
                              ((Ident *)cols->items[0])->name) == 0)
                    return true;
            }
        }
    }
    return false;
}

static Decl *fk_target(Sema *s, Constraint *c)
{
    const char *schema = c->ref_table.schema ? c->ref_table.schema : "public";
    Decl *target = sema_find_relation(s, schema, c->ref_table.name);
    if (!target || target->kind != DECL_TABLE) {
        diag_at(s->diag, DIAG_ERROR, c->ref_table.tok->src,
                c->ref_table.tok->off, c->ref_table.len,
                "unknown table \"%s\"%s", c->ref_table.schema
                ? arena_printf(s->arena, "%s.%s", schema, c->ref_table.name)
                : c->ref_table.name,
                sema_hint_relation(s, c->ref_table.schema,
                                   c->ref_table.name)[0]
                ? sema_hint_relation(s, c->ref_table.schema,
                                     c->ref_table.name)
                : c->ref_table.schema ? "" : " (unqualified names are in "
                "schema public)");
        return NULL;
    }
    return target;
}

/* The referenced columns: as written, or the target's primary key. */
static bool fk_ref_columns(Sema *s, Constraint *c, Decl *target)
{
    if (c->ref_cols.len)
        return true;
    if (!target->pkey) {
        sema_error(s, c->ref_table.tok, "there is no primary key for "
                   "referenced table \"%s\"", target->name.name);
        return false;
    }
    c->ref_cols = target->pkey->cols;
    return true;
}

static void check_foreign_key(Sema *s, Constraint *c)
{
    Decl *target = fk_target(s, c);
    if (!target)
        return;
    c->ref_decl = target;
    if (!fk_ref_columns(s, c, target))
        return;
    for (int i = 0; i < c->ref_cols.len; i++) {
        const Ident *id = c->ref_cols.items[i];
        if (!sema_find_column(target, id->name)) {
            sema_error(s, id->tok, "unknown column \"%s\" in table \"%s\"%s",
                       id->name, target->name.name,
                       sema_hint_column(s, target, id->name));
            return;
        }
    }
    if (c->ref_cols.len != c->cols.len) {
        sema_error(s, c->tok, "number of referencing and referenced columns "
                   "for foreign key disagree (%d and %d)", c->cols.len,
                   c->ref_cols.len);
        return;
    }
    if (!has_unique_key(s, target, &c->ref_cols))
        sema_error(s, c->ref_table.tok, "there is no unique constraint "
                   "matching given keys for referenced table \"%s\"",
                   target->name.name);
}

/* The one column a check names, for its name (t_col_check). */
static void check_check(Sema *s, Decl *t, Constraint *c)
{
    Vec *refs = check_expr(s, &c->expr, t, &t->deps, "check expression");
    if (!refs)
        return;
    const char *only = NULL;
    for (int i = 0; i < refs->len; i++) {
        const PgRef *r = refs->items[i];
        if (r->kind != REF_COLUMN)
            continue;
        if (only && strcmp(only, r->name) != 0) {
            c->only_column = NULL;
            return;
        }
        only = r->name;
    }
    c->only_column = only;
}

/* find_primary_keys chose the first; any other is one too many. */
static void set_pkey(Sema *s, Decl *t, Constraint *c)
{
    if (t->pkey != c) {
        sema_error(s, c->tok, "multiple primary keys for table \"%s\" are "
                   "not allowed", t->name.name);
        sema_note(s, t->pkey->tok, "the first primary key is here");
        return;
    }
    t->pkey = c;
    for (int i = 0; i < c->cols.len; i++) {
        Column *col = sema_find_column(t, ((Ident *)c->cols.items[i])->name);
        if (col)
            col->not_null = true;
    }
}

/* A column constraint becomes a one-column key or check. */
static void column_constraint(Sema *s, Decl *t, Column *col, Constraint *c,
                              Constraint **dflt, Constraint **null)
{
    Vec *refs;
    if (c->given.name)
        sema_check_length(s, c->given.tok, c->given.name, "constraint");
    if (c->cols.len == 0) {
        Ident *self = arena_alloc(s->arena, sizeof *self);
        *self = col->name;
        vec_push(s->arena, &c->cols, self);
    }
    switch (c->kind) {
    case CON_NOT_NULL:
    case CON_NULL:
        if (*null && (*null)->kind != c->kind)
            sema_error(s, c->tok, "conflicting NULL/NOT NULL declarations "
                       "for column \"%s\"", col->name.name);
        *null = c;
        col->not_null |= c->kind == CON_NOT_NULL;
        break;
    case CON_DEFAULT:
        if (*dflt)
            sema_error(s, c->tok, "multiple default values specified for "
                       "column \"%s\"", col->name.name);
        *dflt = c;
        refs = default_refs(s, &c->expr);
        if (refs)
            sema_resolve_ref_list(s, refs, &c->expr, strlen(DEFAULT_PREFIX),
                                  NULL, &t->deps);
        break;
    case CON_PRIMARY_KEY: set_pkey(s, t, c); break;
    case CON_FOREIGN_KEY: check_foreign_key(s, c); break;
    case CON_CHECK: check_check(s, t, c); break;
    case CON_GENERATED:
        check_expr(s, &c->expr, t, &t->deps, "generation expression");
        break;
    case CON_BACKFILL:
        check_expr(s, &c->expr, t, &t->deps, "backfill expression");
        break;
    case CON_UNIQUE:
    case CON_EXCLUDE:
    case CON_IDENTITY:
    case CON_COLLATE:
        break;
    }
}

/* A backfill is the value existing rows get when the column becomes
 * required; with a default, or on a column that may be NULL, it would
 * never be used. */
static void check_backfill(Sema *s, const Column *col)
{
    const Constraint *b = NULL;
    for (int i = 0; i < col->cons.len; i++) {
        const Constraint *k = col->cons.items[i];
        if (k->kind != CON_BACKFILL)
            continue;
        if (b)
            sema_error(s, k->tok, "column \"%s\" has two backfill values",
                       col->name.name);
        b = k;
    }
    if (!b)
        return;
    if (ast_column_constraint(col, CON_DEFAULT) ||
        ast_column_constraint(col, CON_GENERATED) ||
        ast_column_constraint(col, CON_IDENTITY))
        sema_error(s, b->tok, "column \"%s\" fills existing rows from its "
                   "default or generation; backfill is not needed",
                   col->name.name);
    else if (!ast_column_constraint(col, CON_NOT_NULL))
        sema_error(s, b->tok, "backfill gives existing rows a value for a "
                   "required column: declare \"%s\" not null",
                   col->name.name);
}

static void check_column(Sema *s, Decl *t, Column *col)
{
    sema_check_length(s, col->name.tok, col->name.name, "column");
    check_type(s, t, col);
    Constraint *dflt = NULL, *null = NULL;
    for (int i = 0; i < col->cons.len; i++)
        column_constraint(s, t, col, col->cons.items[i], &dflt, &null);
    check_backfill(s, col);
}

#define EXCLUDE_PREFIX "ALTER TABLE x ADD CONSTRAINT c EXCLUDE "

/* Elements of an exclusion constraint: columns of the table, or
 * expressions; they name the constraint as an index's would. */
static void check_exclude(Sema *s, Decl *t, Constraint *c)
{
    Json *tree = sema_parse(s, EXCLUDE_PREFIX, &c->expr, "",
                            "exclusion constraint");
    Json *alter = tree ? sema_stmt(tree, "AlterTableStmt") : NULL;
    Json *cmd = json_get(json_at(json_get(alter, "cmds"), 0), "AlterTableCmd");
    Json *con = json_get(json_get(cmd, "def"), "Constraint");
    Json *excl = json_get(con, "exclusions");
    for (int i = 0; i < json_len(excl); i++) {
        Json *pair = json_get(json_get(json_at(excl, i), "List"), "items");
        Json *elem = json_get(json_at(pair, 0), "IndexElem");
        IndexElem *e = arena_alloc(s->arena, sizeof *e);
        e->colname = sema_index_colname(s, elem);
        if (json_get(elem, "name")) {
            e->column = e->colname;
            if (!sema_find_column(t, e->column))
                sema_column_error(s, t, &c->expr, e->column);
        }
        vec_push(s->arena, &c->elems, e);
    }
    if (excl)
        sema_resolve_refs(s, excl, &c->expr, strlen(EXCLUDE_PREFIX), t,
                          &t->deps);
}

static void table_constraint(Sema *s, Decl *t, Constraint *c)
{
    if (c->given.name)
        sema_check_length(s, c->given.tok, c->given.name, "constraint");
    switch (c->kind) {
    case CON_PRIMARY_KEY:
        check_key_columns(s, t, &c->cols, "primary key constraint");
        set_pkey(s, t, c);
        break;
    case CON_UNIQUE:
        check_key_columns(s, t, &c->cols, "unique constraint");
        break;
    case CON_FOREIGN_KEY:
        check_key_columns(s, t, &c->cols, "foreign key constraint");
        check_foreign_key(s, c);
        break;
    case CON_CHECK: check_check(s, t, c); break;
    case CON_EXCLUDE: check_exclude(s, t, c); break;
    case CON_NOT_NULL:
    case CON_NULL:
    case CON_DEFAULT:
    case CON_GENERATED:
    case CON_IDENTITY:
    case CON_COLLATE:
    case CON_BACKFILL:
        break;
    }
}

void sema_policy(Sema *s, Decl *t, Item *it, Map *seen)
{
    Policy *p = it->u.policy;
    sema_check_length(s, p->name.tok, p->name.name, "policy");
    if (map_get(seen, p->name.name))
        sema_error(s, p->name.tok, "policy \"%s\" is declared twice on "
                   "table \"%s\"", p->name.name, t->name.name);
    map_put(seen, p->name.name, p);
    if (p->cmd == POL_INSERT && p->using_tok)
        sema_error(s, p->using_tok, "only WITH CHECK expression allowed "
                   "for INSERT");
    if ((p->cmd == POL_SELECT || p->cmd == POL_DELETE) && p->check_tok)
        sema_error(s, p->check_tok, "WITH CHECK cannot be applied to SELECT "
                   "or DELETE");
    if (p->using_.len)
        check_expr(s, &p->using_, t, &it->deps, "policy expression");
    if (p->check.len)
        check_expr(s, &p->check, t, &it->deps, "policy check expression");
    sema_check_roles(s, &p->roles);
}

static void check_trigger(Sema *s, Decl *t, Item *it, Map *seen)
{
    Trigger *tg = it->u.trigger;
    sema_check_length(s, tg->name.tok, tg->name.name, "trigger");
    if (map_get(seen, tg->name.name))
        sema_error(s, tg->name.tok, "trigger \"%s\" is declared twice on "
                   "table \"%s\"", tg->name.name, t->name.name);
    map_put(seen, tg->name.name, tg);
    const char *prefix = arena_printf(s->arena, "CREATE TRIGGER x %s ",
                                      tg->timing);
    Json *tree = sema_parse(s, prefix, &tg->events,
                            " ON x EXECUTE FUNCTION f()", "trigger events");
    Json *cols = json_get(sema_stmt(tree, "CreateTrigStmt"), "columns");
    for (int i = 0; i < json_len(cols); i++) {
        const char *col = pgsql_list_string(cols, i);
        if (col && !sema_find_column(t, col))
            sema_column_error(s, t, &tg->events, col);
    }
    if (tg->when.len)
        check_expr(s, &tg->when, NULL, &it->deps, "trigger condition");
    const char *schema = tg->func.schema ? tg->func.schema : "public";
    Vec *ov = map_get(s->functions, sema_key(s, schema, tg->func.name));
    if (ov) {
        tg->func_decl = ov->items[0];
        vec_push(s->arena, &it->deps, tg->func_decl);
    } else if (tg->func.schema || !catalog_is_builtin_function(tg->func.name)) {
        diag_at(s->diag, DIAG_ERROR, tg->func.tok->src, tg->func.tok->off,
                tg->func.len, "unknown trigger function \"%s\"",
                tg->func.name);
    }
}

static void check_partitioning(Sema *s, Decl *t, Item *it, bool *by)
{
    if (it->kind == ITEM_PARTITION_BY) {
        if (*by)
            sema_error(s, it->tok, "table \"%s\" has two partition keys",
                       t->name.name);
        *by = true;
        const char *prefix = "CREATE TABLE x () PARTITION BY ";
        Json *tree = sema_parse(s, prefix, &it->u.partition_by, "",
                                "partition key");
        Json *stmt = tree ? sema_stmt(tree, "CreateStmt") : NULL;
        Json *spec = json_get(stmt, "partspec");
        if (spec)
            sema_resolve_refs(s, spec, &it->u.partition_by, strlen(prefix),
                              t, NULL);
        return;
    }
    Partition *part = it->u.partition;
    sema_check_length(s, part->name.tok, part->name.name, "partition");
    if (!*by)
        sema_error(s, it->tok, "partition \"%s\" of table \"%s\", which has "
                   "no `partition by`", part->name.name, t->name.name);
    sema_parse(s, "CREATE TABLE x PARTITION OF y ", &part->bound, "",
               "partition bound");
}

/* Items that may appear at most once in a table. */
static void once(Sema *s, Item *it, Item **seen, const char *what)
{
    if (*seen)
        sema_error(s, it->tok, "%s is declared twice in this table", what);
    *seen = it;
}

static void check_item(Sema *s, Decl *t, Item *it, Map *policies,
                       Map *triggers, Item **rls, Item **comment, bool *by)
{
    switch (it->kind) {
    case ITEM_COLUMN: check_column(s, t, it->u.column); break;
    case ITEM_CONSTRAINT: table_constraint(s, t, it->u.constraint); break;
    case ITEM_INDEX: sema_index(s, t, it->u.index, &it->deps); break;
    case ITEM_RLS: once(s, it, rls, "row level security"); break;
    case ITEM_POLICY: sema_policy(s, t, it, policies); break;
    case ITEM_GRANT: sema_grant(s, it->u.grant, "table"); break;
    case ITEM_COMMENT: once(s, it, comment, "a comment"); break;
    case ITEM_TRIGGER: check_trigger(s, t, it, triggers); break;
    case ITEM_PARTITION_BY:
    case ITEM_PARTITION: check_partitioning(s, t, it, by); break;
    case ITEM_ALLOW: break;  /* lint checks the rule's name */
    case ITEM_REPLICA: break;  /* after the columns (sema.c) */
    case ITEM_USE:
    case ITEM_OPTIONS:
    case ITEM_QUERY:
    case ITEM_LANGUAGE:
    case ITEM_ATTRIBUTE:
    case ITEM_SET:
    case ITEM_BODY:
    case ITEM_DEFAULT_PRIVS:
    case ITEM_IN_ROLE:
    case ITEM_LOGIN:
    case ITEM_AUDIT:        /* replaced before this (sema_generate.c) */
    case ITEM_TRANSITIONS:
    case ITEM_RETAIN:
    case ITEM_PARTITIONS:
    case ITEM_BUCKET_SETTING:
    case ITEM_PUB_TABLE:
    case ITEM_PUBLISH:
        sema_error(s, it->tok, "%s is not allowed in a table",
                   item_kind_name(it->kind));
        break;
    }
}

/* Primary keys first: foreign keys anywhere may point at them. */
static void find_primary_keys(Sema *s, Decl *t)
{
    for (int i = 0; i < t->items.len; i++) {
        Item *it = t->items.items[i];
        if (it->kind == ITEM_CONSTRAINT &&
            it->u.constraint->kind == CON_PRIMARY_KEY && !t->pkey)
            t->pkey = it->u.constraint;
        if (it->kind != ITEM_COLUMN)
            continue;
        for (int k = 0; k < it->u.column->cons.len; k++) {
            Constraint *c = it->u.column->cons.items[k];
            if (c->kind == CON_PRIMARY_KEY && !t->pkey) {
                t->pkey = c;
                Ident *self = arena_alloc(s->arena, sizeof *self);
                *self = it->u.column->name;
                vec_push(s->arena, &c->cols, self);
            }
        }
    }
}

static bool same_key(const Constraint *a, const Constraint *b)
{
    if (a->cols.len != b->cols.len ||
        a->nulls_not_distinct != b->nulls_not_distinct ||
        a->deferrable != b->deferrable ||
        a->initially_deferred != b->initially_deferred)
        return false;
    for (int i = 0; i < a->cols.len; i++)
        if (strcmp(((Ident *)a->cols.items[i])->name,
                   ((Ident *)b->cols.items[i])->name) != 0)
            return false;
    return true;
}

/*
 * PostgreSQL keeps one index for identical keys in a CREATE TABLE: the
 * primary key first, then earlier unique constraints; a dropped one gives
 * its name to the kept one if that had none.  So do we, and say so.
 */
static void mark_redundant_keys(Sema *s, Decl *t)
{
    Vec kept = {0}, all = {0};
    if (t->pkey)
        vec_push(s->arena, &kept, t->pkey);
    for (int i = 0; i < t->items.len; i++) {
        Item *it = t->items.items[i];
        if (it->kind == ITEM_CONSTRAINT)
            vec_push(s->arena, &all, it->u.constraint);
        for (int k = 0; it->kind == ITEM_COLUMN &&
                        k < it->u.column->cons.len; k++)
            vec_push(s->arena, &all, it->u.column->cons.items[k]);
    }
    for (int i = 0; i < all.len; i++) {
        Constraint *c = all.items[i];
        if (c->kind != CON_UNIQUE)
            continue;
        Constraint *prior = NULL;
        for (int k = 0; k < kept.len && !prior; k++)
            prior = same_key(kept.items[k], c) ? kept.items[k] : NULL;
        if (!prior) {
            vec_push(s->arena, &kept, c);
            continue;
        }
        c->redundant = true;
        if (!prior->given.name)
            prior->given = c->given;
        diag_at(s->diag, DIAG_WARNING, c->tok->src, c->tok->off, c->tok->len,
                prior == t->pkey
                ? "this unique key repeats the primary key on the same "
                  "columns; PostgreSQL keeps only the primary key"
                : "this unique key repeats an earlier unique key on the "
                  "same columns; PostgreSQL keeps only the earlier one");
    }
}

void sema_table(Sema *s, Decl *t)
{
    if (t->external)
        return;
    Map *policies = map_new(s->arena), *triggers = map_new(s->arena);
    Item *rls = NULL, *comment = NULL;
    bool by = false;
    if (t->extends) {   /* its columns are the platform's */
        t->columns = t->extends->columns;
        policies = sema_platform_policies(s, t, policies);
    }
    for (int i = 0; i < t->items.len; i++)
        if (!t->extends || sema_platform_item(s, t, t->items.items[i]))
            check_item(s, t, t->items.items[i], policies, triggers, &rls,
                       &comment, &by);
    mark_redundant_keys(s, t);
}

void sema_find_keys(Sema *s, Decl *t)
{
    find_primary_keys(s, t);
}

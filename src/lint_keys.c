/*
 * lint_keys.c — keys and indexes: foreign keys no index starts with
 * (a delete of the referenced row scans the table), tables without a
 * primary key, indexes that duplicate each other, and foreign keys to a
 * unique key of auth's tables other than their primary key.
 */
#include "lint.h"

#include <string.h>

static const char *ident_at(const Vec *v, int i)
{
    return ((const Ident *)v->items[i])->name;
}

/* The columns of a key constraint: its list, or its column. */
static void key_columns(const Constraint *c, Vec *out, Arena *a)
{
    if (c->cols.len) {
        for (int i = 0; i < c->cols.len; i++)
            vec_push(a, out, (void *)ident_at(&c->cols, i));
    } else if (c->column) {
        vec_push(a, out, (void *)c->column->name.name);
    }
}

/* Are the first n entries of leading the n names of want, in any order? */
static bool leads_with(const Vec *want, const Vec *leading)
{
    if (leading->len < want->len)
        return false;
    for (int i = 0; i < want->len; i++) {
        bool found = false;
        for (int k = 0; k < want->len && !found; k++)
            found = leading->items[k] &&
                    strcmp(leading->items[k], want->items[i]) == 0;
        if (!found)
            return false;
    }
    return true;
}

/* Is the conjunct n `col IS NOT NULL` for a column of cols? */
static bool not_null_of(const Json *n, const Vec *cols)
{
    const Json *t = json_get(n, "NullTest");
    const char *type = json_str(json_get(t, "nulltesttype"));
    if (!type || strcmp(type, "IS_NOT_NULL") != 0)
        return false;
    const Json *fields = json_get(json_get(json_get(t, "arg"), "ColumnRef"),
                                  "fields");
    const char *col = json_len(fields) == 1 ? pgsql_list_string(fields, 0)
                                            : NULL;
    for (int i = 0; col && i < cols->len; i++)
        if (strcmp(col, cols->items[i]) == 0)
            return true;
    return false;
}

/* A partial index serves the foreign key's lookups only when its
 * predicate holds whenever the key's columns are not null: a conjunction
 * of `c IS NOT NULL` over those columns. */
static bool implied_by_key(Lint *l, const Frag *where, const Vec *cols)
{
    if (!where->len)
        return true;
    PgParse r = pgsql_parse(l->arena, "SELECT (",
                            where->src->text + where->off, where->len, "\n)");
    const Json *sel = json_get(json_get(json_at(json_get(r.tree, "stmts"),
                                                0), "stmt"), "SelectStmt");
    const Json *v = json_get(json_get(json_at(json_get(sel, "targetList"),
                                              0), "ResTarget"), "val");
    if (!v)
        return false;
    const Json *and = json_get(v, "BoolExpr");
    const char *op = json_str(json_get(and, "boolop"));
    if (!op)
        return not_null_of(v, cols);
    if (strcmp(op, "AND_EXPR") != 0)
        return false;
    const Json *args = json_get(and, "args");
    for (int i = 0; i < json_len(args); i++)
        if (!not_null_of(json_at(args, i), cols))
            return false;
    return true;
}

/* Methods that find equal keys: gin, gist, brin and spgist do not serve
 * a foreign key's lookups in the general case. */
static bool equality_method(const Index *ix)
{
    return !ix->method.name || strcmp(ix->method.name, "btree") == 0 ||
           (strcmp(ix->method.name, "hash") == 0 && ix->elemv.len == 1);
}

static bool index_covers(Lint *l, const Index *ix, const Vec *cols)
{
    Vec leading = {0};
    for (int i = 0; i < ix->elemv.len; i++)
        vec_push(l->arena, &leading,
                 (void *)((IndexElem *)ix->elemv.items[i])->column);
    return equality_method(ix) && leads_with(cols, &leading) &&
           implied_by_key(l, &ix->where, cols);
}

static bool covered(Lint *l, const Decl *t, const Vec *cols)
{
    for (int i = 0; i < t->items.len; i++) {
        const Item *it = t->items.items[i];
        Vec keys = {0};
        if (it->kind == ITEM_INDEX && index_covers(l, it->u.index, cols))
            return true;
        if (it->kind == ITEM_CONSTRAINT &&
            (it->u.constraint->kind == CON_PRIMARY_KEY ||
             it->u.constraint->kind == CON_UNIQUE))
            key_columns(it->u.constraint, &keys, l->arena);
        for (int k = 0; it->kind == ITEM_COLUMN &&
                        k < it->u.column->cons.len; k++) {
            const Constraint *c = it->u.column->cons.items[k];
            if (c->kind == CON_PRIMARY_KEY || c->kind == CON_UNIQUE)
                vec_push(l->arena, &keys, (void *)it->u.column->name.name);
        }
        if (keys.len && leads_with(cols, &keys))
            return true;
    }
    return false;
}

/* auth.users(email) and the like: unique today, but auth may change
 * them; the primary key is the one stable reference. */
static void auth_unique(Lint *l, const Decl *t, const Constraint *fk)
{
    const Decl *to = fk->ref_decl;
    if (!to || !to->external || !to->schema ||
        strcmp(to->schema, "auth") != 0 || !to->pkey || !fk->ref_cols.len)
        return;
    Vec pk = {0}, ref = {0};
    key_columns(to->pkey, &pk, l->arena);
    for (int i = 0; i < fk->ref_cols.len; i++)
        vec_push(l->arena, &ref, (void *)ident_at(&fk->ref_cols, i));
    if (pk.len == ref.len && leads_with(&ref, &pk))
        return;
    lint_warn(l, t, "fkey_to_auth_unique", fk->tok, 0,
              "foreign key \"%s\" references a unique key of %s.%s that is "
              "not its primary key: reference its primary key instead",
              fk->name, to->schema, to->name.name);
}

static void foreign_key(Lint *l, const Decl *t, const Constraint *fk)
{
    Vec cols = {0};
    for (int i = 0; i < fk->cols.len; i++)
        vec_push(l->arena, &cols, (void *)ident_at(&fk->cols, i));
    if (!cols.len && fk->column)
        vec_push(l->arena, &cols, (void *)fk->column->name.name);
    l->fks++;
    auth_unique(l, t, fk);
    if (covered(l, t, &cols)) {
        l->fks_indexed++;
        return;
    }
    lint_warn(l, t, "unindexed_foreign_key", fk->tok, 0,
              "no index on \"%s\" starts with the columns of foreign key "
              "\"%s\": deleting from \"%s\" scans the whole table; add "
              "`index (%s);`", t->name.name, fk->name, fk->ref_table.name,
              (const char *)cols.items[0]);
}

/* ------------------------------------------------- duplicate indexes */

/* What PostgreSQL compares for identical indexes: method, keys,
 * included columns, predicate (the text, folded, without spaces). */
static char *squeeze(Arena *a, const char *s, size_t n)
{
    char *out = arena_alloc(a, n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            continue;
        *o++ = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    return out;
}

static char *frag_key(Arena *a, const Frag *f)
{
    return f->len ? squeeze(a, f->src->text + f->off, f->len) : "";
}

static char *index_key(Arena *a, const Index *ix)
{
    return arena_printf(a, "%s|%s|%s|%s",
                        ix->method.name ? ix->method.name : "btree",
                        frag_key(a, &ix->elems), frag_key(a, &ix->include),
                        frag_key(a, &ix->where));
}

static char *constraint_key(Arena *a, const Constraint *c)
{
    Vec cols = {0};
    key_columns(c, &cols, a);
    Buf b = {0};
    for (int i = 0; i < cols.len; i++)
        buf_printf(&b, "%s%s", i ? "," : "",
                   squeeze(a, cols.items[i], strlen(cols.items[i])));
    char *key = arena_printf(a, "btree|%s||", b.len ? b.data : "");
    buf_free(&b);
    return key;
}

typedef struct Keyed {
    const char *key;
    const char *name;
    const Token *tok;
} Keyed;

static void add_keyed(Lint *l, Vec *v, const char *key, const char *name,
                      const Token *tok)
{
    Keyed *k = arena_alloc(l->arena, sizeof *k);
    *k = (Keyed){key, name, tok};
    vec_push(l->arena, v, k);
}

static void duplicates(Lint *l, const Decl *t)
{
    Vec seen = {0};
    for (int i = 0; i < t->items.len; i++) {
        const Item *it = t->items.items[i];
        if (it->kind == ITEM_INDEX)
            add_keyed(l, &seen, index_key(l->arena, it->u.index),
                      it->u.index->name, it->u.index->tok);
        if (it->kind == ITEM_CONSTRAINT && !it->u.constraint->redundant &&
            (it->u.constraint->kind == CON_PRIMARY_KEY ||
             it->u.constraint->kind == CON_UNIQUE))
            add_keyed(l, &seen, constraint_key(l->arena, it->u.constraint),
                      it->u.constraint->name, it->u.constraint->tok);
        for (int k = 0; it->kind == ITEM_COLUMN &&
                        k < it->u.column->cons.len; k++) {
            const Constraint *c = it->u.column->cons.items[k];
            if ((c->kind == CON_PRIMARY_KEY || c->kind == CON_UNIQUE) &&
                !c->redundant)
                add_keyed(l, &seen, constraint_key(l->arena, c), c->name,
                          c->tok);
        }
    }
    for (int i = 1; i < seen.len; i++) {
        const Keyed *b = seen.items[i];
        for (int k = 0; k < i; k++) {
            const Keyed *a = seen.items[k];
            if (strcmp(a->key, b->key) != 0)
                continue;
            lint_warn(l, t, "duplicate_index", b->tok, 0,
                      "index \"%s\" on \"%s\" is identical to \"%s\": drop "
                      "one of them", b->name, t->name.name, a->name);
            break;
        }
    }
}

void lint_keys(Lint *l, const Decl *t)
{
    for (int i = 0; i < t->items.len; i++) {
        const Item *it = t->items.items[i];
        if (it->kind == ITEM_CONSTRAINT &&
            it->u.constraint->kind == CON_FOREIGN_KEY)
            foreign_key(l, t, it->u.constraint);
        for (int k = 0; it->kind == ITEM_COLUMN &&
                        k < it->u.column->cons.len; k++) {
            const Constraint *c = it->u.column->cons.items[k];
            if (c->kind == CON_FOREIGN_KEY)
                foreign_key(l, t, c);
        }
    }
    if (!t->pkey)
        lint_warn(l, t, "no_primary_key", t->name.tok, t->name.len,
                  "table \"%s\" has no primary key: rows cannot be told "
                  "apart (and logical replication cannot update them); "
                  "add one", t->name.name);
    duplicates(l, t);
}

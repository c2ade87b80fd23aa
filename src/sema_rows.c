/*
 * sema_rows.c — rows of data declared for a table.  They are upserted by
 * the table's primary key, so the key must be among the columns and each
 * row's key a constant; every value is a constant (an expression such as
 * now() would differ at every verify) that its column's type can read; the
 * columns not given must fill themselves (a default, identity, generation).
 */
#include "sema.h"

#include <string.h>

/* Nodes a constant holds none of. */
static const char *not_constant(const Json *n)
{
    static const char *const kinds[] = {"FuncCall", "SubLink", "ColumnRef",
                                        "ParamRef", NULL};
    if (!n)
        return NULL;
    if (n->kind == JSON_OBJECT)
        for (int i = 0; i < n->u.list.len; i++) {
            for (int k = 0; kinds[k]; k++)
                if (strcmp(n->u.list.keys[i], kinds[k]) == 0)
                    return kinds[k];
            const char *found = not_constant(n->u.list.items[i]);
            if (found)
                return found;
        }
    if (n->kind == JSON_ARRAY)
        for (int i = 0; i < n->u.list.len; i++) {
            const char *found = not_constant(n->u.list.items[i]);
            if (found)
                return found;
        }
    return NULL;
}

static bool is_null(const Json *v)
{
    const Json *c = json_get(v, "A_Const");
    const Json *n = json_get(c, "isnull");
    return n && n->kind == JSON_BOOL && n->u.boolean;
}

static bool in_key(const RowSet *r, int col)
{
    for (int k = 0; k < r->key.len; k++)
        if (*(int *)r->key.items[k] == col)
            return true;
    return false;
}

/* One value: a constant its column reads; a key's a plain literal. */
static void check_value(Sema *s, Decl *d, RowSet *r, int col, Frag *f)
{
    Column *c = r->columns.items[col];
    Json *tree = sema_parse(s, "SELECT (", f, "\n)", "value");
    const Json *sel = tree ? sema_stmt(tree, "SelectStmt") : NULL;
    const Json *v = json_get(json_get(json_at(json_get(sel, "targetList"), 0),
                                      "ResTarget"), "val");
    if (!v)
        return;
    const char *what = not_constant(v);
    if (what) {
        diag_at(s->diag, DIAG_ERROR, f->src, f->off, f->len, "a row's value "
                "must be a constant, so that verify can compare it: this "
                "one is computed");
        return;
    }
    if (is_null(v)) {
        if (c->not_null || in_key(r, col))
            diag_at(s->diag, DIAG_ERROR, f->src, f->off, f->len,
                    "null value in column \"%s\" of table \"%s\", which is "
                    "required", c->name.name, d->name.name);
        return;
    }
    if (in_key(r, col) && !json_get(v, "A_Const"))
        diag_at(s->diag, DIAG_ERROR, f->src, f->off, f->len, "a key value "
                "must be a plain literal (no cast): it finds the row");
    sema_check_value(s, r->table, c, f, 8, v);
}

/* The text of a row's key, for telling rows apart. */
static const char *key_text(Sema *s, const RowSet *r, const Vec *values)
{
    Buf b = {0};
    for (int k = 0; k < r->key.len; k++) {
        const Frag *f = values->items[*(int *)r->key.items[k]];
        buf_put(&b, f->src->text + f->off, f->len);
        buf_putc(&b, '\x1f');
    }
    const char *t = arena_strndup(s->arena, b.data ? b.data : "", b.len);
    buf_free(&b);
    return t;
}

static bool columns(Sema *s, RowSet *r)
{
    bool ok = true;
    for (int i = 0; i < r->cols.len; i++) {
        const Ident *id = r->cols.items[i];
        Column *c = sema_find_column(r->table, id->name);
        if (!c) {
            sema_error(s, id->tok, "unknown column \"%s\" in table \"%s\"%s",
                       id->name, r->table->name.name,
                       sema_hint_column(s, r->table, id->name));
            ok = false;
        } else if (ast_column_constraint(c, CON_GENERATED)) {
            sema_error(s, id->tok, "column \"%s\" is generated: its value "
                       "is not given", id->name);
            ok = false;
        } else {
            const Constraint *k = ast_column_constraint(c, CON_IDENTITY);
            r->overriding |= k && k->identity_always;
        }
        for (int k = 0; k < i; k++)
            if (strcmp(((Ident *)r->cols.items[k])->name, id->name) == 0) {
                sema_error(s, id->tok, "column \"%s\" is given twice",
                           id->name);
                ok = false;
            }
        vec_push(s->arena, &r->columns, c);
    }
    return ok;
}

/* The primary key's columns, as indexes into the listed columns. */
static bool key(Sema *s, Decl *d, RowSet *r)
{
    const Constraint *pk = r->table->pkey;
    if (!pk) {
        sema_error(s, d->name.tok, "table \"%s\" has no primary key: rows "
                   "are upserted by it", r->table->name.name);
        return false;
    }
    for (int k = 0; k < pk->cols.len; k++) {
        const char *name = ((Ident *)pk->cols.items[k])->name;
        int at = -1;
        for (int i = 0; i < r->cols.len; i++)
            if (strcmp(((Ident *)r->cols.items[i])->name, name) == 0)
                at = i;
        if (at < 0) {
            sema_error(s, d->name.tok, "the rows of \"%s\" give no \"%s\": "
                       "its primary key finds each row", r->table->name.name,
                       name);
            return false;
        }
        int *p = arena_alloc(s->arena, sizeof *p);
        *p = at;
        vec_push(s->arena, &r->key, p);
    }
    return true;
}

/* Columns left out fill themselves, or the insert fails. */
static void required(Sema *s, Decl *d, RowSet *r)
{
    for (int i = 0; i < r->table->columns.len; i++) {
        Column *c = r->table->columns.items[i];
        bool given = false;
        for (int k = 0; k < r->columns.len; k++)
            given |= r->columns.items[k] == c;
        if (given || !c->not_null || c->serial ||
            ast_column_constraint(c, CON_DEFAULT) ||
            ast_column_constraint(c, CON_IDENTITY) ||
            ast_column_constraint(c, CON_GENERATED))
            continue;
        sema_error(s, d->name.tok, "column \"%s\" of table \"%s\" is "
                   "required and has no default: give it in the rows",
                   c->name.name, r->table->name.name);
    }
}

void sema_rows(Sema *s, Decl *d)
{
    RowSet *r = d->rowset;
    const char *schema = d->name.schema ? d->name.schema : "public";
    Decl *t = sema_find_relation(s, schema, d->name.name);
    if (!t || t->kind != DECL_TABLE || t->external) {
        diag_at(s->diag, DIAG_ERROR, d->name.tok->src, d->name.tok->off,
                d->name.len, "unknown table \"%s.%s\"%s; rows are declared "
                "for a table this schema declares", schema, d->name.name,
                sema_hint_relation(s, schema, d->name.name));
        return;
    }
    r->table = t;
    vec_push(s->arena, &d->deps, t);
    for (int i = 0; i < s->prog->decls.len; i++) {
        Decl *o = s->prog->decls.items[i];
        if (o == d)
            break;
        if (o->kind == DECL_ROWS && o->rowset->table == t) {
            sema_error(s, d->name.tok, "rows of table \"%s\" are declared "
                       "twice", t->name.name);
            sema_note(s, o->name.tok, "first declared here");
            return;
        }
    }
    if (!columns(s, r) || !key(s, d, r))
        return;
    required(s, d, r);
    Map *keys = map_new(s->arena);
    for (int i = 0; i < r->tuples.len; i++) {
        Vec *values = r->tuples.items[i];
        const Token *open = r->tuple_toks.items[i];
        if (values->len != r->cols.len) {
            sema_error(s, open, "this row has %d value%s for %d column%s",
                       values->len, values->len == 1 ? "" : "s",
                       r->cols.len, r->cols.len == 1 ? "" : "s");
            continue;
        }
        for (int c = 0; c < values->len; c++)
            check_value(s, d, r, c, values->items[c]);
        const char *k = key_text(s, r, values);
        const Token *first = map_get(keys, k);
        if (first) {
            sema_error(s, open, "this row's key is given twice");
            sema_note(s, first, "first given here");
        }
        map_put(keys, k, (void *)open);
    }
    /* rows of the tables these rows refer to go in first */
    for (int i = 0; i < s->prog->decls.len; i++) {
        Decl *o = s->prog->decls.items[i];
        if (o == d || o->kind != DECL_ROWS)
            continue;
        const char *os = o->name.schema ? o->name.schema : "public";
        for (int k = 0; k < t->items.len; k++) {
            const Item *it = t->items.items[k];
            Vec cons = {0};
            if (it->kind == ITEM_CONSTRAINT)
                vec_push(s->arena, &cons, it->u.constraint);
            else if (it->kind == ITEM_COLUMN)
                cons = it->u.column->cons;
            for (int c = 0; c < cons.len; c++) {
                const Constraint *fk = cons.items[c];
                if (fk->kind == CON_FOREIGN_KEY && fk->ref_decl &&
                    fk->ref_decl != t &&
                    strcmp(fk->ref_decl->schema, os) == 0 &&
                    strcmp(fk->ref_decl->name.name, o->name.name) == 0)
                    vec_push(s->arena, &d->deps, o);
            }
        }
    }
    if (r->tuples.len == 0 && !r->exact)
        sema_error(s, d->name.tok, "no rows: write some, or `exact` for a "
                   "table that must be empty");
}

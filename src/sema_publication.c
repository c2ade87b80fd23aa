/*
 * sema_publication.c — publications and replica identity.
 *
 * A publication names tables this schema declares (their columns, a row
 * filter on them) and the kinds of change it publishes.  Supabase's own
 * `supabase_realtime` exists before any schema: it is given tables,
 * never made, changed or dropped.  A replica identity's index must be
 * one PostgreSQL takes: unique, without a predicate, on required columns.
 */
#include "sema.h"

#include <string.h>

bool sema_platform_publication(const Program *p, const Decl *pub)
{
    return p->supabase && strcmp(pub->name.name, "supabase_realtime") == 0;
}

static void check_publish(Sema *s, Item *it, Item **seen)
{
    static const char *const actions[] = {"insert", "update", "delete",
                                          "truncate", NULL};
    if (*seen) {
        sema_error(s, it->tok, "publish is declared twice in this "
                   "publication");
        sema_note(s, (*seen)->tok, "first declared here");
    }
    *seen = it;
    for (int i = 0; i < it->u.publish.len; i++) {
        const Ident *a = it->u.publish.items[i];
        bool known = false;
        for (int k = 0; actions[k]; k++)
            known |= strcmp(a->name, actions[k]) == 0;
        if (!known)
            sema_error(s, a->tok, "unknown action \"%s\"; a publication "
                       "publishes insert, update, delete or truncate",
                       a->name);
        for (int k = 0; k < i; k++)
            if (strcmp(((Ident *)it->u.publish.items[k])->name,
                       a->name) == 0)
                sema_error(s, a->tok, "\"%s\" is published twice",
                           a->name);
    }
}

/* The columns a table's updates and deletes carry of the old row: NULL
 * for all of them (full), else the key's or the index's (empty: none). */
static const Vec *identity_columns(Sema *s, const Decl *t)
{
    const Replica *r = NULL;
    for (int i = 0; i < t->items.len; i++)
        if (((Item *)t->items.items[i])->kind == ITEM_REPLICA)
            r = ((Item *)t->items.items[i])->u.replica;
    Vec *cols = arena_alloc(s->arena, sizeof *cols);
    if (r && r->mode[0] == 'F')
        return NULL;
    if (r && r->mode[0] == 'N')
        return cols;
    if (r && r->index.name) {
        for (int i = 0; i < t->items.len; i++) {
            const Item *it = t->items.items[i];
            if (it->kind == ITEM_INDEX && it->u.index->given.name &&
                strcmp(it->u.index->given.name, r->index.name) == 0)
                sema_index_columns(s->arena, it->u.index, cols);
            if (it->kind == ITEM_CONSTRAINT && it->u.constraint->given.name &&
                strcmp(it->u.constraint->given.name, r->index.name) == 0)
                return &it->u.constraint->cols;
            for (int c = 0; it->kind == ITEM_COLUMN &&
                            c < it->u.column->cons.len; c++) {
                const Constraint *k = it->u.column->cons.items[c];
                if (k->given.name && strcmp(k->given.name, r->index.name) == 0)
                    return &k->cols;
            }
        }
        return cols;
    }
    return t->pkey ? &t->pkey->cols : cols;
}

static bool has_ident(const Vec *v, const char *name)
{
    for (int i = 0; v && i < v->len; i++)
        if (strcmp(((Ident *)v->items[i])->name, name) == 0)
            return true;
    return false;
}

/* What PostgreSQL refuses at the first UPDATE or DELETE of a table
 * whose changes are published: no replica identity, a column list
 * without it, a row filter on columns outside it. */
static void check_identity(Sema *s, Item *it, Json *where)
{
    PubTable *t = it->u.pub_table;
    const Vec *id = identity_columns(s, t->table);
    if (id && id->len == 0) {
        sema_error(s, it->tok, "table \"%s\" has no replica identity (no "
                   "primary key, or `replica identity nothing`): published, "
                   "its updates and deletes fail; declare `replica identity "
                   "full;` in it, or `publish insert;`", t->table->name.name);
        return;
    }
    if (t->cols.len) {
        for (int i = 0; i < t->table->columns.len; i++) {
            const Column *c = t->table->columns.items[i];
            if ((!id || has_ident(id, c->name.name)) &&
                !has_ident(&t->cols, c->name.name)) {
                sema_error(s, it->tok, "the published columns leave out "
                           "\"%s\", part of the replica identity of \"%s\": "
                           "its updates and deletes fail", c->name.name,
                           t->table->name.name);
                return;
            }
        }
    }
    if (!where || !id)
        return;
    Vec refs = {0};
    pgsql_collect_refs(s->arena, where, &refs);
    for (int i = 0; i < refs.len; i++) {
        const PgRef *r = refs.items[i];
        if (r->kind == REF_COLUMN && !has_ident(id, r->name) &&
            sema_find_column(t->table, r->name)) {
            sema_error(s, it->tok, "the row filter reads \"%s\", not part "
                       "of the replica identity of \"%s\": its updates and "
                       "deletes fail; declare `replica identity full;` in it, "
                       "or `publish insert;`", r->name, t->table->name.name);
            return;
        }
    }
}

/* Whether pub publishes updates or deletes (all four unless told). */
static bool publishes_changes(const Decl *pub)
{
    for (int i = 0; i < pub->items.len; i++) {
        const Item *it = pub->items.items[i];
        if (it->kind != ITEM_PUBLISH)
            continue;
        for (int k = 0; k < it->u.publish.len; k++) {
            const char *a = ((Ident *)it->u.publish.items[k])->name;
            if (strcmp(a, "update") == 0 || strcmp(a, "delete") == 0)
                return true;
        }
        return false;
    }
    return true;
}

static void check_table(Sema *s, Decl *pub, Item *it)
{
    PubTable *t = it->u.pub_table;
    const char *schema = t->name.schema ? t->name.schema : "public";
    Decl *table = sema_find_relation(s, schema, t->name.name);
    if (!table || table->kind != DECL_TABLE || table->external) {
        diag_at(s->diag, DIAG_ERROR, t->name.tok->src, t->name.tok->off,
                t->name.len, "unknown table \"%s.%s\"%s; a publication "
                "publishes tables this schema declares", schema,
                t->name.name, sema_hint_relation(s, schema, t->name.name));
        return;
    }
    t->table = table;
    vec_push(s->arena, &it->deps, table);
    for (int i = 0; i < pub->items.len; i++) {
        Item *other = pub->items.items[i];
        if (other == it)
            break;
        if (other->kind == ITEM_PUB_TABLE &&
            other->u.pub_table->table == table) {
            sema_error(s, it->tok, "table \"%s.%s\" is published twice in "
                       "publication \"%s\"", schema, t->name.name,
                       pub->name.name);
            sema_note(s, other->tok, "first published here");
        }
    }
    for (int i = 0; i < t->cols.len; i++) {
        const Ident *c = t->cols.items[i];
        if (!sema_find_column(table, c->name))
            sema_error(s, c->tok, "unknown column \"%s\" in table \"%s\"%s",
                       c->name, table->name.name,
                       sema_hint_column(s, table, c->name));
        for (int k = 0; k < i; k++)
            if (strcmp(((Ident *)t->cols.items[k])->name, c->name) == 0)
                sema_error(s, c->tok, "column \"%s\" is published twice",
                           c->name);
    }
    Json *w = NULL;
    if (t->where.len) {
        w = sema_parse(s, "SELECT (", &t->where, "\n)", "row filter");
        if (w)
            sema_resolve_refs(s, w, &t->where, 8, table, &it->deps);
    }
    if (publishes_changes(pub))
        check_identity(s, it, w);
}

/* Publication names are the database's, one name space of their own. */
static void check_unique(Sema *s, Decl *pub)
{
    for (int i = 0; i < s->prog->decls.len; i++) {
        Decl *d = s->prog->decls.items[i];
        if (d == pub)
            return;
        if (d->kind == DECL_PUBLICATION &&
            strcmp(d->name.name, pub->name.name) == 0) {
            sema_error(s, pub->name.tok, "publication \"%s\" is declared "
                       "twice", pub->name.name);
            sema_note(s, d->name.tok, "first declared here");
            return;
        }
    }
}

/* For all tables: every declared table's updates and deletes are
 * published, so each needs a replica identity. */
static void check_all_tables(Sema *s, Decl *pub)
{
    for (int i = 0; publishes_changes(pub) && i < s->prog->decls.len; i++) {
        const Decl *t = s->prog->decls.items[i];
        if (t->kind != DECL_TABLE || t->external)
            continue;
        const Vec *id = identity_columns(s, t);
        if (id && id->len == 0) {
            sema_error(s, pub->tok, "publication \"%s\" is for all tables, "
                       "and table \"%s\" has no replica identity: its "
                       "updates and deletes fail; declare `replica identity "
                       "full;` in it, or `publish insert;`", pub->name.name,
                       t->name.name);
            return;
        }
    }
}

void sema_publication(Sema *s, Decl *pub)
{
    bool platform = sema_platform_publication(s->prog, pub);
    Item *publish = NULL, *comment = NULL;
    check_unique(s, pub);
    if (platform && pub->all_tables)
        sema_error(s, pub->tok, "publication \"%s\" is the platform's: it "
                   "can be given tables, not made for all tables",
                   pub->name.name);
    if (pub->all_tables)
        check_all_tables(s, pub);
    for (int i = 0; i < pub->items.len; i++) {
        Item *it = pub->items.items[i];
        switch (it->kind) {
        case ITEM_PUB_TABLE:
            if (pub->all_tables)
                sema_error(s, it->tok, "publication \"%s\" is for all "
                           "tables; it lists none", pub->name.name);
            check_table(s, pub, it);
            break;
        case ITEM_PUBLISH:
            if (platform)
                sema_error(s, it->tok, "publication \"%s\" is the "
                           "platform's: what it publishes is not this "
                           "schema's to set", pub->name.name);
            check_publish(s, it, &publish);
            break;
        case ITEM_COMMENT:
            if (platform)
                sema_error(s, it->tok, "publication \"%s\" is the "
                           "platform's: its comment is not this schema's",
                           pub->name.name);
            if (comment)
                sema_error(s, it->tok, "a comment is declared twice in "
                           "this publication");
            comment = it;
            break;
        default:
            sema_error(s, it->tok, "%s is not allowed in a publication",
                       item_kind_name(it->kind));
            break;
        }
    }
}

/* The given index or key constraint of t named name: whether it is one
 * PostgreSQL accepts as the replica identity (*why says why not). */
static bool replica_index(Sema *s, Decl *t, const char *name,
                          const char **why, bool *found)
{
    *found = false;
    for (int i = 0; i < t->items.len; i++) {
        Item *it = t->items.items[i];
        Vec cols = {0};
        const Constraint *k = NULL;
        if (it->kind == ITEM_INDEX && it->u.index->given.name &&
            strcmp(it->u.index->given.name, name) == 0) {
            const Index *ix = it->u.index;
            *found = true;
            if (!ix->unique)
                return *why = "is not unique", false;
            if (ix->where.len)
                return *why = "has a predicate", false;
            if (!sema_index_columns(s->arena, ix, &cols))
                return *why = "indexes an expression", false;
        } else if (it->kind == ITEM_CONSTRAINT &&
                   it->u.constraint->given.name &&
                   strcmp(it->u.constraint->given.name, name) == 0) {
            k = it->u.constraint;
        } else if (it->kind == ITEM_COLUMN) {
            for (int c = 0; c < it->u.column->cons.len; c++) {
                const Constraint *cc = it->u.column->cons.items[c];
                if (cc->given.name && strcmp(cc->given.name, name) == 0)
                    k = cc;
            }
        }
        if (k) {
            *found = true;
            if (k->kind != CON_UNIQUE && k->kind != CON_PRIMARY_KEY)
                return *why = "is not a unique or primary key constraint",
                       false;
            if (k->deferrable)
                return *why = "is deferrable", false;
            cols = k->cols;
        }
        if (!*found)
            continue;
        for (int c = 0; c < cols.len; c++) {
            const Ident *id = cols.items[c];
            Column *col = sema_find_column(t, id->name);
            if (col && !col->not_null)
                return *why = arena_printf(s->arena, "is on column \"%s\", "
                                           "which may be null", id->name),
                       false;
        }
        return true;
    }
    return false;
}

void sema_replica(Sema *s, Decl *t, Item *it)
{
    for (int i = 0; i < t->items.len; i++) {
        Item *other = t->items.items[i];
        if (other == it)
            break;
        if (other->kind == ITEM_REPLICA) {
            sema_error(s, it->tok, "replica identity is declared twice in "
                       "this table");
            sema_note(s, other->tok, "first declared here");
            return;
        }
    }
    const Replica *r = it->u.replica;
    if (!r->index.name)
        return;
    const char *why = NULL;
    bool found;
    if (!replica_index(s, t, r->index.name, &why, &found) && !found)
        sema_error(s, r->index.tok, "no index \"%s\" in table \"%s\"; the "
                   "replica identity names a unique index or key declared "
                   "with its name", r->index.name, t->name.name);
    else if (why)
        sema_error(s, r->index.tok, "index \"%s\" cannot be the replica "
                   "identity: it %s", r->index.name, why);
}

/*
 * model.c — what an executable carries, built from a checked program: the
 * declared objects, the canonical statements byte for byte as
 * generated/NAME.sql has them, and the tests.  emit_pgc.c writes it as C
 * data; shape_check.c parses every statement it can lead to; `schemac
 * diff` hands it to the runtime's planner as it is.
 *
 * Everything is allocated in the arena: the SctlSchema's arrays are
 * filled through the Vecs below, then frozen.
 */
#include "schemac.h"

#include <string.h>

typedef struct Model {
    Arena *a;
    Vec objects;             /* SctlObject* */
    Vec object_at;           /* const Token*: where each was first seen */
    Vec statements;          /* SctlStatement* */
    Vec statement_at;        /* const Token* */
    ModelFiles files;
    Map *index;              /* object key -> index + 1 */
} Model;

int model_file(ModelFiles *f, const Token *at, int *line, int *col)
{
    const Source *file;
    size_t off;
    source_locate(at->src, at->off, &file, &off, line, col);
    void *found = map_get(f->index, file->name);
    if (found)
        return (int)(intptr_t)found - 1;
    vec_push(f->a, &f->names, (void *)file->name);
    map_put(f->index, file->name, (void *)(intptr_t)f->names.len);
    return f->names.len - 1;
}

static int file_of(Model *m, const Token *at, int *line, int *col)
{
    return model_file(&m->files, at, line, col);
}

static const char *key_of(Model *m, SctlKind kind, const char *schema,
                          const char *table, const char *name)
{
    return arena_printf(m->a, "%d\x1f%s\x1f%s\x1f%s", (int)kind,
                        schema ? schema : "", table ? table : "", name);
}

/* The object with this key, made at `at` if new. */
static int object(Model *m, SctlKind kind, const char *schema,
                  const char *table, const char *name, const Token *at)
{
    const char *key = key_of(m, kind, schema, table, name);
    void *found = map_get(m->index, key);
    if (found)
        return (int)(intptr_t)found - 1;
    SctlObject *o = arena_alloc(m->a, sizeof *o);
    *o = (SctlObject){.kind = kind, .schema = schema, .table = table,
                      .name = name, .parent = -1, .make = -1};
    o->file = file_of(m, at, &o->line, &o->col);
    vec_push(m->a, &m->objects, o);
    vec_push(m->a, &m->object_at, (void *)at);
    map_put(m->index, key, (void *)(intptr_t)m->objects.len);
    return m->objects.len - 1;
}

static SctlObject *obj(Model *m, int i)
{
    return m->objects.items[i];
}

static void statement(Model *m, int o, SctlStatementRole role,
                      const EmitStmt *es)
{
    SctlStatement *st = arena_alloc(m->a, sizeof *st);
    int col;
    st->object = o;
    st->role = role;
    st->file = file_of(m, es->unit->at, &st->line, &col);
    st->continues = es->continues;
    st->sql = es->sql;
    vec_push(m->a, &m->statements, st);
    vec_push(m->a, &m->statement_at, (void *)es->unit->at);
    if (role == SCTL_STMT_MAKE && obj(m, o)->make < 0)
        obj(m, o)->make = m->statements.len - 1;
}

static char *text(Model *m, void (*put)(Buf *, const void *), const void *x)
{
    Buf b = {0};
    put(&b, x);
    char *s = arena_strndup(m->a, b.data ? b.data : "", b.len);
    buf_free(&b);
    return s;
}

static void put_column(Buf *b, const void *c)
{
    emit_sql_column(b, c);
}

static void put_constraint(Buf *b, const void *k)
{
    emit_sql_inline_constraint(b, k);
}

static char *frag(Model *m, const Frag *f)
{
    return arena_strndup(m->a, f->src->text + f->off, f->len);
}

/* The object a declaration itself makes. */
static int decl_object(Model *m, const Decl *d)
{
    switch (d->kind) {
    case DECL_ROLE:
        return object(m, SCTL_K_ROLE, NULL, NULL, d->name.name, d->name.tok);
    case DECL_SCHEMA:
        return object(m, SCTL_K_SCHEMA, d->name.name, NULL, d->name.name,
                      d->name.tok);
    case DECL_EXTENSION:
        return object(m, SCTL_K_EXTENSION, NULL, NULL, d->name.name,
                      d->name.tok);
    case DECL_ENUM:
    case DECL_DOMAIN:
    case DECL_TYPE:
        return object(m, SCTL_K_TYPE, d->schema, NULL, d->name.name,
                      d->name.tok);
    case DECL_TABLE:
        return object(m, SCTL_K_TABLE, d->schema, NULL, d->name.name,
                      d->name.tok);
    case DECL_VIEW:
    case DECL_MATVIEW:
        return object(m, SCTL_K_VIEW, d->schema, NULL, d->name.name,
                      d->name.tok);
    case DECL_FUNCTION:
        return object(m, SCTL_K_FUNCTION, d->schema, NULL,
                      arena_printf(m->a, "%s(%s)", d->name.name,
                                   d->argtypes), d->name.tok);
    case DECL_BUCKET:
        return object(m, SCTL_K_BUCKET, "storage", NULL, d->name.name,
                      d->name.tok);
    case DECL_PUBLICATION:
        return object(m, SCTL_K_PUBLICATION, NULL, NULL, d->name.name,
                      d->name.tok);
    case DECL_SEQUENCE:
        return object(m, SCTL_K_SEQUENCE, d->schema, NULL, d->name.name,
                      d->name.tok);
    case DECL_ROWS:
        return object(m, SCTL_K_ROWS, d->rowset->table->schema, NULL,
                      d->rowset->table->name.name, d->name.tok);
    case DECL_PLATFORM:
    case DECL_TEMPLATE:
    case DECL_TEST:
        break;
    }
    return -1;
}

/* A part of table t (column, constraint, index, policy, trigger). */
static int part(Model *m, const Decl *t, SctlKind kind, const char *name,
                const Token *at)
{
    int o = object(m, kind, t->schema, t->name.name, name, at);
    /* a platform table's parts stand alone: the table is not the schema's */
    obj(m, o)->parent = t->extends ? -1 : decl_object(m, t);
    return o;
}

static void column(Model *m, const Decl *t, Column *c)
{
    SctlObject *o = obj(m, part(m, t, SCTL_K_COLUMN, c->name.name,
                                c->name.tok));
    o->inline_in_parent = true;
    o->renamed_from = c->renamed_from.name;
    if (c->sequence_renamed_from) {
        o->sequence = c->sequence;
        o->sequence_renamed_from = c->sequence_renamed_from;
    }
    o->definition = text(m, put_column, c);
    const Constraint *k = ast_column_constraint(c, CON_DEFAULT);
    o->default_expr = k ? frag(m, &k->expr) : NULL;
    k = ast_column_constraint(c, CON_COLLATE);
    o->type = k ? arena_printf(m->a, "%s COLLATE %s", frag(m, &c->type),
                               frag(m, &k->expr))
                : frag(m, &c->type);
    k = ast_column_constraint(c, CON_BACKFILL);
    if (k) {
        /* sema made sure it is required: the definition ends NOT NULL */
        size_t n = strlen(o->definition), tail = strlen(" NOT NULL");
        o->backfill = frag(m, &k->expr);
        if (n > tail && strcmp(o->definition + n - tail, " NOT NULL") == 0)
            o->nullable_definition = arena_strndup(m->a, o->definition,
                                                   n - tail);
    }
}

static void inline_constraint(Model *m, const Decl *t, const Constraint *k)
{
    if (!emit_sql_inline_constraint(NULL, k))
        return;
    SctlObject *o = obj(m, part(m, t, SCTL_K_CONSTRAINT, k->name, k->tok));
    o->inline_in_parent = true;
    o->renamed_from = k->renamed_from.name;
    o->definition = text(m, put_constraint, k);
    o->probe = probe_constraint(m->a, t, k);
}

/* A table and the parts its CREATE TABLE makes. */
static void table(Model *m, const Unit *u, const EmitStmt *es)
{
    const Decl *t = u->decl;
    statement(m, decl_object(m, t), SCTL_STMT_MAKE, es);
    obj(m, decl_object(m, t))->renamed_from = t->renamed_from.name;
    for (int i = 0; i < t->columns.len; i++)
        column(m, t, t->columns.items[i]);
    for (int i = 0; i < t->items.len; i++) {
        const Item *it = t->items.items[i];
        if (it->kind == ITEM_CONSTRAINT)
            inline_constraint(m, t, it->u.constraint);
        for (int k = 0; it->kind == ITEM_COLUMN &&
                        k < it->u.column->cons.len; k++)
            inline_constraint(m, t, it->u.column->cons.items[k]);
    }
}

static void partition(Model *m, const Unit *u, const EmitStmt *es)
{
    const Partition *p = u->item->u.partition;
    const char *schema = p->name.schema ? p->name.schema : u->decl->schema;
    int o = object(m, SCTL_K_TABLE, schema, NULL, p->name.name, u->at);
    obj(m, o)->parent = decl_object(m, u->decl);
    obj(m, o)->definition = frag(m, &p->bound);
    statement(m, o, SCTL_STMT_MAKE, es);
}

/* A function's signature, for ::regprocedure and GRANT ... ON FUNCTION. */
static void set_signature(Model *m, int o, const Decl *d)
{
    Buf sig = {0};
    quote_qname(&sig, d->schema, d->name.name);
    buf_printf(&sig, "(%s)", d->sigtypes);
    obj(m, o)->signature = arena_strdup(m->a, sig.data);
    buf_free(&sig);
}

static void function(Model *m, const Unit *u, const EmitStmt *es)
{
    int o = decl_object(m, u->decl);
    set_signature(m, o, u->decl);
    const char *old = u->decl->renamed_from.name;
    if (old) {
        obj(m, o)->renamed_from = old;
        obj(m, o)->arguments = arena_printf(m->a, "(%s)",
                                            u->decl->sigtypes);
    }
    statement(m, o, SCTL_STMT_MAKE, es);
}

/* Grants and comments belong to the object they name; having any makes
 * that object's privileges (or comment) managed. */
static void grant_or_comment(Model *m, const Unit *u, const EmitStmt *es)
{
    if (u->kind == UNIT_COLUMN_COMMENT) {
        int o = part(m, u->decl, SCTL_K_COLUMN, u->column->name.name, u->at);
        obj(m, o)->comment_declared = true;
        statement(m, o, SCTL_STMT_COMMENT, es);
        return;
    }
    if (!u->decl) {   /* database-wide default privileges: the role's */
        const char *role = u->item->u.grant->for_role.name;
        int o = object(m, SCTL_K_ROLE, NULL, NULL,
                       role ? role : SCTL_APPLYING_ROLE, u->at);
        obj(m, o)->grants_declared = true;
        statement(m, o, SCTL_STMT_GRANT, es);
        return;
    }
    int o = decl_object(m, u->decl);
    if (u->decl->kind == DECL_FUNCTION)   /* a platform's: made nowhere else */
        set_signature(m, o, u->decl);
    bool comment = u->kind == UNIT_COMMENT;
    if (comment)
        obj(m, o)->comment_declared = true;
    else
        obj(m, o)->grants_declared = true;
    const Grant *g = !comment && u->item ? u->item->u.grant : NULL;
    for (int i = 0; g && i < g->cols.len; i++) {
        const Ident *c = g->cols.items[i];
        obj(m, part(m, u->decl, SCTL_K_COLUMN, c->name, u->at))
            ->grants_declared = true;
    }
    statement(m, o, comment ? SCTL_STMT_COMMENT : SCTL_STMT_GRANT, es);
}

/* A table item's own comment: the constraint, index, policy or trigger
 * it names has its comment managed. */
static void part_comment(Model *m, const Unit *u, const EmitStmt *es)
{
    const char *name, *comment;
    const Token *at;
    ast_item_part(u->item, &name, &comment, &at);
    ItemKind k = u->item->kind;
    SctlKind kind = k == ITEM_CONSTRAINT ? SCTL_K_CONSTRAINT
                  : k == ITEM_INDEX ? SCTL_K_INDEX
                  : k == ITEM_POLICY ? SCTL_K_POLICY : SCTL_K_TRIGGER;
    int o = u->decl->kind == DECL_BUCKET   /* a bucket's, on storage.objects */
          ? object(m, kind, "storage", "objects", name, u->at)
          : part(m, u->decl, kind, name, u->at);
    obj(m, o)->comment_declared = true;
    statement(m, o, SCTL_STMT_COMMENT, es);
}

static void policy(Model *m, const Unit *u, const EmitStmt *es)
{
    const char *name = u->item->u.policy->name.name;
    int o = u->decl->kind == DECL_BUCKET   /* on storage.objects */
          ? object(m, SCTL_K_POLICY, "storage", "objects", name, u->at)
          : part(m, u->decl, SCTL_K_POLICY, name, u->at);
    if (u->decl->kind != DECL_BUCKET)
        obj(m, o)->renamed_from = u->item->u.policy->renamed_from.name;
    statement(m, o, SCTL_STMT_MAKE, es);
}

/* A type; an enum's renamed labels as 'new','old' pairs. */
static void enum_type(Model *m, const Unit *u, const EmitStmt *es)
{
    const Decl *d = u->decl;
    int o = decl_object(m, d);
    statement(m, o, SCTL_STMT_MAKE, es);
    Buf b = {0};
    for (int i = 0; i < d->enum_renamed.len; i++) {
        const Ident *from = d->enum_renamed.items[i];
        if (!from->name)
            continue;
        if (b.len)
            buf_putc(&b, ',');
        quote_literal(&b, ((Ident *)d->enum_labels.items[i])->name);
        buf_putc(&b, ',');
        quote_literal(&b, from->name);
    }
    if (b.len)
        obj(m, o)->label_renames = arena_strndup(m->a, b.data, b.len);
    buf_free(&b);
}

static void unit(Model *m, const EmitStmt *es)
{
    const Unit *u = es->unit;
    switch (u->kind) {
    case UNIT_SCHEMA:
        statement(m, object(m, SCTL_K_SCHEMA, u->name, NULL, u->name, u->at),
                  SCTL_STMT_MAKE, es);
        break;
    case UNIT_TYPE: enum_type(m, u, es); break;
    case UNIT_VIEW:
        statement(m, decl_object(m, u->decl), SCTL_STMT_MAKE, es);
        obj(m, decl_object(m, u->decl))->renamed_from =
            u->decl->renamed_from.name;
        break;
    case UNIT_ROLE:
    case UNIT_EXTENSION:
    case UNIT_BUCKET:
    case UNIT_PUBLICATION:
        statement(m, decl_object(m, u->decl), SCTL_STMT_MAKE, es);
        break;
    case UNIT_PUB_TABLE: {
        const Decl *t = u->item->u.pub_table->table;
        int o = object(m, SCTL_K_PUBLICATION_TABLE, t->schema, t->name.name,
                       u->decl->name.name, u->at);
        obj(m, o)->parent = decl_object(m, t);
        statement(m, o, SCTL_STMT_MAKE, es);
        break;
    }
    case UNIT_ROWS: {
        int o = decl_object(m, u->decl);
        Buf b = {0};
        emit_sql_rows_read(&b, u->decl);
        obj(m, o)->definition = arena_strndup(m->a, b.data, b.len);
        obj(m, o)->parent = decl_object(m, u->decl->rowset->table);
        buf_free(&b);
        statement(m, o, SCTL_STMT_MAKE, es);
        break;
    }
    case UNIT_REPLICA:
    case UNIT_ROWS_EXACT:
    case UNIT_SEQUENCE_OWNED:
        statement(m, decl_object(m, u->decl), SCTL_STMT_SWITCH, es);
        break;
    case UNIT_SEQUENCE: {
        int o = decl_object(m, u->decl);
        Buf b = {0};
        emit_sql_sequence_options(&b, u->decl->seq);
        obj(m, o)->type = arena_strndup(m->a, b.data, b.len);
        buf_free(&b);
        statement(m, o, SCTL_STMT_MAKE, es);
        break;
    }
    case UNIT_ROLE_MEMBERSHIP:
        statement(m, decl_object(m, u->decl), SCTL_STMT_GRANT, es);
        break;
    case UNIT_TABLE: table(m, u, es); break;
    case UNIT_PARTITION: partition(m, u, es); break;
    case UNIT_FUNCTION: function(m, u, es); break;
    case UNIT_FOREIGN_KEY: {
        int o = part(m, u->decl, SCTL_K_CONSTRAINT, u->con->name, u->at);
        obj(m, o)->renamed_from = u->con->renamed_from.name;
        obj(m, o)->probe = probe_constraint(m->a, u->decl, u->con);
        statement(m, o, SCTL_STMT_MAKE, es);
        break;
    }
    case UNIT_INDEX: {
        int o = part(m, u->decl, SCTL_K_INDEX, u->item->u.index->name, u->at);
        obj(m, o)->concurrently = u->item->u.index->concurrently;
        obj(m, o)->renamed_from = u->item->u.index->renamed_from.name;
        obj(m, o)->probe = probe_unique_index(m->a, u->decl,
                                              u->item->u.index);
        statement(m, o, SCTL_STMT_MAKE, es);
        break;
    }
    case UNIT_POLICY: policy(m, u, es); break;
    case UNIT_TRIGGER:
        statement(m, part(m, u->decl, SCTL_K_TRIGGER,
                          u->item->u.trigger->name.name, u->at),
                  SCTL_STMT_MAKE, es);
        break;
    case UNIT_RLS:
        statement(m, decl_object(m, u->decl), SCTL_STMT_SWITCH, es);
        break;
    case UNIT_GRANT:
    case UNIT_DEFAULT_PRIVS:
    case UNIT_COMMENT:
    case UNIT_COLUMN_COMMENT: grant_or_comment(m, u, es); break;
    case UNIT_PART_COMMENT: part_comment(m, u, es); break;
    }
}

/* Every schema the executable manages: the schemas of its objects, not
 * the platform's own declarations. */
static void schemas(Model *m, const Program *p, SctlSchema *s)
{
    Map *seen = map_new(m->a);
    Vec v = {0};
    for (int i = 0; i < p->decls.len; i++) {
        const Decl *d = p->decls.items[i];
        if (d->external || d->kind == DECL_PLATFORM ||
            d->kind == DECL_TEMPLATE || d->kind == DECL_TEST ||
            d->kind == DECL_ROLE || d->kind == DECL_EXTENSION ||
            d->kind == DECL_PUBLICATION || d->kind == DECL_ROWS ||
            map_get(seen, d->schema))
            continue;
        map_put(seen, d->schema, (void *)d);
        vec_push(m->a, &v, (void *)d->schema);
    }
    s->schemas = (const char *const *)v.items;
    s->nschemas = v.len;
}

/* A Vec of pointers to structs of size sz, as one array of structs. */
static void *freeze(Arena *a, const Vec *v, size_t sz)
{
    char *arr = arena_alloc(a, sz * (size_t)(v->len ? v->len : 1));
    for (int i = 0; i < v->len; i++)
        memcpy(arr + sz * (size_t)i, v->items[i], sz);
    return arr;
}

SctlSchema *model_build(Arena *a, const Program *p, const Vec *statements,
                        const char *sql, const char *project,
                        ModelTokens *at)
{
    Model m = {a, {0}, {0}, {0}, {0}, {a, {0}, map_new(a)}, map_new(a)};
    SctlSchema *s = arena_alloc(a, sizeof *s);
    for (int i = 0; i < statements->len; i++)
        unit(&m, statements->items[i]);
    char checksum[65];
    sha256_hex(sql, strlen(sql), checksum);
    s->project = project;
    s->checksum = arena_strdup(a, checksum);
    s->supabase = p->supabase;
    schemas(&m, p, s);
    s->objects = freeze(a, &m.objects, sizeof(SctlObject));
    s->nobjects = m.objects.len;
    s->statements = freeze(a, &m.statements, sizeof(SctlStatement));
    s->nstatements = m.statements.len;
    model_tests(&m.files, p, s);
    model_report(a, &m.files, p, s);
    model_ignores(&m.files, p, s);
    at->objects = (const Token *const *)m.object_at.items;
    at->statements = (const Token *const *)m.statement_at.items;
    s->files = (const char *const *)m.files.names.items;
    s->nfiles = m.files.names.len;
    return s;
}

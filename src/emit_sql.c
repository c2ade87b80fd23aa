/*
 * emit_sql.c — the canonical SQL: one statement per unit, in dependency
 * order, each after a `-- source: FILE:LINE` line.  Names and literals go
 * through quote.c; SQL fragments are copied exactly as written.
 */
#include "schemac.h"

#include <string.h>

static void put_frag(Buf *b, const Frag *f)
{
    buf_put(b, f->src->text + f->off, f->len);
}

static void put_qname(Buf *b, const Decl *d)
{
    quote_qname(b, d->schema, d->name.name);
}

static void put_idents(Buf *b, const Vec *ids)
{
    for (int i = 0; i < ids->len; i++) {
        if (i)
            buf_puts(b, ", ");
        quote_ident(b, ((Ident *)ids->items[i])->name);
    }
}

static void put_upper(Buf *b, const char *s)
{
    for (; *s; s++)
        buf_putc(b, *s >= 'a' && *s <= 'z' ? (char)(*s - 'a' + 'A') : *s);
}

/* Role lists: PUBLIC is a key word there, not a role name. */
static void put_roles(Buf *b, const Vec *roles)
{
    if (roles->len == 0) {
        buf_puts(b, "PUBLIC");
        return;
    }
    for (int i = 0; i < roles->len; i++) {
        const char *r = ((Ident *)roles->items[i])->name;
        if (i)
            buf_puts(b, ", ");
        if (strcmp(r, "public") == 0 || strcmp(r, "current_user") == 0 ||
            strcmp(r, "session_user") == 0 || strcmp(r, "current_role") == 0)
            put_upper(b, r);  /* role specifications, not role names */
        else
            quote_ident(b, r);
    }
}


/* ------------------------------------------------------------- tables */

static const char *fk_action(FkAction a)
{
    switch (a) {
    case FK_NO_ACTION: return NULL;
    case FK_RESTRICT: return "RESTRICT";
    case FK_CASCADE: return "CASCADE";
    case FK_SET_NULL: return "SET NULL";
    case FK_SET_DEFAULT: return "SET DEFAULT";
    }
    return NULL;
}

static void put_column(Buf *b, const Column *c)
{
    buf_puts(b, "    ");
    emit_sql_column(b, c);
}

/* Column properties in one fixed order, however they were written. */
void emit_sql_column(Buf *b, const Column *c)
{
    const Constraint *k;
    quote_ident(b, c->name.name);
    buf_puts(b, " ");
    put_frag(b, &c->type);
    if ((k = ast_column_constraint(c, CON_COLLATE))) {
        buf_puts(b, " COLLATE ");
        put_frag(b, &k->expr);
    }
    if ((k = ast_column_constraint(c, CON_DEFAULT))) {
        buf_puts(b, " DEFAULT ");
        put_frag(b, &k->expr);
    }
    if ((k = ast_column_constraint(c, CON_GENERATED))) {
        buf_puts(b, " GENERATED ALWAYS AS (");
        put_frag(b, &k->expr);
        buf_puts(b, ") STORED");
    }
    if ((k = ast_column_constraint(c, CON_IDENTITY))) {
        buf_printf(b, " GENERATED %s AS IDENTITY",
                   k->identity_always ? "ALWAYS" : "BY DEFAULT");
        if (k->expr.len) {
            buf_puts(b, " (");
            put_frag(b, &k->expr);
            buf_puts(b, ")");
        }
    }
    if (ast_column_constraint(c, CON_NOT_NULL))
        buf_puts(b, " NOT NULL");
}

/* Keys, checks and exclusions live in CREATE TABLE; foreign keys do not. */
static bool put_constraint(Buf *b, const Constraint *k)
{
    if (!emit_sql_inline_constraint(NULL, k))
        return false;
    buf_puts(b, ",\n    ");
    return emit_sql_inline_constraint(b, k);
}

bool emit_sql_inline_constraint(Buf *b, const Constraint *k)
{
    const char *kw = k->kind == CON_PRIMARY_KEY ? "PRIMARY KEY"
                   : k->kind == CON_UNIQUE ? "UNIQUE"
                   : k->kind == CON_CHECK ? "CHECK"
                   : k->kind == CON_EXCLUDE ? "EXCLUDE" : NULL;
    if (!kw || k->redundant)
        return false;
    if (!b)
        return true;
    buf_puts(b, "CONSTRAINT ");
    quote_ident(b, k->name);
    buf_printf(b, " %s ", kw);
    if (k->kind == CON_UNIQUE && k->nulls_not_distinct)
        buf_puts(b, "NULLS NOT DISTINCT ");
    if (k->kind == CON_CHECK || k->kind == CON_EXCLUDE) {
        buf_puts(b, k->kind == CON_CHECK ? "(" : "");
        put_frag(b, &k->expr);
        buf_puts(b, k->kind == CON_CHECK ? ")" : "");
        if (k->no_inherit)
            buf_puts(b, " NO INHERIT");
        return true;
    }
    buf_puts(b, "(");
    put_idents(b, &k->cols);
    buf_puts(b, ")");
    if (k->deferrable)
        buf_printf(b, " DEFERRABLE%s", k->initially_deferred
                                           ? " INITIALLY DEFERRED" : "");
    return true;
}

static void emit_table(Buf *b, const Decl *d)
{
    buf_puts(b, "CREATE TABLE ");
    put_qname(b, d);
    buf_puts(b, " (\n");
    for (int i = 0; i < d->columns.len; i++) {
        if (i)
            buf_puts(b, ",\n");
        put_column(b, d->columns.items[i]);
    }
    for (int i = 0; i < d->items.len; i++) {
        const Item *it = d->items.items[i];
        if (it->kind == ITEM_CONSTRAINT)
            put_constraint(b, it->u.constraint);
        if (it->kind == ITEM_COLUMN)
            for (int k = 0; k < it->u.column->cons.len; k++)
                put_constraint(b, it->u.column->cons.items[k]);
    }
    buf_puts(b, "\n)");
    for (int i = 0; i < d->items.len; i++) {
        const Item *it = d->items.items[i];
        if (it->kind == ITEM_PARTITION_BY) {
            buf_puts(b, " PARTITION BY ");
            put_frag(b, &it->u.partition_by);
        }
    }
}

static void emit_foreign_key(Buf *b, const Unit *u)
{
    const Constraint *k = u->con;
    buf_puts(b, "ALTER TABLE ");
    put_qname(b, u->decl);
    buf_puts(b, " ADD CONSTRAINT ");
    quote_ident(b, k->name);
    buf_puts(b, " FOREIGN KEY (");
    put_idents(b, &k->cols);
    buf_puts(b, ") REFERENCES ");
    put_qname(b, k->ref_decl);
    buf_puts(b, " (");
    put_idents(b, &k->ref_cols);
    buf_puts(b, ")");
    if (k->match_full)
        buf_puts(b, " MATCH FULL");
    if (fk_action(k->on_update))
        buf_printf(b, " ON UPDATE %s", fk_action(k->on_update));
    if (fk_action(k->on_delete))
        buf_printf(b, " ON DELETE %s", fk_action(k->on_delete));
    if (k->deferrable)
        buf_printf(b, " DEFERRABLE%s", k->initially_deferred
                                           ? " INITIALLY DEFERRED" : "");
}

/* CONCURRENTLY cannot run in a transaction block (psql -1): the plain
 * statement is canonical; schemactl builds such indexes concurrently. */
static void emit_index(Buf *b, const Unit *u)
{
    const Index *ix = u->item->u.index;
    buf_printf(b, "CREATE %sINDEX ", ix->unique ? "UNIQUE " : "");
    quote_ident(b, ix->name);
    buf_puts(b, " ON ");
    put_qname(b, u->decl);
    if (ix->method.name) {
        buf_puts(b, " USING ");
        quote_ident(b, ix->method.name);
    }
    buf_puts(b, " (");
    put_frag(b, &ix->elems);
    buf_puts(b, ")");
    if (ix->include.len) {
        buf_puts(b, " INCLUDE (");
        put_frag(b, &ix->include);
        buf_puts(b, ")");
    }
    if (ix->nulls_not_distinct)
        buf_puts(b, " NULLS NOT DISTINCT");
    if (ix->where.len) {
        buf_puts(b, " WHERE ");
        put_frag(b, &ix->where);
    }
}

/* `row level security forced;` is two statements: the FORCE one is
 * written by emit_sql_statements. */
static void emit_rls(Buf *b, const Unit *u)
{
    buf_puts(b, "ALTER TABLE ");
    put_qname(b, u->decl);
    buf_puts(b, " ENABLE ROW LEVEL SECURITY");
}

/* AS, FOR and TO, as written. */
static void put_policy_head(Buf *b, const Policy *p)
{
    static const char *const cmds[] = {"ALL", "SELECT", "INSERT", "UPDATE",
                                       "DELETE"};
    if (p->restrictive)
        buf_puts(b, " AS RESTRICTIVE");
    if (p->cmd_tok)
        buf_printf(b, " FOR %s", cmds[p->cmd]);
    if (p->roles.len) {
        buf_puts(b, " TO ");
        put_roles(b, &p->roles);
    }
}

/* A clause's expression; a bucket's policy (on storage.objects) gets
 * bucket_id = 'NAME' around it.  A clause not written stays absent:
 * PostgreSQL then grants nothing through it, and adding one would grant
 * more. */
static void put_policy_clause(Buf *b, const Decl *d, const char *clause,
                              const Frag *f)
{
    if (!f->len)
        return;
    buf_printf(b, " %s (", clause);
    if (d->kind == DECL_BUCKET)
        emit_sql_bucket_condition(b, d, f);
    else
        put_frag(b, f);
    buf_puts(b, ")");
}

static void emit_policy(Buf *b, const Unit *u)
{
    const Policy *p = u->item->u.policy;
    buf_puts(b, "CREATE POLICY ");
    quote_ident(b, p->name.name);
    buf_puts(b, " ON ");
    if (u->decl->kind == DECL_BUCKET)
        buf_puts(b, "storage.objects");
    else
        put_qname(b, u->decl);
    put_policy_head(b, p);
    put_policy_clause(b, u->decl, "USING", &p->using_);
    put_policy_clause(b, u->decl, "WITH CHECK", &p->check);
}

static void emit_trigger(Buf *b, const Unit *u)
{
    const Trigger *t = u->item->u.trigger;
    buf_puts(b, "CREATE TRIGGER ");
    quote_ident(b, t->name.name);
    buf_printf(b, " %s ", t->timing);
    put_frag(b, &t->events);
    buf_puts(b, " ON ");
    put_qname(b, u->decl);
    buf_printf(b, " FOR EACH %s", t->for_each_row ? "ROW" : "STATEMENT");
    if (t->when.len) {
        buf_puts(b, " WHEN (");
        put_frag(b, &t->when);
        buf_puts(b, ")");
    }
    buf_puts(b, " EXECUTE FUNCTION ");
    if (t->func_decl)
        put_qname(b, t->func_decl);
    else
        quote_qname(b, t->func.schema, t->func.name);
    buf_puts(b, "(");
    put_frag(b, &t->args);
    buf_puts(b, ")");
}

static void emit_partition(Buf *b, const Unit *u)
{
    const Partition *p = u->item->u.partition;
    buf_puts(b, "CREATE TABLE ");
    quote_qname(b, p->name.schema ? p->name.schema : u->decl->schema,
                p->name.name);
    buf_puts(b, " PARTITION OF ");
    put_qname(b, u->decl);
    buf_puts(b, " ");
    put_frag(b, &p->bound);
}

/* ------------------------------------------------------ other objects */

/* How COMMENT ON and GRANT name an object. */
static void put_object(Buf *b, const Decl *d, bool for_grant)
{
    switch (d->kind) {
    case DECL_TABLE: buf_puts(b, "TABLE "); break;
    case DECL_VIEW: buf_puts(b, for_grant ? "TABLE " : "VIEW "); break;
    case DECL_MATVIEW:
        buf_puts(b, for_grant ? "TABLE " : "MATERIALIZED VIEW ");
        break;
    case DECL_FUNCTION:
        buf_puts(b, ast_is_procedure(d) ? "PROCEDURE " : "FUNCTION ");
        break;
    case DECL_SCHEMA: buf_puts(b, "SCHEMA "); break;
    case DECL_ENUM:
    case DECL_TYPE: buf_puts(b, "TYPE "); break;
    case DECL_DOMAIN: buf_puts(b, "DOMAIN "); break;
    case DECL_EXTENSION: buf_puts(b, "EXTENSION "); break;
    case DECL_ROLE: buf_puts(b, "ROLE "); break;
    case DECL_PUBLICATION: buf_puts(b, "PUBLICATION "); break;
    case DECL_SEQUENCE: buf_puts(b, "SEQUENCE "); break;
    case DECL_ROWS: break;
    case DECL_PLATFORM:
    case DECL_TEMPLATE:
    case DECL_BUCKET:
    case DECL_TEST: break;
    }
    if (d->kind == DECL_SCHEMA || d->kind == DECL_EXTENSION ||
        d->kind == DECL_ROLE || d->kind == DECL_PUBLICATION)
        quote_ident(b, d->name.name);
    else
        put_qname(b, d);
    if (d->kind == DECL_FUNCTION)
        buf_printf(b, "(%s)", d->argtypes ? d->argtypes : "");
}

/* The column list applies to every privilege named before it. */
static void put_privileges(Buf *b, const Grant *g)
{
    for (int i = 0; i < g->privs.len; i++) {
        if (i)
            buf_puts(b, ", ");
        put_upper(b, ((Ident *)g->privs.items[i])->name);
        if (g->cols.len) {
            buf_puts(b, " (");
            put_idents(b, &g->cols);
            buf_puts(b, ")");
        }
    }
}

static void emit_grant(Buf *b, const Unit *u)
{
    const Grant *g = u->item->u.grant;
    if (u->kind == UNIT_DEFAULT_PRIVS && !u->decl) {   /* database-wide */
        buf_puts(b, "ALTER DEFAULT PRIVILEGES ");
        if (g->for_role.name) {
            buf_puts(b, "FOR ROLE ");
            quote_ident(b, g->for_role.name);
            buf_puts(b, " ");
        }
    } else if (u->kind == UNIT_DEFAULT_PRIVS) {
        buf_puts(b, "ALTER DEFAULT PRIVILEGES IN SCHEMA ");
        quote_ident(b, u->decl->name.name);
        buf_puts(b, " ");
    }
    buf_puts(b, g->revoke ? "REVOKE " : "GRANT ");
    if (g->revoke && g->grant_option)
        buf_puts(b, "GRANT OPTION FOR ");
    put_privileges(b, g);
    buf_puts(b, " ON ");
    if (g->on)
        put_upper(b, g->on);
    else
        put_object(b, u->decl, true);
    buf_puts(b, g->revoke ? " FROM " : " TO ");
    put_roles(b, &g->roles);
    if (!g->revoke && g->grant_option)
        buf_puts(b, " WITH GRANT OPTION");
}

static void emit_comment(Buf *b, const Unit *u)
{
    buf_puts(b, "COMMENT ON ");
    if (u->kind == UNIT_COLUMN_COMMENT) {
        buf_puts(b, "COLUMN ");
        put_qname(b, u->decl);
        buf_puts(b, ".");
        quote_ident(b, u->column->name.name);
    } else {
        put_object(b, u->decl, false);
    }
    buf_puts(b, " IS ");
    quote_literal(b, u->kind == UNIT_COLUMN_COMMENT ? u->column->comment
                                                    : u->item->u.comment);
}

/* COMMENT ON CONSTRAINT|INDEX|POLICY|TRIGGER: a table item's own. */
static void emit_part_comment(Buf *b, const Unit *u)
{
    const char *name, *text;
    const Token *at;
    ast_item_part(u->item, &name, &text, &at);
    buf_puts(b, "COMMENT ON ");
    if (u->item->kind == ITEM_INDEX) {   /* named in its table's schema */
        buf_puts(b, "INDEX ");
        quote_qname(b, u->decl->schema, name);
    } else {
        buf_puts(b, u->item->kind == ITEM_CONSTRAINT ? "CONSTRAINT "
                    : u->item->kind == ITEM_POLICY ? "POLICY " : "TRIGGER ");
        quote_ident(b, name);
        buf_puts(b, " ON ");
        if (u->decl->kind == DECL_BUCKET)
            buf_puts(b, "storage.objects");
        else
            put_qname(b, u->decl);
    }
    buf_puts(b, " IS ");
    quote_literal(b, text);
}

static void emit_view(Buf *b, const Decl *d)
{
    buf_printf(b, "CREATE %sVIEW ", d->kind == DECL_MATVIEW
                                         ? "MATERIALIZED " : "");
    put_qname(b, d);
    for (int i = 0; i < d->items.len; i++) {
        const Item *it = d->items.items[i];
        if (it->kind == ITEM_OPTIONS) {
            buf_puts(b, " WITH (");
            put_frag(b, &it->u.options);
            buf_puts(b, ")");
        }
    }
    for (int i = 0; i < d->items.len; i++) {
        const Item *it = d->items.items[i];
        if (it->kind == ITEM_QUERY) {
            buf_puts(b, " AS\n");
            put_frag(b, &it->u.query);
        }
    }
}

static void emit_function(Buf *b, Arena *a, const Decl *d)
{
    bool procedure = ast_is_procedure(d);
    buf_puts(b, procedure ? "CREATE PROCEDURE " : "CREATE FUNCTION ");
    put_qname(b, d);
    buf_puts(b, "(");
    put_frag(b, &d->header);
    buf_puts(b, ")");
    if (!procedure) {
        buf_puts(b, " RETURNS ");
        put_frag(b, &d->returns);
    }
    buf_puts(b, "\n    LANGUAGE ");
    quote_ident(b, d->language);
    buf_printf(b, "%s\n    AS ", d->attributes);
    if (d->body->kind == TK_DOLLAR) {
        size_t off, len;
        tok_string_body(d->body, &off, &len);
        quote_dollar(b, d->body->src->text + off, len);
    } else {
        const char *v = tok_string(a, d->body);
        quote_dollar(b, v, strlen(v));
    }
}

static void emit_type(Buf *b, const Decl *d)
{
    buf_puts(b, d->kind == DECL_DOMAIN ? "CREATE DOMAIN " : "CREATE TYPE ");
    put_qname(b, d);
    if (d->kind == DECL_DOMAIN) {
        buf_puts(b, " AS ");
        put_frag(b, &d->header);
    } else if (d->kind == DECL_TYPE) {
        buf_puts(b, " AS (");
        put_frag(b, &d->header);
        buf_puts(b, ")");
    } else {
        buf_puts(b, " AS ENUM (");
        for (int i = 0; i < d->enum_labels.len; i++) {
            if (i)
                buf_puts(b, ", ");
            quote_literal(b, ((Ident *)d->enum_labels.items[i])->name);
        }
        buf_puts(b, ")");
    }
}

/* Roles are cluster-wide and may exist already: create only if missing. */
static void emit_role(Buf *b, const Decl *d)
{
    Buf body = {0};
    buf_puts(&body, "\nBEGIN\n    IF NOT EXISTS (SELECT FROM pg_catalog."
                    "pg_roles WHERE rolname = ");
    quote_literal(&body, d->name.name);
    buf_puts(&body, ") THEN\n        CREATE ROLE ");
    quote_ident(&body, d->name.name);
    bool login = d->login;
    for (int i = 0; i < d->items.len; i++)
        login |= ((Item *)d->items.items[i])->kind == ITEM_LOGIN;
    buf_printf(&body, " %s;\n    END IF;\nEND\n", login ? "LOGIN" : "NOLOGIN");
    buf_puts(b, "DO ");
    quote_dollar(b, body.data, body.len);
    buf_free(&body);
}

static void emit_schema(Buf *b, const Unit *u, bool exists)
{
    buf_printf(b, "CREATE SCHEMA %s", exists ? "IF NOT EXISTS " : "");
    quote_ident(b, u->name);
}

static void emit_extension(Buf *b, const Decl *d)
{
    buf_puts(b, "CREATE EXTENSION IF NOT EXISTS ");
    quote_ident(b, d->name.name);
    if (d->ext_schema.name) {
        buf_puts(b, " WITH SCHEMA ");
        quote_ident(b, d->ext_schema.name);
    }
}

static void emit_membership(Buf *b, const Unit *u)
{
    buf_puts(b, "GRANT ");
    put_idents(b, &u->item->u.in_roles);
    buf_puts(b, " TO ");
    quote_ident(b, u->decl->name.name);
}

void emit_sql_unit(Buf *b, Arena *a, const Unit *u)
{
    switch (u->kind) {
    case UNIT_ROLE: emit_role(b, u->decl); break;
    case UNIT_ROLE_MEMBERSHIP: emit_membership(b, u); break;
    case UNIT_SCHEMA: emit_schema(b, u, u->exists); break;
    case UNIT_EXTENSION: emit_extension(b, u->decl); break;
    case UNIT_TYPE: emit_type(b, u->decl); break;
    case UNIT_TABLE: emit_table(b, u->decl); break;
    case UNIT_PARTITION: emit_partition(b, u); break;
    case UNIT_FUNCTION: emit_function(b, a, u->decl); break;
    case UNIT_VIEW: emit_view(b, u->decl); break;
    case UNIT_FOREIGN_KEY: emit_foreign_key(b, u); break;
    case UNIT_INDEX: emit_index(b, u); break;
    case UNIT_RLS: emit_rls(b, u); break;
    case UNIT_POLICY: emit_policy(b, u); break;
    case UNIT_TRIGGER: emit_trigger(b, u); break;
    case UNIT_GRANT:
    case UNIT_DEFAULT_PRIVS: emit_grant(b, u); break;
    case UNIT_COMMENT:
    case UNIT_COLUMN_COMMENT: emit_comment(b, u); break;
    case UNIT_PART_COMMENT: emit_part_comment(b, u); break;
    case UNIT_BUCKET: emit_sql_bucket(b, a, u->decl); break;
    case UNIT_REPLICA: emit_sql_replica(b, u); break;
    case UNIT_PUBLICATION: emit_sql_publication(b, u); break;
    case UNIT_PUB_TABLE: emit_sql_pub_table(b, u); break;
    case UNIT_SEQUENCE: emit_sql_sequence(b, u); break;
    case UNIT_SEQUENCE_OWNED: emit_sql_sequence_owned(b, u); break;
    case UNIT_ROWS: emit_sql_rows(b, u); break;
    case UNIT_ROWS_EXACT: emit_sql_rows_exact(b, u); break;
    }
}

/* File names go into comments: no byte may end the comment line early. */
static void put_source_line(Buf *b, const Unit *u)
{
    const Source *file;
    size_t off;
    int line, col;
    source_locate(u->at->src, u->at->off, &file, &off, &line, &col);
    buf_puts(b, "-- source: ");
    for (const char *p = file->name; *p; p++)
        buf_putc(b, (unsigned char)*p < 0x20 ? '?' : *p);
    buf_printf(b, ":%d\n", line);
}

static void add_statement(Arena *a, Vec *out, const Unit *u, Buf *sql,
                          bool continues)
{
    EmitStmt *st = arena_alloc(a, sizeof *st);
    st->unit = u;
    st->sql = arena_strndup(a, sql->data ? sql->data : "", sql->len);
    st->continues = continues;
    vec_push(a, out, st);
    sql->len = 0;
}

void emit_sql_statements(Arena *a, const Program *p, Vec *out)
{
    Buf b = {0};
    for (int i = 0; i < p->units.len; i++) {
        const Unit *u = p->units.items[i];
        emit_sql_unit(&b, a, u);
        add_statement(a, out, u, &b, false);
        if (u->kind == UNIT_RLS && u->item->u.forced) {
            buf_puts(&b, "ALTER TABLE ");
            put_qname(&b, u->decl);
            buf_puts(&b, " FORCE ROW LEVEL SECURITY");
            add_statement(a, out, u, &b, true);
        }
    }
    buf_free(&b);
}

void emit_sql_write(Buf *out, const Vec *statements)
{
    buf_puts(out, "-- generated by schemac; do not edit\n"
                  "-- apply with: psql -v ON_ERROR_STOP=1 -1 -f FILE\n");
    for (int i = 0; i < statements->len; i++) {
        const EmitStmt *st = statements->items[i];
        if (!st->continues) {
            buf_puts(out, "\n");
            put_source_line(out, st->unit);
        }
        buf_puts(out, st->sql);
        buf_puts(out, ";\n");
    }
}

void emit_sql(Buf *out, Arena *a, const Program *p)
{
    Vec statements = {0};
    emit_sql_statements(a, p, &statements);
    emit_sql_write(out, &statements);
}

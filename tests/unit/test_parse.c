/*
 * test_parse.c — the parser: what each declaration and item puts in the
 * syntax tree (names folded, fragments exactly as written), the item-keyword
 * rule, every error message it gives and how it recovers.
 */
#include "fixture.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static Program prog;

static void setup(void)
{
    fixture_setup();
    memset(&prog, 0, sizeof prog);
}

static const TokenList *lex(const char *text)
{
    Source *src = source_from_text(arena, "t.schema", text, strlen(text));
    TokenList *tl = arena_alloc(arena, sizeof *tl);
    *tl = lex_source(arena, src, &diag);
    return tl;
}

/* Parses text as the file "t.schema"; returns the messages. */
static const char *parse(const char *text)
{
    parse_file(arena, &prog, lex(text), &diag);
    return fixture_messages();
}

/* Parses text that must be one declaration without errors. */
static Decl *only(const char *text)
{
    memset(&prog, 0, sizeof prog);
    ck_assert_str_eq(parse(text), "");
    ck_assert_int_eq(diag.errors, 0);
    ck_assert_int_eq(prog.decls.len, 1);
    return prog.decls.items[0];
}

static Item *item(const Decl *d, int i)
{
    ck_assert_int_lt(i, d->items.len);
    return d->items.items[i];
}

/* The one item of a table declared around body. */
static Item *table_item(const char *body, ItemKind kind)
{
    Decl *d = only(arena_printf(arena, "table t { %s }", body));
    ck_assert_int_eq(d->items.len, 1);
    ck_assert_int_eq(item(d, 0)->kind, kind);
    return item(d, 0);
}

static Column *column(const char *body)
{
    return table_item(body, ITEM_COLUMN)->u.column;
}

static Constraint *con(const Column *c, int i)
{
    ck_assert_int_lt(i, c->cons.len);
    return c->cons.items[i];
}

/* A fragment's text, exactly as written in its source. */
static const char *ftext(Frag f)
{
    if (f.len == 0)
        return "";
    return arena_strndup(arena, f.src->text + f.off, f.len);
}

static const char *ttext(const Token *t)
{
    return arena_strndup(arena, tok_text(t), t->len);
}

/* Names of a Vec of Ident*, joined by commas. */
static const char *names(const Vec *v)
{
    char *r = arena_strdup(arena, "");
    for (int i = 0; i < v->len; i++)
        r = arena_printf(arena, "%s%s%s", r, i ? "," : "",
                         ((const Ident *)v->items[i])->name);
    return r;
}

/* ----------------------------------------------------- declarations */

START_TEST(test_platform)
{
    Decl *d = only("platform Supabase;");
    ck_assert_int_eq(d->kind, DECL_PLATFORM);
    ck_assert_str_eq(ttext(d->tok), "platform");
    ck_assert_str_eq(d->name.name, "supabase");
    ck_assert_ptr_null(d->name.schema);
    ck_assert_uint_eq(d->name.len, 8);
    ck_assert(tok_punct(d->end, ';'));
    ck_assert_int_eq(d->items.len, 0);
}
END_TEST

START_TEST(test_extension)
{
    Decl *d = only("extension \"PostGIS\" schema Extensions;");
    ck_assert_int_eq(d->kind, DECL_EXTENSION);
    ck_assert_str_eq(d->name.name, "PostGIS");
    ck_assert_str_eq(d->ext_schema.name, "extensions");
    ck_assert_str_eq(ttext(d->ext_schema.tok), "Extensions");
    d = only("extension pgcrypto { comment 'hashing'; }");
    ck_assert_ptr_null(d->ext_schema.name);
    ck_assert_int_eq(item(d, 0)->kind, ITEM_COMMENT);
    ck_assert_str_eq(item(d, 0)->u.comment, "hashing");
    ck_assert(tok_punct(d->end, '}'));
}
END_TEST

START_TEST(test_role)
{
    Decl *d = only("role Finance login;");
    ck_assert_int_eq(d->kind, DECL_ROLE);
    ck_assert_str_eq(d->name.name, "finance");
    ck_assert(d->login);
    d = only("role r { in role a, \"B\"; login; comment 'c'; }");
    ck_assert(!d->login);
    ck_assert_int_eq(d->items.len, 3);
    ck_assert_int_eq(item(d, 0)->kind, ITEM_IN_ROLE);
    ck_assert_str_eq(names(&item(d, 0)->u.in_roles), "a,B");
    ck_assert_str_eq(ttext(item(d, 0)->tok), "in");
    ck_assert_int_eq(item(d, 1)->kind, ITEM_LOGIN);
    ck_assert_str_eq(ttext(item(d, 1)->tok), "login");
    ck_assert_int_eq(item(d, 2)->kind, ITEM_COMMENT);
    ck_assert_str_eq(item(d, 2)->u.comment, "c");
}
END_TEST

START_TEST(test_schema_items)
{
    Decl *d = only(
        "schema Sched {\n"
        "  grant usage, create to authenticated;\n"
        "  default privileges grant select on Tables to anon, r2;\n"
        "  default privileges revoke execute on functions from public;\n"
        "  comment 'Appointments';\n"
        "}");
    ck_assert_int_eq(d->kind, DECL_SCHEMA);
    ck_assert_str_eq(d->name.name, "sched");
    ck_assert_int_eq(d->items.len, 4);
    Grant *g = item(d, 0)->u.grant;
    ck_assert_int_eq(item(d, 0)->kind, ITEM_GRANT);
    ck_assert_str_eq(names(&g->privs), "usage,create");
    ck_assert_str_eq(names(&g->roles), "authenticated");
    ck_assert_ptr_null(g->on);
    g = item(d, 1)->u.grant;
    ck_assert_int_eq(item(d, 1)->kind, ITEM_DEFAULT_PRIVS);
    ck_assert_str_eq(ttext(item(d, 1)->tok), "default");
    ck_assert(!g->revoke);
    ck_assert_str_eq(names(&g->privs), "select");
    ck_assert_str_eq(g->on, "tables");
    ck_assert_str_eq(names(&g->roles), "anon,r2");
    g = item(d, 2)->u.grant;
    ck_assert(g->revoke);
    ck_assert_str_eq(g->on, "functions");
    ck_assert_str_eq(names(&g->roles), "public");
    ck_assert_str_eq(item(d, 3)->u.comment, "Appointments");
}
END_TEST

START_TEST(test_enum)
{
    Decl *d = only("enum Identity.User_Status ('active', 'it''s', E'a\\tb');");
    ck_assert_int_eq(d->kind, DECL_ENUM);
    ck_assert_str_eq(d->name.schema, "identity");
    ck_assert_str_eq(d->name.name, "user_status");
    ck_assert_uint_eq(d->name.len, strlen("Identity.User_Status"));
    ck_assert_int_eq(d->enum_labels.len, 3);
    ck_assert_str_eq(names(&d->enum_labels), "active,it's,a\tb");
    const Ident *l = d->enum_labels.items[1];
    ck_assert_str_eq(ttext(l->tok), "'it''s'");
    d = only("enum e ('a') { comment 'x'; }");
    ck_assert_int_eq(d->items.len, 1);
    ck_assert_str_eq(item(d, 0)->u.comment, "x");
}
END_TEST

START_TEST(test_domain_and_type)
{
    Decl *d = only("domain public.email text check (value ~* '^[^@]+$');");
    ck_assert_int_eq(d->kind, DECL_DOMAIN);
    ck_assert_str_eq(d->name.schema, "public");
    ck_assert_str_eq(ftext(d->header), "text check (value ~* '^[^@]+$')");
    d = only("type money_amount as (amount numeric(12, 2), c char(3)) "
             "{ comment 'm'; }");
    ck_assert_int_eq(d->kind, DECL_TYPE);
    ck_assert_str_eq(ftext(d->header), "amount numeric(12, 2), c char(3)");
    ck_assert_str_eq(item(d, 0)->u.comment, "m");
}
END_TEST

START_TEST(test_table_names)
{
    Decl *d = only("table Scheduling.Appointments { }");
    ck_assert_int_eq(d->kind, DECL_TABLE);
    ck_assert_str_eq(d->name.schema, "scheduling");
    ck_assert_str_eq(d->name.name, "appointments");
    ck_assert_str_eq(ttext(d->name.tok), "Scheduling");
    ck_assert_uint_eq(d->name.len, strlen("Scheduling.Appointments"));
    ck_assert_int_eq(d->items.len, 0);
    d = only("table \"My Schema\" . \"T\" {}");
    ck_assert_str_eq(d->name.schema, "My Schema");
    ck_assert_str_eq(d->name.name, "T");
    ck_assert_uint_eq(d->name.len, strlen("\"My Schema\" . \"T\""));
}
END_TEST

/* Declarations and items are keywords in any case; names still fold. */
START_TEST(test_keywords_any_case)
{
    Decl *d = only("TABLE T { A INT NOT NULL; Index (A); }");
    ck_assert_str_eq(d->name.name, "t");
    Column *c = item(d, 0)->u.column;
    ck_assert_str_eq(c->name.name, "a");
    ck_assert_str_eq(ftext(c->type), "INT");
    ck_assert_int_eq(con(c, 0)->kind, CON_NOT_NULL);
    ck_assert_int_eq(item(d, 1)->kind, ITEM_INDEX);
}
END_TEST

/* Every declaration keeps its keyword and its closing token. */
START_TEST(test_decl_tok_and_end)
{
    ck_assert_str_eq(parse("table a { x int; }\n"
                           "materialized view m { as select 1; }\n"
                           "role r;"), "");
    ck_assert_int_eq(prog.decls.len, 3);
    Decl *t = prog.decls.items[0], *m = prog.decls.items[1],
         *r = prog.decls.items[2];
    ck_assert_uint_eq(t->tok->off, 0);
    ck_assert_uint_eq(t->end->off, 17);
    ck_assert_int_eq(m->kind, DECL_MATVIEW);
    ck_assert_str_eq(ttext(m->tok), "materialized");
    ck_assert(tok_punct(m->end, '}'));
    ck_assert(tok_punct(r->end, ';'));
    ck_assert_str_eq(decl_kind_name(m->kind), "materialized view");
    ck_assert_str_eq(item_kind_name(ITEM_DEFAULT_PRIVS),
                     "default privileges");
}
END_TEST

/* ---------------------------------------------------------- columns */

static const struct {
    const char *body;
    const char *name;
    const char *type;
    int ncons;
} columns[] = {
    {"id uuid;", "id", "uuid", 0},
    {"\"Id\" int8;", "Id", "int8", 0},
    {"Total double precision not null;", "total", "double precision", 1},
    {"p numeric(10, 2) check (p > 0);", "p", "numeric(10, 2)", 1},
    {"at timestamp with time zone default now();", "at",
     "timestamp with time zone", 1},
    {"tags character varying(20)[] unique;", "tags",
     "character varying(20)[]", 1},
    {"s public.status references s;", "s", "public.status", 1},
    {"n text collate \"C\";", "n", "text", 1},
    {"c text comment 'x';", "c", "text", 0},
    {"g int generated always as identity;", "g", "int", 1},
    {"k int constraint k_pos check (k > 0);", "k", "int", 1},
    {"d int null;", "d", "int", 1},
};

START_TEST(test_column_types)
{
    Column *c = column(columns[_i].body);
    ck_assert_str_eq(c->name.name, columns[_i].name);
    ck_assert_str_eq(ftext(c->type), columns[_i].type);
    ck_assert_int_eq(c->cons.len, columns[_i].ncons);
}
END_TEST

START_TEST(test_column_constraints_in_order)
{
    Column *c = column(
        "a int constraint a_nn not null null default 1 primary key "
        "unique nulls not distinct references u check (a > 0) no inherit "
        "generated always as (a * 2) stored collate pg_catalog.\"C\" "
        "comment 'it''s';");
    static const ConKind kinds[] = {
        CON_NOT_NULL, CON_NULL, CON_DEFAULT, CON_PRIMARY_KEY, CON_UNIQUE,
        CON_FOREIGN_KEY, CON_CHECK, CON_GENERATED, CON_COLLATE,
    };
    static const char *const toks[] = {
        "constraint", "null", "default", "primary", "unique", "references",
        "check", "generated", "collate",
    };
    ck_assert_int_eq(c->cons.len, 9);
    for (int i = 0; i < 9; i++) {
        ck_assert_int_eq(con(c, i)->kind, kinds[i]);
        ck_assert_str_eq(ttext(con(c, i)->tok), toks[i]);
        ck_assert_ptr_eq(con(c, i)->column, c);
    }
    ck_assert_str_eq(con(c, 0)->given.name, "a_nn");
    ck_assert_ptr_null(con(c, 1)->given.name);
    ck_assert_str_eq(ftext(con(c, 2)->expr), "1");
    ck_assert(con(c, 4)->nulls_not_distinct);
    ck_assert_str_eq(con(c, 5)->ref_table.name, "u");
    ck_assert_int_eq(con(c, 5)->ref_cols.len, 0);
    ck_assert_str_eq(ftext(con(c, 6)->expr), "a > 0");
    ck_assert(con(c, 6)->no_inherit);
    ck_assert_str_eq(ftext(con(c, 7)->expr), "a * 2");
    ck_assert_str_eq(ftext(con(c, 8)->expr), "pg_catalog.\"C\"");
    ck_assert_str_eq(c->comment, "it's");
    ck_assert_str_eq(ttext(c->comment_tok), "'it''s'");
}
END_TEST

/* A default is one term: it stops at the next column keyword. */
static const struct {
    const char *body;
    const char *expr;
    int next;          /* kind of the constraint after it, -1 if none */
} defaults[] = {
    {"a int default null;", "null", -1},
    {"a int default null not null;", "null", CON_NOT_NULL},
    {"a text default null::text;", "null::text", -1},
    {"a timestamptz default now() not null;", "now()", CON_NOT_NULL},
    {"a jsonb default '{}'::jsonb check (a <> '{}');", "'{}'::jsonb",
     CON_CHECK},
    {"a int default (b + c) unique;", "(b + c)", CON_UNIQUE},
    {"a int default -1 comment 'x';", "-1", -1},
    {"a text default 'x' collate \"C\";", "'x'", CON_COLLATE},
    {"a int default 1 + 2 references t;", "1 + 2", CON_FOREIGN_KEY},
    {"a uuid default gen_random_uuid() primary key;", "gen_random_uuid()",
     CON_PRIMARY_KEY},
    {"a int default nextval('s'::regclass) constraint c check (a > 0);",
     "nextval('s'::regclass)", CON_CHECK},
    {"a interval default interval '1 day' null;", "interval '1 day'",
     CON_NULL},
    {"a text[] default array['x', 'y']::text[];", "array['x', 'y']::text[]",
     -1},
    {"a bool default (a is not null) not null;", "(a is not null)",
     CON_NOT_NULL},
    {"a int default 0 generated always as identity;", "0", CON_IDENTITY},
    {"a int DEFAULT 7 NOT NULL;", "7", CON_NOT_NULL},
};

START_TEST(test_default_terms)
{
    Column *c = column(defaults[_i].body);
    ck_assert_int_eq(con(c, 0)->kind, CON_DEFAULT);
    ck_assert_str_eq(ftext(con(c, 0)->expr), defaults[_i].expr);
    ck_assert_ptr_eq(con(c, 0)->expr.first->src, c->name.tok->src);
    if (defaults[_i].next < 0) {
        ck_assert_int_eq(c->cons.len, 1);
    } else {
        ck_assert_int_eq(c->cons.len, 2);
        ck_assert_int_eq(con(c, 1)->kind, defaults[_i].next);
    }
}
END_TEST

START_TEST(test_references_full)
{
    Column *c = column("a int references S.U (Id, \"X\") match full "
                       "on delete cascade on update set default "
                       "deferrable initially deferred;");
    Constraint *k = con(c, 0);
    ck_assert_int_eq(k->kind, CON_FOREIGN_KEY);
    ck_assert_str_eq(k->ref_table.schema, "s");
    ck_assert_str_eq(k->ref_table.name, "u");
    ck_assert_str_eq(names(&k->ref_cols), "id,X");
    ck_assert_int_eq(k->cols.len, 0);
    ck_assert(k->match_full);
    ck_assert_int_eq(k->on_delete, FK_CASCADE);
    ck_assert_int_eq(k->on_update, FK_SET_DEFAULT);
    ck_assert(k->deferrable);
    ck_assert(k->initially_deferred);
}
END_TEST

START_TEST(test_references_defaults)
{
    Column *c = column("a int references u match simple not deferrable "
                       "initially immediate;");
    Constraint *k = con(c, 0);
    ck_assert(!k->match_full);
    ck_assert_int_eq(k->on_delete, FK_NO_ACTION);
    ck_assert_int_eq(k->on_update, FK_NO_ACTION);
    ck_assert(!k->deferrable);
    ck_assert(!k->initially_deferred);
    ck_assert_int_eq(c->cons.len, 1);
}
END_TEST

static const struct {
    const char *action;
    FkAction value;
} actions[] = {
    {"cascade", FK_CASCADE},
    {"restrict", FK_RESTRICT},
    {"no action", FK_NO_ACTION},
    {"set null", FK_SET_NULL},
    {"set default", FK_SET_DEFAULT},
    {"SET NULL", FK_SET_NULL},
};

START_TEST(test_fk_actions)
{
    const char *a = actions[_i].action;
    Column *c = column(arena_printf(arena, "a int references u (id) "
                       "on update %s on delete %s not null;", a, a));
    ck_assert_int_eq(con(c, 0)->on_delete, actions[_i].value);
    ck_assert_int_eq(con(c, 0)->on_update, actions[_i].value);
    ck_assert_int_eq(con(c, 1)->kind, CON_NOT_NULL);
}
END_TEST

START_TEST(test_generated)
{
    Column *c = column("a int generated by default as identity "
                       "(start with 10) not null;");
    ck_assert_int_eq(con(c, 0)->kind, CON_IDENTITY);
    ck_assert(!con(c, 0)->identity_always);
    ck_assert_str_eq(ftext(con(c, 0)->expr), "start with 10");
    ck_assert_int_eq(con(c, 1)->kind, CON_NOT_NULL);
    c = column("a int generated always as identity;");
    ck_assert_int_eq(con(c, 0)->kind, CON_IDENTITY);
    ck_assert(con(c, 0)->identity_always);
    ck_assert_uint_eq(con(c, 0)->expr.len, 0);
    c = column("total numeric generated always as (price * (1 + tax)) "
               "stored;");
    ck_assert_int_eq(con(c, 0)->kind, CON_GENERATED);
    ck_assert_str_eq(ftext(con(c, 0)->expr), "price * (1 + tax)");
}
END_TEST

/* ------------------------------------------------- table constraints */

START_TEST(test_table_constraints)
{
    Decl *d = only("table t {\n"
                   "  constraint T_PK primary key (a, B);\n"
                   "  unique nulls not distinct (c);\n"
                   "  check (a > b) no inherit;\n"
                   "  constraint fk foreign key (a, b) references s.u (x, y)"
                   " on delete set null on update restrict;\n"
                   "}");
    ck_assert_int_eq(d->items.len, 4);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(item(d, i)->kind, ITEM_CONSTRAINT);
    Constraint *pk = item(d, 0)->u.constraint, *uq = item(d, 1)->u.constraint,
               *ck = item(d, 2)->u.constraint, *fk = item(d, 3)->u.constraint;
    ck_assert_int_eq(pk->kind, CON_PRIMARY_KEY);
    ck_assert_str_eq(pk->given.name, "t_pk");
    ck_assert_str_eq(names(&pk->cols), "a,b");
    ck_assert_str_eq(ttext(pk->tok), "constraint");
    ck_assert_ptr_null(pk->column);
    ck_assert_int_eq(uq->kind, CON_UNIQUE);
    ck_assert(uq->nulls_not_distinct);
    ck_assert_str_eq(names(&uq->cols), "c");
    ck_assert_ptr_null(uq->given.name);
    ck_assert_int_eq(ck->kind, CON_CHECK);
    ck_assert_str_eq(ftext(ck->expr), "a > b");
    ck_assert(ck->no_inherit);
    ck_assert_int_eq(fk->kind, CON_FOREIGN_KEY);
    ck_assert_str_eq(names(&fk->cols), "a,b");
    ck_assert_str_eq(fk->ref_table.schema, "s");
    ck_assert_str_eq(names(&fk->ref_cols), "x,y");
    ck_assert_int_eq(fk->on_delete, FK_SET_NULL);
    ck_assert_int_eq(fk->on_update, FK_RESTRICT);
}
END_TEST

START_TEST(test_exclude)
{
    Item *it = table_item("constraint no_overlap exclude using gist "
                          "(room with =, during with &&) where (a > 0);",
                          ITEM_CONSTRAINT);
    Constraint *c = it->u.constraint;
    ck_assert_int_eq(c->kind, CON_EXCLUDE);
    ck_assert_str_eq(c->given.name, "no_overlap");
    ck_assert_str_eq(ftext(c->expr), "using gist (room with =, during with "
                     "&&) where (a > 0)");
}
END_TEST

/* ---------------------------------------------------------- indexes */

START_TEST(test_index_full)
{
    Index *ix = table_item(
        "unique index Ix_A using GIN (a jsonb_path_ops, (lower(b)) desc) "
        "include (c, d) nulls not distinct where a is not null "
        "concurrently;", ITEM_INDEX)->u.index;
    ck_assert(ix->unique);
    ck_assert_str_eq(ttext(ix->tok), "unique");
    ck_assert_str_eq(ix->given.name, "ix_a");
    ck_assert_str_eq(ix->method.name, "gin");
    ck_assert_str_eq(ftext(ix->elems), "a jsonb_path_ops, (lower(b)) desc");
    ck_assert_str_eq(ftext(ix->include), "c, d");
    ck_assert(ix->nulls_not_distinct);
    ck_assert_str_eq(ftext(ix->where), "a is not null");
    ck_assert(ix->concurrently);
}
END_TEST

START_TEST(test_index_minimal)
{
    Index *ix = table_item("index (a);", ITEM_INDEX)->u.index;
    ck_assert(!ix->unique);
    ck_assert_str_eq(ttext(ix->tok), "index");
    ck_assert_ptr_null(ix->given.name);
    ck_assert_ptr_null(ix->method.name);
    ck_assert_str_eq(ftext(ix->elems), "a");
    ck_assert_uint_eq(ix->include.len, 0);
    ck_assert_uint_eq(ix->where.len, 0);
    ck_assert(!ix->concurrently);
    ck_assert(!ix->nulls_not_distinct);
    ix = table_item("index using btree (a) where (a > 0);",
                    ITEM_INDEX)->u.index;
    ck_assert_ptr_null(ix->given.name);
    ck_assert_str_eq(ix->method.name, "btree");
    ck_assert_str_eq(ftext(ix->where), "(a > 0)");
}
END_TEST

/* --------------------------------------------------------- policies */

START_TEST(test_policy_full)
{
    Policy *p = table_item(
        "policy \"Users read\" as restrictive for select to authenticated, "
        "\"Admin\" using (a = auth.uid()) with check (b > (0));",
        ITEM_POLICY)->u.policy;
    ck_assert_str_eq(p->name.name, "Users read");
    ck_assert(p->restrictive);
    ck_assert_int_eq(p->cmd, POL_SELECT);
    ck_assert_str_eq(ttext(p->cmd_tok), "select");
    ck_assert_str_eq(names(&p->roles), "authenticated,Admin");
    ck_assert_str_eq(ftext(p->using_), "a = auth.uid()");
    ck_assert_str_eq(ftext(p->check), "b > (0)");
}
END_TEST

static const struct {
    const char *cmd;
    PolicyCmd value;
} commands[] = {
    {"all", POL_ALL}, {"select", POL_SELECT}, {"insert", POL_INSERT},
    {"update", POL_UPDATE}, {"DELETE", POL_DELETE},
};

START_TEST(test_policy_commands)
{
    Policy *p = table_item(arena_printf(arena, "policy 'p' as permissive "
                                        "for %s;", commands[_i].cmd),
                           ITEM_POLICY)->u.policy;
    ck_assert_str_eq(p->name.name, "p");
    ck_assert_str_eq(ttext(p->name.tok), "'p'");
    ck_assert(!p->restrictive);
    ck_assert_int_eq(p->cmd, commands[_i].value);
}
END_TEST

START_TEST(test_policy_minimal)
{
    Policy *p = table_item("policy \"p\";", ITEM_POLICY)->u.policy;
    ck_assert_int_eq(p->cmd, POL_ALL);
    ck_assert_ptr_null(p->cmd_tok);
    ck_assert_int_eq(p->roles.len, 0);
    ck_assert_uint_eq(p->using_.len, 0);
    ck_assert_uint_eq(p->check.len, 0);
    p = table_item("policy 'it''s' with check (true);", ITEM_POLICY)
            ->u.policy;
    ck_assert_str_eq(p->name.name, "it's");
    ck_assert_str_eq(ftext(p->check), "true");
}
END_TEST

/* --------------------------------------------------------- triggers */

START_TEST(test_trigger_full)
{
    Trigger *t = table_item(
        "trigger Set_Updated before insert or update of a, b for each row "
        "when (new.a is distinct from old.a) "
        "execute function Public.Touch('x', 1);", ITEM_TRIGGER)->u.trigger;
    ck_assert_str_eq(t->name.name, "set_updated");
    ck_assert_str_eq(t->timing, "BEFORE");
    ck_assert_str_eq(ftext(t->events), "insert or update of a, b");
    ck_assert(t->for_each_row);
    ck_assert_str_eq(ftext(t->when), "new.a is distinct from old.a");
    ck_assert_str_eq(t->func.schema, "public");
    ck_assert_str_eq(t->func.name, "touch");
    ck_assert_str_eq(ftext(t->args), "'x', 1");
}
END_TEST

START_TEST(test_trigger_statement)
{
    Trigger *t = table_item("trigger t2 after delete for statement "
                            "execute procedure f();", ITEM_TRIGGER)
                     ->u.trigger;
    ck_assert_str_eq(t->timing, "AFTER");
    ck_assert_str_eq(ftext(t->events), "delete");
    ck_assert(!t->for_each_row);
    ck_assert_uint_eq(t->when.len, 0);
    ck_assert_ptr_null(t->func.schema);
    ck_assert_uint_eq(t->args.len, 0);
    t = table_item("trigger t3 instead of insert execute function f();",
                   ITEM_TRIGGER)->u.trigger;
    ck_assert_str_eq(t->timing, "INSTEAD OF");
    ck_assert_str_eq(ftext(t->events), "insert");
    ck_assert(!t->for_each_row);
}
END_TEST

/* ------------------------------------------------ other table items */

START_TEST(test_rls)
{
    Item *it = table_item("row level security;", ITEM_RLS);
    ck_assert(!it->u.forced);
    ck_assert_str_eq(ttext(it->tok), "row");
    it = table_item("ROW LEVEL SECURITY FORCED;", ITEM_RLS);
    ck_assert(it->u.forced);
}
END_TEST

START_TEST(test_partitions)
{
    Decl *d = only("table t {\n"
                   "  partition by range (created_at);\n"
                   "  partition T_2024 for values from ('2024-01-01') "
                   "to ('2025-01-01');\n"
                   "  partition t_other default;\n"
                   "}");
    ck_assert_int_eq(d->items.len, 3);
    ck_assert_int_eq(item(d, 0)->kind, ITEM_PARTITION_BY);
    ck_assert_str_eq(ftext(item(d, 0)->u.partition_by),
                     "range (created_at)");
    Partition *p = item(d, 1)->u.partition;
    ck_assert_int_eq(item(d, 1)->kind, ITEM_PARTITION);
    ck_assert_ptr_null(p->name.schema);
    ck_assert_str_eq(p->name.name, "t_2024");
    ck_assert_str_eq(ftext(p->bound),
                     "for values from ('2024-01-01') to ('2025-01-01')");
    p = item(d, 2)->u.partition;
    ck_assert_str_eq(p->name.name, "t_other");
    ck_assert_str_eq(ftext(p->bound), "default");
}
END_TEST

/* `use` arguments are split at commas outside parentheses and strings. */
START_TEST(test_use_args)
{
    Use *u = table_item("use Tenant(company_id, f(a, b), 'x, y', "
                        "a[1,2], (c, d));", ITEM_USE)->u.use;
    ck_assert_str_eq(u->name.name, "tenant");
    ck_assert_str_eq(ttext(u->tok), "use");
    ck_assert(tok_punct(u->end, ')'));
    ck_assert_int_eq(u->args.len, 5);
    static const char *const want[] = {"company_id", "f(a, b)", "'x, y'",
                                       "a[1,2]", "(c, d)"};
    for (int i = 0; i < 5; i++)
        ck_assert_str_eq(ftext(*(Frag *)u->args.items[i]), want[i]);
    u = table_item("use stamps();", ITEM_USE)->u.use;
    ck_assert_int_eq(u->args.len, 0);
    ck_assert(tok_punct(u->end, ')'));
}
END_TEST

START_TEST(test_grant_items)
{
    Decl *d = only("table t {\n"
                   "  grant select, update (a, \"B\") to authenticated, "
                   "\"Admin\" with grant option;\n"
                   "  revoke grant option for all privileges from public;\n"
                   "  revoke delete from r;\n"
                   "}");
    Grant *g = item(d, 0)->u.grant;
    ck_assert_int_eq(item(d, 0)->kind, ITEM_GRANT);
    ck_assert(!g->revoke);
    ck_assert_str_eq(names(&g->privs), "select,update");
    ck_assert_str_eq(names(&g->cols), "a,B");
    ck_assert_str_eq(names(&g->roles), "authenticated,Admin");
    ck_assert(g->grant_option);
    ck_assert_str_eq(ttext(g->tok), "grant");
    g = item(d, 1)->u.grant;
    ck_assert(g->revoke);
    ck_assert(g->grant_option);
    ck_assert_str_eq(names(&g->privs), "all");
    ck_assert_str_eq(names(&g->roles), "public");
    g = item(d, 2)->u.grant;
    ck_assert(g->revoke);
    ck_assert(!g->grant_option);
    ck_assert_int_eq(g->cols.len, 0);
}
END_TEST

START_TEST(test_comment_items)
{
    Decl *d = only("table t { comment 'it''s'; comment $$a 'b'$$; "
                   "comment E'x\\ny'; }");
    ck_assert_int_eq(d->items.len, 3);
    ck_assert_str_eq(item(d, 0)->u.comment, "it's");
    ck_assert_str_eq(item(d, 1)->u.comment, "a 'b'");
    ck_assert_str_eq(item(d, 2)->u.comment, "x\ny");
    ck_assert_str_eq(ttext(item(d, 0)->tok), "comment");
}
END_TEST

/* -------------------------------------------------- item keywords */

/* Item keywords are not reserved: the next token decides. */
static const struct {
    const char *body;
    ItemKind kind;
    const char *column_type;   /* for columns */
} keyword_items[] = {
    {"comment text;", ITEM_COLUMN, "text"},
    {"comment 'x';", ITEM_COMMENT, NULL},
    {"comment $$x$$;", ITEM_COMMENT, NULL},
    {"index int;", ITEM_COLUMN, "int"},
    {"index (a);", ITEM_INDEX, NULL},
    {"index ix (a);", ITEM_INDEX, NULL},
    {"index using gin (a);", ITEM_INDEX, NULL},
    {"index ix using gin (a);", ITEM_INDEX, NULL},
    {"unique boolean;", ITEM_COLUMN, "boolean"},
    {"unique (a);", ITEM_CONSTRAINT, NULL},
    {"unique index (a);", ITEM_INDEX, NULL},
    {"unique nulls not distinct (a);", ITEM_CONSTRAINT, NULL},
    {"check boolean not null;", ITEM_COLUMN, "boolean"},
    {"check (a > 0);", ITEM_CONSTRAINT, NULL},
    {"primary text;", ITEM_COLUMN, "text"},
    {"primary key (a);", ITEM_CONSTRAINT, NULL},
    {"foreign int;", ITEM_COLUMN, "int"},
    {"foreign key (a) references u;", ITEM_CONSTRAINT, NULL},
    {"policy text;", ITEM_COLUMN, "text"},
    {"policy \"p\";", ITEM_POLICY, NULL},
    {"policy 'p';", ITEM_POLICY, NULL},
    {"trigger text;", ITEM_COLUMN, "text"},
    {"trigger t after insert execute function f();", ITEM_TRIGGER, NULL},
    {"row int;", ITEM_COLUMN, "int"},
    {"row level security;", ITEM_RLS, NULL},
    {"partition int;", ITEM_COLUMN, "int"},
    {"partition by list (a);", ITEM_PARTITION_BY, NULL},
    {"partition p default;", ITEM_PARTITION, NULL},
    {"partition p for values in (1);", ITEM_PARTITION, NULL},
    {"use text;", ITEM_COLUMN, "text"},
    {"use t(a);", ITEM_USE, NULL},
    {"grant text;", ITEM_COLUMN, "text"},
    {"grant select to r;", ITEM_GRANT, NULL},
    {"revoke int;", ITEM_COLUMN, "int"},
    {"revoke insert from r;", ITEM_GRANT, NULL},
    {"constraint c check (true);", ITEM_CONSTRAINT, NULL},
    {"exclude using gist (a with &&);", ITEM_CONSTRAINT, NULL},
    {"level int;", ITEM_COLUMN, "int"},
    {"\"index\" int;", ITEM_COLUMN, "int"},
};

START_TEST(test_item_keyword_rule)
{
    Item *it = table_item(keyword_items[_i].body, keyword_items[_i].kind);
    if (keyword_items[_i].column_type)
        ck_assert_str_eq(ftext(it->u.column->type),
                         keyword_items[_i].column_type);
}
END_TEST

/* A column named like an item keyword keeps its name. */
START_TEST(test_column_named_comment)
{
    Column *c = column("comment text comment 'the comment';");
    ck_assert_str_eq(c->name.name, "comment");
    ck_assert_str_eq(ftext(c->type), "text");
    ck_assert_str_eq(c->comment, "the comment");
}
END_TEST

/* ------------------------------------------------- views, functions */

START_TEST(test_view)
{
    Decl *d = only("view Audit.Logs_View {\n"
                   "  with (security_invoker = true, check_option = local);\n"
                   "  as select a, b from t where x = 'y;z' and c = $$}$$;\n"
                   "  grant select to authenticated;\n"
                   "  comment 'Audit logs';\n"
                   "}");
    ck_assert_int_eq(d->kind, DECL_VIEW);
    ck_assert_str_eq(d->name.schema, "audit");
    ck_assert_str_eq(d->name.name, "logs_view");
    ck_assert_int_eq(d->items.len, 4);
    ck_assert_int_eq(item(d, 0)->kind, ITEM_OPTIONS);
    ck_assert_str_eq(ftext(item(d, 0)->u.options),
                     "security_invoker = true, check_option = local");
    ck_assert_int_eq(item(d, 1)->kind, ITEM_QUERY);
    ck_assert_str_eq(ttext(item(d, 1)->tok), "as");
    ck_assert_str_eq(ftext(item(d, 1)->u.query),
                     "select a, b from t where x = 'y;z' and c = $$}$$");
    ck_assert_int_eq(item(d, 2)->kind, ITEM_GRANT);
    ck_assert_int_eq(item(d, 3)->kind, ITEM_COMMENT);
}
END_TEST

START_TEST(test_matview)
{
    Decl *d = only("materialized view mv {\n"
                   "  as select company_id, date_trunc('month', at) as m\n"
                   "     from invoices group by 1, 2;\n"
                   "  unique index (company_id, m);\n"
                   "  index mv_m (m);\n"
                   "}");
    ck_assert_int_eq(d->kind, DECL_MATVIEW);
    ck_assert_str_eq(d->name.name, "mv");
    ck_assert_int_eq(d->items.len, 3);
    ck_assert_str_eq(ftext(item(d, 0)->u.query),
                     "select company_id, date_trunc('month', at) as m\n"
                     "     from invoices group by 1, 2");
    ck_assert_int_eq(item(d, 1)->kind, ITEM_INDEX);
    ck_assert(item(d, 1)->u.index->unique);
    ck_assert_str_eq(ftext(item(d, 1)->u.index->elems), "company_id, m");
    ck_assert_str_eq(item(d, 2)->u.index->given.name, "mv_m");
}
END_TEST

START_TEST(test_function_header)
{
    Decl *d = only("function Comm.Get_Count(p_user uuid, n int default 0) "
                   "returns setof record {\n"
                   "  language SQL;\n"
                   "  as $fn$ select count(*) from t where u = p_user $fn$;\n"
                   "}");
    ck_assert_int_eq(d->kind, DECL_FUNCTION);
    ck_assert_str_eq(d->name.schema, "comm");
    ck_assert_str_eq(d->name.name, "get_count");
    ck_assert_str_eq(ftext(d->header), "p_user uuid, n int default 0");
    ck_assert_str_eq(ftext(d->returns), "setof record");
    ck_assert_int_eq(item(d, 0)->kind, ITEM_LANGUAGE);
    ck_assert_str_eq(item(d, 0)->u.language.name, "sql");
    ck_assert_int_eq(item(d, 1)->kind, ITEM_BODY);
    ck_assert_str_eq(ttext(item(d, 1)->u.body),
                     "$fn$ select count(*) from t where u = p_user $fn$");
    d = only("function f() returns table (a int, b text) { as 'select 1'; }");
    ck_assert_uint_eq(d->header.len, 0);
    ck_assert_str_eq(ftext(d->returns), "table (a int, b text)");
    ck_assert_int_eq(item(d, 0)->u.body->kind, TK_STRING);
}
END_TEST

START_TEST(test_function_attributes)
{
    Decl *d = only("function f() returns int {\n"
                   "  stable; Security Definer; not leakproof; strict;\n"
                   "  parallel safe; cost 100; rows 5;\n"
                   "  called on null input; returns null on null input;\n"
                   "  immutable; volatile; security invoker; leakproof;\n"
                   "  parallel restricted; parallel unsafe;\n"
                   "}");
    static const char *const want[] = {
        "STABLE", "SECURITY DEFINER", "NOT LEAKPROOF", "STRICT",
        "PARALLEL SAFE", "COST 100", "ROWS 5", "CALLED ON NULL INPUT",
        "RETURNS NULL ON NULL INPUT", "IMMUTABLE", "VOLATILE",
        "SECURITY INVOKER", "LEAKPROOF", "PARALLEL RESTRICTED",
        "PARALLEL UNSAFE",
    };
    int n = (int)(sizeof want / sizeof want[0]);
    ck_assert_int_eq(d->items.len, n);
    for (int i = 0; i < n; i++) {
        ck_assert_int_eq(item(d, i)->kind, ITEM_ATTRIBUTE);
        ck_assert_str_eq(item(d, i)->u.attribute.name, want[i]);
    }
    ck_assert_str_eq(ttext(item(d, 1)->tok), "Security");
    ck_assert_ptr_eq(item(d, 1)->u.attribute.tok, item(d, 1)->tok);
}
END_TEST

START_TEST(test_function_set)
{
    Decl *d = only("function f() returns int {\n"
                   "  set search_path = public, extensions;\n"
                   "  set TimeZone to 'UTC';\n"
                   "  set App.Tenant from current;\n"
                   "  grant execute to authenticated;\n"
                   "  comment 'c';\n"
                   "}");
    ck_assert_int_eq(d->items.len, 5);
    SetParam *s = item(d, 0)->u.set;
    ck_assert_int_eq(item(d, 0)->kind, ITEM_SET);
    ck_assert_str_eq(ttext(s->tok), "set");
    ck_assert_str_eq(s->name.name, "search_path");
    ck_assert_str_eq(ttext(s->name.tok), "search_path");
    ck_assert_str_eq(ftext(s->value), "public, extensions");
    s = item(d, 1)->u.set;
    ck_assert_str_eq(s->name.name, "timezone");
    ck_assert_str_eq(ftext(s->value), "'UTC'");
    s = item(d, 2)->u.set;
    ck_assert_str_eq(s->name.name, "app.tenant");
    ck_assert_uint_eq(s->value.len, 0);
    ck_assert_int_eq(item(d, 3)->kind, ITEM_GRANT);
    ck_assert_int_eq(item(d, 4)->kind, ITEM_COMMENT);
}
END_TEST

/* ---------------------------------------------------------- templates */

START_TEST(test_template)
{
    Decl *d = only("template Tenant_Isolation(Col, role) {\n"
                   "  row level security;\n"
                   "  policy \"r\" for select to ${role} using (${col} = 1);\n"
                   "}");
    ck_assert_int_eq(d->kind, DECL_TEMPLATE);
    ck_assert_str_eq(d->name.name, "tenant_isolation");
    ck_assert_str_eq(names(&d->params), "col,role");
    ck_assert_str_eq(ftext(d->template_body),
                     "row level security;\n"
                     "  policy \"r\" for select to ${role} "
                     "using (${col} = 1);");
    ck_assert_int_eq(d->items.len, 0);
    ck_assert(tok_punct(d->end, '}'));
}
END_TEST

START_TEST(test_template_braces_and_empty)
{
    ck_assert_str_eq(parse("template a() {}\n"
                           "template b(x) { check (x ~ '}'); a { b } c; }"),
                     "");
    ck_assert_int_eq(prog.decls.len, 2);
    Decl *a = prog.decls.items[0], *b = prog.decls.items[1];
    ck_assert_int_eq(a->params.len, 0);
    ck_assert_uint_eq(a->template_body.len, 0);
    ck_assert_str_eq(ftext(b->template_body), "check (x ~ '}'); a { b } c;");
    ck_assert_uint_eq(b->end->off, strlen("template a() {}\n"
                      "template b(x) { check (x ~ '}'); a { b } c; "));
}
END_TEST

/* A template's expanded text is parsed as a list of table items. */
START_TEST(test_parse_table_items)
{
    Vec items = {0};
    parse_table_items(arena, lex("row level security;\nindex (a);\n"
                                 "b int not null;"), &items, &diag);
    ck_assert_str_eq(fixture_messages(), "");
    ck_assert_int_eq(items.len, 3);
    ck_assert_int_eq(((Item *)items.items[0])->kind, ITEM_RLS);
    ck_assert_int_eq(((Item *)items.items[1])->kind, ITEM_INDEX);
    ck_assert_int_eq(((Item *)items.items[2])->kind, ITEM_COLUMN);
}
END_TEST

START_TEST(test_parse_table_items_errors)
{
    Vec items = {0};
    parse_table_items(arena, lex("a int; } b int not null x; c int;"), &items,
                      &diag);
    ck_assert_str_eq(fixture_messages(),
        "t.schema:1:8: error: expected a table item, found '}'\n"
        "t.schema:1:25: error: expected a column constraint, 'comment' or "
        "';', found 'x'");
    ck_assert_int_eq(items.len, 2);
    ck_assert_str_eq(((Item *)items.items[1])->u.column->name.name, "c");
}
END_TEST

/* ------------------------------------------------------------ errors */

static const struct {
    const char *text;
    const char *messages;
} errors[] = {
    {"tabel t { a int; }",
     "t.schema:1:1: error: unknown declaration 'tabel'; did you mean "
     "'table'?"},
    {"\nFUNCTON f() returns int {}",
     "t.schema:2:1: error: unknown declaration 'FUNCTON'; did you mean "
     "'function'?"},
    {"foo bar;",
     "t.schema:1:1: error: expected a declaration (table, view, function, "
     "enum, schema, role, extension, ...), found 'foo'"},
    {"'x';",
     "t.schema:1:1: error: expected a declaration (table, view, function, "
     "enum, schema, role, extension, ...), found ''x''"},
    {"table t { a int not null x; }",
     "t.schema:1:26: error: expected a column constraint, 'comment' or ';', "
     "found 'x'"},
    {"table t { a int comment 'c' 'd'; }",
     "t.schema:1:29: error: expected a column constraint, 'comment' or ';', "
     "found ''d''"},
    {"table t { a int not null xxxxxxxxxxyyyyyyyyyyzzzzzzzzzz; }",
     "t.schema:1:26: error: expected a column constraint, 'comment' or ';', "
     "found 'xxxxxxxxxxyyyyyyyyyyzzzz...'"},
    {"table t { a int check (a > 0; }",
     "t.schema:1:29: error: expected ')' to close '(' at line 1, found ';'\n"
     "t.schema:1:23: note: to match this '('"},
    {"table t {\n  a int check (a > 0\n   ; }",
     "t.schema:3:4: error: expected ')' to close '(' at line 2, found ';'\n"
     "t.schema:2:15: note: to match this '('"},
    {"table t { a int check ((a > 0) }",
     "t.schema:1:32: error: expected ')' to close '(' at line 1, found '}'\n"
     "t.schema:1:23: note: to match this '('"},
    {"type t as (a int",
     "t.schema:1:17: error: expected ')' to close '(' at line 1, found end "
     "of file\nt.schema:1:11: note: to match this '('"},
    {"table t { a int; ",
     "t.schema:1:18: error: expected '}', found end of file\n"
     "t.schema:1:9: note: to match this '{'"},
    /* a body left open ends at the next declaration: one error */
    {"table t { a int;\ntable u { b int; }",
     "t.schema:2:1: error: expected '}' before the next declaration, found "
     "'table'\nt.schema:1:9: note: to match this '{'"},
    {"table t a int;", "t.schema:1:9: error: expected '{', found 'a'"},
    {"table { a int; }",
     "t.schema:1:7: error: expected a table name, found '{'"},
    {"table s.t.u { }",
     "t.schema:1:10: error: expected at most schema.name, found '.'"},
    {"table s. { }",
     "t.schema:1:10: error: expected a name after '.', found '{'"},
    {"table t { a; }",
     "t.schema:1:12: error: expected a column type, found ';'"},
    {"table t { a int default; }",
     "t.schema:1:24: error: expected a default value, found ';'"},
    {"table t { a int primary; }",
     "t.schema:1:24: error: expected 'key', found ';'"},
    {"table t { a int not; }",
     "t.schema:1:20: error: expected 'null', found ';'"},
    {"table t { a int check a > 0; }",
     "t.schema:1:23: error: expected '(' and the check expression, found 'a'"},
    {"table t { a int collate; }",
     "t.schema:1:24: error: expected a collation name, found ';'"},
    {"table t { a int references; }",
     "t.schema:1:27: error: expected the referenced table, found ';'"},
    {"table t { a int references u on delete nothing; }",
     "t.schema:1:40: error: expected cascade, restrict, no action, set null "
     "or set default, found 'nothing'"},
    {"table t { a int references u on insert cascade; }",
     "t.schema:1:33: error: expected 'update', found 'insert'"},
    {"table t { a int references u match partial; }",
     "t.schema:1:36: error: expected 'simple', found 'partial'"},
    {"table t { a int generated by default as (a) stored; }",
     "t.schema:1:41: error: expected 'identity', found '('"},
    {"table t { a int generated always as (a); }",
     "t.schema:1:40: error: expected 'stored', found ';'"},
    {"table t { a int generated sometimes; }",
     "t.schema:1:27: error: expected 'by', found 'sometimes'"},
    {"table t { constraint c foo (a); }",
     "t.schema:1:24: error: expected primary key, unique, check, foreign key "
     "or exclude, found 'foo'"},
    {"table t { primary key a; }",
     "t.schema:1:23: error: expected '(', found 'a'"},
    {"table t { unique (a b); }",
     "t.schema:1:21: error: expected ')' after the column names, found 'b'"},
    {"table t { foreign key (a) u; }",
     "t.schema:1:27: error: expected 'references', found 'u'"},
    {"table t { check (a) b; }",
     "t.schema:1:21: error: expected ';' after the constraint, found 'b'"},
    {"table t { index ix (a) where; }",
     "t.schema:1:29: error: expected a predicate, found ';'"},
    {"table t { index (a) include a; }",
     "t.schema:1:29: error: expected '(' and the included columns, found 'a'"},
    {"table t { index (a) nulls distinct x; }",
     "t.schema:1:36: error: expected ';' after the index, found 'x'"},
    {"table t { index ix using (a); }",
     "t.schema:1:26: error: expected an index method, found '('"},
    {"table t { policy \"p\" for selec; }",
     "t.schema:1:26: error: expected all, select, insert, update or delete, "
     "found 'selec'"},
    {"table t { policy \"p\" as perm; }",
     "t.schema:1:25: error: expected 'permissive', found 'perm'"},
    {"table t { policy \"p\" to r for select; }",
     "t.schema:1:27: error: expected ';' after the policy, found 'for'"},
    {"table t { policy \"p\" with (true); }",
     "t.schema:1:27: error: expected 'check', found '('"},
    {"table t { policy \"p\" using true; }",
     "t.schema:1:28: error: expected '(' and the using expression, found "
     "'true'"},
    {"table t { trigger tg before insert execute f(); }",
     "t.schema:1:44: error: expected 'function', found 'f'"},
    {"table t { trigger tg before insert for each rows execute function "
     "f(); }",
     "t.schema:1:45: error: expected 'statement', found 'rows'"},
    {"table t { trigger tg after update execute function f; }",
     "t.schema:1:53: error: expected '(' and the arguments, found ';'"},
    {"table t { trigger tg after when (x) execute function f(); }",
     "t.schema:1:28: error: expected trigger events, found 'when'"},
    {"table t { row level; }",
     "t.schema:1:20: error: expected 'security', found ';'"},
    {"table t { row level security force; }",
     "t.schema:1:30: error: expected ';' after row level security, found "
     "'force'"},
    {"table t { partition by ; }",
     "t.schema:1:24: error: expected range, list or hash and the key, found "
     "';'"},
    {"table t { use tpl(a; }",
     "t.schema:1:20: error: expected ')' to close '(' at line 1, found ';'\n"
     "t.schema:1:18: note: to match this '('"},
    {"table t { use tpl(a) x; }",
     "t.schema:1:22: error: expected ';' after the template use, found 'x'"},
    {"table t { grant select on t to r; }",
     "t.schema:1:24: error: expected 'to', found 'on'"},
    {"table t { revoke select to r; }",
     "t.schema:1:25: error: expected 'from', found 'to'"},
    {"table t { grant select to r with option; }",
     "t.schema:1:34: error: expected 'grant', found 'option'"},
    {"table t { revoke grant select from r; }",
     "t.schema:1:24: error: expected 'option', found 'select'"},
    {"table t { grant select to ; }",
     "t.schema:1:27: error: expected a role name, found ';'"},
    {"table t { comment 'a' 'b'; }",
     "t.schema:1:23: error: expected ';' after the comment, found ''b''"},
    {"view v { az select 1; }",
     "t.schema:1:10: error: unknown item 'az' in a view; did you mean 'as'?"},
    {"view v { 42; }",
     "t.schema:1:10: error: expected an item of a view, found '42'"},
    {"view v { as ; }", "t.schema:1:13: error: expected a query, found ';'"},
    {"view v { as select 1 }",
     "t.schema:1:22: error: expected ';' after the query, found '}'"},
    {"view v { with x; }",
     "t.schema:1:15: error: expected '(' and view options, found 'x'"},
    {"materialized foo v {}",
     "t.schema:1:14: error: expected 'view', found 'foo'"},
    {"function f() returns int { langauge sql; }",
     "t.schema:1:28: error: unknown item 'langauge' in a function; did you "
     "mean 'language'?"},
    {"function f() returns int { cost x; }",
     "t.schema:1:33: error: expected a number, found 'x'"},
    {"function f() returns int { stable }",
     "t.schema:1:35: error: expected ';' after the attribute, found '}'"},
    {"function f() returns int { set x 1; }",
     "t.schema:1:34: error: expected '=', 'to' or 'from current', found '1'"},
    {"function f() returns int { set x = ; }",
     "t.schema:1:36: error: expected a value, found ';'"},
    {"function f() returns int { set x from now; }",
     "t.schema:1:39: error: expected 'current', found 'now'"},
    {"function f() returns int { as 'x' }",
     "t.schema:1:35: error: expected ';' after the function body, found '}'"},
    {"function f() returns int { as 1; }",
     "t.schema:1:31: error: expected the function body as a string "
     "($$ ... $$), found '1'"},
    {"function f() returns int { language 'sql'; }",
     "t.schema:1:37: error: expected a language name, found ''sql''"},
    {"function f returns int {}",
     "t.schema:1:12: error: expected '(' and the arguments, found 'returns'"},
    {"function f() int {}",
     "t.schema:1:14: error: expected 'returns', found 'int'"},
    {"function f() returns {}",
     "t.schema:1:22: error: expected the return type, found '{'"},
    {"function f() returns int;",
     "t.schema:1:25: error: expected '{', found ';'"},
    {"schema s { grnt usage to r; }",
     "t.schema:1:12: error: unknown item 'grnt' in a schema; did you mean "
     "'grant'?"},
    {"schema s { default grant select on tables to r; }",
     "t.schema:1:20: error: expected 'privileges', found 'grant'"},
    {"schema s { default privileges select on tables to r; }",
     "t.schema:1:31: error: expected grant or revoke, found 'select'"},
    {"schema s { default privileges grant select to r; }",
     "t.schema:1:44: error: expected 'on', found 'to'"},
    {"role r { logn; }",
     "t.schema:1:10: error: unknown item 'logn' in a role; did you mean "
     "'login'?"},
    {"role r { in r2; }", "t.schema:1:13: error: expected 'role', found 'r2'"},
    {"role r login login;",
     "t.schema:1:14: error: expected '{' or ';', found 'login'"},
    {"platform supabase { }", "t.schema:1:19: error: expected ';', found '{'"},
    {"platform 'x';",
     "t.schema:1:10: error: expected a platform name, found ''x''"},
    {"extension e schema;",
     "t.schema:1:19: error: expected a schema name, found ';'"},
    {"extension e { grant usage to r; }",
     "t.schema:1:15: error: expected 'comment', found 'grant'"},
    {"enum e (a);", "t.schema:1:9: error: expected a quoted label, found 'a'"},
    {"enum e ('a' 'b');",
     "t.schema:1:13: error: expected ')' after the enum labels, found ''b''"},
    {"enum e 'a';",
     "t.schema:1:8: error: expected '(' after the enum name, found ''a''"},
    {"domain d;",
     "t.schema:1:9: error: expected the domain's type, found ';'"},
    {"type t (a int);", "t.schema:1:8: error: expected 'as', found '('"},
    {"type t as a int;",
     "t.schema:1:11: error: expected '(' and the type's fields, found 'a'"},
    {"template t(a { }",
     "t.schema:1:14: error: expected ')' after the parameters, found '{'"},
    {"template t(a, 1) { }",
     "t.schema:1:15: error: expected a parameter name, found '1'"},
    {"template t { }",
     "t.schema:1:12: error: expected '(' after the template name, found '{'"},
    {"template t(a) { index (${a});",
     "t.schema:1:30: error: expected '}' to end the template, found end of "
     "file"},
};

START_TEST(test_errors)
{
    ck_assert_str_eq(parse(errors[_i].text), errors[_i].messages);
    ck_assert_int_eq(diag.errors, 1);
}
END_TEST

/* The whole diagnostic: position, source line, caret under the token. */
START_TEST(test_error_output)
{
    parse("table t {\n  id uuid primary key foo;\n}\n");
    ck_assert_str_eq(fixture_output(),
        "t.schema:2:23: error: expected a column constraint, 'comment' or "
        "';', found 'foo'\n"
        "    2 |   id uuid primary key foo;\n"
        "      |                       ^~~\n");
}
END_TEST

/* The parser says nothing more where the lexer has already spoken. */
START_TEST(test_no_error_after_lex_error)
{
    ck_assert_str_eq(parse("table t { a int; \\ b int; }"),
                     "t.schema:1:18: error: unexpected character");
    ck_assert_int_eq(diag.errors, 1);
    ck_assert_int_eq(prog.decls.len, 1);
}
END_TEST

/* ---------------------------------------------------------- recovery */

/* An error in an item skips to its `;`: the next items are kept. */
START_TEST(test_recover_at_semicolon)
{
    ck_assert_str_eq(parse("table t { a int check (a > 0; b int; c x y; }"),
                     "t.schema:1:29: error: expected ')' to close '(' at "
                     "line 1, found ';'\n"
                     "t.schema:1:23: note: to match this '('");
    Decl *d = prog.decls.items[0];
    ck_assert_int_eq(prog.decls.len, 1);
    ck_assert_int_eq(d->items.len, 2);
    ck_assert_str_eq(item(d, 0)->u.column->name.name, "b");
    ck_assert_str_eq(ftext(item(d, 1)->u.column->type), "x y");
}
END_TEST

/* An error stops at the `}` that closes the object: the next object is
 * parsed; a brace nested in the bad item does not end the object. */
START_TEST(test_recover_at_brace)
{
    ck_assert_str_eq(parse("table t { a int check (a > 0 }\n"
                           "table u { b int; }\n"
                           "table v { d int; c int check { x } }\n"
                           "tabel w { e int; }\n"
                           "table z { }"),
        "t.schema:1:30: error: expected ')' to close '(' at line 1, found "
        "'}'\n"
        "t.schema:1:23: note: to match this '('\n"
        "t.schema:3:30: error: expected '(' and the check expression, found "
        "'{'\n"
        "t.schema:4:1: error: unknown declaration 'tabel'; did you mean "
        "'table'?");
    ck_assert_int_eq(prog.decls.len, 4);
    Decl *u = prog.decls.items[1], *v = prog.decls.items[2],
         *z = prog.decls.items[3];
    ck_assert_str_eq(u->name.name, "u");
    ck_assert_int_eq(u->items.len, 1);
    ck_assert_str_eq(v->name.name, "v");
    ck_assert_int_eq(v->items.len, 1);
    ck_assert_str_eq(item(v, 0)->u.column->name.name, "d");
    ck_assert_str_eq(z->name.name, "z");
}
END_TEST

/* A bad header drops the declaration, with its body, and nothing more. */
START_TEST(test_recover_bad_header)
{
    ck_assert_str_eq(parse("enum e ('a' 'b') { comment 'x'; }\n"
                           "table 1 { a int; }\n"
                           "role r;"),
        "t.schema:1:13: error: expected ')' after the enum labels, found "
        "''b''\n"
        "t.schema:2:7: error: expected a table name, found '1'");
    ck_assert_int_eq(prog.decls.len, 1);
    ck_assert_int_eq(((Decl *)prog.decls.items[0])->kind, DECL_ROLE);
}
END_TEST

/* Every error of a file is reported, in order. */
START_TEST(test_many_errors_in_one_file)
{
    ck_assert_str_eq(parse(
        "view v { az select 1; }\n"
        "function f() returns int { langauge sql; as $$ x $$; }\n"
        "schema s { grnt usage to r; comment 'ok'; }\n"
        "role r { logn; }\n"
        "enum e (a);\n"
        "table t { a int not null x; b int; }\n"),
        "t.schema:1:10: error: unknown item 'az' in a view; did you mean "
        "'as'?\n"
        "t.schema:2:28: error: unknown item 'langauge' in a function; did "
        "you mean 'language'?\n"
        "t.schema:3:12: error: unknown item 'grnt' in a schema; did you "
        "mean 'grant'?\n"
        "t.schema:4:10: error: unknown item 'logn' in a role; did you mean "
        "'login'?\n"
        "t.schema:5:9: error: expected a quoted label, found 'a'\n"
        "t.schema:6:26: error: expected a column constraint, 'comment' or "
        "';', found 'x'");
    ck_assert_int_eq(diag.errors, 6);
    ck_assert_int_eq(prog.decls.len, 5);   /* all but the enum */
    Decl *f = prog.decls.items[1], *s = prog.decls.items[2],
         *t = prog.decls.items[4];
    ck_assert_int_eq(f->items.len, 1);
    ck_assert_int_eq(item(f, 0)->kind, ITEM_BODY);
    ck_assert_int_eq(s->items.len, 1);
    ck_assert_int_eq(t->items.len, 1);
}
END_TEST

/* Text of n unknown declarations, one a line. */
static const char *bad_decls(int n)
{
    char *r = arena_strdup(arena, "");
    for (int i = 0; i < n; i++)
        r = arena_printf(arena, "%stabel t%d;\n", r, i);
    return r;
}

static int count_lines(const char *s, const char *prefix)
{
    int n = 0;
    for (const char *p = s; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
        n += strncmp(p, prefix, strlen(prefix)) == 0;
    return n;
}

/* The parser stops after 20 errors. */
START_TEST(test_error_limit)
{
    const char *m = parse(bad_decls(25));
    ck_assert_int_eq(count_lines(m, "t.schema:"), 20);
    ck_assert_ptr_nonnull(strstr(m, "t.schema:20:1: error: unknown "
                                    "declaration 'tabel'"));
    ck_assert_ptr_null(strstr(m, "t.schema:21:"));
    ck_assert_int_eq(diag.errors, 20);
    ck_assert(diag_too_many(&diag));
}
END_TEST

/* Lexical errors count against the same limit: past it, nothing is
 * parsed, and the stop is announced once. */
START_TEST(test_error_limit_lexer)
{
    char text[64];
    memset(text, '\\', 25);
    strcpy(text + 25, "\ntabel t;");
    const char *m = parse(text);
    ck_assert_int_eq(count_lines(m, "t.schema:1:"), 20);
    ck_assert_int_eq(count_lines(m, "schemac: too many errors, stopping "
                                    "here"), 1);
    ck_assert_ptr_null(strstr(m, "tabel"));
    ck_assert_int_eq(diag.errors, 25);
}
END_TEST

/* Errors inside a body stop the body at the limit too. */
START_TEST(test_error_limit_in_body)
{
    char *text = arena_strdup(arena, "table t {\n");
    for (int i = 0; i < 30; i++)
        text = arena_printf(arena, "%s  c%d int not null x;\n", text, i);
    text = arena_printf(arena, "%s}\ntabel u;\n", text);
    const char *m = parse(text);
    ck_assert_int_eq(count_lines(m, "t.schema:"), 20);
    ck_assert_ptr_nonnull(strstr(m, "t.schema:21:20: error: expected a "
                                    "column constraint"));
    ck_assert_ptr_null(strstr(m, "tabel"));
    ck_assert_int_eq(diag.errors, 20);
}
END_TEST

/* --------------------------------------------------------- suggestions */

static const struct {
    const char *word;
    const char *hint;   /* NULL: none */
} suggestions[] = {
    {"tabel", "table"},
    {"tble", "table"},
    {"vew", "view"},
    {"shema", "schema"},
    {"enm", "enum"},
    {"functon", "function"},
    {"materialised", "materialized"},
    {"table", "table"},
    {"xyz", NULL},
    {"sequence", NULL},
    {"", NULL},
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", NULL},
};

START_TEST(test_parse_suggest)
{
    static const char *const words[] = {
        "platform", "extension", "role", "schema", "enum", "domain", "type",
        "table", "view", "materialized", "function", "template", NULL,
    };
    const char *hint = parse_suggest(suggestions[_i].word, words);
    if (suggestions[_i].hint)
        ck_assert_str_eq(hint, suggestions[_i].hint);
    else
        ck_assert_ptr_null(hint);
}
END_TEST

/* ---------------------------------------------------------- regressions */

/* BUG: at the end of file, parse_column_constraint steps back from the EOF
 * token (parse_next did not advance), so the error names the type. */
START_TEST(test_bug_column_at_eof)
{
    const char *m = parse("table t { a int");
    ck_assert_str_eq(m, "t.schema:1:16: error: expected a column constraint, "
                     "'comment' or ';', found end of file\n"
                     "t.schema:1:16: error: expected '}', found end of file\n"
                     "t.schema:1:9: note: to match this '{'");
}
END_TEST

/* BUG: the same step back in parse_table_constraint. */
START_TEST(test_bug_table_constraint_at_eof)
{
    const char *m = parse("table t { constraint c");
    ck_assert_str_eq(m, "t.schema:1:23: error: expected primary key, unique, "
                     "check, foreign key or exclude, found end of file\n"
                     "t.schema:1:23: error: expected '}', found end of file\n"
                     "t.schema:1:9: note: to match this '{'");
}
END_TEST

/* BUG: `instead` without `of` is reported twice at the same token. */
START_TEST(test_bug_trigger_instead_without_of)
{
    ck_assert_str_eq(parse("table t { trigger tg instead insert execute "
                           "function f(); }"),
                     "t.schema:1:30: error: expected 'of', found 'insert'");
    ck_assert_int_eq(diag.errors, 1);
}
END_TEST

/* BUG: `no` without `action` is reported, then parsing goes on as if it
 * succeeded, and the same token is reported again. */
START_TEST(test_bug_fk_no_without_action)
{
    ck_assert_str_eq(parse("table t { a int references u on delete no act; }"),
                     "t.schema:1:43: error: expected 'action', found 'act'");
    ck_assert_int_eq(diag.errors, 1);
}
END_TEST

/* BUG: the same for `nulls` without `distinct` after unique. */
START_TEST(test_bug_unique_nulls_without_distinct)
{
    ck_assert_str_eq(parse("table t { a int unique nulls foo; }"),
                     "t.schema:1:30: error: expected 'distinct', found 'foo'");
    ck_assert_int_eq(diag.errors, 1);
}
END_TEST

/* BUG: a known item word that is wrong here suggests itself. */
START_TEST(test_bug_suggests_same_word)
{
    ck_assert_str_eq(parse("function f() returns int { security foo; }\n"
                           "view v { index (a); }"),
                     "t.schema:1:28: error: expected an item of a function, "
                     "found 'security'\n"
                     "t.schema:2:10: error: expected an item of a view, "
                     "found 'index'");
}
END_TEST

/* BUG: starts_item looks for `for` or `default` two tokens after
 * `partition`, so a schema-qualified partition is read as a column named
 * "partition" whose type is "s.p for values in (1)". */
START_TEST(test_bug_qualified_partition)
{
    ck_assert_str_eq(parse("table t { partition s.p for values in (1); }"),
                     "");
    Decl *d = prog.decls.items[0];
    ck_assert_int_eq(item(d, 0)->kind, ITEM_PARTITION);
    ck_assert_str_eq(item(d, 0)->u.partition->name.schema, "s");
}
END_TEST

/* BUG: after a stray `;` or `}` between declarations, recovery consumes
 * that token and then skips to the end of the next declaration, which is
 * lost without a word (here its own error is never reported). */
static const char *const strays[] = {";", "}"};

START_TEST(test_bug_stray_token_swallows_next_decl)
{
    const char *m = parse(arena_printf(arena, "table t { a int; }%s\n"
                                       "table u { b int not null q; }\n"
                                       "role r;", strays[_i]));
    ck_assert_str_eq(m, arena_printf(arena,
        "t.schema:1:19: error: expected a declaration (table, view, "
        "function, enum, schema, role, extension, ...), found '%s'\n"
        "t.schema:2:26: error: expected a column constraint, 'comment' or "
        "';', found 'q'", strays[_i]));
    ck_assert_int_eq(prog.decls.len, 3);
}
END_TEST

/* BUG: a token that runs over several lines is quoted whole in the
 * message, so the "file:line:col: error: ..." line is broken in two. */
START_TEST(test_bug_multiline_token_in_message)
{
    ck_assert_str_eq(parse("table t { comment 'a' 'b\nc'; }"),
                     "t.schema:1:23: error: expected ';' after the comment, "
                     "found ''b...'");
}
END_TEST

/* BUG: a NUL byte is lexed as punctuation (see test_lex), so the parser
 * reports it a second time. */
START_TEST(test_bug_nul_reported_twice)
{
    const char text[] = "table t { a int;\0 b int; }";
    Source *src = source_from_text(arena, "t.schema", text, sizeof text - 1);
    TokenList tl = lex_source(arena, src, &diag);
    parse_file(arena, &prog, &tl, &diag);
    ck_assert_str_eq(fixture_messages(), "t.schema:1:17: error: NUL byte in source");
    ck_assert_int_eq(diag.errors, 1);
}
END_TEST

/* BUG: the parser stops at the 20th error without saying so: the
 * "too many errors" line is printed only when a 21st error arrives. */
START_TEST(test_bug_limit_not_announced)
{
    const char *m = parse(bad_decls(25));
    ck_assert_int_eq(count_lines(m, "schemac: too many errors, stopping "
                                    "here"), 1);
}
END_TEST

/* Bugs found by these tests and fixed since: each stays pinned. */
static TCase *regressions_tcase(void)
{
    TCase *tc = tcase_create("regressions");
    tcase_add_checked_fixture(tc, setup, fixture_teardown);
    tcase_add_test(tc, test_bug_column_at_eof);
    tcase_add_test(tc, test_bug_table_constraint_at_eof);
    tcase_add_test(tc, test_bug_trigger_instead_without_of);
    tcase_add_test(tc, test_bug_fk_no_without_action);
    tcase_add_test(tc, test_bug_unique_nulls_without_distinct);
    tcase_add_test(tc, test_bug_suggests_same_word);
    tcase_add_test(tc, test_bug_qualified_partition);
    tcase_add_loop_test(tc, test_bug_stray_token_swallows_next_decl, 0,
                        sizeof strays / sizeof strays[0]);
    tcase_add_test(tc, test_bug_multiline_token_in_message);
    tcase_add_test(tc, test_bug_nul_reported_twice);
    tcase_add_test(tc, test_bug_limit_not_announced);
    return tc;
}

static TCase *decls_tcase(void)
{
    TCase *tc = tcase_create("declarations");
    tcase_add_checked_fixture(tc, setup, fixture_teardown);
    tcase_add_test(tc, test_platform);
    tcase_add_test(tc, test_extension);
    tcase_add_test(tc, test_role);
    tcase_add_test(tc, test_schema_items);
    tcase_add_test(tc, test_enum);
    tcase_add_test(tc, test_domain_and_type);
    tcase_add_test(tc, test_table_names);
    tcase_add_test(tc, test_keywords_any_case);
    tcase_add_test(tc, test_decl_tok_and_end);
    tcase_add_test(tc, test_view);
    tcase_add_test(tc, test_matview);
    tcase_add_test(tc, test_function_header);
    tcase_add_test(tc, test_function_attributes);
    tcase_add_test(tc, test_function_set);
    tcase_add_test(tc, test_template);
    tcase_add_test(tc, test_template_braces_and_empty);
    return tc;
}

static TCase *items_tcase(void)
{
    TCase *tc = tcase_create("table_items");
    tcase_add_checked_fixture(tc, setup, fixture_teardown);
    tcase_add_loop_test(tc, test_column_types, 0,
                        sizeof columns / sizeof columns[0]);
    tcase_add_test(tc, test_column_constraints_in_order);
    tcase_add_loop_test(tc, test_default_terms, 0,
                        sizeof defaults / sizeof defaults[0]);
    tcase_add_test(tc, test_references_full);
    tcase_add_test(tc, test_references_defaults);
    tcase_add_loop_test(tc, test_fk_actions, 0,
                        sizeof actions / sizeof actions[0]);
    tcase_add_test(tc, test_generated);
    tcase_add_test(tc, test_table_constraints);
    tcase_add_test(tc, test_exclude);
    tcase_add_test(tc, test_index_full);
    tcase_add_test(tc, test_index_minimal);
    tcase_add_test(tc, test_policy_full);
    tcase_add_loop_test(tc, test_policy_commands, 0,
                        sizeof commands / sizeof commands[0]);
    tcase_add_test(tc, test_policy_minimal);
    tcase_add_test(tc, test_trigger_full);
    tcase_add_test(tc, test_trigger_statement);
    tcase_add_test(tc, test_rls);
    tcase_add_test(tc, test_partitions);
    tcase_add_test(tc, test_use_args);
    tcase_add_test(tc, test_grant_items);
    tcase_add_test(tc, test_comment_items);
    tcase_add_loop_test(tc, test_item_keyword_rule, 0,
                        sizeof keyword_items / sizeof keyword_items[0]);
    tcase_add_test(tc, test_column_named_comment);
    tcase_add_test(tc, test_parse_table_items);
    tcase_add_test(tc, test_parse_table_items_errors);
    return tc;
}

static TCase *errors_tcase(void)
{
    TCase *tc = tcase_create("errors");
    tcase_add_checked_fixture(tc, setup, fixture_teardown);
    tcase_add_loop_test(tc, test_errors, 0, sizeof errors / sizeof errors[0]);
    tcase_add_test(tc, test_error_output);
    tcase_add_test(tc, test_no_error_after_lex_error);
    tcase_add_test(tc, test_recover_at_semicolon);
    tcase_add_test(tc, test_recover_at_brace);
    tcase_add_test(tc, test_recover_bad_header);
    tcase_add_test(tc, test_many_errors_in_one_file);
    tcase_add_test(tc, test_error_limit);
    tcase_add_test(tc, test_error_limit_lexer);
    tcase_add_test(tc, test_error_limit_in_body);
    tcase_add_loop_test(tc, test_parse_suggest, 0,
                        sizeof suggestions / sizeof suggestions[0]);
    return tc;
}

Suite *make_parse_suite(void)
{
    Suite *s = suite_create("parse");
    suite_add_tcase(s, decls_tcase());
    suite_add_tcase(s, items_tcase());
    suite_add_tcase(s, errors_tcase());
    suite_add_tcase(s, regressions_tcase());
    return s;
}

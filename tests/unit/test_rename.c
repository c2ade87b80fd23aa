/*
 * test_rename.c — `renamed from`: it changes no canonical statement; the
 * model carries each rename, and the renames a renamed table or column
 * implies for the names PostgreSQL chose; enum label renames round-trip
 * through their literal list; the checks' messages.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "compile_helper.h"

static const char *const with_renames =
    "enum state ('open', 'closed' renamed from 'done');\n"
    "table clients renamed from customers {\n"
    "  id uuid primary key;\n"
    "  full_name renamed from name text not null check (full_name <> '');\n"
    "  email text constraint mail renamed from email_key unique;\n"
    "  code text unique;\n"
    "  index by_name renamed from customers_by_name (full_name);\n"
    "  index (email, full_name);\n"
    "  index given_name (code);\n"
    "  policy \"read\" renamed from \"see\" for select using (true);\n"
    "}\n"
    "table orders {\n"
    "  id int primary key;\n"
    "  client renamed from customer uuid references clients;\n"
    "  no renamed from num bigint generated always as identity;\n"
    "  other bigint generated always as identity;\n"
    "}\n"
    "view names renamed from customer_names { as select id from clients; }\n"
    "function n(a int, b text) renamed from m returns int {\n"
    "  language sql; as $$ select 1 $$; }\n";

/* The same schema, every `renamed from` taken out. */
static const char *const without_renames =
    "enum state ('open', 'closed');\n"
    "table clients {\n"
    "  id uuid primary key;\n"
    "  full_name text not null check (full_name <> '');\n"
    "  email text constraint mail unique;\n"
    "  code text unique;\n"
    "  index by_name (full_name);\n"
    "  index (email, full_name);\n"
    "  index given_name (code);\n"
    "  policy \"read\" for select using (true);\n"
    "}\n"
    "table orders {\n"
    "  id int primary key;\n"
    "  client uuid references clients;\n"
    "  no bigint generated always as identity;\n"
    "  other bigint generated always as identity;\n"
    "}\n"
    "view names { as select id from clients; }\n"
    "function n(a int, b text) returns int {\n"
    "  language sql; as $$ select 1 $$; }\n";

START_TEST(test_renames_change_no_statement)
{
    Compiled a = compile_text(with_renames);
    Compiled b = compile_text(without_renames);
    ck_assert_msg(a.sql != NULL, "%s", a.diags);
    ck_assert_ptr_nonnull(b.sql);
    ck_assert_str_eq(a.sql, b.sql);
    compiled_free(&a);
    compiled_free(&b);
}
END_TEST

static const SctlSchema *model_of(Arena *a, const char *text)
{
    Diag d;
    FILE *out = tmpfile();
    diag_init(&d, out);
    Compilation c = compile_named(a, "m.schema", text, &d);
    ck_assert_int_eq(c.errors, 0);
    ck_assert_ptr_nonnull(c.prog);
    BuildOutputs o;
    ck_assert_int_eq(build_outputs(a, c.prog, "m", &o, &d), 0);
    buf_free(&o.sql);
    fclose(out);
    return o.model;
}

/* The old name of the object of kind k named name ("" when none). */
static const char *old_of(const SctlSchema *s, SctlKind k, const char *name)
{
    for (int i = 0; i < s->nobjects; i++)
        if (s->objects[i].kind == k && strcmp(s->objects[i].name, name) == 0)
            return s->objects[i].renamed_from ? s->objects[i].renamed_from
                                              : "";
    ck_abort_msg("no object %s", name);
    return NULL;
}

START_TEST(test_model_carries_renames)
{
    Arena *a = arena_new();
    const SctlSchema *s = model_of(a, with_renames);
    ck_assert_str_eq(old_of(s, SCTL_K_TABLE, "clients"), "customers");
    ck_assert_str_eq(old_of(s, SCTL_K_COLUMN, "full_name"), "name");
    ck_assert_str_eq(old_of(s, SCTL_K_CONSTRAINT, "mail"), "email_key");
    ck_assert_str_eq(old_of(s, SCTL_K_INDEX, "by_name"), "customers_by_name");
    ck_assert_str_eq(old_of(s, SCTL_K_POLICY, "read"), "see");
    ck_assert_str_eq(old_of(s, SCTL_K_VIEW, "names"), "customer_names");
    ck_assert_str_eq(old_of(s, SCTL_K_FUNCTION, "n(int, text)"), "m");
    ck_assert_str_eq(old_of(s, SCTL_K_COLUMN, "client"), "customer");
    ck_assert_str_eq(old_of(s, SCTL_K_TABLE, "orders"), "");
    ck_assert_str_eq(old_of(s, SCTL_K_COLUMN, "email"), "");
    for (int i = 0; i < s->nobjects; i++)
        if (s->objects[i].kind == SCTL_K_FUNCTION)
            ck_assert_str_eq(s->objects[i].arguments, "(int, text)");
        else if (s->objects[i].kind == SCTL_K_TYPE)
            ck_assert_str_eq(s->objects[i].label_renames, "'closed','done'");
    arena_free(a);
}
END_TEST

/* Names PostgreSQL chose under the old names follow the renames; names
 * written, and names a rename does not change, do not. */
START_TEST(test_chosen_names_follow_renames)
{
    Arena *a = arena_new();
    const SctlSchema *s = model_of(a, with_renames);
    ck_assert_str_eq(old_of(s, SCTL_K_CONSTRAINT, "clients_pkey"),
                     "customers_pkey");
    ck_assert_str_eq(old_of(s, SCTL_K_CONSTRAINT, "clients_full_name_check"),
                     "customers_name_check");
    ck_assert_str_eq(old_of(s, SCTL_K_CONSTRAINT, "clients_code_key"),
                     "customers_code_key");
    ck_assert_str_eq(old_of(s, SCTL_K_INDEX, "clients_email_full_name_idx"),
                     "customers_email_name_idx");
    ck_assert_str_eq(old_of(s, SCTL_K_INDEX, "given_name"), "");
    ck_assert_str_eq(old_of(s, SCTL_K_CONSTRAINT, "orders_client_fkey"),
                     "orders_customer_fkey");
    ck_assert_str_eq(old_of(s, SCTL_K_CONSTRAINT, "orders_pkey"), "");
    for (int i = 0; i < s->nobjects; i++) {
        const SctlObject *o = &s->objects[i];
        if (o->kind != SCTL_K_COLUMN || strcmp(o->table, "orders") != 0)
            continue;
        if (strcmp(o->name, "no") == 0) {
            ck_assert_str_eq(o->sequence, "orders_no_seq");
            ck_assert_str_eq(o->sequence_renamed_from, "orders_num_seq");
        } else {
            ck_assert_ptr_null(o->sequence_renamed_from);
        }
    }
    arena_free(a);
}
END_TEST

START_TEST(test_labels_round_trip)
{
    const char *p = "'closed','done','it''s',E'back\\\\slash'";
    const char *want[] = {"closed", "done", "it's", "back\\slash"};
    char *l;
    int n = 0;
    while (sctl_label_next(&p, &l)) {
        ck_assert_int_lt(n, 4);
        ck_assert_str_eq(l, want[n++]);
        free(l);
    }
    ck_assert_int_eq(n, 4);
}
END_TEST

START_TEST(test_rename_errors)
{
    assert_first_error("table t renamed from t { id int; }",
                       "t0.schema:1:22: error: table \"t\" is renamed from "
                       "itself");
    assert_first_error("table a { id int; }\n"
                       "view v renamed from a { as select 1; }",
                       "t0.schema:2:21: error: view \"v\" is renamed from "
                       "\"a\", which is declared too");
    assert_first_error("table t { a int; b renamed from x int;\n"
                       "  c renamed from x int; }",
                       "t0.schema:2:18: error: column \"x\" is renamed "
                       "twice");
    assert_first_error("table t { a int; constraint k renamed from k "
                       "unique (a); }",
                       "t0.schema:1:44: error: constraint \"k\" is renamed "
                       "from itself");
    assert_first_error("table t renamed from public.s { a int; }",
                       "t0.schema:1:28: error: expected the old name "
                       "without a schema (a rename stays in its schema), "
                       "found '.'");
}
END_TEST

Suite *make_rename_suite(void)
{
    Suite *s = suite_create("rename");
    TCase *tc = tcase_create("rename");
    tcase_add_test(tc, test_renames_change_no_statement);
    tcase_add_test(tc, test_model_carries_renames);
    tcase_add_test(tc, test_chosen_names_follow_renames);
    tcase_add_test(tc, test_labels_round_trip);
    tcase_add_test(tc, test_rename_errors);
    suite_add_tcase(s, tc);
    return s;
}

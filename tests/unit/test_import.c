/*
 * test_import.c — what `schemac import` decides without a database:
 * which names are PostgreSQL's own (import_names.c) and how an acl is
 * said as grant items (import_acl.c).  The default names were produced by
 * a PostgreSQL 15 server: CREATE TABLE orders (id int primary key,
 * customer_id int, sku text, qty int check (qty > 0 and qty < 9), a int,
 * b int, check (a < b), unique (customer_id, sku)); CREATE INDEX ON
 * orders (a); gave orders_pkey, orders_customer_id_sku_key,
 * orders_qty_check, orders_check and orders_a_idx.
 */
#include "schemac.h"

#include <check.h>
#include <string.h>

#define NCASES(t) ((int)(sizeof t / sizeof t[0]))

typedef struct NameCase {
    const char *cols[3];
    int ncols;
    const char *label;
    const char *want;
} NameCase;

static const NameCase name_cases[] = {
    {{"id"}, 1, "pkey", "orders_pkey"},
    {{"customer_id", "sku"}, 2, "key", "orders_customer_id_sku_key"},
    {{"qty"}, 1, "check", "orders_qty_check"},
    {{"a", "b"}, 2, "check", "orders_check"},
    {{NULL}, 0, "check", "orders_check"},
    {{"a"}, 1, "idx", "orders_a_idx"},
    {{"customer_id"}, 1, "fkey", "orders_customer_id_fkey"},
    {{"id"}, 1, "seq", "orders_id_seq"},
};

START_TEST(test_default_name)
{
    const NameCase *c = &name_cases[_i];
    Arena *a = arena_new();
    ck_assert_str_eq(import_default_name(a, "orders", c->cols, c->ncols,
                                         c->label), c->want);
    arena_free(a);
}
END_TEST

/* Truncated as makeObjectName truncates (the longer part first). */
START_TEST(test_default_name_long)
{
    Arena *a = arena_new();
    const char *cols[] = {"yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"};
    ck_assert_str_eq(
        import_default_name(a, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                            cols, 1, "key"),
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxx_yyyyyyyyyyyyyyyyyyyyyyyyyyyyy_key");
    arena_free(a);
}
END_TEST

/* A schema's names as the catalog has them: orders_pkey and the unique
 * key are an index and a constraint each. */
static ImportNames *orders_names(Arena *a)
{
    ImportNames *n = import_names_new(a);
    import_names_add(n, "s", "orders", false);
    import_names_add(n, "s", "orders_pkey", false);
    import_names_add(n, "s", "orders_pkey", true);
    import_names_add(n, "s", "orders_qty_check", true);
    import_names_add(n, "s", "orders_qty_check1", true);
    import_names_add(n, "s", "orders_a_idx", false);
    return n;
}

START_TEST(test_omit_default)
{
    Arena *a = arena_new();
    ImportNames *n = orders_names(a);
    const char *id[] = {"id"}, *qty[] = {"qty"}, *col_a[] = {"a"};
    ck_assert(import_name_omittable(n, "s", "orders", "orders_pkey", id, 1,
                                    "pkey"));
    ck_assert(import_name_omittable(n, "s", "orders", "orders_qty_check",
                                    qty, 1, "check"));
    ck_assert(import_name_omittable(n, "s", "orders", "orders_a_idx", col_a,
                                    1, "idx"));
    arena_free(a);
}
END_TEST

START_TEST(test_keep_other_names)
{
    Arena *a = arena_new();
    ImportNames *n = orders_names(a);
    const char *qty[] = {"qty"}, *col_a[] = {"a"};
    /* a second choice (1, 2, ...): the compiler would choose the first */
    ck_assert(!import_name_omittable(n, "s", "orders", "orders_qty_check1",
                                     qty, 1, "check"));
    /* a name given by hand */
    ck_assert(!import_name_omittable(n, "s", "orders", "orders_positive",
                                     qty, 1, "check"));
    /* the default, but another table of the schema has a constraint so
     * named: the compiler might choose orders_a_check1 */
    import_names_add(n, "s", "orders_a_check", true);
    import_names_add(n, "s", "orders_a_check", true);
    ck_assert(!import_name_omittable(n, "s", "orders", "orders_a_check",
                                     col_a, 1, "check"));
    /* the same name in another schema does not count */
    import_names_add(n, "t", "orders_a_idx", false);
    ck_assert(import_name_omittable(n, "s", "orders", "orders_a_idx", col_a,
                                    1, "idx"));
    arena_free(a);
}
END_TEST

/* An index is checked against relations only, a check against
 * constraints only, as the server does. */
START_TEST(test_name_scopes)
{
    Arena *a = arena_new();
    ImportNames *n = import_names_new(a);
    const char *col_a[] = {"a"};
    import_names_add(n, "s", "orders_a_idx", false);
    import_names_add(n, "s", "orders_a_idx", true);    /* a check so named */
    ck_assert(import_name_omittable(n, "s", "orders", "orders_a_idx", col_a,
                                    1, "idx"));
    import_names_add(n, "s", "orders_a_check", true);
    import_names_add(n, "s", "orders_a_check", false); /* a view so named */
    ck_assert(import_name_omittable(n, "s", "orders", "orders_a_check",
                                    col_a, 1, "check"));
    /* a key is both: a relation of the same name elsewhere forbids it */
    import_names_add(n, "s", "orders_a_key", true);
    import_names_add(n, "s", "orders_a_key", false);
    import_names_add(n, "s", "orders_a_key", false);
    ck_assert(!import_name_omittable(n, "s", "orders", "orders_a_key", col_a,
                                     1, "key"));
    arena_free(a);
}
END_TEST

/* ---------------------------------------------------------------- acl */

START_TEST(test_acl_parse)
{
    Arena *a = arena_new();
    ImportAcl *e;
    /* as PostgreSQL 15 prints it (a role "my role" granted select with
     * grant option and update) */
    int n = import_acl_parse(a, "{postgres=arwdDxt/postgres,"
                             "\"\\\"my role\\\"=r*w/postgres\",=X/postgres}",
                             &e);
    ck_assert_int_eq(n, 3);
    ck_assert_str_eq(e[0].grantee, "postgres");
    ck_assert_str_eq(e[0].privs, "arwdDxt");
    ck_assert_str_eq(e[1].grantee, "my role");
    ck_assert_str_eq(e[1].privs, "r*w");
    ck_assert_str_eq(e[2].grantee, "");
    ck_assert_str_eq(e[2].grantor, "postgres");
    ck_assert_str_eq(import_privilege_words(a, "r*w", false), "update");
    ck_assert_str_eq(import_privilege_words(a, "r*w", true), "select");
    arena_free(a);
}
END_TEST

typedef struct AclCase {
    const char *acl, *default_acl, *want;
} AclCase;

static const AclCase acl_cases[] = {
    /* grants in the acl's order, a run of equal privileges in one item */
    {"{o=arwdDxt/o,anon=r/o,authenticated=r/o,editor=arw/o}",
     "{o=arwdDxt/o}",
     "  grant select to anon, authenticated;\n"
     "  grant select, insert, update to editor;\n"},
    /* a function's PUBLIC execute revoked, then granted to a role */
    {"{o=X/o,authenticated=X/o}", "{=X/o,o=X/o}",
     "  revoke execute from public;\n  grant execute to authenticated;\n"},
    /* PUBLIC revoked and granted again: it comes last */
    {"{o=X/o,=X/o}", "{=X/o,o=X/o}",
     "  revoke execute from public;\n  grant execute to public;\n"},
    /* with grant option */
    {"{o=arwdDxt/o,lead=r*a/o}", "{o=arwdDxt/o}",
     "  grant insert to lead;\n  grant select to lead with grant option;\n"},
    /* what the schema's default privileges gave, taken back or changed */
    {"{o=arwdDxt/o,staff=rw/o,mgr=r/o}", "{o=arwdDxt/o,aud=r/o,staff=r/o}",
     "  revoke select from aud;\n  grant update to staff;\n"
     "  grant select to mgr;\n"},
    /* a grant option the default gave, taken back */
    {"{o=arwdDxt/o,aud=r/o}", "{o=arwdDxt/o,aud=r*/o}",
     "  revoke grant option for select from aud;\n"},
    /* the default itself: nothing */
    {"{o=arwdDxt/o}", "{o=arwdDxt/o}", ""},
    /* the schema's defaults grant the owner its own privileges again and
     * PUBLIC execute: merged into the built-in entries, as PostgreSQL
     * does (a Supabase dump's `for role postgres ... to postgres`) */
    {"{o=arwdDxt/o,anon=arwdDxt/o}", "{o=arwdDxt/o,o=arwdDxt/o,anon=arwdDxt/o}",
     ""},
    {"{=X/o,o=X/o,anon=X/o}", "{=X/o,o=X/o,=X/o,anon=X/o}", ""},
    /* merged with a grant option: what the acl lacks of it revoked */
    {"{o=arwdDxt/o,aud=r/o}", "{o=arwdDxt/o,aud=r/o,aud=r*/o}",
     "  revoke grant option for select from aud;\n"},
};

START_TEST(test_acl_items)
{
    const AclCase *c = &acl_cases[_i];
    Arena *a = arena_new();
    Buf b = {0};
    char *why = NULL;
    ck_assert(import_acl_items(&b, a, "  ", c->acl, c->default_acl, &why));
    ck_assert_str_eq(b.data ? b.data : "", c->want);
    buf_free(&b);
    arena_free(a);
}
END_TEST

START_TEST(test_acl_refused)
{
    Arena *a = arena_new();
    Buf b = {0};
    char *why = NULL;
    /* the owner's own privileges cut: not a grant item */
    ck_assert(!import_acl_items(&b, a, "  ", "{o=r/o,x=r/o}",
                                "{o=arwdDxt/o}", &why));
    ck_assert(strstr(why, "owner o") != NULL);
    /* granted by another role */
    ck_assert(!import_acl_items(&b, a, "  ", "{o=arwdDxt/o,y=r/x}",
                                "{o=arwdDxt/o}", &why));
    ck_assert(strstr(why, "granted by x") != NULL);
    buf_free(&b);
    arena_free(a);
}
END_TEST

START_TEST(test_default_privileges_items)
{
    Arena *a = arena_new();
    Buf b = {0};
    char *why = NULL;
    ck_assert(import_acl_items_on(&b, a, "  default privileges ",
                                  "{staff=U/o}", "{}", "sequences", &why));
    ck_assert_str_eq(b.data,
                     "  default privileges grant usage on sequences to staff;\n");
    buf_free(&b);
    arena_free(a);
}
END_TEST

/* Database-wide default privileges replace PostgreSQL's built-in
 * default (acldefault) for the role and kind: the items make the entry
 * from it.  Entries as a PostgreSQL 15 server printed them after ALTER
 * DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC and ALTER
 * DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO app_r2. */
START_TEST(test_database_default_privileges_items)
{
    Arena *a = arena_new();
    Buf b = {0};
    char *why = NULL;
    ck_assert(import_acl_items_on(&b, a, "default privileges ",
                                  "{postgres=X/postgres}",
                                  "{=X/postgres,postgres=X/postgres}",
                                  "functions", &why));
    ck_assert(import_acl_items_on(&b, a, "default privileges ",
                                  "{postgres=arwdDxt/postgres,"
                                  "app_r2=r/postgres}",
                                  "{postgres=arwdDxt/postgres}", "tables",
                                  &why));
    ck_assert_str_eq(b.data,
                     "default privileges revoke execute on functions from "
                     "public;\n"
                     "default privileges grant select on tables to app_r2;\n");
    buf_free(&b);
    arena_free(a);
}
END_TEST

Suite *make_import_suite(void)
{
    Suite *s = suite_create("import");
    TCase *names = tcase_create("names");
    tcase_add_loop_test(names, test_default_name, 0, NCASES(name_cases));
    tcase_add_test(names, test_default_name_long);
    tcase_add_test(names, test_omit_default);
    tcase_add_test(names, test_keep_other_names);
    tcase_add_test(names, test_name_scopes);
    suite_add_tcase(s, names);
    TCase *acl = tcase_create("acl");
    tcase_add_test(acl, test_acl_parse);
    tcase_add_loop_test(acl, test_acl_items, 0, NCASES(acl_cases));
    tcase_add_test(acl, test_acl_refused);
    tcase_add_test(acl, test_default_privileges_items);
    tcase_add_test(acl, test_database_default_privileges_items);
    suite_add_tcase(s, acl);
    return s;
}

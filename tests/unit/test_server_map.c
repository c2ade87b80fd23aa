/*
 * test_server_map.c — where the server check puts a server's error
 * (server_map.c), and the carets of PL/pgSQL errors the compiler finds
 * itself; no server is needed.
 */
#define _GNU_SOURCE
#include <check.h>

#include "compile_helper.h"

#include <stdlib.h>
#include <string.h>

/* One checked program and its canonical statements. */
typedef struct Checked {
    Arena *a;
    Program p;
    Vec stmts;
} Checked;

static Checked check_text(const char *text)
{
    Checked c;
    memset(&c, 0, sizeof c);
    c.a = arena_new();
    Diag d;
    diag_init(&d, stderr);
    Compilation comp = compile_named(c.a, "t0.schema", text, &d);
    ck_assert_int_eq(comp.errors, 0);
    ck_assert_ptr_nonnull(comp.prog);
    c.p = *comp.prog;
    emit_sql_statements(c.a, &c.p, &c.stmts);
    return c;
}

/* The statement whose SQL starts with head. */
static const EmitStmt *statement(const Checked *c, const char *head)
{
    for (int i = 0; i < c->stmts.len; i++) {
        const EmitStmt *st = c->stmts.items[i];
        if (strncmp(st->sql, head, strlen(head)) == 0)
            return st;
    }
    ck_abort_msg("no statement starting %s", head);
    return NULL;
}

static void assert_spot(ServerSpot s, int line, int col, size_t len)
{
    const Source *file;
    size_t off;
    int l, k;
    source_locate(s.src, s.off, &file, &off, &l, &k);
    ck_assert_int_eq(l, line);
    ck_assert_int_eq(k, col);
    ck_assert_uint_eq(s.len, len);
}

static const char table[] =
    "table public.t {\n"
    "  id uuid primary key;\n"
    "  a integer default now();\n"
    "  b integer default now();\n"
    "  check (a > 0);\n"
    "  row level security;\n"
    "  policy p for select using (a = 1);\n"
    "}\n";

/* A position inside a fragment lands inside it; the same text written
 * twice (two `now()`) is told apart by its order. */
START_TEST(test_position_in_fragment)
{
    Checked c = check_text(table);
    const EmitStmt *st = statement(&c, "CREATE TABLE");
    long second = strstr(strstr(st->sql, "now()") + 1, "now()") - st->sql;
    assert_spot(server_map_statement(c.a, st, second, NULL), 4, 21, 3);
    long check = strstr(st->sql, "a > 0") - st->sql;
    assert_spot(server_map_statement(c.a, st, check + 2, NULL), 5, 12, 1);
    arena_free(c.a);
}
END_TEST

/* No position: what the message names, else the item. */
START_TEST(test_no_position)
{
    Checked c = check_text(table);
    const EmitStmt *st = statement(&c, "CREATE TABLE");
    assert_spot(server_map_statement(c.a, st, -1, "column \"b\" is of type "
        "integer but default expression is of type timestamp with time "
        "zone"), 4, 21, 3);
    assert_spot(server_map_statement(c.a, st, -1, "column \"a\" is wrong"),
                3, 3, 1);
    const EmitStmt *pol = statement(&c, "CREATE POLICY");
    assert_spot(server_map_statement(c.a, pol, -1, "operator does not "
                                     "exist: integer = text"), 7, 32, 1);
    assert_spot(server_map_statement(c.a, pol, -1, "something else"),
                7, 3, 6);
    arena_free(c.a);
}
END_TEST

START_TEST(test_message_name)
{
    Arena *a = arena_new();
    ck_assert_str_eq(server_message_name(a, "column \"emial\" does not "
                                         "exist"), "emial");
    ck_assert_str_eq(server_message_name(a, "column u.emial does not "
                                         "exist"), "u.emial");
    ck_assert_str_eq(server_message_name(a, "operator does not exist: "
                                         "uuid = text"), "=");
    ck_assert_str_eq(server_message_name(a, "function lowr(text) does not "
                                         "exist"), "lowr");
    ck_assert_ptr_null(server_message_name(a, "division by zero"));
    ck_assert_int_eq(server_find_word("a.b ab b", 8, 0, "b"), 7);
    arena_free(a);
    ck_assert_int_eq(server_char_offset("\xc3\xa9x", 2), 2);
    ck_assert_int_eq(server_char_offset("abc", 0), -1);
}
END_TEST

static const char function[] =
    "table public.users { id uuid primary key; email text; }\n"
    "function public.f() returns text {\n"
    "  language plpgsql;\n"
    "  as $$\n"
    "declare\n"
    "  found_email text;\n"
    "begin\n"
    "  select u.emial into found_email\n"
    "    from public.users u;\n"
    "  return found_email;\n"
    "end $$;\n"
    "}\n";

static const Decl *function_decl(const Checked *c)
{
    for (int i = 0; i < c->p.decls.len; i++) {
        const Decl *d = c->p.decls.items[i];
        if (d->kind == DECL_FUNCTION)
            return d;
    }
    return NULL;
}

/* plpgsql_check gives a body line, the query (its INTO blanked out) and
 * a position in it. */
START_TEST(test_body_position)
{
    Checked c = check_text(function);
    const Decl *fn = function_decl(&c);
    const char *query = "select u.emial                  \n"
                        "    from public.users u";
    assert_spot(server_map_body(c.a, fn, 5, query, 8, NULL), 8, 10, 7);
    assert_spot(server_map_body(c.a, fn, 7, NULL, 0,
                                "record \"found_email\" is wrong"), 10, 3, 6);
    assert_spot(server_map_body(c.a, fn, 6, NULL, 0,
                                "column found_email does not exist"),
                10, 10, 11);
    arena_free(c.a);
}
END_TEST

/* The compiler's own PL/pgSQL errors: the unknown name itself, and the
 * `;` of an expression that ends too soon. */
START_TEST(test_plpgsql_carets)
{
    assert_first_error(
        "function public.f(n int) returns int {\n"
        "  language plpgsql;\n"
        "  as $$\n"
        "begin\n"
        "  perform nosuch(1);\n"
        "  n := lowr('a');\n"
        "  return n;\n"
        "end $$;\n"
        "}\n",
        "t0.schema:5:11: error: unknown function \"nosuch\"");
    assert_first_error(
        "function public.f(n int) returns int {\n"
        "  language plpgsql;\n"
        "  as $$\n"
        "begin\n"
        "  n := n + ;\n"
        "  return n;\n"
        "end $$;\n"
        "}\n",
        "t0.schema:5:12: error: syntax error at end of input in function "
        "body");
}
END_TEST

/* A name written with its schema is suggested with it. */
START_TEST(test_qualified_hint)
{
    assert_first_error(
        "platform supabase;\n"
        "table public.t { id uuid primary key; row level security; "
        "policy p for select using (id = auth.uuid()); }\n",
        "t0.schema:2:91: error: unknown function \"auth.uuid\"; did you "
        "mean \"auth.uid\"?");
    assert_first_error(
        "table public.users { id uuid primary key; }\n"
        "table public.b { id uuid references public.user (id); }\n",
        "t0.schema:2:37: error: unknown table \"public.user\"; did you "
        "mean \"public.users\"?");
}
END_TEST

Suite *make_server_map_suite(void)
{
    Suite *s = suite_create("server_map");
    TCase *tc = tcase_create("server_map");
    tcase_add_test(tc, test_position_in_fragment);
    tcase_add_test(tc, test_no_position);
    tcase_add_test(tc, test_message_name);
    tcase_add_test(tc, test_body_position);
    tcase_add_test(tc, test_plpgsql_carets);
    tcase_add_test(tc, test_qualified_hint);
    suite_add_tcase(s, tc);
    return s;
}

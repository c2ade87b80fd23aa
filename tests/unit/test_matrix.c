/*
 * test_matrix.c — the access matrix: one JSON cell per case (memberships,
 * PUBLIC, restrictive and `for all` policies, forced RLS, RLS without a
 * policy, column grants, EXECUTE, buckets, Supabase's defaults, schema
 * usage), the Markdown facts, and emitted tests that compile.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "compile_helper.h"

#define SUPA "platform supabase;\n"
#define ROLES "role a; role b { in role a; } role c { in role b; }\n"

/* The matrix of a schema in the given format; NULL if it does not compile. */
static char *matrix_of(const char *text, const char *format)
{
    Arena *a = arena_new();
    Diag d;
    FILE *devnull = fopen("/dev/null", "w");
    diag_init(&d, devnull);
    Compilation c = compile_named(a, "t0.schema", text, &d);
    char *out = NULL;
    if (c.prog) {
        Matrix m = matrix_build(a, c.prog);
        Buf b = {0};
        if (strcmp(format, "json") == 0)
            matrix_json(&b, &m);
        else if (strcmp(format, "tests") == 0)
            matrix_emit_tests(&b, a, &m, "t0.schema");
        else
            matrix_markdown(&b, &m, "t0.schema");
        out = strdup(b.data);
        buf_free(&b);
    }
    fclose(devnull);
    arena_free(a);
    return out;
}

static const struct {
    const char *what;
    const char *schema;
    const char *cell;   /* one line of the JSON, without its comma */
} cases[] = {
    {"membership chain: c is in b, b in a",
     ROLES "table t { id int; grant select to a; row level security;\n"
     "  policy \"p\" for select to a using (true); }",
     "{\"role\": \"c\", \"table\": \"public.t\", \"command\": \"select\", "
     "\"granted\": true, \"policies\": [\"p\"], \"restrictive\": [], "
     "\"access\": \"rows: \\\"p\\\"\"}"},
    {"a member's privileges do not flow up to the role it is in",
     ROLES "table t { id int; grant select to c; }",
     "{\"role\": \"a\", \"table\": \"public.t\", \"command\": \"select\", "
     "\"granted\": false, \"policies\": [], \"restrictive\": [], "
     "\"access\": \"none\"}"},
    {"a grant to PUBLIC reaches every role",
     ROLES "table t { id int; grant select to public; }",
     "{\"role\": \"b\", \"table\": \"public.t\", \"command\": \"select\", "
     "\"granted\": true, \"policies\": [], \"restrictive\": [], "
     "\"access\": \"all rows\"}"},
    {"the public row holds what PUBLIC holds",
     ROLES "table t { id int; grant select to public; }",
     "{\"role\": \"public\", \"table\": \"public.t\", \"command\": "
     "\"select\", \"granted\": true, \"policies\": [], \"restrictive\": [], "
     "\"access\": \"all rows\"}"},
    {"a policy without `to` applies to every role",
     ROLES "table t { id int; grant select to b; row level security;\n"
     "  policy \"anyone\" for select using (true); }",
     "{\"role\": \"b\", \"table\": \"public.t\", \"command\": \"select\", "
     "\"granted\": true, \"policies\": [\"anyone\"], \"restrictive\": [], "
     "\"access\": \"rows: \\\"anyone\\\"\"}"},
    {"restrictive policies are listed apart",
     ROLES "table t { id int; grant select to a; row level security;\n"
     "  policy \"p\" for select to a using (true);\n"
     "  policy \"r\" as restrictive for select to b using (id > 0); }",
     "{\"role\": \"c\", \"table\": \"public.t\", \"command\": \"select\", "
     "\"granted\": true, \"policies\": [\"p\"], \"restrictive\": [\"r\"], "
     "\"access\": \"rows: \\\"p\\\"; restricted by \\\"r\\\"\"}"},
    {"a restrictive policy alone lets nothing through",
     ROLES "table t { id int; grant select to a; row level security;\n"
     "  policy \"r\" as restrictive for select using (id > 0); }",
     "{\"role\": \"a\", \"table\": \"public.t\", \"command\": \"select\", "
     "\"granted\": true, \"policies\": [], \"restrictive\": [\"r\"], "
     "\"access\": \"none (row level security, no policy)\"}"},
    {"a restrictive policy for another role does not apply",
     ROLES "table t { id int; grant select to a; row level security;\n"
     "  policy \"p\" for select using (true);\n"
     "  policy \"r\" as restrictive for select to c using (id > 0); }",
     "{\"role\": \"b\", \"table\": \"public.t\", \"command\": \"select\", "
     "\"granted\": true, \"policies\": [\"p\"], \"restrictive\": [], "
     "\"access\": \"rows: \\\"p\\\"\"}"},
    {"forced row level security holds the roles as before",
     ROLES "table t { id int; grant delete to a; row level security forced;\n"
     "  policy \"p\" for delete to a using (true); }",
     "{\"role\": \"a\", \"table\": \"public.t\", \"command\": \"delete\", "
     "\"granted\": true, \"policies\": [\"p\"], \"restrictive\": [], "
     "\"access\": \"rows: \\\"p\\\"\"}"},
    {"the owner bypasses row level security that is not forced",
     ROLES "table t { id int; row level security;\n"
     "  policy \"p\" for select to a using (true); }",
     "{\"role\": \"(owner)\", \"table\": \"public.t\", \"command\": "
     "\"select\", \"granted\": true, \"policies\": [], \"restrictive\": [], "
     "\"access\": \"all rows (bypasses row level security)\"}"},
    {"forced: the owner is held to the policies for PUBLIC",
     ROLES "table t { id int; row level security forced;\n"
     "  policy \"p\" for select to a using (true);\n"
     "  policy \"anyone\" for select using (id > 0); }",
     "{\"role\": \"(owner)\", \"table\": \"public.t\", \"command\": "
     "\"select\", \"granted\": true, \"policies\": [\"anyone\"], "
     "\"restrictive\": [], \"access\": \"rows: \\\"anyone\\\"\"}"},
    {"forced without a policy for PUBLIC: not even the owner",
     ROLES "table t { id int; row level security forced;\n"
     "  policy \"p\" for update to a using (true); }",
     "{\"role\": \"(owner)\", \"table\": \"public.t\", \"command\": "
     "\"update\", \"granted\": true, \"policies\": [], \"restrictive\": [], "
     "\"access\": \"none (row level security, no policy)\"}"},
    {"row level security without a policy: granted, no rows",
     ROLES "table t { id int; grant select to a; row level security; }",
     "{\"role\": \"a\", \"table\": \"public.t\", \"command\": \"select\", "
     "\"granted\": true, \"policies\": [], \"restrictive\": [], "
     "\"access\": \"none (row level security, no policy)\"}"},
    {"a `for all` policy applies to insert",
     ROLES "table t { id int; grant all to a; row level security;\n"
     "  policy \"w\" for all to b using (true) with check (true); }",
     "{\"role\": \"c\", \"table\": \"public.t\", \"command\": \"insert\", "
     "\"granted\": true, \"policies\": [\"w\"], \"restrictive\": [], "
     "\"access\": \"rows: \\\"w\\\"\"}"},
    {"a `for select` policy does not apply to update",
     ROLES "table t { id int; grant all to a; row level security;\n"
     "  policy \"s\" for select to a using (true); }",
     "{\"role\": \"a\", \"table\": \"public.t\", \"command\": \"update\", "
     "\"granted\": true, \"policies\": [], \"restrictive\": [], "
     "\"access\": \"none (row level security, no policy)\"}"},
    {"column grants are partial",
     ROLES "table t { id int; x int; y int; grant update (y, x) to b; }",
     "{\"role\": \"c\", \"table\": \"public.t\", \"command\": \"update\", "
     "\"granted\": true, \"policies\": [], \"restrictive\": [], "
     "\"access\": \"all rows (columns x, y)\"}"},
    {"a table-wide revoke takes the column privileges too",
     ROLES "table t { id int; grant select (id) to a; revoke select from a; }",
     "{\"role\": \"a\", \"table\": \"public.t\", \"command\": \"select\", "
     "\"granted\": false, \"policies\": [], \"restrictive\": [], "
     "\"access\": \"none\"}"},
    {"functions are executable by PUBLIC by default",
     ROLES "function f(x integer) returns int { language sql; as $$ select x $$; }",
     "{\"role\": \"c\", \"table\": \"public.f(integer)\", \"command\": "
     "\"execute\", \"granted\": true, \"policies\": [], \"restrictive\": [], "
     "\"access\": \"execute\"}"},
    {"revoke execute from public takes it from every role",
     ROLES "function f() returns int { language sql; as $$ select 1 $$;\n"
     "  revoke execute from public; }",
     "{\"role\": \"c\", \"table\": \"public.f()\", \"command\": \"execute\", "
     "\"granted\": false, \"policies\": [], \"restrictive\": [], "
     "\"access\": \"none\"}"},
    {"after revoking PUBLIC, a grant reaches the role's members",
     ROLES "function f() returns int { language sql; as $$ select 1 $$;\n"
     "  revoke execute from public; grant execute to b; }",
     "{\"role\": \"c\", \"table\": \"public.f()\", \"command\": \"execute\", "
     "\"granted\": true, \"policies\": [], \"restrictive\": [], "
     "\"access\": \"execute\"}"},
    {"revoking from a role leaves what PUBLIC holds",
     SUPA "function f() returns int { language sql; as $$ select 1 $$;\n"
     "  revoke execute from anon; }",
     "{\"role\": \"anon\", \"table\": \"public.f()\", \"command\": "
     "\"execute\", \"granted\": true, \"policies\": [], \"restrictive\": [], "
     "\"access\": \"execute\"}"},
    {"bucket: a policy for authenticated",
     SUPA "bucket avatars { policy \"up\" for insert to authenticated\n"
     "  with check (true); }",
     "{\"role\": \"authenticated\", \"table\": \"bucket avatars\", "
     "\"command\": \"insert\", \"granted\": true, \"policies\": [\"up\"], "
     "\"restrictive\": [], \"access\": \"rows: \\\"up\\\"\"}"},
    {"bucket: anon holds the privilege but no policy",
     SUPA "bucket avatars { policy \"up\" for insert to authenticated\n"
     "  with check (true); }",
     "{\"role\": \"anon\", \"table\": \"bucket avatars\", \"command\": "
     "\"insert\", \"granted\": true, \"policies\": [], \"restrictive\": [], "
     "\"access\": \"none (row level security, no policy)\"}"},
    {"bucket: service_role bypasses row level security",
     SUPA "bucket avatars { public true; }",
     "{\"role\": \"service_role\", \"table\": \"bucket avatars\", "
     "\"command\": \"delete\", \"granted\": true, \"policies\": [], "
     "\"restrictive\": [], \"access\": \"all rows (bypasses row level "
     "security)\"}"},
    {"Supabase's default privileges in public reach anon",
     SUPA "table t { id int; row level security;\n"
     "  policy \"p\" for select using (true); }",
     "{\"role\": \"anon\", \"table\": \"public.t\", \"command\": \"select\", "
     "\"granted\": true, \"policies\": [\"p\"], \"restrictive\": [], "
     "\"access\": \"rows: \\\"p\\\"\"}"},
    {"... and a revoke takes them back",
     SUPA "table t { id int; revoke all from anon; }",
     "{\"role\": \"anon\", \"table\": \"public.t\", \"command\": \"select\", "
     "\"granted\": false, \"policies\": [], \"restrictive\": [], "
     "\"access\": \"none\"}"},
    {"no default privileges outside public",
     SUPA "schema s { grant usage to anon; }\ntable s.t { id int; }",
     "{\"role\": \"anon\", \"table\": \"s.t\", \"command\": \"select\", "
     "\"granted\": false, \"policies\": [], \"restrictive\": [], "
     "\"access\": \"none\"}"},
    {"BYPASSRLS is not inherited by service_role's members",
     SUPA "role x { in role service_role; }\n"
     "table t { id int; row level security; }",
     "{\"role\": \"x\", \"table\": \"public.t\", \"command\": \"select\", "
     "\"granted\": true, \"policies\": [], \"restrictive\": [], "
     "\"access\": \"none (row level security, no policy)\"}"},
    {"a grant without usage on the schema reaches nothing",
     ROLES "schema s { grant usage to c; }\n"
     "table s.t { id int; grant select to b; }",
     "{\"role\": \"b\", \"table\": \"s.t\", \"command\": \"select\", "
     "\"granted\": true, \"policies\": [], \"restrictive\": [], "
     "\"access\": \"none (no usage on schema s)\"}"},
    {"usage on the schema through membership",
     ROLES "schema s { grant usage to b; }\n"
     "table s.t { id int; grant select to a; }",
     "{\"role\": \"c\", \"table\": \"s.t\", \"command\": \"select\", "
     "\"granted\": true, \"policies\": [], \"restrictive\": [], "
     "\"access\": \"all rows\"}"},
};

START_TEST(test_cell)
{
    char *json = matrix_of(cases[_i].schema, "json");
    ck_assert_msg(json != NULL, "%s: does not compile", cases[_i].what);
    char *line;
    ck_assert_int_gt(asprintf(&line, "\n    %s", cases[_i].cell), 0);
    ck_assert_msg(strstr(json, line) != NULL, "%s: no cell\n%s\nin\n%s",
                  cases[_i].what, cases[_i].cell, json);
    free(line);
    free(json);
}
END_TEST

START_TEST(test_json_shape)
{
    char *json = matrix_of("role a;\ntable t { id int; }", "json");
    ck_assert_ptr_nonnull(json);
    ck_assert_msg(strncmp(json, "{\"cells\": [\n    {\"role\": \"(owner)\", "
                  "\"table\": \"public.t\", \"command\": \"select\", ", 60) == 0,
                  "%s", json);
    ck_assert_ptr_nonnull(strstr(json, "}\n]}\n"));
    free(json);
    json = matrix_of("-- nothing\n", "json");
    ck_assert_str_eq(json, "{\"cells\": []}\n");
    free(json);
}
END_TEST

START_TEST(test_markdown)
{
    char *md = matrix_of(ROLES "table t { id int; row level security forced;\n"
                         "  policy \"a|b\" for select to a using (true); }\n"
                         "table u { id int; row level security; }", "md");
    ck_assert_ptr_nonnull(md);
    ck_assert_ptr_nonnull(strstr(md, "\n## table public.t\n\nDeclared at "
                                 "t0.schema:2. Row level security: on and "
                                 "forced (the owner too is held to the "
                                 "policies). Owner only"));
    ck_assert_ptr_nonnull(strstr(md, "| a | select | no | \"a\\|b\" |  | "
                                 "none |\n"));
    ck_assert_ptr_nonnull(strstr(md, "Row level security: on, not forced. "
                                 "Owner only: no role but the owner "
                                 "reaches it.\n"));
    ck_assert_ptr_nonnull(strstr(md, "| (owner) | delete | yes |  |  | "
                                 "all rows (bypasses row level security) "
                                 "|\n"));
    free(md);
}
END_TEST

/* The emitted tests are accepted by the compiler together with the schema
 * they were derived from. */
START_TEST(test_emitted_tests_compile)
{
    const char *schema = SUPA
        "role editor { in role authenticated; }\n"
        "table t { id int; x int; row level security;\n"
        "  policy \"p\" for select to editor using (true);\n"
        "  revoke all from anon; revoke update from authenticated;\n"
        "  grant update (x) to editor; }\n"
        "function f(n integer, s text) returns int { language sql;\n"
        "  as $$ select n $$; revoke execute from public, anon; }\n"
        "bucket avatars { public false; }\n";
    char *tests = matrix_of(schema, "tests");
    ck_assert_ptr_nonnull(tests);
    ck_assert_ptr_nonnull(strstr(tests, "as anon expect error '42501' from "
                                 "$$select from public.t where false$$;"));
    ck_assert_ptr_nonnull(strstr(tests, "as authenticated expect error "
                                 "'42501' from $$insert into public.t "
                                 "default values$$;"));
    ck_assert_ptr_nonnull(strstr(tests, "as editor expect 0 rows from "
                                 "$$update public.t set x = default where "
                                 "false$$;"));
    ck_assert_ptr_nonnull(strstr(tests, "as anon expect error '42501' from "
                                 "$$select public.f((select NULL::integer), "
                                 "(select NULL::text))$$;"));
    ck_assert_ptr_nonnull(strstr(tests, "as anon expect error '42501' from "
                                 "$$insert into storage.objects (bucket_id, "
                                 "name) values ('avatars', 'matrix-probe')$$;"));
    ck_assert_ptr_null(strstr(tests, "as public"));
    ck_assert_ptr_null(strstr(tests, "(owner)"));
    char *both;
    ck_assert_int_gt(asprintf(&both, "%s\n%s", schema, tests), 0);
    Compiled c = compile_text(both);
    ck_assert_msg(c.errors == 0, "%s", c.diags);
    compiled_free(&c);
    free(both);
    free(tests);
}
END_TEST

Suite *make_matrix_suite(void)
{
    Suite *s = suite_create("matrix");
    TCase *tc = tcase_create("matrix");
    tcase_add_loop_test(tc, test_cell, 0, (int)(sizeof cases / sizeof *cases));
    tcase_add_test(tc, test_json_shape);
    tcase_add_test(tc, test_markdown);
    tcase_add_test(tc, test_emitted_tests_compile);
    suite_add_tcase(s, tc);
    return s;
}

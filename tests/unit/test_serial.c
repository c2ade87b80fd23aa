/*
 * test_serial.c — an SctlSchema written as text and read back (serial.c,
 * what apply records for rollback): a compiled model comes back field for
 * field and writes the same text again; NULLs stay NULL; every cut or
 * damaged text is refused, never half read.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "compile_helper.h"
#include "serial.h"

static void same_str(const char *a, const char *b)
{
    if (!a || !b)
        ck_assert_ptr_eq(a, b);
    else
        ck_assert_str_eq(a, b);
}

static void same_object(const SctlObject *a, const SctlObject *b)
{
    ck_assert_int_eq(a->kind, b->kind);
    same_str(a->schema, b->schema);
    same_str(a->table, b->table);
    same_str(a->name, b->name);
    same_str(a->signature, b->signature);
    ck_assert_int_eq(a->parent, b->parent);
    ck_assert_int_eq(a->file, b->file);
    ck_assert_int_eq(a->line, b->line);
    ck_assert_int_eq(a->col, b->col);
    ck_assert_int_eq(a->make, b->make);
    same_str(a->definition, b->definition);
    same_str(a->default_expr, b->default_expr);
    same_str(a->type, b->type);
    ck_assert_int_eq(a->grants_declared, b->grants_declared);
    ck_assert_int_eq(a->comment_declared, b->comment_declared);
    ck_assert_int_eq(a->inline_in_parent, b->inline_in_parent);
    ck_assert_int_eq(a->concurrently, b->concurrently);
    same_str(a->probe, b->probe);
    same_str(a->backfill, b->backfill);
    same_str(a->nullable_definition, b->nullable_definition);
    same_str(a->renamed_from, b->renamed_from);
    same_str(a->arguments, b->arguments);
    same_str(a->label_renames, b->label_renames);
    same_str(a->sequence, b->sequence);
    same_str(a->sequence_renamed_from, b->sequence_renamed_from);
}

static void same_step(const SctlTestStep *a, const SctlTestStep *b)
{
    ck_assert_int_eq(a->kind, b->kind);
    same_str(a->role, b->role);
    same_str(a->claims, b->claims);
    ck_assert_int_eq(a->counted, b->counted);
    ck_assert_int_eq(a->rows, b->rows);
    same_str(a->sqlstate, b->sqlstate);
    ck_assert_int_eq(a->file, b->file);
    ck_assert_int_eq(a->line, b->line);
    ck_assert_int_eq(a->col, b->col);
    same_str(a->sql, b->sql);
}

static void same_schema(const SctlSchema *a, const SctlSchema *b)
{
    same_str(a->project, b->project);
    same_str(a->checksum, b->checksum);
    ck_assert_int_eq(a->supabase, b->supabase);
    ck_assert_int_eq(a->nfiles, b->nfiles);
    for (int i = 0; i < a->nfiles; i++)
        same_str(a->files[i], b->files[i]);
    ck_assert_int_eq(a->nschemas, b->nschemas);
    for (int i = 0; i < a->nschemas; i++)
        same_str(a->schemas[i], b->schemas[i]);
    ck_assert_int_eq(a->nobjects, b->nobjects);
    for (int i = 0; i < a->nobjects; i++)
        same_object(&a->objects[i], &b->objects[i]);
    ck_assert_int_eq(a->nstatements, b->nstatements);
    for (int i = 0; i < a->nstatements; i++) {
        const SctlStatement *x = &a->statements[i], *y = &b->statements[i];
        ck_assert_int_eq(x->object, y->object);
        ck_assert_int_eq(x->role, y->role);
        ck_assert_int_eq(x->file, y->file);
        ck_assert_int_eq(x->line, y->line);
        ck_assert_int_eq(x->continues, y->continues);
        same_str(x->sql, y->sql);
    }
    ck_assert_int_eq(a->ntests, b->ntests);
    for (int i = 0; i < a->ntests; i++) {
        same_str(a->tests[i].name, b->tests[i].name);
        ck_assert_int_eq(a->tests[i].first, b->tests[i].first);
        ck_assert_int_eq(a->tests[i].nsteps, b->tests[i].nsteps);
    }
    ck_assert_int_eq(a->nsteps, b->nsteps);
    for (int i = 0; i < a->nsteps; i++)
        same_step(&a->steps[i], &b->steps[i]);
    ck_assert_int_eq(a->ncells, b->ncells);
    for (int i = 0; i < a->ncells; i++) {
        const SctlAccessCell *x = &a->cells[i], *y = &b->cells[i];
        same_str(x->role, y->role);
        same_str(x->object, y->object);
        same_str(x->kind, y->kind);
        same_str(x->command, y->command);
        same_str(x->access, y->access);
        ck_assert_int_eq(x->file, y->file);
        ck_assert_int_eq(x->line, y->line);
    }
    ck_assert_int_eq(a->nfindings, b->nfindings);
    for (int i = 0; i < a->nfindings; i++)
        same_str(a->findings[i], b->findings[i]);
}

/* Names, bodies and tests with every byte that could end a field early:
 * blanks, newlines, colons, digits, "-". */
static const char hostile[] =
    "role \"app user\";\n"
    "enum mood ('sad', 'ok: 1' renamed from 'fine', '-');\n"
    "table \"a\nb\" {\n"
    "  id int primary key;\n"
    "  \"12: x\" renamed from \"old x\" text default '- 3'"
    " check (\"12: x\" <> ' ');\n"
    "  m mood;\n"
    "  index (\"12: x\");\n"
    "  row level security;\n"
    "  policy \"all - \" for select using (true);\n"
    "  grant select to \"app user\";\n"
    "  comment 'line one\nline two';\n"
    "}\n"
    "function f(x int) returns int { language sql;\n"
    "  as $$ select $1 + 1 -- 1:2\n$$; }\n"
    "test \"reads: one\" {\n"
    "  as \"app user\" claims '{\"sub\": \"1: 2\"}'\n"
    "    expect 0 rows from $$ select 1 from \"a\nb\" $$;\n"
    "  expect error '23505' from 'insert into \"a\nb\" (id) values (1), (1)';\n"
    "}\n";

static const SctlSchema *compiled(Arena *a, const char *text)
{
    FILE *out = tmpfile();
    Diag d;
    diag_init(&d, out);
    Compilation c = compile_named(a, "dir 1/m: x.schema", text, &d);
    BuildOutputs o = {0};
    ck_assert_int_eq(c.errors, 0);
    ck_assert_ptr_nonnull(c.prog);
    ck_assert_int_eq(build_outputs(a, c.prog, "m", &o, &d), 0);
    buf_free(&o.sql);
    fclose(out);
    return o.model;
}

START_TEST(test_compiled_model_round_trips)
{
    Arena *a = arena_new();
    const SctlSchema *s = compiled(a, hostile);
    ck_assert_int_gt(s->nobjects, 8);
    ck_assert_int_gt(s->nsteps, 0);
    ck_assert_int_gt(s->ncells, 0);
    char *text = sctl_schema_dump(s);
    const char *err = NULL;
    SctlSchema *back = sctl_schema_load(text, &err);
    ck_assert_msg(back != NULL, "%s", err);
    same_schema(s, back);
    char *again = sctl_schema_dump(back);
    ck_assert_str_eq(text, again);
    free(again);
    free(text);
    sctl_schema_free(back);
    arena_free(a);
}
END_TEST

/* NULLs where the model allows them, and an empty schema. */
START_TEST(test_nulls_and_empty_round_trip)
{
    SctlObject o = {.kind = SCTL_K_INDEX, .schema = "public", .table = "t",
                    .name = "", .parent = -1, .make = 0};
    SctlStatement st = {.object = 0, .role = SCTL_STMT_COMMENT, .sql = ""};
    SctlSchema s = {.project = "p", .checksum = "", .objects = &o,
                    .nobjects = 1, .statements = &st, .nstatements = 1};
    char *text = sctl_schema_dump(&s);
    const char *err = NULL;
    SctlSchema *back = sctl_schema_load(text, &err);
    ck_assert_msg(back != NULL, "%s", err);
    same_schema(&s, back);
    ck_assert_ptr_null(back->objects[0].signature);
    ck_assert_str_eq(back->objects[0].name, "");
    sctl_schema_free(back);
    free(text);
    SctlSchema empty = {.project = "e", .checksum = "c"};
    text = sctl_schema_dump(&empty);
    back = sctl_schema_load(text, &err);
    ck_assert_ptr_nonnull(back);
    ck_assert_int_eq(back->nobjects, 0);
    sctl_schema_free(back);
    free(text);
}
END_TEST

/* Every proper prefix of a dump is refused, and so is a length that
 * points past its field, an index out of range, or another format. */
START_TEST(test_damaged_text_is_refused)
{
    Arena *a = arena_new();
    char *text = sctl_schema_dump(compiled(a, hostile));
    size_t n = strlen(text);
    const char *err = NULL;
    for (size_t k = 0; k < n; k++) {
        char *cut = strndup(text, k);
        SctlSchema *s = sctl_schema_load(cut, &err);
        ck_assert_msg(s == NULL, "a dump cut at %zu bytes was read", k);
        free(cut);
    }
    ck_assert_str_eq(err, "not a schema recorded by schemac (or from "
                          "another version)");
    const char *bad[] = {
        "schemac-schema 2\nschema 1:p 1:c 0 0 0 0 0 0 0 0 0\n",
        "schemac-schema 1\nschema 1:p 9:c 0 0 0 0 0 0 0 0 0\n",
        "schemac-schema 1\nschema 1:p 1:c 0 0 0 0 1 0 0 0 0\n"
        "statement make 5 0 1 0 1:x\n",
        "schemac-schema 1\nschema 1:p 1:c 0 0 0 -1 0 0 0 0 0\n",
        "schemac-schema 1\nschema 1:p 1:c 0 0 0 0 0 0 0 0 0\nextra\n",
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        ck_assert_msg(sctl_schema_load(bad[k], &err) == NULL,
                      "bad text %zu was read", k);
    SctlSchema *ok = sctl_schema_load(
        "schemac-schema 1\nschema 1:p 1:c 0 0 0 0 0 0 0 0 0\n", &err);
    ck_assert_ptr_nonnull(ok);
    sctl_schema_free(ok);
    free(text);
    arena_free(a);
}
END_TEST

Suite *make_serial_suite(void)
{
    Suite *s = suite_create("serial");
    TCase *tc = tcase_create("round trip");
    tcase_add_test(tc, test_compiled_model_round_trips);
    tcase_add_test(tc, test_nulls_and_empty_round_trip);
    tcase_add_test(tc, test_damaged_text_is_refused);
    suite_add_tcase(s, tc);
    return s;
}

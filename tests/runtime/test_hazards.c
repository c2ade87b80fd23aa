/*
 * test_hazards.c — the lock, rewrite/scan and warning of each kind of
 * step (hazards.c), from a small schema and the facts the server would
 * give; no server needed.  Each case is one row of the table below.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "schemactl.h"

static const SctlObject objects[] = {
    {.kind = SCTL_K_TABLE, .schema = "public", .name = "t", .parent = -1,
     .make = 0},
    {.kind = SCTL_K_COLUMN, .schema = "public", .table = "t", .name = "c",
     .parent = 0, .make = -1, .definition = "c integer NOT NULL",
     .type = "bigint", .inline_in_parent = true},
    {.kind = SCTL_K_CONSTRAINT, .schema = "public", .table = "t",
     .name = "t_p_fkey", .parent = 0, .make = 1},
    {.kind = SCTL_K_CONSTRAINT, .schema = "public", .table = "t",
     .name = "t_c_check", .parent = 0, .make = -1,
     .definition = "CONSTRAINT t_c_check CHECK (c > 0)",
     .inline_in_parent = true},
    {.kind = SCTL_K_INDEX, .schema = "public", .table = "t",
     .name = "t_c_idx", .parent = 0, .make = 2},
    {.kind = SCTL_K_CONSTRAINT, .schema = "public", .table = "t",
     .name = "t_c_key", .parent = 0, .make = -1,
     .definition = "CONSTRAINT t_c_key UNIQUE (c)", .inline_in_parent = true},
    {.kind = SCTL_K_TABLE, .schema = "public", .name = "child", .parent = -1,
     .make = 3},
};

static const SctlStatement statements[] = {
    {0, SCTL_STMT_MAKE, 0, 1, false, "CREATE TABLE public.t (c integer)"},
    {2, SCTL_STMT_MAKE, 0, 2, false,
     "ALTER TABLE public.t ADD CONSTRAINT t_p_fkey FOREIGN KEY (p) "
     "REFERENCES public.p (id)"},
    {4, SCTL_STMT_MAKE, 0, 3, false, "CREATE INDEX t_c_idx ON public.t (c)"},
    {6, SCTL_STMT_MAKE, 0, 4, false,
     "CREATE TABLE public.child (t integer REFERENCES public.t (c))"},
};

static const SctlSchema schema = {
    .project = "hazards", .objects = objects, .nobjects = 7,
    .statements = statements, .nstatements = 4,
};

enum { ROWS = 1, NEW = 2, VOLATILE = 4, COERCIBLE = 8, REQUIRED = 16 };

typedef struct Case {
    int shape;              /* -1: the statement */
    int statement, object;
    int facts;
    const char *lock;       /* NULL: none */
    const char *effect;     /* a part of it, or NULL: none */
    const char *warning;    /* a part of it, or NULL: none */
} Case;

static const Case cases[] = {
    {SCTL_SHAPE_ADD_COLUMN, -1, 1, ROWS, "ACCESS EXCLUSIVE", NULL, NULL},
    {SCTL_SHAPE_ADD_COLUMN, -1, 1, ROWS | VOLATILE, "ACCESS EXCLUSIVE",
     "rewrites", "volatile default"},
    {SCTL_SHAPE_ADD_COLUMN, -1, 1, ROWS | REQUIRED, "ACCESS EXCLUSIVE", NULL,
     "required column"},
    {SCTL_SHAPE_ALTER_TYPE, -1, 1, ROWS, "ACCESS EXCLUSIVE", "rewrites",
     "changing a column's type"},
    {SCTL_SHAPE_ALTER_TYPE, -1, 1, ROWS | COERCIBLE, "ACCESS EXCLUSIVE",
     NULL, NULL},
    {SCTL_SHAPE_SET_NOT_NULL, -1, 1, ROWS, "ACCESS EXCLUSIVE", "scans",
     "SET NOT NULL"},
    {SCTL_SHAPE_DROP_NOT_NULL, -1, 1, ROWS, "ACCESS EXCLUSIVE", NULL, NULL},
    {SCTL_SHAPE_DROP_COLUMN, -1, 1, ROWS, "ACCESS EXCLUSIVE", NULL,
     "dropping a column"},
    {SCTL_SHAPE_ADD_CONSTRAINT, -1, 3, 0, "ACCESS EXCLUSIVE", "scans",
     "without NOT VALID"},
    {SCTL_SHAPE_ADD_CONSTRAINT_NOT_VALID, -1, 3, ROWS, "ACCESS EXCLUSIVE",
     NULL, NULL},
    {SCTL_SHAPE_ADD_CONSTRAINT_NOT_VALID, -1, 2, ROWS, "SHARE ROW EXCLUSIVE",
     NULL, NULL},
    {SCTL_SHAPE_VALIDATE_CONSTRAINT, -1, 2, ROWS, "SHARE UPDATE EXCLUSIVE",
     "scans", NULL},
    {SCTL_SHAPE_ADD_CONSTRAINT, -1, 5, ROWS, "ACCESS EXCLUSIVE",
     "builds an index", "unique or exclusion"},
    {-1, 1, 2, 0, "SHARE ROW EXCLUSIVE", "scans the table and the referenced",
     "without NOT VALID"},
    {-1, 2, 4, ROWS, "SHARE", "scans", "without CONCURRENTLY"},
    {-1, 2, 4, NEW, "SHARE", NULL, NULL},
    {SCTL_SHAPE_CREATE_INDEX_CONCURRENTLY, -1, 4, ROWS,
     "SHARE UPDATE EXCLUSIVE", "outside the transaction", NULL},
    {-1, 3, 6, NEW, "SHARE ROW EXCLUSIVE", NULL, NULL},
    {-1, 0, 0, NEW, NULL, NULL, NULL},
    {SCTL_SHAPE_DROP_TABLE, -1, -1, 0, "ACCESS EXCLUSIVE", NULL,
     "dropping a table"},
    {SCTL_SHAPE_DROP_ROUTINE, -1, -1, 0, NULL, NULL, NULL},
    {SCTL_SHAPE_RENAME_COLUMN, -1, 1, ROWS, "ACCESS EXCLUSIVE", NULL,
     "renaming a column"},
    {SCTL_SHAPE_RENAME_TABLE, -1, 0, ROWS, "ACCESS EXCLUSIVE", NULL,
     "renaming a table"},
    {SCTL_SHAPE_RENAME_INDEX, -1, 4, ROWS, "SHARE UPDATE EXCLUSIVE", NULL,
     NULL},
    {SCTL_SHAPE_GRANT_TABLE, -1, 0, ROWS, NULL, NULL, NULL},
};

static void check_part(const char *what, const char *got, const char *want,
                       int i)
{
    if (!want)
        ck_assert_msg(got == NULL, "case %d: %s: expected none, got \"%s\"",
                      i, what, got);
    else
        ck_assert_msg(got && strstr(got, want), "case %d: %s: expected "
                      "\"%s\", got \"%s\"", i, what, want,
                      got ? got : "(none)");
}

START_TEST(one_case)
{
    const Case *c = &cases[_i];
    SctlStep st = {.statement = c->statement, .object = c->object,
                   .shape = c->shape};
    SctlStepFacts f = {.has_rows = c->facts & ROWS,
                       .table_new = c->facts & NEW,
                       .volatile_default = c->facts & VOLATILE,
                       .binary_coercible = c->facts & COERCIBLE,
                       .required = c->facts & REQUIRED};
    SctlHazard h;
    sctl_hazard(&schema, &st, &f, &h);
    if (c->lock)
        ck_assert_msg(h.lock && strcmp(h.lock, c->lock) == 0,
                      "case %d: lock: expected %s, got %s", _i, c->lock,
                      h.lock ? h.lock : "(none)");
    else
        ck_assert_msg(!h.lock, "case %d: lock: expected none, got %s", _i,
                      h.lock);
    check_part("effect", h.effect, c->effect, _i);
    check_part("warning", h.warning, c->warning, _i);
    sctl_hazard_free(&h);
}
END_TEST

/* The plan's comment line names the table and what happens to it. */
START_TEST(text_names_table_and_effect)
{
    SctlStep st = {.statement = -1, .object = 1,
                   .shape = SCTL_SHAPE_ALTER_TYPE};
    SctlStepFacts f = {.has_rows = true};
    SctlHazard h;
    sctl_hazard(&schema, &st, &f, &h);
    char *text = sctl_hazard_text(&h, false);
    ck_assert_str_eq(text, "-- lock: ACCESS EXCLUSIVE on public.t; rewrites "
                     "the table\n-- warning: changing a column's type "
                     "rewrites the table and its indexes under ACCESS "
                     "EXCLUSIVE");
    free(text);
    sctl_hazard_free(&h);
    st.shape = SCTL_SHAPE_GRANT_TABLE;
    sctl_hazard(&schema, &st, &f, &h);
    ck_assert_ptr_null(sctl_hazard_text(&h, false));
    sctl_hazard_free(&h);
}
END_TEST

/* Refused steps run nothing, so they lock nothing. */
START_TEST(refused_step_locks_nothing)
{
    SctlStep st = {.statement = -1, .object = 1,
                   .shape = SCTL_SHAPE_ALTER_TYPE, .why = "cannot"};
    SctlStepFacts f = {.has_rows = true};
    SctlHazard h;
    sctl_hazard(&schema, &st, &f, &h);
    ck_assert_ptr_null(h.lock);
    sctl_hazard_free(&h);
}
END_TEST

/* The shared helpers that find what an ALTER TABLE ... ADD adds. */
START_TEST(added_definitions)
{
    const char *def = sctl_added_definition(statements[1].sql, "public", "t");
    ck_assert_ptr_nonnull(def);
    ck_assert(sctl_is_foreign_key(def, "t_p_fkey"));
    ck_assert(sctl_validatable(def, "t_p_fkey"));
    ck_assert(!sctl_is_foreign_key(def, "other"));
    ck_assert_ptr_null(sctl_added_definition(statements[1].sql, "public",
                                             "u"));
    ck_assert_ptr_null(sctl_added_definition(
        "ALTER TABLE \"Public\".t ADD CONSTRAINT x CHECK (true)", "public",
        "t"));
    ck_assert(sctl_validatable(objects[3].definition, "t_c_check"));
    ck_assert(!sctl_validatable(objects[5].definition, "t_c_key"));
    ck_assert(sctl_validatable("CONSTRAINT \"Odd Name\" CHECK (x)",
                               "Odd Name"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hazards");
    TCase *tc = tcase_create("steps");
    tcase_add_loop_test(tc, one_case, 0, sizeof cases / sizeof cases[0]);
    tcase_add_test(tc, text_names_table_and_effect);
    tcase_add_test(tc, refused_step_locks_nothing);
    tcase_add_test(tc, added_definitions);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}

/*
 * test_shape.c — the table of repair shapes and the one quoting function
 * they share with the compiler: every shape written with hostile names
 * parses, and parses back to those very names; bad arguments write
 * nothing; the model carries canonical statements byte for byte; and the
 * build-time check reports a repair that cannot parse at its object.
 */
#include <check.h>
#include <pg_query.h>
#include <stdlib.h>
#include <string.h>

#include "compile_helper.h"

/* Names that break naive quoting: keywords of SQL, of ECPG and of C,
 * and every byte that has a meaning to a lexer. */
static const char *const hostile[] = {
    "plain", "select", "user", "allocate", "descriptor", "reference",
    "bool", "long", "struct", "unsigned", "Mixed Case", "a\nb", "a\rb",
    "tab\there", "quote\"d", "it's", "back\\slash", "$$", "$1", "?",
    "-- not a comment", "/* nor this */", "ünïcödé",
};
#define NHOSTILE ((int)(sizeof hostile / sizeof hostile[0]))

static char *shape_text(SctlShape sh, const char *const *args)
{
    Buf b = {0};
    if (!sctl_shape_write(quote_out(&b), sh, args)) {
        buf_free(&b);
        return NULL;
    }
    buf_putc(&b, '\0');
    return b.data;
}

static bool parses(const char *sql)
{
    PgQuerySplitResult r = pg_query_split_with_parser(sql);
    bool ok = !r.error && r.n_stmts == 1;
    pg_query_free_split_result(r);
    return ok;
}

/* Arguments for shape sh: the hostile name everywhere a name goes, and a
 * valid fragment, privilege or role elsewhere. */
static void fill_args(SctlShape sh, const char *name, const char **args)
{
    const char *t = sctl_shape_templates[sh];
    int i = 0;
    for (; *t; t++) {
        if (t[0] != '%' || !t[1])
            continue;
        switch (*++t) {
        case 'Q': args[i++] = name; args[i++] = name; break;
        case 'I':
        case 'L': args[i++] = name; break;
        case 'R':
            args[i] = i % 2 ? "PUBLIC" : name;
            i++;
            break;
        case 'P':   /* "ON %P": the kind of default privileges */
            args[i++] = t - 4 >= sctl_shape_templates[sh] &&
                        strncmp(t - 4, "ON %", 4) == 0 ? "TABLES"
                                                       : "SELECT, UPDATE";
            break;
        default: args[i++] = sh == SCTL_SHAPE_REPLACE
                                 ? "VIEW v AS SELECT 1"
                             : sh == SCTL_SHAPE_ATTACH_PARTITION
                                 ? "FOR VALUES IN (1)"
                             : sh == SCTL_SHAPE_ADD_CONSTRAINT ||
                               sh == SCTL_SHAPE_ADD_CONSTRAINT_NOT_VALID
                                 ? "CONSTRAINT c CHECK (a > 0)"
                             : sh == SCTL_SHAPE_GRANT_FUNCTION ||
                               sh == SCTL_SHAPE_GRANT_FUNCTION_OPTION ||
                               sh == SCTL_SHAPE_REVOKE_FUNCTION ||
                               sh == SCTL_SHAPE_DROP_FUNCTION ||
                               sh == SCTL_SHAPE_DROP_ROUTINE
                                 ? "public.f(integer)"
                             : sh == SCTL_SHAPE_SET_DEFAULT ||
                               sh == SCTL_SHAPE_BACKFILL ||
                               sh == SCTL_SHAPE_BACKFILL_NULLS ? "now()"
                             : sh == SCTL_SHAPE_ALTER_TYPE ||
                               sh == SCTL_SHAPE_ALTER_TYPE_VIA_TEXT ||
                               sh == SCTL_SHAPE_COUNT_CHANGED_BY_TYPE
                                 ? "bigint"
                             : sh == SCTL_SHAPE_RENAME_FUNCTION
                                 ? "(integer, text)"
                             : sh == SCTL_SHAPE_ALTER_SEQUENCE
                                 ? "AS integer INCREMENT BY 1 MINVALUE 1 "
                                   "MAXVALUE 10 START WITH 1 CACHE 1 NO CYCLE"
                             : sh == SCTL_SHAPE_CREATE_INDEX_CONCURRENTLY ||
                               sh == SCTL_SHAPE_CREATE_UNIQUE_INDEX_CONCURRENTLY
                                 ? "i ON t (a)"
                                 : "a integer";
            break;
        }
    }
    args[i] = NULL;
}

START_TEST(test_every_shape_parses_with_hostile_names)
{
    SctlShape sh = (SctlShape)(_i / NHOSTILE);
    const char *args[16];
    fill_args(sh, hostile[_i % NHOSTILE], args);
    char *sql = shape_text(sh, args);
    ck_assert_msg(sql != NULL, "%s not written", sctl_shape_names[sh]);
    ck_assert_msg(parses(sql), "%s: %s", sctl_shape_names[sh], sql);
    free(sql);
}
END_TEST

START_TEST(test_arity_counts_holes)
{
    ck_assert_int_eq(sctl_shape_arity(SCTL_SHAPE_DROP_INDEX), 2);
    ck_assert_int_eq(sctl_shape_arity(SCTL_SHAPE_SET_DEFAULT), 4);
    ck_assert_int_eq(sctl_shape_arity(SCTL_SHAPE_ATTACH_PARTITION), 5);
    ck_assert_int_eq(sctl_shape_arity(SCTL_SHAPE_GRANT_COLUMN), 5);
    for (int sh = 0; sh < SCTL_NSHAPES; sh++) {
        const char *args[16];
        fill_args((SctlShape)sh, "x", args);
        int n = 0;
        while (args[n])
            n++;
        ck_assert_int_eq(n, sctl_shape_arity((SctlShape)sh));
    }
}
END_TEST

/* The identifier comes back from the parser exactly: quoting is right. */
START_TEST(test_quoted_name_round_trips)
{
    const char *name = hostile[_i];
    char *sql = shape_text(SCTL_SHAPE_DROP_POLICY,
                           (const char *const[]){name, "s", "t"});
    Arena *a = arena_new();
    PgParse r = pgsql_parse(a, "", sql, strlen(sql), "");
    ck_assert_msg(r.tree != NULL, "%s: %s", sql, r.message);
    const Json *drop = json_get(json_get(json_at(json_get(r.tree, "stmts"),
                                                 0), "stmt"), "DropStmt");
    const Json *names = json_get(json_get(json_at(json_get(drop, "objects"),
                                                  0), "List"), "items");
    const char *got = pgsql_list_string(names, -1);   /* the policy's */
    ck_assert_msg(got && strcmp(got, name) == 0, "%s: read back %s", sql,
                  got ? got : "nothing");
    arena_free(a);
    free(sql);
}
END_TEST

START_TEST(test_bad_arguments_write_nothing)
{
    ck_assert_ptr_null(shape_text(SCTL_SHAPE_GRANT_TABLE,
        (const char *const[]){"SELECT; DROP TABLE x", "s", "t", "r"}));
    ck_assert_ptr_null(shape_text(SCTL_SHAPE_GRANT_TABLE,
        (const char *const[]){"select", "s", "t", "r"}));
    ck_assert_ptr_null(shape_text(SCTL_SHAPE_DROP_INDEX,
        (const char *const[]){"s", NULL}));
    ck_assert_ptr_null(shape_text(SCTL_SHAPE_DROP_COLUMN,
        (const char *const[]){"s", "t", NULL}));
    char *ok = shape_text(SCTL_SHAPE_DROP_INDEX,
                          (const char *const[]){NULL, "i"});
    ck_assert_str_eq(ok, "DROP INDEX i");
    free(ok);
}
END_TEST

START_TEST(test_quoting_follows_quote_ident)
{
    static const char *const cases[][2] = {
        {"plain", "plain"}, {"select", "\"select\""}, {"user", "\"user\""},
        {"name", "name"},   /* unreserved */
        {"allocate", "allocate"}, {"Mixed", "\"Mixed\""},
        {"quote\"d", "\"quote\"\"d\""}, {"1a", "\"1a\""}, {"_a1", "_a1"},
        {"a\nb", "\"a\nb\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Buf b = {0};
        sctl_quote_ident(quote_out(&b), cases[i][0]);
        buf_putc(&b, '\0');
        ck_assert_str_eq(b.data, cases[i][1]);
        buf_free(&b);
    }
}
END_TEST

/* ------------------------------------------------------------ model */

static void checked(Arena *a, Program *p, Diag *d, const char *text,
                    FILE *out)
{
    diag_init(d, out);
    Compilation c = compile_named(a, "m.schema", text, d);
    ck_assert_int_eq(c.errors, 0);
    ck_assert_ptr_nonnull(c.prog);
    *p = *c.prog;
}

/* The carried statements put together are generated/NAME.sql itself. */
START_TEST(test_model_carries_the_canonical_bytes)
{
    Arena *a = arena_new();
    FILE *out = tmpfile();
    Program p;
    Diag d;
    checked(a, &p, &d, "table \"a\nb\" { \"allocate\" int default 1;\n"
            "  \"reference\" text check (\"reference\" <> '$1');\n"
            "  row level security forced; }\n"
            "function f(x int) returns int { language sql;\n"
            "  as $$ select $1 + 1 -- ?\n$$; }\n", out);
    BuildOutputs o;
    ck_assert_int_eq(build_outputs(a, &p, "m", &o, &d), 0);
    const SctlSchema *s = o.model;
    Buf again = {0};
    buf_puts(&again, "-- generated by schemac; do not edit\n"
                     "-- apply with: psql -v ON_ERROR_STOP=1 -1 -f FILE\n");
    for (int k = 0; k < s->nstatements; k++) {
        if (!s->statements[k].continues)
            buf_printf(&again, "\n-- source: %s:%d\n",
                       s->files[s->statements[k].file],
                       s->statements[k].line);
        buf_printf(&again, "%s;\n", s->statements[k].sql);
    }
    ck_assert_str_eq(again.data, o.sql.data);
    ck_assert_int_gt(o.parsed, s->nstatements);
    /* the forced switch is a second statement of its unit */
    bool forced = false;
    for (int k = 0; k < s->nstatements; k++)
        forced |= s->statements[k].continues &&
                  s->statements[k].role == SCTL_STMT_SWITCH;
    ck_assert(forced);
    buf_free(&again);
    buf_free(&o.sql);
    fclose(out);
    arena_free(a);
}
END_TEST

/* A repair whose text does not parse stops the build at its object. */
START_TEST(test_check_reports_a_repair_at_its_object)
{
    Arena *a = arena_new();
    FILE *out = tmpfile();
    Program p;
    Diag d;
    checked(a, &p, &d, "table t {\n  a int default 1;\n}\n", out);
    BuildOutputs o;
    ck_assert_int_eq(build_outputs(a, &p, "m", &o, &d), 0);
    SctlSchema broken = *o.model;
    SctlObject *objs = arena_alloc(a, sizeof *objs * (size_t)broken.nobjects);
    memcpy(objs, broken.objects, sizeof *objs * (size_t)broken.nobjects);
    int col = -1;
    for (int i = 0; i < broken.nobjects; i++)
        if (objs[i].kind == SCTL_K_COLUMN)
            col = i;
    ck_assert_int_ge(col, 0);
    objs[col].default_expr = "1 +";
    broken.objects = objs;
    ck_assert_int_gt(shape_check(a, &broken, &o.at, &d), 0);
    ck_assert_int_eq(d.errors, 1);
    fflush(out);
    char text[2048] = "";
    rewind(out);
    size_t n = fread(text, 1, sizeof text - 1, out);
    text[n] = '\0';
    ck_assert_msg(strstr(text, "m.schema:2:3: error: the repair SET_DEFAULT "
                               "does not parse: syntax error at end of "
                               "input") != NULL, "%s", text);
    buf_free(&o.sql);
    fclose(out);
    arena_free(a);
}
END_TEST

/* ------------------------------------------------------------ probes */

static const SctlObject *object_named(const SctlSchema *s, SctlKind k,
                                      const char *name)
{
    for (int i = 0; i < s->nobjects; i++)
        if (s->objects[i].kind == k && strcmp(s->objects[i].name, name) == 0)
            return &s->objects[i];
    return NULL;
}

/* Each key, check and foreign key carries a query counting the rows that
 * break it, written with the declared names, and the build parses it. */
START_TEST(test_probes_count_rows_in_the_way)
{
    Arena *a = arena_new();
    FILE *out = tmpfile();
    Program p;
    Diag d;
    checked(a, &p, &d, "table owners { id int primary key; }\n"
            "table \"Pets\" {\n  id int primary key;\n"
            "  owner int references owners;\n"
            "  tag text unique nulls not distinct;\n"
            "  age int check (age >= 0);\n"
            "  nick text not null backfill 'x';\n"
            "  unique index (owner, nick) where age > 1;\n}\n", out);
    BuildOutputs o;
    ck_assert_int_eq(build_outputs(a, &p, "m", &o, &d), 0);
    const SctlSchema *s = o.model;
    const SctlObject *fk = object_named(s, SCTL_K_CONSTRAINT,
                                        "Pets_owner_fkey");
    ck_assert_ptr_nonnull(fk);
    ck_assert_str_eq(fk->probe, "SELECT count(*) FROM public.\"Pets\" AS c WHERE "
                     "(c.owner IS NOT NULL AND NOT EXISTS (SELECT FROM "
                     "public.owners AS p WHERE p.id = c.owner))");
    const SctlObject *ck = object_named(s, SCTL_K_CONSTRAINT,
                                        "Pets_age_check");
    ck_assert_str_eq(ck->probe, "SELECT count(*) FROM public.\"Pets\" WHERE NOT "
                     "(age >= 0)");
    const SctlObject *uq = object_named(s, SCTL_K_CONSTRAINT,
                                        "Pets_tag_key");
    ck_assert_str_eq(uq->probe, "SELECT coalesce(sum(n), 0) FROM (SELECT "
                     "count(*) AS n FROM public.\"Pets\" GROUP BY tag HAVING "
                     "count(*) > 1) AS duplicates");
    const SctlObject *ix = object_named(s, SCTL_K_INDEX,
                                        "Pets_owner_nick_idx");
    ck_assert_ptr_nonnull(ix);
    ck_assert_str_eq(ix->probe, "SELECT coalesce(sum(n), 0) FROM (SELECT "
                     "count(*) AS n FROM public.\"Pets\" WHERE owner IS NOT NULL "
                     "AND nick IS NOT NULL AND (age > 1) GROUP BY owner, "
                     "nick HAVING count(*) > 1) AS duplicates");
    const SctlObject *nick = object_named(s, SCTL_K_COLUMN, "nick");
    ck_assert_str_eq(nick->backfill, "'x'");
    ck_assert_str_eq(nick->nullable_definition, "nick text");
    ck_assert_ptr_null(object_named(s, SCTL_K_COLUMN, "age")->backfill);
    buf_free(&o.sql);
    fclose(out);
    arena_free(a);
}
END_TEST

Suite *make_shape_suite(void)
{
    Suite *s = suite_create("shape");
    TCase *tc = tcase_create("shapes");
    tcase_add_loop_test(tc, test_every_shape_parses_with_hostile_names, 0,
                        SCTL_NSHAPES * NHOSTILE);
    tcase_add_test(tc, test_arity_counts_holes);
    tcase_add_loop_test(tc, test_quoted_name_round_trips, 0, NHOSTILE);
    tcase_add_test(tc, test_bad_arguments_write_nothing);
    tcase_add_test(tc, test_quoting_follows_quote_ident);
    suite_add_tcase(s, tc);
    tc = tcase_create("model");
    tcase_add_test(tc, test_model_carries_the_canonical_bytes);
    tcase_add_test(tc, test_check_reports_a_repair_at_its_object);
    tcase_add_test(tc, test_probes_count_rows_in_the_way);
    suite_add_tcase(s, tc);
    return s;
}

/*
 * test_pgsql.c — libpg_query applied to fragments: error messages and the
 * byte offsets they map to, PL/pgSQL line mapping, and reference collection.
 */
#include "schemac.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static Arena *arena;

static void setup(void)
{
    arena = arena_new();
}

static void teardown(void)
{
    arena_free(arena);
    arena = NULL;
}

static PgParse parse(const char *prefix, const char *frag, const char *suffix)
{
    return pgsql_parse(arena, prefix, frag, strlen(frag), suffix);
}

static const char *kind_word(RefKind k)
{
    switch (k) {
    case REF_RELATION: return "rel";
    case REF_FUNCTION: return "fn";
    case REF_TYPE: return "type";
    case REF_COLUMN: return "col";
    }
    return "?";
}

/* Every reference as "kind schema.name/nargs @location dN", ", "-joined. */
static const char *refs_of(const Json *tree)
{
    Vec refs = {0};
    pgsql_collect_refs(arena, tree, &refs);
    Buf b = {0};
    buf_puts(&b, "");
    for (int i = 0; i < refs.len; i++) {
        const PgRef *r = refs.items[i];
        buf_printf(&b, "%s%s %s%s%s", i ? ", " : "", kind_word(r->kind),
                   r->schema ? r->schema : "", r->schema ? "." : "", r->name);
        if (r->kind == REF_FUNCTION)
            buf_printf(&b, "/%d", r->nargs);
        buf_printf(&b, " @%ld d%d", r->location, r->depth);
    }
    const char *s = arena_strdup(arena, b.data);
    buf_free(&b);
    return s;
}

static const char *refs_of_sql(const char *sql)
{
    PgParse p = parse("", sql, "");
    ck_assert_msg(p.tree != NULL, "%s: %s", sql, p.message);
    return refs_of(p.tree);
}

START_TEST(test_parse_tree)
{
    PgParse p = parse("SELECT ", "1 + x", " FROM t");
    ck_assert_ptr_nonnull(p.tree);
    ck_assert_ptr_null(p.message);
    ck_assert_int_eq(p.error_off, -1);
    ck_assert_int_eq(json_int(json_get(p.tree, "version"), 0), 150001);
    Json *stmt = json_get(json_at(json_get(p.tree, "stmts"), 0), "stmt");
    ck_assert_ptr_nonnull(json_get(stmt, "SelectStmt"));
}
END_TEST

static const struct {
    const char *prefix, *frag, *suffix;
    const char *message;
    long off;
} errors[] = {
    /* At end of input, in the suffix or with none: the fragment's end. */
    {"SELECT ", "1 +", "", "syntax error at end of input", 3},
    {"SELECT ", "(1", "", "syntax error at end of input", 2},
    {"CREATE TABLE t (a int CHECK (", "a >", "))",
     "syntax error at or near \")\"", 3},
    {"SELECT ", "1", " FROM FROM", "syntax error at or near \"FROM\"", 1},
    /* In the prefix: the fragment's start. */
    {"SELEC ", "1", "", "syntax error at or near \"SELEC\"", 0},
    {"SELECT ", "1 2", "", "syntax error at or near \"2\"", 2},
    {"SELECT ", "'x", "", "unterminated quoted string at or near \"'x\"", 0},
    /* PostgreSQL counts characters: ')' is character 6 but byte 9. */
    {"SELECT ", "'\xC3\xA9\xC3\xA9\xC3\xA9' )", "",
     "syntax error at or near \")\"", 9},
    {"SELECT '\xE6\x97\xA5', ", "'\xE6\x97\xA5\xE6\x9C\xAC' )", "",
     "syntax error at or near \")\"", 9},
    {"SELECT ", "\xF0\x9F\x98\x80 + )", "",
     "syntax error at or near \")\"", 7},
};

START_TEST(test_parse_errors)
{
    PgParse p = parse(errors[_i].prefix, errors[_i].frag, errors[_i].suffix);
    ck_assert_ptr_null(p.tree);
    ck_assert_str_eq(p.message, errors[_i].message);
    ck_assert_int_eq(p.error_off, errors[_i].off);
}
END_TEST

START_TEST(test_nul_byte)
{
    PgParse p = pgsql_parse(arena, "SELECT ", "1 +\0 2", 6, "");
    ck_assert_ptr_null(p.tree);
    ck_assert_str_eq(p.message, "SQL text contains a NUL byte");
    ck_assert_int_eq(p.error_off, 3);
}
END_TEST

/* Refused before Bison's stack gives out at 10000 levels. */
START_TEST(test_deep_parentheses)
{
    char *s = malloc(40002);
    memset(s, '(', 20000);
    s[20000] = '1';
    memset(s + 20001, ')', 20000);
    s[40001] = '\0';
    PgParse p = parse("SELECT ", s, "");
    ck_assert_ptr_null(p.tree);
    ck_assert_str_eq(p.message, "SQL nested more than 10000 levels deep");
    ck_assert_int_eq(p.error_off, 10000);
    free(s);
}
END_TEST

/* A tree deeper than json.c reads is an error too (2 levels per "+"). */
START_TEST(test_deep_tree)
{
    Buf b = {0};
    buf_puts(&b, "1");
    for (int i = 0; i < 3000; i++)
        buf_puts(&b, "+1");
    PgParse p = parse("SELECT ", b.data, "");
    buf_free(&b);
    ck_assert_ptr_null(p.tree);
    ck_assert_int_eq(p.error_off, -1);
    const char *want = "unreadable parse tree: nesting deeper than 4096";
    ck_assert_msg(strncmp(p.message, want, strlen(want)) == 0, "%s",
                  p.message);
}
END_TEST

/* The walk reaches every leaf of a tree near json.c's depth limit. */
START_TEST(test_deep_tree_refs)
{
    Buf b = {0};
    buf_puts(&b, "x");
    for (int i = 0; i < 2000; i++)
        buf_puts(&b, "+x");
    PgParse p = parse("SELECT ", b.data, "");
    buf_free(&b);
    ck_assert_msg(p.tree != NULL, "%s", p.message);
    Vec refs = {0};
    pgsql_collect_refs(arena, p.tree, &refs);
    ck_assert_int_eq(refs.len, 2001);
    for (int i = 0; i < refs.len; i++) {
        const PgRef *r = refs.items[i];
        ck_assert_int_eq(r->kind, REF_COLUMN);
        ck_assert_int_eq(r->depth, 0);
    }
    ck_assert_int_eq(((PgRef *)refs.items[0])->location, 7);
    ck_assert_int_eq(((PgRef *)refs.items[2000])->location, 4007);
}
END_TEST

START_TEST(test_function_arity)
{
    ck_assert_str_eq(
        refs_of_sql("SELECT f(), s.g(1, 2, 3), count(*), pg_catalog.h(x)"),
        "fn f/0 @7 d0, fn s.g/3 @12 d0, fn count/0 @26 d0, "
        "fn pg_catalog.h/1 @36 d0, col x @49 d0");
    ck_assert_str_eq(refs_of_sql("SELECT f(g(a), VARIADIC b)"),
                     "fn f/2 @7 d0, fn g/1 @9 d0, col a @11 d0, col b @24 d0");
}
END_TEST

START_TEST(test_types)
{
    ck_assert_str_eq(
        refs_of_sql("SELECT 1::my.typ, 'x'::timestamptz, "
                    "now()::timestamp with time zone, 2::int, '{}'::text[]"),
        "type my.typ @10 d0, type timestamptz @23 d0, fn now/0 @36 d0, "
        "type pg_catalog.timestamptz @43 d0, type pg_catalog.int4 @72 d0, "
        "type text @83 d0");
}
END_TEST

/* Only bare column names count: a.b and * say which relation they mean. */
START_TEST(test_columns_and_relations)
{
    ck_assert_str_eq(refs_of_sql("SELECT a, t.b, *, t.* FROM t, s.u AS v"),
                     "col a @7 d0, rel t @27 d0, rel s.u @30 d0");
    ck_assert_str_eq(refs_of_sql("UPDATE s.t SET a = b + 1 WHERE c"),
                     "rel s.t @7 d0, col b @19 d0, col c @31 d0");
}
END_TEST

/* Locations are bytes, although error positions count characters. */
START_TEST(test_locations_are_bytes)
{
    ck_assert_str_eq(refs_of_sql("SELECT '\xC3\xA9\xC3\xA9', x FROM t"),
                     "col x @15 d0, rel t @22 d0");
}
END_TEST

START_TEST(test_depth)
{
    ck_assert_str_eq(
        refs_of_sql("SELECT 1 FROM (SELECT a FROM t) s WHERE b IN "
                    "(SELECT c FROM u WHERE EXISTS (SELECT 1 FROM v))"),
        "col a @22 d1, rel t @29 d1, col b @40 d0, col c @53 d1, "
        "rel u @60 d1, rel v @90 d2");
}
END_TEST

/* WITH names hide relations only where they are in scope. */
START_TEST(test_cte_scope)
{
    ck_assert_str_eq(
        refs_of_sql("WITH x AS (SELECT * FROM x), y AS (SELECT * FROM x) "
                    "SELECT a FROM y, z WHERE b IN (SELECT c FROM x)"),
        "col a @59 d0, rel z @69 d0, col b @77 d0, col c @90 d1, "
        "rel x @25 d1");
    ck_assert_str_eq(
        refs_of_sql("WITH RECURSIVE r AS (SELECT 1 UNION SELECT n FROM r) "
                    "SELECT * FROM r"),
        "col n @43 d1");
    /* The target of INSERT is a table even when a CTE shares its name. */
    ck_assert_str_eq(
        refs_of_sql("WITH t AS (SELECT 1) INSERT INTO t SELECT * FROM t"),
        "rel t @33 d0");
    ck_assert_str_eq(
        refs_of_sql("WITH t AS (SELECT 1), x AS (INSERT INTO t VALUES (1) "
                    "RETURNING *) DELETE FROM t USING x, t"),
        "rel t @78 d0, rel t @40 d1");
    /* A CTE inside a subquery is not visible outside it. */
    ck_assert_str_eq(
        refs_of_sql("SELECT * FROM (WITH q AS (SELECT 1) SELECT * FROM q) s, "
                    "q"),
        "rel q @56 d0");
}
END_TEST

/* Fields of fixed node type are written without the {"Type": } wrapper. */
START_TEST(test_unwrapped_nodes)
{
    ck_assert_str_eq(
        refs_of_sql("CREATE TABLE s.t (a int REFERENCES p(id), "
                    "b t2 DEFAULT f())"),
        "rel s.t @13 d0, type pg_catalog.int4 @20 d0, rel p @35 d0, "
        "type t2 @44 d0, fn f/0 @55 d0");
    ck_assert_str_eq(
        refs_of_sql("CREATE FUNCTION f(a t.col%TYPE) RETURNS SETOF foo "
                    "LANGUAGE sql AS 'x'"),
        "rel t @20 d0, type foo @46 d0");
    ck_assert_str_eq(refs_of_sql("CALL s.p(1)"), "fn s.p/1 @5 d0");
}
END_TEST

/* A CREATE FUNCTION around body, which starts at byte body_off. */
static PgParse plpgsql(const char *body)
{
    const char *head =
        "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$";
    char *sql = arena_printf(arena, "%s%s$$", head, body);
    return pgsql_parse_plpgsql(arena, sql, strlen(head), strlen(body));
}

static const struct {
    const char *body;
    const char *message;
    long off;
} pl_errors[] = {
    /* "near line 3": lines count from 1 at the body's first byte. */
    {"\nBEGIN\n  RETURN 1 2;\nEND\n", "syntax error at or near \"2\"", 18},
    {"BEGIN\n  RETURN 1 2;\nEND\n", "syntax error at or near \"2\"", 17},
    /* The named token is on the named line even after multibyte text. */
    {"\nBEGIN\n  RAISE NOTICE 'h\xC3\xA9llo';\n  RETURN 1 2;\nEND\n",
     "syntax error at or near \"2\"", 43},
    {"\nDECLARE\n  y int;\nBEGIN\n  y := (1 + 2;\nEND\n",
     "mismatched parentheses at or near \";\"", 37},
    /* The line is that of the statement PL/pgSQL was reading (PERFORM 3,
     * which lacks its ';'); the IF it names is the one of END IF, the
     * first IF from that line on. */
    {"\nBEGIN\n  PERFORM 1;\n  IF true THEN\n    PERFORM 3\n  END IF;\nEND\n",
     "syntax error at or near \"IF\"", 55},
    /* A missing ';' runs the expression on into the next statement: the
     * token is where PostgreSQL's parser finds it there (the second "1"),
     * not its first place from the named line on. */
    {"\nBEGIN\n  PERFORM 1\n  RETURN 1;\nEND\n",
     "syntax error at or near \"1\"", 28},
    {"\nDECLARE\n  y int;\nBEGIN\n  y := 1 1 + 1;\nEND\n",
     "syntax error at or near \"1\"", 33},
    /* A whole-token match only: "1" inside "x1" does not count. */
    {"\nBEGIN\n  x1 := 1;\nEND\n", "\"x1\" is not a known variable", 0},
    {" BEGIN SELECT '\xC3\xA9' ) ; END ", "syntax error at or near \")\"", 19},
    /* A field of no variable: the error about the field, not about the
     * variable once the field is blanked (which libpg_query needs for a
     * variable that is one) */
    {"\nBEGIN\n  nosuch.x := 1;\nEND\n",
     "\"nosuch.x\" is not a known variable", 0},
    /* a real error after a field assignment is still found */
    {"\nDECLARE r record;\nBEGIN\n  r.a := 1;\n  RETURN 1 2;\nEND\n",
     "syntax error at or near \"2\"", 48},
};

START_TEST(test_plpgsql_errors)
{
    PgParse p = plpgsql(pl_errors[_i].body);
    ck_assert_ptr_null(p.tree);
    ck_assert_str_eq(p.message, pl_errors[_i].message);
    ck_assert_int_eq(p.error_off, pl_errors[_i].off);
}
END_TEST

/* Errors in the header come from PostgreSQL's parser. */
START_TEST(test_plpgsql_header_errors)
{
    const char *sql = "CREATE FUNCTION f(a int RETURNS int LANGUAGE plpgsql "
                      "AS $$ BEGIN END $$";
    PgParse p = pgsql_parse_plpgsql(arena, sql, 58, 11);
    ck_assert_ptr_null(p.tree);
    ck_assert_str_eq(p.message, "syntax error at or near \"RETURNS\"");
    ck_assert_int_eq(p.error_off, -1);
    /* Inside the body the offset is relative to it. */
    sql = "CREATE FUNCTION f() RETURNS int LANGUAGE sql "
          "BEGIN ATOMIC SELECT '\xC3\xA9' ); END";
    p = pgsql_parse_plpgsql(arena, sql, 58, 18);
    ck_assert_str_eq(p.message, "syntax error at or near \")\"");
    ck_assert_int_eq(p.error_off, 12);
}
END_TEST

/* What PostgreSQL accepts and libpg_query's PL/pgSQL parser alone does
 * not: an assignment to a record's field, `return next;` in a function
 * with TABLE columns.  Both parse, every other byte in its place. */
START_TEST(test_plpgsql_libpg_query_gaps)
{
    PgParse p = plpgsql("\nDECLARE _new record;\nBEGIN\n  _new := NULL;\n"
                        "  _new.\"updated_at\" = now();\n"
                        "  _new . b := h(2);\n  RETURN 1;\nEND\n");
    ck_assert_msg(p.tree != NULL, "%s", p.message);
    ck_assert_str_eq(refs_of(p.tree), "type record @-1 d0, col _new @-1 d0, "
                     "fn now/0 @-1 d0, fn h/1 @-1 d0");
    const char *head = "CREATE FUNCTION f() RETURNS TABLE (a int) "
                       "LANGUAGE plpgsql AS $$";
    const char *body = "\nBEGIN\n  a := 1;\n  RETURN NEXT;\n"
                       "  return   next ;\nEND\n";
    char *sql = arena_printf(arena, "%s%s$$", head, body);
    p = pgsql_parse_plpgsql(arena, sql, strlen(head), strlen(body));
    ck_assert_msg(p.tree != NULL, "%s", p.message);
    /* the caller's text is not rewritten, only a copy */
    ck_assert(strncmp(sql + strlen(head), body, strlen(body)) == 0);
    /* no room to move into: still the error */
    body = "\nBEGIN\nRETURN NEXT;\nEND\n";
    sql = arena_printf(arena, "%s%s$$", head, body);
    p = pgsql_parse_plpgsql(arena, sql, strlen(head), strlen(body));
    ck_assert_ptr_null(p.tree);
    ck_assert_str_eq(p.message, "missing expression at or near \";\"");
}
END_TEST

START_TEST(test_plpgsql_refs)
{
    PgParse p = plpgsql(
        "\nDECLARE y public.my_type := g(1); r s.t%ROWTYPE; q a%TYPE;\n"
        "  c CURSOR FOR SELECT 1 FROM w;\n"
        "BEGIN\n"
        "  y := y + h(1, 2);\n"
        "  FOR r IN SELECT * FROM t LOOP PERFORM k(r); END LOOP;\n"
        "  INSERT INTO u VALUES (y);\n"
        "  RETURN 1;\n"
        "END\n");
    ck_assert_msg(p.tree != NULL, "%s", p.message);
    ck_assert_int_eq(p.tree->kind, JSON_ARRAY);
    ck_assert_ptr_nonnull(json_get(json_at(p.tree, 0), "PLpgSQL_function"));
    ck_assert_str_eq(refs_of(p.tree),
                     "type public.my_type @-1 d0, fn g/1 @-1 d0, "
                     "rel s.t @-1 d0, type pg_catalog.refcursor @-1 d0, "
                     "rel w @-1 d0, col y @-1 d0, fn h/2 @-1 d0, "
                     "fn k/1 @-1 d0, col r @-1 d0, rel t @-1 d0, "
                     "rel u @-1 d0, col y @-1 d0");
}
END_TEST

Suite *make_pgsql_suite(void)
{
    Suite *s = suite_create("pgsql");
    TCase *tc = tcase_create("pgsql");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_parse_tree);
    tcase_add_loop_test(tc, test_parse_errors, 0,
                        sizeof errors / sizeof errors[0]);
    tcase_add_test(tc, test_nul_byte);
    tcase_add_test(tc, test_deep_parentheses);
    tcase_add_test(tc, test_deep_tree);
    tcase_add_test(tc, test_deep_tree_refs);
    tcase_add_test(tc, test_function_arity);
    tcase_add_test(tc, test_types);
    tcase_add_test(tc, test_columns_and_relations);
    tcase_add_test(tc, test_locations_are_bytes);
    tcase_add_test(tc, test_depth);
    tcase_add_test(tc, test_cte_scope);
    tcase_add_test(tc, test_unwrapped_nodes);
    tcase_add_loop_test(tc, test_plpgsql_errors, 0,
                        sizeof pl_errors / sizeof pl_errors[0]);
    tcase_add_test(tc, test_plpgsql_header_errors);
    tcase_add_test(tc, test_plpgsql_refs);
    tcase_add_test(tc, test_plpgsql_libpg_query_gaps);
    suite_add_tcase(s, tc);
    return s;
}

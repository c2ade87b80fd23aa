/*
 * test_json.c — the JSON reader: values, escapes, limits and every error
 * message it can give.
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

/* Parses a C string that must be well-formed. */
static Json *ok(const char *text)
{
    const char *err = "unset";
    Json *v = json_parse(arena, text, strlen(text), &err);
    ck_assert_msg(v != NULL, "%s: %s", text, err ? err : "(no message)");
    ck_assert_ptr_null(err);
    return v;
}

/* Parses len bytes that must be malformed; returns the message. */
static const char *bad(const char *text, size_t len)
{
    const char *err = NULL;
    Json *v = json_parse(arena, text, len, &err);
    ck_assert_ptr_null(v);
    ck_assert_ptr_nonnull(err);
    return err;
}

START_TEST(test_literals)
{
    ck_assert_int_eq(ok("null")->kind, JSON_NULL);
    Json *t = ok(" true "), *f = ok("\tfalse\r\n");
    ck_assert_int_eq(t->kind, JSON_BOOL);
    ck_assert(t->u.boolean);
    ck_assert_int_eq(f->kind, JSON_BOOL);
    ck_assert(!f->u.boolean);
}
END_TEST

static const struct {
    const char *text;
    double value;
} numbers[] = {
    {"0", 0.0},
    {"-0", -0.0},
    {"42", 42.0},
    {"-17", -17.0},
    {"150001", 150001.0},
    {"2.5", 2.5},
    {"-12.5e2", -1250.0},
    {"1E-2", 0.01},
    {"6.02e+23", 6.02e23},
};

START_TEST(test_numbers)
{
    Json *v = ok(numbers[_i].text);
    ck_assert_int_eq(v->kind, JSON_NUMBER);
    ck_assert_double_eq(v->u.number, numbers[_i].value);
}
END_TEST

START_TEST(test_simple_escapes)
{
    Json *v = ok("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\te\"");
    ck_assert_int_eq(v->kind, JSON_STRING);
    ck_assert_str_eq(v->u.string, "a\"b\\c/d\b\f\n\r\te");
    ck_assert_str_eq(json_str(ok("\"\"")), "");
}
END_TEST

static const struct {
    const char *text;
    const char *utf8;
} unicode[] = {
    {"\"\\u003e\"", ">"},                          /* as libpg_query writes */
    {"\"\\u00e9t\\u00C9\"", "\xC3\xA9t\xC3\x89"},  /* U+00E9, U+00C9 */
    {"\"\\u20ac\"", "\xE2\x82\xAC"},               /* U+20AC euro sign */
    {"\"\\ud83d\\ude00\"", "\xF0\x9F\x98\x80"},    /* U+1F600 via a pair */
    {"\"\\uDBFF\\uDFFF\"", "\xF4\x8F\xBF\xBF"},    /* U+10FFFF, the last */
    {"\"h\xC3\xA9\xE6\x97\xA5\"", "h\xC3\xA9\xE6\x97\xA5"}, /* raw UTF-8 */
};

START_TEST(test_unicode)
{
    ck_assert_str_eq(json_str(ok(unicode[_i].text)), unicode[_i].utf8);
}
END_TEST

static const struct {
    const char *text;
    const char *err;
} errors[] = {
    {"", "unexpected end of input at byte 0"},
    {"   ", "unexpected end of input at byte 3"},
    {"[1,]", "expected a value at byte 3"},
    {"[1 2]", "expected ',' or ']' at byte 3"},
    {"[1", "expected ',' or ']' at byte 2"},
    {"{\"a\" 1}", "expected ':' at byte 5"},
    {"{1:2}", "expected string key at byte 1"},
    {"{\"a\":1,}", "expected string key at byte 7"},
    {"{\"a\":1 \"b\":2}", "expected ',' or '}' at byte 7"},
    {"\"abc", "unterminated string at byte 0"},
    {"[\"a\\", "unterminated string at byte 1"},
    {"\"\\x\"", "invalid escape at byte 1"},
    {"\"\\u12G4\"", "invalid \\u escape at byte 1"},
    {"\"ab\\u12\"", "invalid \\u escape at byte 3"},
    {"\"\\ud83d\"", "unpaired surrogate in \\u escape at byte 1"},
    {"\"\\ud83d\\u0041\"", "unpaired surrogate in \\u escape at byte 1"},
    {"\"x\\ude00\"", "unpaired surrogate in \\u escape at byte 2"},
    {"\"\\u0000\"", "\\u0000 in string at byte 1"},
    {"\"a\nb\"", "control character in string at byte 2"},
    {"-", "invalid number at byte 0"},
    {"1.", "invalid number at byte 0"},
    {"[1e]", "invalid number at byte 1"},
    {".5", "expected a value at byte 0"},
    {"01", "unexpected text after the value at byte 1"},
    {"{} {}", "unexpected text after the value at byte 3"},
    {"tru", "expected a value at byte 0"},
    {"nul", "expected a value at byte 0"},
    {"True", "expected a value at byte 0"},
    {"'a'", "expected a value at byte 0"},
};

START_TEST(test_errors)
{
    ck_assert_str_eq(bad(errors[_i].text, strlen(errors[_i].text)),
                     errors[_i].err);
}
END_TEST

/* The length bounds the text: bytes after it are never read. */
START_TEST(test_length_bounds_text)
{
    const char *err = "unset";
    Json *v = json_parse(arena, "[7]garbage", 3, &err);
    ck_assert_ptr_nonnull(v);
    ck_assert_ptr_null(err);
    ck_assert_int_eq(json_int(json_at(v, 0), -1), 7);
    ck_assert_str_eq(bad("\"abc\"", 4), "unterminated string at byte 0");
    ck_assert_str_eq(bad("12345", 0), "unexpected end of input at byte 0");
    /* A NUL byte inside the length is just a bad character. */
    ck_assert_str_eq(bad("[1,\0]", 5), "expected a value at byte 3");
    ck_assert_str_eq(bad("\"a\0\"", 4),
                     "control character in string at byte 2");
}
END_TEST

static char *brackets(int depth)
{
    char *s = malloc((size_t)depth * 2 + 1);
    memset(s, '[', (size_t)depth);
    memset(s + depth, ']', (size_t)depth);
    s[depth * 2] = '\0';
    return s;
}

START_TEST(test_nesting_limit)
{
    char *s = brackets(4096);
    Json *v = ok(s);
    for (int i = 1; i < 4096; i++)
        v = json_at(v, 0);
    ck_assert_int_eq(v->kind, JSON_ARRAY);
    ck_assert_int_eq(json_len(v), 0);
    free(s);
    s = brackets(4097);
    ck_assert_str_eq(bad(s, strlen(s)),
                     "nesting deeper than 4096 at byte 4096");
    free(s);
}
END_TEST

/* Hostile input far deeper than the limit fails fast, with no crash. */
START_TEST(test_hostile_nesting)
{
    size_t n = 1000000;
    char *s = malloc(n);
    memset(s, '[', n);
    ck_assert_str_eq(bad(s, n), "nesting deeper than 4096 at byte 4096");
    for (size_t i = 0; i + 5 <= n; i += 5)
        memcpy(s + i, "{\"a\":", 5);
    ck_assert_str_eq(bad(s, n), "nesting deeper than 4096 at byte 20480");
    free(s);
}
END_TEST

START_TEST(test_objects)
{
    Json *v = ok("{ \"a\" : 1, \"b\": [true, null, \"x\"], \"a\": 2, "
                 "\"\": {} }");
    ck_assert_int_eq(v->kind, JSON_OBJECT);
    ck_assert_int_eq(json_len(v), 4);
    ck_assert_str_eq(v->u.list.keys[1], "b");
    ck_assert_int_eq(json_int(json_get(v, "a"), -1), 1);  /* first wins */
    Json *b = json_get(v, "b");
    ck_assert_int_eq(json_len(b), 3);
    ck_assert_int_eq(json_at(b, 1)->kind, JSON_NULL);
    ck_assert_str_eq(json_str(json_at(b, 2)), "x");
    ck_assert_int_eq(json_get(v, "")->kind, JSON_OBJECT);
    ck_assert_int_eq(json_len(json_get(v, "")), 0);
    ck_assert_ptr_null(json_get(v, "c"));
    ck_assert_ptr_null(json_get(b, "a"));       /* not an object */
    ck_assert_ptr_null(json_get(NULL, "a"));
}
END_TEST

START_TEST(test_accessors_on_wrong_kinds)
{
    Json *arr = ok("[10, \"s\", {\"k\": 1}]");
    ck_assert_ptr_null(json_at(arr, -1));
    ck_assert_ptr_null(json_at(arr, 3));
    ck_assert_ptr_null(json_at(json_at(arr, 2), 0));  /* object */
    ck_assert_ptr_null(json_at(NULL, 0));
    ck_assert_ptr_null(json_str(json_at(arr, 0)));
    ck_assert_ptr_null(json_str(NULL));
    ck_assert_int_eq(json_len(json_at(arr, 1)), 0);  /* string */
    ck_assert_int_eq(json_len(json_at(arr, 2)), 1);
    ck_assert_int_eq(json_len(NULL), 0);
    ck_assert_int_eq(json_int(json_at(arr, 1), -7), -7);
    ck_assert_int_eq(json_int(NULL, -7), -7);
}
END_TEST

static const struct {
    const char *text;
    int value;
} ints[] = {
    {"42", 42},
    {"-1", -1},
    {"-3.9", -3},
    {"2147483647", 2147483647},
    {"-2147483648", -2147483647 - 1},
    {"2147483648", 99},   /* out of range: the default */
    {"1e300", 99},
    {"-1e300", 99},
};

START_TEST(test_json_int)
{
    ck_assert_int_eq(json_int(ok(ints[_i].text), 99), ints[_i].value);
}
END_TEST

/* A tree as libpg_query 15 writes it. */
START_TEST(test_pg_query_tree)
{
    const char *text =
        "{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":"
        "{\"targetList\":[{\"ResTarget\":{\"val\":{\"A_Expr\":{\"kind\":"
        "\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"\\u003e\"}}],"
        "\"location\":9}},\"location\":7}}],\"limitOption\":"
        "\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}";
    Json *v = ok(text);
    ck_assert_int_eq(json_int(json_get(v, "version"), 0), 150001);
    Json *sel = json_get(json_get(json_at(json_get(v, "stmts"), 0), "stmt"),
                         "SelectStmt");
    Json *expr = json_get(json_get(json_get(json_at(json_get(sel,
                          "targetList"), 0), "ResTarget"), "val"), "A_Expr");
    ck_assert_str_eq(json_str(json_get(expr, "kind")), "AEXPR_OP");
    ck_assert_int_eq(json_int(json_get(expr, "location"), -1), 9);
    Json *op = json_at(json_get(expr, "name"), 0);
    ck_assert_str_eq(json_str(json_get(json_get(op, "String"), "sval")), ">");
}
END_TEST

Suite *make_json_suite(void)
{
    Suite *s = suite_create("json");
    TCase *tc = tcase_create("json");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_literals);
    tcase_add_loop_test(tc, test_numbers, 0,
                        sizeof numbers / sizeof numbers[0]);
    tcase_add_test(tc, test_simple_escapes);
    tcase_add_loop_test(tc, test_unicode, 0,
                        sizeof unicode / sizeof unicode[0]);
    tcase_add_loop_test(tc, test_errors, 0, sizeof errors / sizeof errors[0]);
    tcase_add_test(tc, test_length_bounds_text);
    tcase_add_test(tc, test_nesting_limit);
    tcase_add_test(tc, test_hostile_nesting);
    tcase_add_test(tc, test_objects);
    tcase_add_test(tc, test_accessors_on_wrong_kinds);
    tcase_add_loop_test(tc, test_json_int, 0, sizeof ints / sizeof ints[0]);
    tcase_add_test(tc, test_pg_query_tree);
    suite_add_tcase(s, tc);
    return s;
}

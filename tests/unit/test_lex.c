/*
 * test_lex.c — the lexer: every token kind and its exact slice, keyword and
 * identifier values, string values with their escapes, and every lexical
 * error with its message and position.
 */
#include "fixture.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static TokenList toks;

/* Lexes len bytes (which may hold NULs) as the file "t.schema". */
static void lexn(const char *text, size_t len)
{
    Source *src = source_from_text(arena, "t.schema", text, len);
    toks = lex_source(arena, src, &diag);
}

static void lex(const char *text)
{
    lexn(text, strlen(text));
}

/* ORDER: follows TokenKind. */
static const char *const short_kind[] = {
    "EOF", "IDENT", "QIDENT", "STRING", "DOLLAR", "NUMBER", "PARAM",
    "SUBST", "PUNCT", "OP", "ERROR",
};

/* Every token but the final EOF as KIND[text]; control bytes as \xNN. */
static const char *render(void)
{
    char *r = arena_strdup(arena, "");
    for (int i = 0; i < toks.len - 1; i++) {
        const Token *t = &toks.toks[i];
        r = arena_printf(arena, "%s%s%s[", r, i ? " " : "",
                         short_kind[t->kind]);
        for (size_t k = 0; k < t->len; k++) {
            unsigned char c = (unsigned char)tok_text(t)[k];
            r = c < 0x20 ? arena_printf(arena, "%s\\x%02X", r, c)
                         : arena_printf(arena, "%s%c", r, c);
        }
        r = arena_printf(arena, "%s]", r);
    }
    return r;
}

static const Token *tok(int i)
{
    ck_assert_int_lt(i, toks.len);
    return &toks.toks[i];
}

/* ------------------------------------------------------------ tokens */

static const struct {
    const char *text;
    const char *tokens;
} valid[] = {
    {"foo Bar_1 _x a$b", "IDENT[foo] IDENT[Bar_1] IDENT[_x] IDENT[a$b]"},
    {"caf\xC3\xA9 \xC3\xA9t\xC3\xA9",
     "IDENT[caf\xC3\xA9] IDENT[\xC3\xA9t\xC3\xA9]"},
    {"\"Foo Bar\" \"a\"\"b\" \"\"\"\"",
     "QIDENT[\"Foo Bar\"] QIDENT[\"a\"\"b\"] QIDENT[\"\"\"\"]"},
    {"'it''s' '' 'a\\'", "STRING['it''s'] STRING[''] STRING['a\\']"},
    {"E'a\\'b' e'\\\\' B'101' b'1' X'ff' x'0' N'n' n'm'",
     "STRING[E'a\\'b'] STRING[e'\\\\'] STRING[B'101'] STRING[b'1'] "
     "STRING[X'ff'] STRING[x'0'] STRING[N'n'] STRING[n'm']"},
    {"note'x' E 'y'", "IDENT[note] STRING['x'] IDENT[E] STRING['y']"},
    {"$$a$b$$ $t$ x $$ y $t$", "DOLLAR[$$a$b$$] DOLLAR[$t$ x $$ y $t$]"},
    {"$a$ $b$ $ab$ $a$ $$x$$", "DOLLAR[$a$ $b$ $ab$ $a$] DOLLAR[$$x$$]"},
    {"$fn$\nselect ';'\n$fn$;",
     "DOLLAR[$fn$\\x0Aselect ';'\\x0A$fn$] PUNCT[;]"},
    {"$1 $23+$4", "PARAM[$1] PARAM[$23] OP[+] PARAM[$4]"},
    {"${col} ${table_1}x", "SUBST[${col}] SUBST[${table_1}] IDENT[x]"},
    {"()[]{},;.:", "PUNCT[(] PUNCT[)] PUNCT[[] PUNCT[]] PUNCT[{] PUNCT[}] "
                   "PUNCT[,] PUNCT[;] PUNCT[.] PUNCT[:]"},
    {"a.b s.\"T\"", "IDENT[a] PUNCT[.] IDENT[b] IDENT[s] PUNCT[.] "
                    "QIDENT[\"T\"]"},
    {"'{}'::jsonb", "STRING['{}'] OP[::] IDENT[jsonb]"},
    {"x := 1", "IDENT[x] OP[:=] NUMBER[1]"},
    {"<> != >= -> ->> ~* @> || #- ?|",
     "OP[<>] OP[!=] OP[>=] OP[->] OP[->>] OP[~*] OP[@>] OP[||] OP[#-] "
     "OP[?|]"},
    {"x-y a*b", "IDENT[x] OP[-] IDENT[y] IDENT[a] OP[*] IDENT[b]"},
    {"a+-- comment\nb", "IDENT[a] OP[+] IDENT[b]"},
    {"a<--x\nb", "IDENT[a] OP[<] IDENT[b]"},
    {"*/* c */b", "OP[*] IDENT[b]"},
    {"-/*c*/1", "OP[-] NUMBER[1]"},
    {"-- only a comment", ""},
    {"-- one\n-- two\nx", "IDENT[x]"},
    {"/* a /* b */ c */x", "IDENT[x]"},
    {"/**/y/* a */z", "IDENT[y] IDENT[z]"},
    {" \t\r\n\f\v a \n", "IDENT[a]"},
    {"", ""},
    {"1 1.5 .5 1e10 1.e3 2E-3 4e+2 10.",
     "NUMBER[1] NUMBER[1.5] NUMBER[.5] NUMBER[1e10] NUMBER[1.e3] "
     "NUMBER[2E-3] NUMBER[4e+2] NUMBER[10.]"},
    {"1e x1 1ex", "NUMBER[1] IDENT[e] IDENT[x1] NUMBER[1] IDENT[ex]"},
    {"1..2", "NUMBER[1] PUNCT[.] NUMBER[.2]"},
    {"numeric(10,2)", "IDENT[numeric] PUNCT[(] NUMBER[10] PUNCT[,] "
                      "NUMBER[2] PUNCT[)]"},
    {"'\xF0\x9F\x98\x80' \"\xE2\x82\xAC\"",
     "STRING['\xF0\x9F\x98\x80'] QIDENT[\"\xE2\x82\xAC\"]"},
    {"check (a ~ '(');", "IDENT[check] PUNCT[(] IDENT[a] OP[~] "
                         "STRING['('] PUNCT[)] PUNCT[;]"},
};

START_TEST(test_tokens)
{
    lex(valid[_i].text);
    ck_assert_str_eq(render(), valid[_i].tokens);
    ck_assert_str_eq(fixture_messages(), "");
    ck_assert_int_eq(diag.errors, 0);
}
END_TEST

/* Tokens are slices: offsets and lengths in their source, EOF at the end. */
START_TEST(test_token_offsets)
{
    lex("table  s.t {\n  x int;\n}");
    static const struct { TokenKind kind; size_t off, len; } want[] = {
        {TK_IDENT, 0, 5}, {TK_IDENT, 7, 1}, {TK_PUNCT, 8, 1},
        {TK_IDENT, 9, 1}, {TK_PUNCT, 11, 1}, {TK_IDENT, 15, 1},
        {TK_IDENT, 17, 3}, {TK_PUNCT, 20, 1}, {TK_PUNCT, 22, 1},
        {TK_EOF, 23, 0},
    };
    int n = (int)(sizeof want / sizeof want[0]);
    ck_assert_int_eq(toks.len, n);
    for (int i = 0; i < n; i++) {
        ck_assert_int_eq(tok(i)->kind, want[i].kind);
        ck_assert_uint_eq(tok(i)->off, want[i].off);
        ck_assert_uint_eq(tok(i)->len, want[i].len);
        ck_assert_ptr_eq(tok(i)->src, tok(0)->src);
    }
    ck_assert_str_eq(tok_text(tok(6)), "int;\n}");
}
END_TEST

START_TEST(test_empty_source_has_eof)
{
    lex("");
    ck_assert_int_eq(toks.len, 1);
    ck_assert_int_eq(tok(0)->kind, TK_EOF);
    ck_assert_uint_eq(tok(0)->off, 0);
    ck_assert_uint_eq(tok(0)->len, 0);
}
END_TEST

START_TEST(test_kind_names)
{
    ck_assert_str_eq(lex_kind_name(TK_EOF), "end of file");
    ck_assert_str_eq(lex_kind_name(TK_IDENT), "identifier");
    ck_assert_str_eq(lex_kind_name(TK_QIDENT), "quoted identifier");
    ck_assert_str_eq(lex_kind_name(TK_STRING), "string");
    ck_assert_str_eq(lex_kind_name(TK_DOLLAR), "dollar-quoted string");
    ck_assert_str_eq(lex_kind_name(TK_NUMBER), "number");
    ck_assert_str_eq(lex_kind_name(TK_PARAM), "parameter");
    ck_assert_str_eq(lex_kind_name(TK_SUBST), "template parameter");
    ck_assert_str_eq(lex_kind_name(TK_PUNCT), "punctuation");
    ck_assert_str_eq(lex_kind_name(TK_OP), "operator");
    ck_assert_str_eq(lex_kind_name(TK_ERROR), "invalid token");
}
END_TEST

/* Many tokens: the token array grows past its first allocation. */
START_TEST(test_many_tokens)
{
    size_t n = 5000;
    char *text = malloc(n * 2 + 1);
    for (size_t i = 0; i < n; i++)
        memcpy(text + i * 2, "a,", 2);
    text[n * 2] = '\0';
    lex(text);
    free(text);
    ck_assert_int_eq(toks.len, (int)(n * 2 + 1));
    ck_assert(tok_is(tok(4998), "a"));
    ck_assert(tok_punct(tok(9999), ','));
    ck_assert_uint_eq(tok(9999)->off, 9999);
    ck_assert_int_eq(tok(10000)->kind, TK_EOF);
}
END_TEST

/* ------------------------------------------------------- keywords */

START_TEST(test_keywords_any_case)
{
    lex("table TABLE Table tAbLe \"table\" tables");
    for (int i = 0; i < 4; i++)
        ck_assert(tok_is(tok(i), "table"));
    ck_assert(!tok_is(tok(4), "table"));   /* quoted: never a keyword */
    ck_assert(!tok_is(tok(5), "table"));
    ck_assert(!tok_is(tok(0), "tables"));
    ck_assert(!tok_is(tok(6), "table"));   /* EOF */
}
END_TEST

START_TEST(test_punct_and_op)
{
    lex("( :: : = ;");
    ck_assert(tok_punct(tok(0), '('));
    ck_assert(!tok_punct(tok(0), ')'));
    ck_assert(tok_op(tok(1), "::"));
    ck_assert(!tok_op(tok(1), ":"));
    ck_assert(!tok_punct(tok(1), ':'));
    ck_assert(tok_punct(tok(2), ':'));
    ck_assert(!tok_op(tok(2), ":"));
    ck_assert(tok_op(tok(3), "="));
    ck_assert(!tok_op(tok(3), "=="));
    ck_assert(tok_punct(tok(4), ';'));
}
END_TEST

static const struct {
    const char *text;
    const char *value;
} idents[] = {
    {"FooBar", "foobar"},
    {"users_2", "users_2"},
    {"\"FooBar\"", "FooBar"},
    {"\"My Table\"", "My Table"},
    {"\"a\"\"b\"", "a\"b"},
    {"\"\"\"\"", "\""},
    {"\"\"\"x\"\"\"", "\"x\""},
    {"\xC3\x89" "COLE", "\xC3\x89" "cole"},   /* only ASCII folds */
    {"\"\xC3\x89" "COLE\"", "\xC3\x89" "COLE"},
};

START_TEST(test_tok_ident)
{
    lex(idents[_i].text);
    ck_assert_int_eq(toks.len, 2);
    ck_assert_str_eq(tok_ident(arena, tok(0)), idents[_i].value);
    ck_assert_str_eq(fixture_messages(), "");
}
END_TEST

/* ---------------------------------------------------------- strings */

static const struct {
    const char *text;
    const char *value;
} strings[] = {
    {"'abc'", "abc"},
    {"''", ""},
    {"'it''s'", "it's"},
    {"''''", "'"},
    {"'a\\nb'", "a\\nb"},                  /* standard: backslash is text */
    {"E'a\\nb'", "a\nb"},
    {"e'\\t\\r\\b\\f'", "\t\r\b\f"},
    {"E'\\x41\\x4a\\x4'", "AJ\x04"},
    {"E'\\u00e9t\\u00C9'", "\xC3\xA9t\xC3\x89"},
    {"E'\\u20AC'", "\xE2\x82\xAC"},
    {"E'\\U0001F600'", "\xF0\x9F\x98\x80"},
    {"E'\\101\\7\\0101'", "A\x07\x08" "1"},
    {"E'\\\\'", "\\"},
    {"E'\\''", "'"},
    {"E'a''b'", "a'b"},
    {"E'\\q\\\"'", "q\""},
    {"B'101'", "101"},
    {"X'fF'", "fF"},
    {"N'x''y'", "x'y"},
    {"'\xE2\x82\xAC'", "\xE2\x82\xAC"},
    {"$$ a'b $$", " a'b "},
    {"$$$$", ""},
    {"$fn$x$$y$fn$", "x$$y"},
    {"$_1$\\n$_1$", "\\n"},
};

START_TEST(test_tok_string)
{
    lex(strings[_i].text);
    ck_assert_int_eq(toks.len, 2);
    ck_assert_str_eq(tok_string(arena, tok(0)), strings[_i].value);
    ck_assert_str_eq(fixture_messages(), "");
}
END_TEST

static const struct {
    const char *text;
    size_t off, len;
} bodies[] = {
    {"'abc'", 1, 3},
    {"''", 1, 0},
    {"E'a\\'b'", 2, 4},
    {"x'ff'", 2, 2},
    {"$$abc$$", 2, 3},
    {"$tag$ab$tag$", 5, 2},
    {"$t$$t$", 3, 0},
};

START_TEST(test_tok_string_body)
{
    lex(bodies[_i].text);
    size_t off = 99, len = 99;
    tok_string_body(tok(0), &off, &len);
    ck_assert_uint_eq(off, bodies[_i].off);
    ck_assert_uint_eq(len, bodies[_i].len);
}
END_TEST

/* The body offset is in the source, not in the token. */
START_TEST(test_tok_string_body_offset_in_source)
{
    lex("comment $x$ hi $x$;");
    size_t off, len;
    tok_string_body(tok(1), &off, &len);
    ck_assert_uint_eq(off, 11);
    ck_assert_uint_eq(len, 4);
}
END_TEST

/* ----------------------------------------------------------- errors */

static const struct {
    const char *text;
    size_t len;             /* 0: strlen(text) */
    const char *tokens;
    const char *messages;
} errors[] = {
    {"'abc", 0, "ERROR['abc]",
     "t.schema:1:1: error: unterminated string literal"},
    {"x\n  'a''", 0, "IDENT[x] ERROR['a'']",
     "t.schema:2:3: error: unterminated string literal"},
    {"x E'a\\'", 0, "IDENT[x] ERROR[E'a\\']",
     "t.schema:1:3: error: unterminated string literal"},
    {"\"abc", 0, "ERROR[\"abc]",
     "t.schema:1:1: error: unterminated quoted identifier"},
    {"a \"b\"\"", 0, "IDENT[a] ERROR[\"b\"\"]",
     "t.schema:1:3: error: unterminated quoted identifier"},
    {"\"\"", 0, "QIDENT[\"\"]",
     "t.schema:1:1: error: zero-length quoted identifier"},
    {"$$ abc", 0, "ERROR[$$ abc]",
     "t.schema:1:1: error: unterminated dollar-quoted string"},
    {"a $x$ abc $y$", 0, "IDENT[a] ERROR[$x$ abc $y$]",
     "t.schema:1:3: error: unterminated dollar-quoted string"},
    {"$ab$ x $a", 0, "ERROR[$ab$ x $a]",
     "t.schema:1:1: error: unterminated dollar-quoted string"},
    {"/* a /* b */", 0, "",
     "t.schema:1:1: error: unterminated comment"},
    {"a\n  /* x", 0, "IDENT[a]",
     "t.schema:2:3: error: unterminated comment"},
    {"\\", 0, "ERROR[\\]", "t.schema:1:1: error: unexpected character"},
    {"\xC3\xA9 \\", 0, "IDENT[\xC3\xA9] ERROR[\\]",
     "t.schema:1:3: error: unexpected character"},
    {"a\x01", 0, "IDENT[a] ERROR[\\x01]",
     "t.schema:1:2: error: unexpected control character"},
    {"$", 0, "ERROR[$]", "t.schema:1:1: error: unexpected character '$'"},
    {"x $ y", 0, "IDENT[x] ERROR[$] IDENT[y]",
     "t.schema:1:3: error: unexpected character '$'"},
    {"${}", 0, "ERROR[${] PUNCT[}]",
     "t.schema:1:1: error: '${' must be followed by a name and '}'"},
    {"${a b}", 0, "ERROR[${a] IDENT[b] PUNCT[}]",
     "t.schema:1:1: error: '${' must be followed by a name and '}'"},
    {"${a", 0, "ERROR[${a]",
     "t.schema:1:1: error: '${' must be followed by a name and '}'"},
    {"\xC0\x80", 0, "IDENT[\xC0\x80]",               /* overlong NUL */
     "t.schema:1:1: error: invalid UTF-8 byte sequence\n"
     "t.schema:1:2: error: invalid UTF-8 byte sequence"},
    {"\xE0\x80\xAF", 0, "IDENT[\xE0\x80\xAF]",       /* overlong '/' */
     "t.schema:1:1: error: invalid UTF-8 byte sequence\n"
     "t.schema:1:2: error: invalid UTF-8 byte sequence\n"
     "t.schema:1:2: error: invalid UTF-8 byte sequence"},
    {"x\xED\xA0\x80", 0, "IDENT[x\xED\xA0\x80]",     /* surrogate D800 */
     "t.schema:1:2: error: invalid UTF-8 byte sequence\n"
     "t.schema:1:3: error: invalid UTF-8 byte sequence\n"
     "t.schema:1:3: error: invalid UTF-8 byte sequence"},
    {"\xF4\x90\x80\x80", 0, "IDENT[\xF4\x90\x80\x80]", /* past U+10FFFF */
     "t.schema:1:1: error: invalid UTF-8 byte sequence\n"
     "t.schema:1:2: error: invalid UTF-8 byte sequence\n"
     "t.schema:1:2: error: invalid UTF-8 byte sequence\n"
     "t.schema:1:2: error: invalid UTF-8 byte sequence"},
    {"ab\xE2\x82", 0, "IDENT[ab\xE2\x82]",           /* truncated at end */
     "t.schema:1:3: error: invalid UTF-8 byte sequence\n"
     "t.schema:1:4: error: invalid UTF-8 byte sequence"},
    {"'\xE2\x82x'", 0, "STRING['\xE2\x82x']",         /* truncated inside */
     "t.schema:1:2: error: invalid UTF-8 byte sequence\n"
     "t.schema:1:3: error: invalid UTF-8 byte sequence"},
    {"-- \xFF\nx", 0, "IDENT[x]",
     "t.schema:1:4: error: invalid UTF-8 byte sequence"},
    {"a\0b", 3, NULL,
     "t.schema:1:2: error: NUL byte in source"},
    {"'a\0'", 4, "STRING['a\\x00']",
     "t.schema:1:3: error: NUL byte in source"},
};

START_TEST(test_errors)
{
    size_t len = errors[_i].len ? errors[_i].len : strlen(errors[_i].text);
    lexn(errors[_i].text, len);
    ck_assert_str_eq(fixture_messages(), errors[_i].messages);
    if (errors[_i].tokens)
        ck_assert_str_eq(render(), errors[_i].tokens);
    ck_assert_int_gt(diag.errors, 0);
    ck_assert_int_eq(tok(toks.len - 1)->kind, TK_EOF);
    ck_assert_uint_eq(tok(toks.len - 1)->off, len);
}
END_TEST

/* The whole diagnostic: the caret underlines the quote that is left open. */
START_TEST(test_error_caret)
{
    lex("table t {\n  a text default 'oops;\n}\n");
    ck_assert_str_eq(fixture_output(),
        "t.schema:2:18: error: unterminated string literal\n"
        "    2 |   a text default 'oops;\n"
        "      |                  ^\n");
    lex("x /* never closed");
    ck_assert_str_eq(strstr(fixture_output(), "t.schema:1:3"),
        "t.schema:1:3: error: unterminated comment\n"
        "    1 | x /* never closed\n"
        "      |   ^~\n");
}
END_TEST

/* Lexing goes on after an error: every error in a file is reported. */
START_TEST(test_lexing_continues)
{
    lex("a \\ b ` c \"\" d\n$ e ${} f");
    ck_assert_str_eq(fixture_messages(),
        "t.schema:1:3: error: unexpected character\n"
        "t.schema:1:11: error: zero-length quoted identifier\n"
        "t.schema:2:1: error: unexpected character '$'\n"
        "t.schema:2:5: error: '${' must be followed by a name and '}'");
    ck_assert_str_eq(render(), "IDENT[a] ERROR[\\] IDENT[b] OP[`] IDENT[c] "
                     "QIDENT[\"\"] IDENT[d] ERROR[$] IDENT[e] ERROR[${] "
                     "PUNCT[}] IDENT[f]");
    ck_assert_int_eq(diag.errors, 4);
}
END_TEST

/* ---------------------------------------------------------- regressions */

/* BUG: a NUL byte is reported, but then lexed as TK_PUNCT (strchr finds the
 * terminator of the punctuation list), so the parser reports it again. */
START_TEST(test_nul_is_error_token)
{
    lexn("a\0b", 3);
    ck_assert_int_eq(tok(1)->kind, TK_ERROR);
    ck_assert_str_eq(render(), "IDENT[a] ERROR[\\x00] IDENT[b]");
}
END_TEST

/* BUG: SQL drops a trailing + or - from a multi-character operator made of
 * + - * / < > = only, so `a>-1` is `a > -1` and `x=-1` is `x = -1`. */
START_TEST(test_operator_trailing_minus)
{
    lex("a>-1 x=-1 y*+2 z@-3");
    ck_assert_str_eq(render(), "IDENT[a] OP[>] OP[-] NUMBER[1] IDENT[x] "
                     "OP[=] OP[-] NUMBER[1] IDENT[y] OP[*] OP[+] NUMBER[2] "
                     "IDENT[z] OP[@-] NUMBER[3]");
}
END_TEST

/* BUG: in an E'' string, \x not followed by a hex digit stands for the
 * letter x (as in PostgreSQL); tok_string writes a NUL byte instead, which
 * cuts the value short. */
START_TEST(test_escape_x_without_digits)
{
    lex("E'a\\xZb'");
    ck_assert_str_eq(tok_string(arena, tok(0)), "axZb");
}
END_TEST

/* Bugs found by these tests and fixed since: each stays pinned. */
Suite *make_lex_suite(void)
{
    Suite *s = suite_create("lex");
    TCase *tc = tcase_create("lex");
    tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
    tcase_add_loop_test(tc, test_tokens, 0, sizeof valid / sizeof valid[0]);
    tcase_add_test(tc, test_token_offsets);
    tcase_add_test(tc, test_empty_source_has_eof);
    tcase_add_test(tc, test_kind_names);
    tcase_add_test(tc, test_many_tokens);
    tcase_add_test(tc, test_keywords_any_case);
    tcase_add_test(tc, test_punct_and_op);
    tcase_add_loop_test(tc, test_tok_ident, 0,
                        sizeof idents / sizeof idents[0]);
    tcase_add_loop_test(tc, test_tok_string, 0,
                        sizeof strings / sizeof strings[0]);
    tcase_add_loop_test(tc, test_tok_string_body, 0,
                        sizeof bodies / sizeof bodies[0]);
    tcase_add_test(tc, test_tok_string_body_offset_in_source);
    tcase_add_loop_test(tc, test_errors, 0, sizeof errors / sizeof errors[0]);
    tcase_add_test(tc, test_error_caret);
    tcase_add_test(tc, test_lexing_continues);
    suite_add_tcase(s, tc);

    TCase *bugs = tcase_create("regressions");
    tcase_add_checked_fixture(bugs, fixture_setup, fixture_teardown);
    tcase_add_test(bugs, test_nul_is_error_token);
    tcase_add_test(bugs, test_operator_trailing_minus);
    tcase_add_test(bugs, test_escape_x_without_digits);
    suite_add_tcase(s, bugs);
    return s;
}

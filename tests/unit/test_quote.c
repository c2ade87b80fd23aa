/*
 * test_quote.c — quoting of identifiers, literals, dollar strings and C
 * strings.  The quote_ident expectations are what PostgreSQL 15's own
 * quote_ident() returned for the same inputs.
 */
#include "schemac.h"

#include <check.h>
#include <string.h>

typedef struct StrCase {
    const char *in;
    const char *want;
} StrCase;

/* SELECT w, quote_ident(w) on a PostgreSQL 15.20 server. */
static const StrCase ident_cases[] = {
    {"abc", "abc"},
    {"ABC", "\"ABC\""},
    {"Abc", "\"Abc\""},
    {"a b", "\"a b\""},
    {"a\"b", "\"a\"\"b\""},
    {"", "\"\""},
    {"_x", "_x"},
    {"1a", "\"1a\""},
    {"a1", "a1"},
    {"a$", "\"a$\""},
    {"a-b", "\"a-b\""},
    {"col\"", "\"col\"\"\""},
    {"\"", "\"\"\"\""},
    {"\xc3\xbc", "\"\xc3\xbc\""},                  /* ü */
    {"\xe6\x97\xa5\xe6\x9c\xac", "\"\xe6\x97\xa5\xe6\x9c\xac\""}, /* 日本 */
    {"Select", "\"Select\""},
    {"xmin", "xmin"},       /* a system column, but no keyword */
    {"text", "text"},       /* a type, but no keyword */
};

START_TEST(test_ident_matches_server)
{
    const StrCase *c = &ident_cases[_i];
    Buf b = {0};
    quote_ident(&b, c->in);
    ck_assert_str_eq(b.data, c->want);
    buf_free(&b);
}
END_TEST

/* Keywords of each category, as pg_get_keywords() classes them. */
static const StrCase keyword_cases[] = {
    {"abort", "abort"},                  /* unreserved */
    {"name", "name"},                    /* unreserved */
    {"year", "year"},                    /* unreserved, no bare label */
    {"over", "over"},                    /* unreserved, no bare label */
    {"between", "\"between\""},          /* column name */
    {"int", "\"int\""},                  /* column name */
    {"char", "\"char\""},                /* column name */
    {"authorization", "\"authorization\""}, /* type or function name */
    {"left", "\"left\""},                /* type or function name */
    {"is", "\"is\""},                    /* type or function name */
    {"select", "\"select\""},            /* reserved */
    {"user", "\"user\""},                /* reserved */
    {"true", "\"true\""},                /* reserved */
};

START_TEST(test_ident_keyword_categories)
{
    const StrCase *c = &keyword_cases[_i];
    Buf b = {0};
    quote_ident(&b, c->in);
    ck_assert_str_eq(b.data, c->want);
    buf_free(&b);
}
END_TEST

static void check_all_keywords(const char *const *words, size_t n,
                               bool bare)
{
    for (size_t i = 0; i < n; i++) {
        Buf b = {0};
        quote_ident(&b, words[i]);
        ck_assert_msg((b.data[0] != '"') == bare, "%s quoted as %s",
                      words[i], b.data);
        ck_assert_int_eq(quote_is_reserved(words[i]), !bare);
        buf_free(&b);
    }
}

START_TEST(test_ident_every_keyword)
{
    check_all_keywords(sctl_keywords_unreserved,
                       sctl_keywords_unreserved_len, true);
    check_all_keywords(sctl_keywords_col_name,
                       sctl_keywords_col_name_len, false);
    check_all_keywords(sctl_keywords_type_func_name,
                       sctl_keywords_type_func_name_len, false);
    check_all_keywords(sctl_keywords_reserved,
                       sctl_keywords_reserved_len, false);
}
END_TEST

START_TEST(test_ident_appends)
{
    Buf b = {0};
    buf_puts(&b, "create table ");
    quote_ident(&b, "Order");
    buf_puts(&b, " (");
    quote_ident(&b, "id");
    ck_assert_str_eq(b.data, "create table \"Order\" (id");
    ck_assert_uint_eq(b.len, strlen(b.data));
    buf_free(&b);
}
END_TEST

typedef struct QNameCase {
    const char *schema;
    const char *name;
    const char *want;
} QNameCase;

static const QNameCase qname_cases[] = {
    {NULL, "t", "t"},
    {"public", "users", "public.users"},
    {"public", "User", "public.\"User\""},
    {"my schema", "select", "\"my schema\".\"select\""},
    {"pg_catalog", "int4", "pg_catalog.int4"},
};

START_TEST(test_qname)
{
    const QNameCase *c = &qname_cases[_i];
    Buf b = {0};
    quote_qname(&b, c->schema, c->name);
    ck_assert_str_eq(b.data, c->want);
    buf_free(&b);
}
END_TEST

static const StrCase literal_cases[] = {
    {"abc", "'abc'"},
    {"it's", "'it''s'"},
    {"", "''"},
    {"''", "''''''"},
    {"a\\b", "'a\\b'"},          /* backslash stays single */
    {"\\'", "'\\'''"},
    {"line\nbreak", "'line\nbreak'"},
    {"\xc3\xa9t\xc3\xa9", "'\xc3\xa9t\xc3\xa9'"},
};

START_TEST(test_literal)
{
    const StrCase *c = &literal_cases[_i];
    Buf b = {0};
    quote_literal(&b, c->in);
    ck_assert_str_eq(b.data, c->want);
    buf_free(&b);
}
END_TEST

/* The server read each result back as the input (SELECT $s1$a$$s1$...). */
static const StrCase dollar_cases[] = {
    {"abc", "$$abc$$"},
    {"", "$$$$"},
    {"a$$b", "$s1$a$$b$s1$"},
    {"a$", "$s1$a$$s1$"},          /* "$$a$$$" would end after "a" */
    {"$a", "$$$a$$"},
    {"x$s1", "$$x$s1$$"},
    {"$$ $s1$", "$s2$$$ $s1$$s2$"},
    {"$$ x$s1", "$s2$$$ x$s1$s2$"}, /* "x$s1" + "$s1$" holds "$s1$" */
    {"begin return 1; end", "$$begin return 1; end$$"},
};

START_TEST(test_dollar)
{
    const StrCase *c = &dollar_cases[_i];
    Buf b = {0};
    quote_dollar(&b, c->in, strlen(c->in));
    ck_assert_str_eq(b.data, c->want);
    buf_free(&b);
}
END_TEST

/* Text full of candidate tags still gets one that closes only at the end. */
START_TEST(test_dollar_many_tags)
{
    Buf text = {0}, b = {0};
    buf_puts(&text, "$$");
    for (int i = 1; i <= 50; i++)
        buf_printf(&text, " $s%d$", i);
    quote_dollar(&b, text.data, text.len);
    ck_assert_uint_eq(b.len, text.len + 2 * strlen("$s51$"));
    ck_assert_int_eq(strncmp(b.data, "$s51$", 5), 0);
    ck_assert_ptr_eq(strstr(b.data + 5, "$s51$"), b.data + 5 + text.len);
    buf_free(&text);
    buf_free(&b);
}
END_TEST

typedef struct CCase {
    const char *in;
    size_t len;
    const char *want;
} CCase;

static const CCase c_cases[] = {
    {"abc", 3, "\"abc\""},
    {"", 0, "\"\""},
    {"a\"b", 3, "\"a\\\"b\""},
    {"a\\b", 3, "\"a\\\\b\""},
    {"?\?=", 3, "\"\\?\\?=\""},                 /* no trigraph */
    {"a\nb\tc\r", 6, "\"a\\012b\\011c\\015\""},
    {"\0" "1", 2, "\"\\0001\""},                  /* NUL before a digit */
    {"\x7f", 1, "\"\\177\""},
    {"\xc3\xa9", 2, "\"\\303\\251\""},            /* é */
    {"it's 100%", 9, "\"it's 100%\""},
    {"/* x */", 7, "\"/* x */\""},
};

START_TEST(test_c_string)
{
    const CCase *c = &c_cases[_i];
    Buf b = {0};
    quote_c(&b, c->in, c->len);
    ck_assert_str_eq(b.data, c->want);
    buf_free(&b);
}
END_TEST

typedef struct ReservedCase {
    const char *word;
    bool reserved;
} ReservedCase;

static const ReservedCase reserved_cases[] = {
    {"select", true},        /* R */
    {"SELECT", true},        /* the lexer folds ASCII case */
    {"Between", true},       /* C */
    {"authorization", true}, /* T */
    {"abort", false},        /* U */
    {"name", false},         /* U */
    {"users", false},
    {"", false},
    {"selectx", false},
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
     false},
};

START_TEST(test_is_reserved)
{
    const ReservedCase *c = &reserved_cases[_i];
    ck_assert_int_eq(quote_is_reserved(c->word), c->reserved);
}
END_TEST

#define NCASES(t) ((int)(sizeof t / sizeof t[0]))

Suite *make_quote_suite(void)
{
    Suite *s = suite_create("quote");
    TCase *tc = tcase_create("ident");
    tcase_add_loop_test(tc, test_ident_matches_server, 0,
                        NCASES(ident_cases));
    tcase_add_loop_test(tc, test_ident_keyword_categories, 0,
                        NCASES(keyword_cases));
    tcase_add_test(tc, test_ident_every_keyword);
    tcase_add_test(tc, test_ident_appends);
    tcase_add_loop_test(tc, test_qname, 0, NCASES(qname_cases));
    tcase_add_loop_test(tc, test_is_reserved, 0, NCASES(reserved_cases));
    suite_add_tcase(s, tc);

    tc = tcase_create("strings");
    tcase_add_loop_test(tc, test_literal, 0, NCASES(literal_cases));
    tcase_add_loop_test(tc, test_dollar, 0, NCASES(dollar_cases));
    tcase_add_test(tc, test_dollar_many_tags);
    tcase_add_loop_test(tc, test_c_string, 0, NCASES(c_cases));
    suite_add_tcase(s, tc);
    return s;
}

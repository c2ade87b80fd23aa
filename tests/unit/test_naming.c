/*
 * test_naming.c — the names PostgreSQL 15 chooses for unnamed constraints,
 * indexes and sequences.  Every expected name in make_cases and
 * choose_cases was produced by a PostgreSQL 15.20 server (UTF-8 database)
 * from CREATE TABLE / CREATE INDEX statements, read back from pg_class and
 * pg_constraint: name1 is the table, name2 the column names as the server
 * joins them, label the kind (pkey, key, idx, excl, fkey, check, seq).
 */
#include "schemac.h"

#include <check.h>
#include <string.h>

#define NCASES(t) ((int)(sizeof t / sizeof t[0]))

typedef struct MakeCase {
    const char *name1;
    const char *name2;
    const char *label;
    const char *want;
} MakeCase;

static const MakeCase make_cases[] = {
    /* short names: name1_name2_label, no name2 for pkey and table checks */
    {"t", "d", "check", "t_d_check"},
    {"t", NULL, "check", "t_check"},
    {"t", "e", "seq", "t_e_seq"},
    {"t", NULL, "pkey", "t_pkey"},
    {"t", "c", "fkey", "t_c_fkey"},
    {"t", "lower", "idx", "t_lower_idx"},
    {"t", "expr", "idx", "t_expr_idx"},
    {"t", "f_f1", "idx", "t_f_f1_idx"},
    {"t", "f_b", "idx", "t_f_b_idx"},
    {"x", "a", "excl", "x_a_excl"},
    /* 40 + 40 bytes: the longer part shrinks first, name2 on a tie */
    {"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
     "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy", "key",
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxx_yyyyyyyyyyyyyyyyyyyyyyyyyyyyy_key"},
    /* only the longer part shrinks */
    {"tb",
     "ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc", "key",
     "tb_cccccccccccccccccccccccccccccccccccccccccccccccccccccccc_key"},
    /* Greek name2 cut to 29 bytes, clipped to 28: the name is 62 bytes */
    {"gggggggggggggggggggggggggggggg",
     "αβγδεζηθικλμνξοπρστυφχψωα", "key",
     "ggggggggggggggggggggggggggggg_αβγδεζηθικλμνξ_key"},
    /* CJK name2 cut to 56 bytes, clipped to 54 (18 characters) */
    {"ab",
     "一二三四五六七八九十百千万亿兆京垓秭穰沟涧", "key",
     "ab_一二三四五六七八九十百千万亿兆京垓秭_key"},
    /* multibyte name1, no name2: 58 bytes clipped to 57 */
    {"一二三四五六七八九十百千万亿兆京垓秭穰沟涧",
     NULL, "pkey",
     "一二三四五六七八九十百千万亿兆京垓秭穰_pkey"},
    /* lengths compare in bytes: 41-byte Greek name1 vs 40-byte name2 */
    {"αβγδεζηθικλμνξοπρστυz",
     "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq", "key",
     "αβγδεζηθικλμνξ_qqqqqqqqqqqqqqqqqqqqqqqqqqqqq_key"},
    /* joined column names (the join stopped after "c..."), unique, fk */
    {"t4",
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb_cccccccccccccccccccccccccccccc", "key",
     "t4_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbb_key"},
    {"fl",
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb_cccccccccccccccccccccccccccccc", "fkey",
     "fl_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbb_fkey"},
    /* check constraint and serial sequence */
    {"hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh",
     "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv", "check",
     "hhhhhhhhhhhhhhhhhhhhhhhhhhhh_vvvvvvvvvvvvvvvvvvvvvvvvvvvv_check"},
    {"ssssssssssssssssssssssssssssssssssssssssssssssssss",
     "wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww", "seq",
     "sssssssssssssssssssssssssssss_wwwwwwwwwwwwwwwwwwwwwwwwwwwww_seq"},
    /* joined Greek names: name2 cut inside a character */
    {"gm",
     "αβγδεζηθικλμνξοπρστυ_εζηθικλμν"
     "ξοπρστυφχψω", "key",
     "gm_αβγδεζηθικλμνξοπρστυ_εζηθικλ_key"},
    /* 63-byte table: its primary key */
    {"PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP",
     NULL, "pkey",
     "PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP_pkey"},
    /* expression indexes: lower(a), and (lower(a), upper(a), a, a) */
    {"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
     "lower", "idx",
     "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee_lower_idx"},
    {"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
     "lower_upper_a_a1", "idx",
     "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee_lower_upper_a_a1_idx"},
    /* 62-byte Greek table, index on j: name1 cut to 57, clipped to 56 */
    {"αβγδεζηθικλμνξοπρστυφχψωαβγδεζη",
     "j", "idx",
     "αβγδεζηθικλμνξοπρστυφχψωαβγδ_j_idx"},
    /* exclusion constraint, multi-column foreign key */
    {"ex", "a_b", "excl", "ex_a_b_excl"},
    {"f", "a_b", "fkey", "f_a_b_fkey"},
};

START_TEST(test_make_matches_server)
{
    const MakeCase *c = &make_cases[_i];
    Arena *a = arena_new();
    char *got = naming_make(a, c->name1, c->name2, c->label);
    ck_assert_str_eq(got, c->want);
    ck_assert_uint_le(strlen(got), PG_NAME_MAX);
    arena_free(a);
}
END_TEST

/*
 * Invalid UTF-8 never reaches a UTF-8 database, but the result must still
 * fit: a byte that starts no sequence counts as one character.
 */
START_TEST(test_make_clips_invalid_utf8)
{
    Arena *a = arena_new();
    char name1[64];
    memset(name1, 'a', 57);
    memcpy(name1 + 57, "\xbf\xbf\xbf", 4);   /* 60 bytes, stray bytes */
    char *got = naming_make(a, name1, NULL, "pkey");
    ck_assert_uint_eq(strlen(got), 63);
    ck_assert_int_eq(memcmp(got + 57, "\xbf_pkey", 6), 0);
    arena_free(a);
}
END_TEST

typedef struct JoinCase {
    const char *cols[5];
    int ncols;
    const char *want;
} JoinCase;

#define A30 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define B30 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define C30 "cccccccccccccccccccccccccccccc"
#define D30 "dddddddddddddddddddddddddddddd"
#define X62 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define ALPHA20 "αβγδεζηθικλμνξοπρστυ"
#define EPSILON20 "εζηθικλμνξοπρστυφχψω"

static const JoinCase join_cases[] = {
    {{"a"}, 1, "a"},
    {{"a", "b"}, 2, "a_b"},
    {{"lower", "upper", "a", "a1"}, 4, "lower_upper_a_a1"},
    {{0}, 0, ""},
    /* 61 bytes after two names: the third makes 92, the fourth is left */
    {{A30, B30, C30, D30}, 4, A30 "_" B30 "_" C30},
    /* reaching NAMEDATALEN (64) bytes, exactly or beyond, stops it */
    {{X62, "b", "c"}, 3, X62 "_b"},
    {{X62 "y", "b", "c"}, 3, X62 "y_b"},
    {{"a", X62, "c"}, 3, "a_" X62},
    /* each name is cut to 63 bytes first */
    {{X62 "yz", "b"}, 2, X62 "y_b"},
    /* 81 bytes of Greek after two names */
    {{ALPHA20, EPSILON20, "αβγδεζηθικλμνξο"}, 3, ALPHA20 "_" EPSILON20},
};

START_TEST(test_join_columns)
{
    const JoinCase *c = &join_cases[_i];
    Arena *a = arena_new();
    ck_assert_str_eq(naming_join_columns(a, c->cols, c->ncols), c->want);
    arena_free(a);
}
END_TEST

typedef struct ChooseCase {
    const char *taken[2];    /* names that exist beforehand */
    const char *name1;
    const char *name2;
    const char *label;
    const char *want[3];     /* successive choices */
} ChooseCase;

#define K40 "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
#define M40 "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm"
#define I50 "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii"
#define J50 "jjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjj"

static const ChooseCase choose_cases[] = {
    /* unique (b) three times on one table */
    {{0}, "t", "b", "key", {"t_b_key", "t_b_key1", "t_b_key2"}},
    /* the number lengthens the label, so name2 gives up one more byte */
    {{0}, K40, M40, "key",
     {"kkkkkkkkkkkkkkkkkkkkkkkkkkkkk_mmmmmmmmmmmmmmmmmmmmmmmmmmmmm_key",
      "kkkkkkkkkkkkkkkkkkkkkkkkkkkkk_mmmmmmmmmmmmmmmmmmmmmmmmmmmm_key1",
      "kkkkkkkkkkkkkkkkkkkkkkkkkkkkk_mmmmmmmmmmmmmmmmmmmmmmmmmmmm_key2"}},
    {{0}, I50, J50, "idx",
     {"iiiiiiiiiiiiiiiiiiiiiiiiiiiii_jjjjjjjjjjjjjjjjjjjjjjjjjjjjj_idx",
      "iiiiiiiiiiiiiiiiiiiiiiiiiiiii_jjjjjjjjjjjjjjjjjjjjjjjjjjjj_idx1",
      "iiiiiiiiiiiiiiiiiiiiiiiiiiiii_jjjjjjjjjjjjjjjjjjjjjjjjjjjj_idx2"}},
    /* an index named v_a_key on another table */
    {{"v_a_key"}, "v", "a", "key", {"v_a_key1"}},
    /* table u's column check u_a_check, then table u_a's check (true) */
    {{"u_a_check"}, "u_a", NULL, "check", {"u_a_check1"}},
    /* a column check and a table check on the same column */
    {{0}, "s2", "a", "check", {"s2_a_check", "s2_a_check1"}},
    /* retries skip names taken in between */
    {{"t_a_key", "t_a_key2"}, "t", "a", "key", {"t_a_key1", "t_a_key3"}},
};

START_TEST(test_choose)
{
    const ChooseCase *c = &choose_cases[_i];
    Arena *a = arena_new();
    NameSet *set = naming_set_new(a);
    for (int i = 0; i < 2 && c->taken[i]; i++)
        naming_take(set, c->taken[i]);
    for (int i = 0; i < 3 && c->want[i]; i++) {
        char *got = naming_choose(a, set, c->name1, c->name2, c->label);
        ck_assert_str_eq(got, c->want[i]);
        ck_assert(naming_taken(set, got));
    }
    arena_free(a);
}
END_TEST

/* Names taken after a choice are still avoided by the next one. */
START_TEST(test_choose_after_outside_take)
{
    Arena *a = arena_new();
    NameSet *set = naming_set_new(a);
    ck_assert_str_eq(naming_choose(a, set, "t", "a", "key"), "t_a_key");
    naming_take(set, "t_a_key1");
    naming_take(set, "t_a_key2");
    ck_assert_str_eq(naming_choose(a, set, "t", "a", "key"), "t_a_key3");
    /* a different base does not share the retry count */
    ck_assert_str_eq(naming_choose(a, set, "t", "a", "idx"), "t_a_idx");
    ck_assert_str_eq(naming_choose(a, set, "t", NULL, "a_key"),
                     "t_a_key4");
    arena_free(a);
}
END_TEST

START_TEST(test_set_exact_bytes)
{
    Arena *a = arena_new();
    NameSet *set = naming_set_new(a);
    char name[] = "Users";
    naming_take(set, name);
    name[0] = 'X';            /* the set keeps its own copy */
    ck_assert(naming_taken(set, "Users"));
    ck_assert(!naming_taken(set, "users"));
    ck_assert(!naming_taken(set, "Users "));
    ck_assert(!naming_taken(set, ""));
    naming_take(set, "");
    ck_assert(naming_taken(set, ""));
    arena_free(a);
}
END_TEST

#define MANY 100000

START_TEST(test_set_many_names)
{
    Arena *a = arena_new();
    NameSet *set = naming_set_new(a);
    char name[32];
    for (int i = 0; i < MANY; i++) {
        snprintf(name, sizeof name, "table_%d", i);
        naming_take(set, name);
        naming_take(set, name);
    }
    for (int i = 0; i < MANY; i++) {
        snprintf(name, sizeof name, "table_%d", i);
        ck_assert(naming_taken(set, name));
        snprintf(name, sizeof name, "table_%d", i + MANY);
        ck_assert(!naming_taken(set, name));
    }
    arena_free(a);
}
END_TEST

/* 100,000 unique (a) on one table: each choice must not rescan from 1. */
START_TEST(test_choose_many_same_base)
{
    Arena *a = arena_new();
    NameSet *set = naming_set_new(a);
    char *got = NULL;
    for (int i = 0; i < MANY; i++)
        got = naming_choose(a, set, "t", "a", "key");
    ck_assert_str_eq(got, "t_a_key99999");
    ck_assert(naming_taken(set, "t_a_key"));
    ck_assert(naming_taken(set, "t_a_key50000"));
    ck_assert(!naming_taken(set, "t_a_key100000"));
    arena_free(a);
}
END_TEST

/* Names cut as PostgreSQL 15's scanner (and text::name) cuts them; the
 * bytes kept were read from a server: SELECT octet_length(x::name). */
static const struct {
    const char *name;
    size_t kept;
} truncate_cases[] = {
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 63},
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 63},
    /* 31 two-byte characters, then a three-byte one over the edge */
    {"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"
     "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"
     "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"
     "\u00e9\u20acx", 62},
    /* b and 21 three-byte characters: 64 bytes, the last one dropped */
    {"b\u20ac\u20ac\u20ac\u20ac\u20ac\u20ac\u20ac\u20ac\u20ac\u20ac"
     "\u20ac\u20ac\u20ac\u20ac\u20ac\u20ac\u20ac\u20ac\u20ac\u20ac"
     "\u20ac", 61},
    {"short", 5},
};

START_TEST(test_truncate_like_server)
{
    Arena *a = arena_new();
    const char *got = naming_truncate(a, truncate_cases[_i].name);
    ck_assert_uint_eq(strlen(got), truncate_cases[_i].kept);
    ck_assert(strncmp(got, truncate_cases[_i].name, strlen(got)) == 0);
    arena_free(a);
}
END_TEST

Suite *make_naming_suite(void)
{
    Suite *s = suite_create("naming");
    TCase *tc = tcase_create("make");
    tcase_add_loop_test(tc, test_make_matches_server, 0, NCASES(make_cases));
    tcase_add_test(tc, test_make_clips_invalid_utf8);
    tcase_add_loop_test(tc, test_truncate_like_server, 0,
                        NCASES(truncate_cases));
    tcase_add_loop_test(tc, test_join_columns, 0, NCASES(join_cases));
    suite_add_tcase(s, tc);

    tc = tcase_create("choose");
    tcase_add_loop_test(tc, test_choose, 0, NCASES(choose_cases));
    tcase_add_test(tc, test_choose_after_outside_take);
    tcase_add_test(tc, test_set_exact_bytes);
    tcase_add_test(tc, test_set_many_names);
    tcase_add_test(tc, test_choose_many_same_base);
    suite_add_tcase(s, tc);
    return s;
}

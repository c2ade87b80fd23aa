/*
 * test_catalog.c — the generated lists of PostgreSQL 15's built-in names
 * and of what extensions install.  Expectations were checked against the
 * PostgreSQL 15.20 server and extensions the lists were generated from.
 */
#include "schemac.h"

#include <check.h>
#include <string.h>

#define NCASES(t) ((int)(sizeof t / sizeof t[0]))

/* catalog_data.c, to check that every list is sorted (the keyword
 * lists are declared in src/common/objects.h). */
extern const char *const catalog_data_types[];
extern const size_t catalog_data_types_len;
extern const char *const catalog_data_functions[];
extern const size_t catalog_data_functions_len;
extern const char *const catalog_data_relations_pg_catalog[];
extern const size_t catalog_data_relations_pg_catalog_len;
extern const char *const catalog_data_relations_information_schema[];
extern const size_t catalog_data_relations_information_schema_len;
extern const char *const catalog_data_extensions[];
extern const size_t catalog_data_extensions_len;

typedef struct NameCase {
    const char *name;
    bool found;
} NameCase;

static const NameCase type_cases[] = {
    {"int4", true}, {"_int4", true}, {"text", true}, {"timestamptz", true},
    {"char", true},           /* the one-byte "char" */
    {"bpchar", true}, {"jsonb", true}, {"tsvector", true},
    {"pg_class", true},       /* a catalog's row type */
    {"integer", false},       /* SQL spelling, not a typname */
    {"INT4", false},          /* lookups are exact */
    {"citext", false}, {"geometry", false}, {"", false},
};

START_TEST(test_builtin_types)
{
    const NameCase *c = &type_cases[_i];
    ck_assert_msg(catalog_is_builtin_type(c->name) == c->found, "%s",
                  c->name);
}
END_TEST

static const NameCase function_cases[] = {
    {"now", true}, {"lower", true}, {"generate_series", true},
    {"gen_random_uuid", true}, {"pg_get_keywords", true},
    {"jsonb_build_object", true}, {"int4pl", true},
    {"uuid_generate_v4", false}, {"digest", false},
    {"st_intersects", false}, {"Now", false},
};

START_TEST(test_builtin_functions)
{
    const NameCase *c = &function_cases[_i];
    ck_assert_msg(catalog_is_builtin_function(c->name) == c->found, "%s",
                  c->name);
}
END_TEST

typedef struct RelCase {
    const char *schema;
    const char *name;
    bool found;
} RelCase;

static const RelCase relation_cases[] = {
    {NULL, "pg_class", true},
    {"pg_catalog", "pg_tables", true},              /* a view */
    {"pg_catalog", "pg_class_oid_index", true},     /* an index */
    {"information_schema", "tables", true},
    {"information_schema", "columns", true},
    {NULL, "tables", false},          /* not on the search path */
    {"pg_catalog", "tables", false},
    {"public", "pg_class", false},
    {"information_schema", "pg_class", false},
};

START_TEST(test_builtin_relations)
{
    const RelCase *c = &relation_cases[_i];
    ck_assert_msg(catalog_is_builtin_relation(c->schema, c->name) == c->found,
                  "%s.%s", c->schema ? c->schema : "", c->name);
}
END_TEST

typedef struct KeywordCase {
    const char *word;
    char category;
} KeywordCase;

static const KeywordCase keyword_cases[] = {
    {"abort", 'U'}, {"name", 'U'}, {"between", 'C'}, {"int", 'C'},
    {"authorization", 'T'}, {"concurrently", 'T'}, {"select", 'R'},
    {"user", 'R'}, {"users", 0}, {"SELECT", 0}, {"", 0},
};

START_TEST(test_keyword_category)
{
    const KeywordCase *c = &keyword_cases[_i];
    ck_assert_int_eq(sctl_keyword_category(c->word), c->category);
}
END_TEST

/* PostgreSQL 15's keyword list, counted by category. */
START_TEST(test_keyword_counts)
{
    ck_assert_uint_eq(sctl_keywords_unreserved_len, 309);
    ck_assert_uint_eq(sctl_keywords_col_name_len, 51);
    ck_assert_uint_eq(sctl_keywords_type_func_name_len, 23);
    ck_assert_uint_eq(sctl_keywords_reserved_len, 77);
}
END_TEST

static bool list_has(const char *const *list, const char *name)
{
    for (; list && *list; list++)
        if (strcmp(*list, name) == 0)
            return true;
    return false;
}

typedef struct ExtCase {
    const char *extension;
    bool function;            /* the function list, else the type list */
    const char *name;
    bool found;
} ExtCase;

static const ExtCase extension_cases[] = {
    {"citext", false, "citext", true},
    {"citext", false, "_citext", true},
    {"citext", true, "regexp_matches", true},    /* an overload added */
    {"hstore", false, "hstore", true},
    {"ltree", false, "lquery", true},
    {"cube", false, "cube", true},
    {"earthdistance", false, "earth", true},
    {"earthdistance", false, "cube", true},      /* installed by CASCADE */
    {"pgcrypto", true, "digest", true},
    {"pgcrypto", true, "gen_salt", true},
    {"pgcrypto", true, "gen_random_uuid", true}, /* shadows the built-in */
    {"uuid-ossp", true, "uuid_generate_v4", true},
    {"pg_trgm", true, "similarity", true},
    {"pg_trgm", false, "gtrgm", true},
    {"pg_stat_statements", true, "pg_stat_statements_reset", true},
    {"postgis", false, "geometry", true},
    {"postgis", false, "geography", true},
    {"postgis", true, "st_intersects", true},
    {"postgis_raster", false, "raster", true},
    {"postgis_raster", false, "geometry", true}, /* requires postgis */
    {"postgis", false, "raster", false},
    {"citext", false, "hstore", false},
    {"pgcrypto", true, "now", false},
    {"plpgsql", false, "citext", false},
};

START_TEST(test_extension_lists)
{
    const ExtCase *c = &extension_cases[_i];
    const char *const *list = c->function
        ? catalog_extension_functions(c->extension)
        : catalog_extension_types(c->extension);
    ck_assert_ptr_nonnull(list);
    ck_assert_msg(list_has(list, c->name) == c->found, "%s: %s",
                  c->extension, c->name);
}
END_TEST

START_TEST(test_extension_known_and_unknown)
{
    /* plpgsql is in every database already: known, adds nothing */
    ck_assert_ptr_nonnull(catalog_extension_types("plpgsql"));
    ck_assert_ptr_null(catalog_extension_types("plpgsql")[0]);
    ck_assert_ptr_null(catalog_extension_functions("plpgsql")[0]);
    ck_assert_ptr_null(catalog_extension_types("no_such_extension"));
    ck_assert_ptr_null(catalog_extension_functions("no_such_extension"));
    ck_assert_ptr_null(catalog_extension_types("PostGIS"));
    ck_assert_ptr_null(catalog_extension_types(NULL));
}
END_TEST

/* Binary search needs strictly increasing strcmp order. */
static void check_sorted(const char *what, const char *const *list,
                         size_t len)
{
    ck_assert_msg(len > 0, "%s is empty", what);
    for (size_t i = 1; i < len; i++)
        ck_assert_msg(strcmp(list[i - 1], list[i]) < 0, "%s: %s, %s", what,
                      list[i - 1], list[i]);
}

static size_t null_terminated_len(const char *const *list)
{
    size_t n = 0;
    while (list[n])
        n++;
    return n;
}

START_TEST(test_lists_sorted)
{
    check_sorted("unreserved", sctl_keywords_unreserved,
                 sctl_keywords_unreserved_len);
    check_sorted("col_name", sctl_keywords_col_name,
                 sctl_keywords_col_name_len);
    check_sorted("type_func_name", sctl_keywords_type_func_name,
                 sctl_keywords_type_func_name_len);
    check_sorted("reserved", sctl_keywords_reserved,
                 sctl_keywords_reserved_len);
    check_sorted("types", catalog_data_types, catalog_data_types_len);
    check_sorted("functions", catalog_data_functions,
                 catalog_data_functions_len);
    check_sorted("pg_catalog", catalog_data_relations_pg_catalog,
                 catalog_data_relations_pg_catalog_len);
    check_sorted("information_schema",
                 catalog_data_relations_information_schema,
                 catalog_data_relations_information_schema_len);
    check_sorted("extensions", catalog_data_extensions,
                 catalog_data_extensions_len);
}
END_TEST

/* Every extension is found through the API, with sorted lists. */
START_TEST(test_extension_lists_sorted)
{
    for (size_t i = 0; i < catalog_data_extensions_len; i++) {
        const char *e = catalog_data_extensions[i];
        const char *const *t = catalog_extension_types(e);
        const char *const *f = catalog_extension_functions(e);
        ck_assert_msg(t && f, "%s not found", e);
        if (t[0])
            check_sorted(e, t, null_terminated_len(t));
        if (f[0])
            check_sorted(e, f, null_terminated_len(f));
    }
    ck_assert(catalog_data_extensions_len >= 50);
}
END_TEST

Suite *make_catalog_suite(void)
{
    Suite *s = suite_create("catalog");
    TCase *tc = tcase_create("builtin");
    tcase_add_loop_test(tc, test_builtin_types, 0, NCASES(type_cases));
    tcase_add_loop_test(tc, test_builtin_functions, 0,
                        NCASES(function_cases));
    tcase_add_loop_test(tc, test_builtin_relations, 0,
                        NCASES(relation_cases));
    tcase_add_loop_test(tc, test_keyword_category, 0,
                        NCASES(keyword_cases));
    tcase_add_test(tc, test_keyword_counts);
    tcase_add_test(tc, test_lists_sorted);
    suite_add_tcase(s, tc);

    tc = tcase_create("extensions");
    tcase_add_loop_test(tc, test_extension_lists, 0,
                        NCASES(extension_cases));
    tcase_add_test(tc, test_extension_known_and_unknown);
    tcase_add_test(tc, test_extension_lists_sorted);
    suite_add_tcase(s, tc);
    return s;
}

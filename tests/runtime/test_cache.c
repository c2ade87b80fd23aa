/*
 * test_cache.c — the rows of schemactl.normal_forms (cache.c): a row
 * reads back as written; a row changed anywhere, cut short, filed under
 * another schema's checksum or another server version is not trusted; a
 * row of another layout is set aside without alarm.
 */
#define _POSIX_C_SOURCE 200809L
#include "schemactl.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static const char facets_text[] =
    "sctl-facets 2\n"
    "Krole\x1f" "app\n"
    "Flogin\tf\n"
    "Fmember_of\t\\N\n"
    "Kcolumn\x1fs\x1ft\x1f" "id\n"
    "Ftype\tbigint\n"
    "Fnot_null\tt\n";

static const char *const keys[] = {"role\x1f" "app",
                                   "column\x1fs\x1ft\x1f" "id"};

static SctlSchema schema(const char *checksum)
{
    SctlSchema s = {0};
    s.checksum = checksum;
    s.nobjects = 2;
    return s;
}

/* A declared state as verify stores it: keys and facets. */
static SctlDeclared declared(void)
{
    SctlDeclared d = {0};
    d.keys = calloc(3, sizeof *d.keys);
    for (int i = 0; i < 2; i++)
        d.keys[i] = strdup(keys[i]);
    d.facets = sctl_facets_load(facets_text);
    ck_assert_ptr_nonnull(d.facets);
    return d;
}

static char *row_for(const char *checksum, int version)
{
    SctlSchema s = schema(checksum);
    SctlDeclared d = declared();
    char *row = sctl_cache_dump(&s, &d, version);
    sctl_declared_free(&d, 2);
    return row;
}

static SctlCacheRead read_row(const char *checksum, int version,
                              const char *row)
{
    SctlSchema s = schema(checksum);
    SctlDeclared d;
    SctlCacheRead got = sctl_cache_load(&s, version, row, &d);
    if (got != SCTL_CACHE_OK)
        ck_assert_ptr_null(d.facets);
    sctl_declared_free(&d, 2);
    return got;
}

START_TEST(test_row_reads_back)
{
    char *row = row_for("abc", 150004);
    SctlSchema s = schema("abc");
    SctlDeclared d;
    ck_assert_int_eq(sctl_cache_load(&s, 150004, row, &d), SCTL_CACHE_OK);
    for (int i = 0; i < 2; i++)
        ck_assert_str_eq(d.keys[i], keys[i]);
    char *back = sctl_facets_dump(d.facets);
    SctlFacets *f = sctl_facets_load(facets_text);
    char *want = sctl_facets_dump(f);
    ck_assert_str_eq(back, want);
    free(back);
    free(want);
    sctl_facets_free(f);
    sctl_declared_free(&d, 2);
    free(row);
}
END_TEST

/* Each byte of the row changed in turn: never trusted; past the tag,
 * always seen as tampered. */
START_TEST(test_any_changed_byte_is_caught)
{
    char *row = row_for("abc", 150004);
    size_t n = strlen(row), tag = strlen("sctl-cache 2 ");
    for (size_t i = 0; i < n; i++) {
        char was = row[i];
        row[i] = was == 'x' ? 'y' : 'x';
        SctlCacheRead got = read_row("abc", 150004, row);
        ck_assert_msg(got != SCTL_CACHE_OK, "byte %zu changed, still trusted",
                      i);
        if (i >= tag)
            ck_assert_msg(got == SCTL_CACHE_TAMPERED, "byte %zu changed: %d",
                          i, got);
        row[i] = was;
    }
    ck_assert_int_eq(read_row("abc", 150004, row), SCTL_CACHE_OK);
    free(row);
}
END_TEST

START_TEST(test_cut_short_is_caught)
{
    char *row = row_for("abc", 150004);
    size_t n = strlen(row);
    for (size_t len = strlen("sctl-cache 2 "); len < n; len++) {
        char *cut = strndup(row, len);
        ck_assert_int_eq(read_row("abc", 150004, cut), SCTL_CACHE_TAMPERED);
        free(cut);
    }
    free(row);
}
END_TEST

START_TEST(test_other_key_is_caught)
{
    char *row = row_for("abc", 150004);
    ck_assert_int_eq(read_row("abd", 150004, row), SCTL_CACHE_TAMPERED);
    ck_assert_int_eq(read_row("abc", 150005, row), SCTL_CACHE_TAMPERED);
    free(row);
}
END_TEST

/* An older schemactl's row (keys and facets, no checksum line) and a
 * vouched-for row of another facet format are redone quietly. */
START_TEST(test_other_layout_is_set_aside)
{
    char *old = malloc(strlen(keys[0]) + strlen(keys[1]) + sizeof facets_text
                       + 4);
    sprintf(old, "%s\n%s\n\n%s", keys[0], keys[1], facets_text);
    ck_assert_int_eq(read_row("abc", 150004, old), SCTL_CACHE_OTHER);
    free(old);
    ck_assert_int_eq(read_row("abc", 150004, ""), SCTL_CACHE_OTHER);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cache");
    TCase *t = tcase_create("rows");
    tcase_add_test(t, test_row_reads_back);
    tcase_add_test(t, test_any_changed_byte_is_caught);
    tcase_add_test(t, test_cut_short_is_caught);
    tcase_add_test(t, test_other_key_is_caught);
    tcase_add_test(t, test_other_layout_is_set_aside);
    suite_add_tcase(s, t);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/*
 * test_bucket.c — storage buckets: errors with their positions, the
 * bucket's row, and policies limited to the bucket's objects.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "compile_helper.h"

#define SUPA "platform supabase;\n"

static const struct {
    const char *schema;
    const char *first;
} errors[] = {
    {"bucket a { public true; }",
     "t0.schema:1:1: error: a bucket is a row of Supabase's storage.buckets; declare `platform supabase;`"},
    {SUPA "bucket \"a b\" { public true; }",
     "t0.schema:2:8: error: bucket name \"a b\" may hold only letters, digits, '-', '_' and '.'"},
    {SUPA "bucket a { public true; public false; }",
     "t0.schema:2:25: error: public is set twice in this bucket"},
    {SUPA "bucket a { allowed mime types 'image/png', 'png'; }",
     "t0.schema:2:44: error: 'png' is not a MIME type (type/subtype, such as 'image/png' or 'image/*')"},
    {SUPA "bucket a { file size limit 0; }",
     "t0.schema:2:28: error: a file size limit is a whole number of bytes, kb, mb or gb, from 1 byte to 1 PB"},
    {SUPA "bucket a { public maybe; }",
     "t0.schema:2:19: error: expected true or false, found 'maybe'"},
    {SUPA "bucket a { index (name); }",
     "t0.schema:2:12: error: expected a bucket item (public, file size limit, allowed mime types, policy), found 'index'"},
    {SUPA "bucket a { policy \"p\" for select using (nope = 1); }",
     "t0.schema:2:41: error: unknown column \"nope\" in table \"objects\""},
    {SUPA "bucket a { policy \"p\" for select using (true); }\n"
     "bucket b { policy \"p\" for select using (true); }",
     "t0.schema:3:19: error: policy \"p\" is declared twice on table \"objects\""},
    {SUPA "bucket a { }\nbucket a { }",
     "t0.schema:3:8: error: bucket \"a\" is declared twice"},
};

START_TEST(test_errors)
{
    assert_first_error(errors[_i].schema, errors[_i].first);
}
END_TEST

START_TEST(test_row)
{
    Compiled c = compile_text(SUPA
        "bucket avatars { public false; file size limit 5 mb;\n"
        "  allowed mime types 'image/png', 'image/jpeg'; }\n"
        "bucket \"equipment-media\" { public true; }\n");
    assert_sql_has(&c, "VALUES ('avatars', 'avatars', false, 5242880, "
                   "ARRAY['image/png', 'image/jpeg']::text[])");
    assert_sql_has(&c, "VALUES ('equipment-media', 'equipment-media', true, "
                   "NULL, NULL)");
    assert_sql_has(&c, "ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name");
    compiled_free(&c);
}
END_TEST

/* Every clause is limited to the bucket; none is added where none was
 * written (PostgreSQL grants nothing through a missing clause). */
START_TEST(test_policies)
{
    Compiled c = compile_text(SUPA
        "bucket b {\n"
        "  policy \"up\" for insert to authenticated with check (owner = auth.uid());\n"
        "  policy \"read\" for select to authenticated;\n"
        "  policy \"all\" using (owner = auth.uid()) with check (true);\n"
        "}\n");
    assert_sql_has(&c, "CREATE POLICY up ON storage.objects FOR INSERT TO "
                   "authenticated WITH CHECK (bucket_id = 'b' AND "
                   "(owner = auth.uid()));");
    assert_sql_has(&c, "CREATE POLICY read ON storage.objects FOR SELECT TO "
                   "authenticated;");
    assert_sql_has(&c, "CREATE POLICY \"all\" ON storage.objects USING "
                   "(bucket_id = 'b' AND (owner = auth.uid())) WITH CHECK "
                   "(bucket_id = 'b' AND (true));");
    compiled_free(&c);
}
END_TEST

Suite *make_bucket_suite(void)
{
    Suite *s = suite_create("bucket");
    TCase *tc = tcase_create("errors");
    tcase_add_loop_test(tc, test_errors, 0,
                        (int)(sizeof errors / sizeof errors[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("output");
    tcase_add_test(tc, test_row);
    tcase_add_test(tc, test_policies);
    suite_add_tcase(s, tc);
    return s;
}

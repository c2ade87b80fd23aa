/*
 * main.c — runs every unit-test suite; one file per area exports
 * make_AREA_suite().
 */
#include <check.h>
#include <stdlib.h>

Suite *make_catalog_suite(void);
Suite *make_diag_suite(void);
Suite *make_emit_sql_suite(void);
Suite *make_generate_suite(void);
Suite *make_bucket_suite(void);
Suite *make_objects_suite(void);
Suite *make_json_suite(void);
Suite *make_lex_suite(void);
Suite *make_lint_suite(void);
Suite *make_matrix_suite(void);
Suite *make_naming_suite(void);
Suite *make_parse_suite(void);
Suite *make_pgsql_suite(void);
Suite *make_quote_suite(void);
Suite *make_sema_suite(void);
Suite *make_compile_suite(void);
Suite *make_tests_suite(void);
Suite *make_shape_suite(void);
Suite *make_rename_suite(void);
Suite *make_serial_suite(void);
Suite *make_fmt_suite(void);
Suite *make_sql_depth_suite(void);
Suite *make_server_map_suite(void);
Suite *make_import_suite(void);

int main(void)
{
    SRunner *sr = srunner_create(make_json_suite());
    srunner_add_suite(sr, make_pgsql_suite());
    srunner_add_suite(sr, make_quote_suite());
    srunner_add_suite(sr, make_naming_suite());
    srunner_add_suite(sr, make_catalog_suite());
    srunner_add_suite(sr, make_diag_suite());
    srunner_add_suite(sr, make_lex_suite());
    srunner_add_suite(sr, make_parse_suite());
    srunner_add_suite(sr, make_sema_suite());
    srunner_add_suite(sr, make_compile_suite());
    srunner_add_suite(sr, make_generate_suite());
    srunner_add_suite(sr, make_bucket_suite());
    srunner_add_suite(sr, make_objects_suite());
    srunner_add_suite(sr, make_emit_sql_suite());
    srunner_add_suite(sr, make_lint_suite());
    srunner_add_suite(sr, make_tests_suite());
    srunner_add_suite(sr, make_shape_suite());
    srunner_add_suite(sr, make_rename_suite());
    srunner_add_suite(sr, make_matrix_suite());
    srunner_add_suite(sr, make_serial_suite());
    srunner_add_suite(sr, make_fmt_suite());
    srunner_add_suite(sr, make_sql_depth_suite());
    srunner_add_suite(sr, make_server_map_suite());
    srunner_add_suite(sr, make_import_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/*
 * test_diag.c — sources and diagnostics: line tables, character columns,
 * template spans mapped back to files, and the exact text of every
 * diagnostic (position, source line, caret), notes, warnings, --strict and
 * the error limit.
 */
#include "fixture.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


/* Everything printed so far. */
static Source *text_source(const char *name, const char *text)
{
    return source_from_text(arena, name, text, strlen(text));
}

/* Offset of the first occurrence of word in s's text. */
static size_t at(const Source *s, const char *word)
{
    const char *p = strstr(s->text, word);
    ck_assert_ptr_nonnull(p);
    return (size_t)(p - s->text);
}

/* Reports an error under the first occurrence of word. */
static void error_at(const Source *s, const char *word, const char *msg)
{
    diag_at(&diag, DIAG_ERROR, s, at(s, word), strlen(word), "%s", msg);
}

static int count_lines(const char *s, const char *prefix)
{
    int n = 0;
    for (const char *p = s; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
        n += strncmp(p, prefix, strlen(prefix)) == 0;
    return n;
}

/* ------------------------------------------------------ line tables */

START_TEST(test_line_table)
{
    Source *s = text_source("a.schema", "ab\ncd\n\nxyz");
    ck_assert_int_eq(s->nlines, 4);
    ck_assert_uint_eq(s->line_starts[0], 0);
    ck_assert_uint_eq(s->line_starts[1], 3);
    ck_assert_uint_eq(s->line_starts[2], 6);
    ck_assert_uint_eq(s->line_starts[3], 7);
    ck_assert_uint_eq(s->len, 10);
    ck_assert_str_eq(s->name, "a.schema");
    ck_assert_ptr_null(s->spans);
    ck_assert_int_eq(s->nspans, 0);
    ck_assert_ptr_null(s->expanded_at);
    s = text_source("e.schema", "");
    ck_assert_int_eq(s->nlines, 1);
    s = text_source("n.schema", "a\n");
    ck_assert_int_eq(s->nlines, 2);
    ck_assert_uint_eq(s->line_starts[1], 2);
}
END_TEST

/* The text is copied and NUL-terminated; NULs inside are kept. */
START_TEST(test_source_from_text_copies)
{
    char text[] = "ab\0cd!!";
    Source *s = source_from_text(arena, "x", text, 5);
    text[0] = 'X';
    ck_assert_uint_eq(s->len, 5);
    ck_assert_int_eq(memcmp(s->text, "ab\0cd", 6), 0);
    ck_assert_int_eq(s->text[5], '\0');
    ck_assert_int_eq(s->nlines, 1);
}
END_TEST

static const struct {
    size_t off;
    int line, col;
    size_t file_off;
} positions[] = {
    {0, 1, 1, 0},
    {1, 1, 2, 1},
    {2, 1, 3, 2},      /* the newline itself ends line 1 */
    {3, 2, 1, 3},
    {5, 2, 3, 5},
    {6, 3, 1, 6},      /* an empty line */
    {7, 4, 1, 7},
    {9, 4, 3, 9},
    {10, 4, 4, 10},    /* the end of the text */
    {11, 4, 4, 10},    /* past the end: clamped */
    {999, 4, 4, 10},
};

START_TEST(test_locate_lines)
{
    Source *s = text_source("a.schema", "ab\ncd\n\nxyz");
    const Source *file = NULL;
    size_t file_off = 99;
    int line = 0, col = 0;
    source_locate(s, positions[_i].off, &file, &file_off, &line, &col);
    ck_assert_ptr_eq(file, s);
    ck_assert_int_eq(line, positions[_i].line);
    ck_assert_int_eq(col, positions[_i].col);
    ck_assert_uint_eq(file_off, positions[_i].file_off);
}
END_TEST

/* Columns count characters: a UTF-8 sequence is one column, a tab too. */
static const struct {
    size_t off;
    int line, col;
} utf8_positions[] = {
    {0, 1, 1},         /* é (2 bytes) */
    {2, 1, 2},         /* \n */
    {3, 2, 1},         /* à */
    {5, 2, 2},         /* b */
    {6, 2, 3},         /* \t */
    {7, 2, 4},         /* c */
    {8, 2, 5},         /* U+1F600 (4 bytes) */
    {12, 2, 6},        /* d */
    {13, 2, 7},        /* € (3 bytes) */
    {16, 2, 8},        /* end */
};

START_TEST(test_locate_characters)
{
    Source *s = text_source("u.schema", "\xC3\xA9\n\xC3\xA0" "b\tc"
                            "\xF0\x9F\x98\x80" "d\xE2\x82\xAC");
    const Source *file;
    size_t file_off;
    int line, col;
    source_locate(s, utf8_positions[_i].off, &file, &file_off, &line, &col);
    ck_assert_int_eq(line, utf8_positions[_i].line);
    ck_assert_int_eq(col, utf8_positions[_i].col);
}
END_TEST

START_TEST(test_source_line)
{
    Source *s = text_source("a.schema", "first\r\n\nthird\tx\nlast");
    size_t len = 99;
    const char *l = source_line(s, 1, &len);
    ck_assert_uint_eq(len, 5);                 /* without the \r */
    ck_assert_int_eq(strncmp(l, "first", 5), 0);
    l = source_line(s, 2, &len);
    ck_assert_uint_eq(len, 0);
    l = source_line(s, 3, &len);
    ck_assert_uint_eq(len, 7);
    ck_assert_int_eq(strncmp(l, "third\tx", 7), 0);
    l = source_line(s, 4, &len);
    ck_assert_uint_eq(len, 4);
    ck_assert_str_eq(l, "last");
    ck_assert_str_eq(source_line(s, 0, &len), "");
    ck_assert_uint_eq(len, 0);
    len = 99;
    ck_assert_str_eq(source_line(s, 5, &len), "");
    ck_assert_uint_eq(len, 0);
}
END_TEST

/* A mkstemp template in $TMPDIR, or in the system's temporary directory. */
static char *scratch_path(void)
{
    const char *dir = getenv("TMPDIR");
    return arena_printf(arena, "%s/schemac-test-XXXXXX",
                        dir && *dir ? dir : P_tmpdir);
}

START_TEST(test_source_load)
{
    char *path = scratch_path();
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "a\nb\0c\n", 6), 6);
    close(fd);
    const char *err = "unset";
    Source *s = source_load(arena, path, &err);
    unlink(path);
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(s->name, path);
    ck_assert_uint_eq(s->len, 6);
    ck_assert_int_eq(memcmp(s->text, "a\nb\0c\n", 7), 0);
    ck_assert_int_eq(s->nlines, 3);
}
END_TEST

START_TEST(test_source_load_errors)
{
    const char *err = NULL;
    ck_assert_ptr_null(source_load(arena, "no/such/dir/x.schema", &err));
    ck_assert_str_eq(err, "No such file or directory");
    char *path = scratch_path();
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    err = "unset";
    Source *s = source_load(arena, path, &err);   /* empty file */
    unlink(path);
    ck_assert_ptr_nonnull(s);
    ck_assert_uint_eq(s->len, 0);
    ck_assert_str_eq(s->text, "");
    ck_assert_int_eq(s->nlines, 1);
}
END_TEST

/* ------------------------------------------------------ template spans */

/*
 * A template used by a table, expanded as sema does it: the template's
 * body with ${c} replaced by the argument written at the `use`.
 */
typedef struct Expanded {
    Source *tpl, *app, *text;
    Token use;
} Expanded;

static Expanded expand(void)
{
    Expanded e;
    e.tpl = text_source("tpl.schema", "template t(c) {\n  index (${c});\n}\n");
    e.app = text_source("app.schema", "table x {\n  use t(company_id);\n}\n");
    e.text = text_source("tpl.schema", "index (company_id);");
    SourceSpan *sp = arena_alloc(arena, sizeof *sp * 3);
    sp[0] = (SourceSpan){0, 7, e.tpl, at(e.tpl, "index"), false};
    sp[1] = (SourceSpan){7, 10, e.app, at(e.app, "company_id"), false};
    sp[2] = (SourceSpan){17, 2, e.tpl, at(e.tpl, "${c}") + 4, false};
    e.text->spans = sp;
    e.text->nspans = 3;
    e.use = (Token){TK_IDENT, e.app, at(e.app, "use"), 3};
    e.text->expanded_at = &e.use;
    return e;
}

static const struct {
    size_t off;
    int file;          /* 0: the template, 1: the table's file */
    int line, col;
} span_positions[] = {
    {0, 0, 2, 3},      /* index */
    {6, 0, 2, 9},      /* ( */
    {7, 1, 2, 9},      /* company_id: written at the use */
    {12, 1, 2, 14},
    {16, 1, 2, 18},
    {17, 0, 2, 14},    /* ) after ${c} */
    {18, 0, 2, 15},    /* ; */
    {19, 0, 2, 16},    /* the end: just past the last span */
    {500, 0, 2, 16},
};

START_TEST(test_locate_template_spans)
{
    Expanded e = expand();
    const Source *file;
    size_t file_off;
    int line, col;
    source_locate(e.text, span_positions[_i].off, &file, &file_off, &line,
                  &col);
    ck_assert_ptr_eq(file, span_positions[_i].file ? e.app : e.tpl);
    ck_assert_int_eq(line, span_positions[_i].line);
    ck_assert_int_eq(col, span_positions[_i].col);
}
END_TEST

START_TEST(test_locate_template_file_offsets)
{
    Expanded e = expand();
    const Source *file;
    size_t file_off;
    int line, col;
    source_locate(e.text, 9, &file, &file_off, &line, &col);
    ck_assert_uint_eq(file_off, at(e.app, "company_id") + 2);
    source_locate(e.text, 18, &file, &file_off, &line, &col);
    ck_assert_uint_eq(file_off, at(e.tpl, ");") + 1);
}
END_TEST

/* A template used inside a template: spans lead through both texts. */
START_TEST(test_locate_nested_expansion)
{
    Expanded e = expand();
    Source *outer = text_source("tpl.schema", "(company_id)");
    SourceSpan *sp = arena_alloc(arena, sizeof *sp);
    sp[0] = (SourceSpan){0, 12, e.text, 6, false};
    outer->spans = sp;
    outer->nspans = 1;
    const Source *file;
    size_t file_off;
    int line, col;
    source_locate(outer, 0, &file, &file_off, &line, &col);
    ck_assert_ptr_eq(file, e.tpl);
    ck_assert_int_eq(line, 2);
    ck_assert_int_eq(col, 9);
    source_locate(outer, 4, &file, &file_off, &line, &col);
    ck_assert_ptr_eq(file, e.app);
    ck_assert_int_eq(line, 2);
    ck_assert_int_eq(col, 12);
}
END_TEST

/* An error in expanded text points at the file, underlined whole when
 * it was written in one piece, and a note at the `use`. */
START_TEST(test_diag_in_expansion)
{
    Expanded e = expand();
    diag_at(&diag, DIAG_ERROR, e.text, 7, 10, "unknown column \"%s\"",
            "company_id");
    diag_at(&diag, DIAG_WARNING, e.text, 0, 5, "w");
    ck_assert_str_eq(fixture_output(),
        "app.schema:2:9: error: unknown column \"company_id\"\n"
        "    2 |   use t(company_id);\n"
        "      |         ^~~~~~~~~~\n"
        "app.schema:2:3: note: in the template used here\n"
        "tpl.schema:2:3: warning: w\n"
        "    2 |   index (${c});\n"
        "      |   ^~~~~\n"
        "app.schema:2:3: note: in the template used here\n");
    ck_assert_int_eq(diag.errors, 1);
    ck_assert_int_eq(diag.warnings, 1);
}
END_TEST

/* ------------------------------------------------------- diagnostics */

START_TEST(test_init)
{
    Diag d;
    memset(&d, 0x5A, sizeof d);
    diag_init(&d, out);
    ck_assert_ptr_eq(d.out, out);
    ck_assert_int_eq(d.errors, 0);
    ck_assert_int_eq(d.warnings, 0);
    ck_assert_int_eq(d.printed, 0);
    ck_assert_int_eq(d.limit, 20);
    ck_assert(!d.werror);
    ck_assert(!d.last_shown);
    ck_assert(!diag_too_many(&d));
}
END_TEST

START_TEST(test_error_format)
{
    Source *s = text_source("schema/app.schema",
                            "table t {\n  id intt;\n}\n");
    diag_at(&diag, DIAG_ERROR, s, at(s, "intt"), 4, "unknown type \"%s\"",
            "intt");
    ck_assert_str_eq(fixture_output(),
        "schema/app.schema:2:6: error: unknown type \"intt\"\n"
        "    2 |   id intt;\n"
        "      |      ^~~~\n");
    ck_assert_int_eq(diag.errors, 1);
    ck_assert_int_eq(diag.warnings, 0);
    ck_assert_int_eq(diag.printed, 1);
    ck_assert(diag.last_shown);
}
END_TEST

START_TEST(test_caret_lengths)
{
    Source *s = text_source("a.schema", "abc def");
    diag_at(&diag, DIAG_ERROR, s, 4, 0, "zero");
    diag_at(&diag, DIAG_ERROR, s, 4, 1, "one");
    diag_at(&diag, DIAG_ERROR, s, 0, 7, "all");
    ck_assert_str_eq(fixture_output(),
        "a.schema:1:5: error: zero\n"
        "    1 | abc def\n"
        "      |     ^\n"
        "a.schema:1:5: error: one\n"
        "    1 | abc def\n"
        "      |     ^\n"
        "a.schema:1:1: error: all\n"
        "    1 | abc def\n"
        "      | ^~~~~~~\n");
}
END_TEST

/* A token running over several lines is underlined to the end of its
 * first line only. */
START_TEST(test_caret_stops_at_line_end)
{
    Source *s = text_source("a.schema", "x = 'ab\ncd';\n");
    diag_at(&diag, DIAG_ERROR, s, 4, 7, "long");
    ck_assert_str_eq(fixture_output(),
        "a.schema:1:5: error: long\n"
        "    1 | x = 'ab\n"
        "      |     ^~~\n");
}
END_TEST

/* Columns and carets count characters, not bytes. */
START_TEST(test_caret_multibyte)
{
    Source *s = text_source("a.schema",
                            "\xC3\xA9 := 'h\xC3\xA9llo' \xE2\x82\xAC;");
    error_at(s, "'h", "a string");
    diag_at(&diag, DIAG_ERROR, s, at(s, "\xE2\x82\xAC"), 3, "euro");
    ck_assert_str_eq(fixture_output(),
        "a.schema:1:6: error: a string\n"
        "    1 | \xC3\xA9 := 'h\xC3\xA9llo' \xE2\x82\xAC;\n"
        "      |      ^~\n"
        "a.schema:1:14: error: euro\n"
        "    1 | \xC3\xA9 := 'h\xC3\xA9llo' \xE2\x82\xAC;\n"
        "      |              ^\n");
}
END_TEST

/* A token with a two-byte character is underlined character by character. */
START_TEST(test_caret_whole_multibyte_token)
{
    Source *s = text_source("a.schema",
                            "\xC3\xA9 := 'h\xC3\xA9llo' \xE2\x82\xAC;");
    diag_at(&diag, DIAG_ERROR, s, at(s, "'h"), 8, "whole");
    ck_assert_str_eq(fixture_output(),
        "a.schema:1:6: error: whole\n"
        "    1 | \xC3\xA9 := 'h\xC3\xA9llo' \xE2\x82\xAC;\n"
        "      |      ^~~~~~~\n");
}
END_TEST

/* The caret line copies tabs so it lines up under any tab width. */
START_TEST(test_caret_tabs)
{
    Source *s = text_source("a.schema", "table t {\n\tid\tintt;\n}");
    error_at(s, "intt", "tab");
    ck_assert_str_eq(fixture_output(),
        "a.schema:2:5: error: tab\n"
        "    2 | \tid\tintt;\n"
        "      | \t  \t^~~~\n");
}
END_TEST

START_TEST(test_crlf_lines)
{
    Source *s = text_source("a.schema", "a\r\nbad x\r\n");
    error_at(s, "x", "crlf");
    ck_assert_str_eq(fixture_output(),
        "a.schema:2:5: error: crlf\n"
        "    2 | bad x\n"
        "      |     ^\n");
}
END_TEST

/* Control characters would corrupt the terminal: shown as spaces. */
START_TEST(test_control_characters_hidden)
{
    Source *s = source_from_text(arena, "a.schema", "a\x01\x1b[2Jb\0c\rd", 11);
    diag_at(&diag, DIAG_ERROR, s, 10, 1, "d");
    ck_assert_str_eq(fixture_output(),
        "a.schema:1:11: error: d\n"
        "    1 | a  [2Jb c d\n"
        "      |           ^\n");
}
END_TEST

START_TEST(test_line_number_width)
{
    char text[64] = "";
    for (int i = 0; i < 11; i++)
        strcat(text, "\n");
    strcat(text, "bad");
    Source *s = text_source("a.schema", text);
    error_at(s, "bad", "twelve");
    ck_assert_str_eq(fixture_output(),
        "a.schema:12:1: error: twelve\n"
        "   12 | bad\n"
        "      | ^~~\n");
}
END_TEST

/* An error at the end of a file that ends with a newline: the empty last
 * line is shown. */
START_TEST(test_error_at_end_of_file)
{
    Source *s = text_source("a.schema", "table t {\n");
    diag_at(&diag, DIAG_ERROR, s, s->len, 0, "expected '}'");
    ck_assert_str_eq(fixture_output(),
        "a.schema:2:1: error: expected '}'\n"
        "    2 | \n"
        "      | ^\n");
    s = text_source("b.schema", "table t {");
    diag_at(&diag, DIAG_ERROR, s, s->len, 0, "expected '}'");
    ck_assert_ptr_nonnull(strstr(fixture_output(),
        "b.schema:1:10: error: expected '}'\n"
        "    1 | table t {\n"
        "      |          ^\n"));
}
END_TEST

START_TEST(test_warning)
{
    Source *s = text_source("a.schema", "x y");
    diag_at(&diag, DIAG_WARNING, s, 2, 1, "unused %d", 1);
    ck_assert_str_eq(fixture_output(),
        "a.schema:1:3: warning: unused 1\n"
        "    1 | x y\n"
        "      |   ^\n");
    ck_assert_int_eq(diag.warnings, 1);
    ck_assert_int_eq(diag.errors, 0);
    ck_assert_int_eq(diag.printed, 1);
}
END_TEST

/* --strict: a warning counts as an error (and is still called one). */
START_TEST(test_werror)
{
    Source *s = text_source("a.schema", "x y");
    diag.werror = true;
    diag_at(&diag, DIAG_WARNING, s, 0, 1, "w");
    diag_at(&diag, DIAG_ERROR, s, 2, 1, "e");
    ck_assert_int_eq(diag.errors, 2);
    ck_assert_int_eq(diag.warnings, 0);
    ck_assert_int_eq(count_lines(fixture_output(), "a.schema:1:1: warning: w"), 1);
    ck_assert_int_eq(count_lines(fixture_output(), "a.schema:1:3: error: e"), 1);
}
END_TEST

START_TEST(test_note_after_error)
{
    Source *s = text_source("a.schema", "table t {}\ntable t {}\n");
    diag_at(&diag, DIAG_ERROR, s, 17, 1, "table \"t\" is declared twice");
    diag_at(&diag, DIAG_NOTE, s, 6, 1, "first declared here");
    ck_assert_str_eq(fixture_output(),
        "a.schema:2:7: error: table \"t\" is declared twice\n"
        "    2 | table t {}\n"
        "      |       ^\n"
        "a.schema:1:7: note: first declared here\n"
        "    1 | table t {}\n"
        "      |       ^\n");
    ck_assert_int_eq(diag.errors, 1);
    ck_assert_int_eq(diag.warnings, 0);
    ck_assert_int_eq(diag.printed, 1);   /* notes are not counted */
}
END_TEST

START_TEST(test_note_after_warning)
{
    Source *s = text_source("a.schema", "ab");
    diag_at(&diag, DIAG_WARNING, s, 0, 1, "w");
    diag_at(&diag, DIAG_NOTE, s, 1, 1, "n1");
    diag_at(&diag, DIAG_NOTE, s, 1, 1, "n2");
    ck_assert_int_eq(count_lines(fixture_output(), "a.schema:1:2: note: n"), 2);
}
END_TEST

START_TEST(test_note_alone_not_printed)
{
    Source *s = text_source("a.schema", "ab");
    diag_at(&diag, DIAG_NOTE, s, 0, 1, "orphan");
    diag_plain(&diag, DIAG_NOTE, "orphan too");
    ck_assert_str_eq(fixture_output(), "");
    ck_assert_int_eq(diag.errors, 0);
    ck_assert_int_eq(diag.warnings, 0);
    ck_assert_int_eq(diag.printed, 0);
}
END_TEST

/* Past the limit errors are counted, not printed, and neither are their
 * notes; the stop is announced once. */
START_TEST(test_error_limit)
{
    Source *s = text_source("a.schema", "x");
    for (int i = 1; i <= 25; i++) {
        ck_assert(!diag_too_many(&diag) || i > 20);
        diag_at(&diag, DIAG_ERROR, s, 0, 1, "error %d", i);
        diag_at(&diag, DIAG_NOTE, s, 0, 1, "note %d", i);
    }
    const char *o = fixture_output();
    ck_assert_int_eq(count_lines(o, "a.schema:1:1: error: "), 20);
    ck_assert_int_eq(count_lines(o, "a.schema:1:1: note: "), 20);
    ck_assert_int_eq(count_lines(o, "a.schema:1:1: error: error 20"), 1);
    ck_assert_int_eq(count_lines(o, "a.schema:1:1: error: error 21"), 0);
    ck_assert_int_eq(count_lines(o, "a.schema:1:1: note: note 21"), 0);
    ck_assert_int_eq(count_lines(o, "schemac: too many errors, stopping "
                                    "here"), 1);
    ck_assert_ptr_nonnull(strstr(o, "note 20\n    1 | x\n      | ^\n"
                                    "schemac: too many errors, stopping "
                                    "here\n"));
    ck_assert_int_eq(diag.errors, 25);
    ck_assert(diag_too_many(&diag));
}
END_TEST

/* Warnings count against the same limit; a smaller limit may be set. */
START_TEST(test_custom_limit)
{
    Source *s = text_source("a.schema", "x");
    diag.limit = 2;
    diag_at(&diag, DIAG_WARNING, s, 0, 1, "w1");
    ck_assert(!diag_too_many(&diag));
    diag_at(&diag, DIAG_ERROR, s, 0, 1, "e1");
    ck_assert(diag_too_many(&diag));
    diag_at(&diag, DIAG_WARNING, s, 0, 1, "w2");
    diag_plain(&diag, DIAG_ERROR, "e2");
    const char *o = fixture_output();
    ck_assert_int_eq(count_lines(o, "a.schema:"), 2);
    ck_assert_int_eq(count_lines(o, "schemac: too many errors"), 1);
    ck_assert_int_eq(count_lines(o, "schemac: error: e2"), 0);
    ck_assert_int_eq(diag.errors, 2);
    ck_assert_int_eq(diag.warnings, 2);
}
END_TEST

START_TEST(test_plain)
{
    diag_plain(&diag, DIAG_ERROR, "cannot read %s: %s", "x.schema",
               "Permission denied");
    diag_plain(&diag, DIAG_NOTE, "see %d", 1);
    diag_plain(&diag, DIAG_WARNING, "no tables");
    ck_assert_str_eq(fixture_output(),
        "schemac: error: cannot read x.schema: Permission denied\n"
        "schemac: note: see 1\n"
        "schemac: warning: no tables\n");
    ck_assert_int_eq(diag.errors, 1);
    ck_assert_int_eq(diag.warnings, 1);
    ck_assert_int_eq(diag.printed, 2);
}
END_TEST

/* diag_vat takes a va_list, as sema's helpers pass it on. */
static void report(const Source *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vat(&diag, DIAG_ERROR, s, 0, 3, fmt, ap);
    va_end(ap);
}

START_TEST(test_vat)
{
    Source *s = text_source("a.schema", "abc");
    report(s, "%s has %d %s", "t", 2, "columns");
    ck_assert_str_eq(fixture_output(),
        "a.schema:1:1: error: t has 2 columns\n"
        "    1 | abc\n"
        "      | ^~~\n");
}
END_TEST

/* ---------------------------------------------------------- regressions */

/* BUG: the header says limit 0 means 20, but admit() compares with 0, so
 * nothing is printed and the first error says "too many errors". */
START_TEST(test_bug_limit_zero_means_default)
{
    Source *s = text_source("a.schema", "x");
    diag.limit = 0;
    diag_at(&diag, DIAG_ERROR, s, 0, 1, "first");
    ck_assert_str_eq(fixture_output(),
        "a.schema:1:1: error: first\n"
        "    1 | x\n"
        "      | ^\n");
    ck_assert(!diag_too_many(&diag));
}
END_TEST

static TCase *source_tcase(void)
{
    TCase *tc = tcase_create("source");
    tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
    tcase_add_test(tc, test_line_table);
    tcase_add_test(tc, test_source_from_text_copies);
    tcase_add_loop_test(tc, test_locate_lines, 0,
                        sizeof positions / sizeof positions[0]);
    tcase_add_loop_test(tc, test_locate_characters, 0,
                        sizeof utf8_positions / sizeof utf8_positions[0]);
    tcase_add_test(tc, test_source_line);
    tcase_add_test(tc, test_source_load);
    tcase_add_test(tc, test_source_load_errors);
    tcase_add_loop_test(tc, test_locate_template_spans, 0,
                        sizeof span_positions / sizeof span_positions[0]);
    tcase_add_test(tc, test_locate_template_file_offsets);
    tcase_add_test(tc, test_locate_nested_expansion);
    return tc;
}

static TCase *diag_tcase(void)
{
    TCase *tc = tcase_create("diag");
    tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
    tcase_add_test(tc, test_init);
    tcase_add_test(tc, test_error_format);
    tcase_add_test(tc, test_caret_lengths);
    tcase_add_test(tc, test_caret_stops_at_line_end);
    tcase_add_test(tc, test_caret_multibyte);
    tcase_add_test(tc, test_caret_whole_multibyte_token);
    tcase_add_test(tc, test_caret_tabs);
    tcase_add_test(tc, test_crlf_lines);
    tcase_add_test(tc, test_control_characters_hidden);
    tcase_add_test(tc, test_line_number_width);
    tcase_add_test(tc, test_error_at_end_of_file);
    tcase_add_test(tc, test_warning);
    tcase_add_test(tc, test_werror);
    tcase_add_test(tc, test_note_after_error);
    tcase_add_test(tc, test_note_after_warning);
    tcase_add_test(tc, test_note_alone_not_printed);
    tcase_add_test(tc, test_error_limit);
    tcase_add_test(tc, test_custom_limit);
    tcase_add_test(tc, test_plain);
    tcase_add_test(tc, test_vat);
    tcase_add_test(tc, test_diag_in_expansion);
    return tc;
}

/* Bugs found by these tests and fixed since: each stays pinned. */
Suite *make_diag_suite(void)
{
    Suite *s = suite_create("diag");
    suite_add_tcase(s, source_tcase());
    suite_add_tcase(s, diag_tcase());
    TCase *bugs = tcase_create("regressions");
    tcase_add_checked_fixture(bugs, fixture_setup, fixture_teardown);
    tcase_add_test(bugs, test_bug_limit_zero_means_default);
    suite_add_tcase(s, bugs);
    return s;
}

/*
 * main.c — the schemac command line: collects the .schema files named on
 * the command line, runs the compiler over them, and prints the result.
 * Exit status: 0 success, 1 errors in the input, 2 usage or I/O error.
 */
#include "schemac.h"

#include <dirent.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { EXIT_INPUT = 1, EXIT_USAGE = 2 };

/* matrix: markdown, json, or tests (--emit-tests) */
static const char *matrix_format = "markdown";

static const char usage[] =
    "usage: schemac COMMAND [--strict] [-o bin/NAME] PATH...\n"
    "       schemac check [--strict] [--format text|json|sarif|github] PATH...\n"
    "       schemac matrix [--format markdown|json] [--emit-tests] PATH...\n"
    "\n"
    "PATH is a .schema file or a directory (every *.schema under it).\n"
    "\n"
    "commands:\n"
    "  check   parse, resolve, check and lint; print diagnostics only\n"
    "          (--strict: lint warnings are errors; --format json, sarif\n"
    "          or github: the diagnostics as one document on standard\n"
    "          output; docs/lint.md lists the rules)\n"
    "  sql     print the canonical SQL to standard output\n"
    "  pgc     print the ECPG source of the executable (-o names it)\n"
    "  build   write generated/NAME.sql and pgc/NAME.pgc and link bin/NAME\n"
    "          (default bin/schemactl), which applies and verifies the\n"
    "          schema against a database; see bin/NAME --help.  Files go\n"
    "          beside -o (above bin/ for bin/NAME): --sql-dir, --pgc-dir\n"
    "          and --build-dir DIR put them elsewhere\n"
    "  matrix  print the access matrix: role x object x command, whether\n"
    "          granted, the policies that apply, the resulting access\n"
    "          (--emit-tests: access tests that check it; docs/matrix.md)\n"
    "\n"
    "exit status: 0 success, 1 errors in the input, 2 usage or I/O error\n";

static int compare_paths(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void collect(Arena *a, const char *path, Vec *files, Diag *d);

/* Directory entries are sorted so that output never depends on readdir. */
static void collect_dir(Arena *a, const char *path, Vec *files, Diag *d)
{
    DIR *dir = opendir(path);
    if (!dir) {
        diag_plain(d, DIAG_ERROR, "cannot read directory %s", path);
        return;
    }
    Vec names = {0};
    for (struct dirent *e; (e = readdir(dir));)
        if (e->d_name[0] != '.')
            vec_push(a, &names, arena_printf(a, "%s/%s", path, e->d_name));
    closedir(dir);
    qsort(names.items, (size_t)names.len, sizeof(void *), compare_paths);
    for (int i = 0; i < names.len; i++) {
        struct stat st;
        const char *child = names.items[i];
        if (stat(child, &st) == 0 &&
            (S_ISDIR(st.st_mode) || has_suffix(child, ".schema")))
            collect(a, child, files, d);
    }
}

static void collect(Arena *a, const char *path, Vec *files, Diag *d)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        diag_plain(d, DIAG_ERROR, "cannot open %s: no such file or directory",
                   path);
        return;
    }
    if (S_ISDIR(st.st_mode))
        collect_dir(a, path, files, d);
    else
        vec_push(a, files, (void *)path);
}

/* Lexes and parses every file; returns false on I/O errors. */
static bool read_program(Arena *a, Program *prog, Vec *files, Diag *d)
{
    for (int i = 0; i < files->len; i++) {
        const char *err;
        Source *src = source_load(a, files->items[i], &err);
        if (!src) {
            diag_plain(d, DIAG_ERROR, "cannot read %s: %s",
                       (const char *)files->items[i], err);
            return false;
        }
        vec_push(a, &prog->sources, src);
        TokenList tl = lex_source(a, src, d);
        parse_file(a, prog, &tl, d);
    }
    return true;
}

static int finish(Diag *d, int status)
{
    if (d->format != DIAG_TEXT) {
        diag_write_document(d, stdout);
        if (fflush(stdout) != 0 && status == EXIT_SUCCESS)
            status = EXIT_USAGE;
    }
    if (d->errors || d->warnings)
        fprintf(d->out, "%d error%s, %d warning%s\n", d->errors,
                d->errors == 1 ? "" : "s", d->warnings,
                d->warnings == 1 ? "" : "s");
    return status;
}

/* The executable's source, checked whole before any byte is written. */
static int print_pgc(Arena *a, const Program *prog, const char *bin, Diag *d)
{
    const char *base = strrchr(bin, '/');
    BuildOutputs o;
    int status = build_outputs(a, prog, base ? base + 1 : bin, &o, d);
    buf_free(&o.sql);
    if (status != 0)
        return status;
    Buf pgc = {0};
    emit_pgc(&pgc, o.model);
    fwrite(pgc.data, 1, pgc.len, stdout);
    buf_free(&pgc);
    return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_USAGE;
}

/* The output is built whole before any byte is written: no partial SQL. */
static int run(Arena *a, const char *command, Vec *paths, const char *bin,
               const BuildDirs *dirs, Diag *d)
{
    Vec files = {0};
    for (int i = 0; i < paths->len; i++)
        collect(a, paths->items[i], &files, d);
    if (d->errors)
        return finish(d, EXIT_USAGE);
    if (files.len == 0) {
        diag_plain(d, DIAG_ERROR, "no .schema files found");
        return finish(d, EXIT_USAGE);
    }
    Program prog = {0};
    if (!read_program(a, &prog, &files, d))
        return finish(d, EXIT_USAGE);
    if (!d->errors)
        sema_check(a, &prog, d);
    if (d->errors)
        return finish(d, EXIT_INPUT);
    if (strcmp(command, "matrix") == 0)
        return finish(d, matrix_command(a, &prog, matrix_format,
                                        paths->items[0]));
    if (strcmp(command, "check") == 0) {
        lint_program(a, &prog, d, d->out);
        return finish(d, d->errors ? EXIT_INPUT : EXIT_SUCCESS);
    }
    if (strcmp(command, "build") == 0)
        return finish(d, build_project(a, &prog, bin, dirs, d));
    if (strcmp(command, "pgc") == 0)
        return finish(d, print_pgc(a, &prog, bin, d));
    Buf out = {0};
    emit_sql(&out, a, &prog);
    int status = EXIT_SUCCESS;
    {
        fwrite(out.data, 1, out.len, stdout);
        if (fflush(stdout) != 0)
            status = EXIT_USAGE;
    }
    buf_free(&out);
    return finish(d, status);
}

/* --format markdown|json and --emit-tests; false if argv[*i] is none. */
static bool matrix_option(int argc, char **argv, int *i)
{
    if (strcmp(argv[*i], "--emit-tests") == 0)
        matrix_format = "tests";
    else if (strcmp(argv[*i], "--format") == 0 && *i + 1 < argc &&
             (strcmp(argv[*i + 1], "markdown") == 0 ||
              strcmp(argv[*i + 1], "json") == 0))
        matrix_format = argv[++*i];
    else
        return false;
    return true;
}

/* Options and paths; false on an unknown option (usage printed). */
static bool parse_options(int argc, char **argv, Arena *a, Diag *d,
                          Vec *paths, const char **bin, BuildDirs *dirs)
{
    static const struct {
        const char *name;
        size_t off;
    } dir_options[] = {
        {"--sql-dir", offsetof(BuildDirs, sql_dir)},
        {"--pgc-dir", offsetof(BuildDirs, pgc_dir)},
        {"--build-dir", offsetof(BuildDirs, work_dir)},
    };
    for (int i = 2; i < argc; i++) {
        bool dir = false;
        for (size_t k = 0; k < 3 && i + 1 < argc; k++)
            if (strcmp(argv[i], dir_options[k].name) == 0 &&
                strcmp(argv[1], "build") == 0) {
                *(const char **)((char *)dirs + dir_options[k].off) =
                    argv[++i];
                dir = true;
            }
        if (dir)
            continue;
        if (strcmp(argv[i], "--strict") == 0)
            d->werror = true;
        else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc &&
                 (strcmp(argv[1], "build") == 0 ||
                  strcmp(argv[1], "pgc") == 0))
            *bin = argv[++i];
        else if (strcmp(argv[1], "matrix") == 0 && matrix_option(argc, argv, &i))
            continue;
        else if (strcmp(argv[1], "check") == 0 &&
                 strcmp(argv[i], "--format") == 0 && i + 1 < argc &&
                 diag_format_named(argv[i + 1], &d->format)) {
            d->limit = d->format == DIAG_TEXT ? 0 : INT_MAX; /* all kept */
            i++;
        }
        else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "schemac: unknown option %s\n%s", argv[i], usage);
            return false;
        } else
            vec_push(a, paths, argv[i]);
    }
    return true;
}

static bool known_command(const char *c)
{
    return strcmp(c, "check") == 0 || strcmp(c, "sql") == 0 ||
           strcmp(c, "pgc") == 0 || strcmp(c, "build") == 0 ||
           strcmp(c, "matrix") == 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
                      strcmp(argv[1], "-h") == 0 ||
                      strcmp(argv[1], "help") == 0)) {
        fputs(usage, stdout);
        return EXIT_SUCCESS;
    }
    if (argc < 2 || !known_command(argv[1])) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    /* diagnostics are many small writes: buffer them (flushed at exit) */
    setvbuf(stderr, NULL, _IOFBF, 1 << 16);
    Arena *a = arena_new();
    Diag d;
    diag_init(&d, stderr);
    Vec paths = {0};
    const char *bin = "bin/schemactl";
    BuildDirs dirs = {0};
    int status = EXIT_USAGE;
    if (!parse_options(argc, argv, a, &d, &paths, &bin, &dirs))
        status = EXIT_USAGE;
    else if (paths.len == 0)
        fputs(usage, stderr);
    else
        status = run(a, argv[1], &paths, bin, &dirs, &d);
    arena_free(a);
    return status;
}

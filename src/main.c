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
#include <unistd.h>

#ifndef SCHEMAC_VERSION
#define SCHEMAC_VERSION "unknown"
#endif

enum { EXIT_INPUT = 1, EXIT_USAGE = 2 };

/* matrix: markdown, json, or tests (--emit-tests) */
static const char *matrix_format = "markdown";

static const char usage[] =
    "usage: schemac COMMAND [--strict] [--color=WHEN] [-o bin/NAME] PATH...\n"
    "       schemac check [--strict] [--format text|json|sarif|github]\n"
    "                     [--no-server | --db URL] PATH...\n"
    "       schemac matrix [--format markdown|json] [--emit-tests] PATH...\n"
    "       schemac diff [--allow-data-loss] [-o DIR --name NAME\n"
    "                    [--format supabase]] OLD NEW\n"
    "       schemac fmt [--check] PATH...\n"
    "       schemac import (--db URL | FILE.sql ...) [--schema S ...]\n"
    "                      [--platform supabase] -o DIR\n"
    "       schemac --version | --help\n"
    "\n"
    "PATH is a .schema file or a directory (every *.schema under it).\n"
    "\n"
    "commands:\n"
    "  check   parse, resolve, check and lint; print diagnostics only\n"
    "          (--strict: lint warnings are errors; --format json, sarif\n"
    "          or github: the diagnostics as one document on standard\n"
    "          output; docs/lint.md lists the rules); then runs the SQL on\n"
    "          PostgreSQL in a transaction rolled back (a throwaway server,\n"
    "          or --db URL's in a scratch database; PL/pgSQL bodies through\n"
    "          plpgsql_check), errors at their .schema lines; --no-server\n"
    "          skips that (build takes both options too)\n"
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
    "  diff    print the migration from OLD to NEW (each a PATH, or REV:PATH\n"
    "          read from git) for psql -v ON_ERROR_STOP=1 -f; refuses data\n"
    "          loss without --allow-data-loss; -o DIR --name NAME writes\n"
    "          DIR/NAME.sql, or with --format supabase\n"
    "          DIR/supabase/migrations/TIMESTAMP_NAME.sql\n"
    "  fmt     rewrite the files in the one canonical layout (--check: only\n"
    "          list the files it would change, exit 1 if any)\n"
    "  import  write DIR/SCHEMA.schema files (and project.schema) for an\n"
    "          existing database, or for SQL files run on a throwaway\n"
    "          server first (with the Supabase stand-in under --platform\n"
    "          supabase); written whole or not at all; docs/import.md\n"
    "\n"
    "Options take their value as --opt=value or --opt value.  --color=auto\n"
    "(the default: on a terminal, unless NO_COLOR is set), always or never\n"
    "colors the diagnostics.\n"
    "\n"
    "exit status: 0 success, 1 errors in the input (fmt --check: a file to\n"
    "reformat), 2 usage or I/O error\n";

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

/* Command-line settings besides the paths. */
typedef struct Options {
    const char *bin;          /* -o */
    BuildDirs dirs;           /* build: --sql-dir, --pgc-dir, --build-dir */
    const char *color;        /* --color: auto, always or never */
    bool check;               /* fmt --check */
    bool no_server;           /* check, build: --no-server */
    const char *db;           /* check, build: --db URL, else a throwaway
                                 server of their own */
} Options;

/* check and build run the SQL on PostgreSQL too (server_check.c). */
static bool server_checked(Arena *a, const char *command,
                           const Program *prog, const Options *o, Diag *d)
{
    if (o->no_server || (strcmp(command, "check") != 0 &&
                         strcmp(command, "build") != 0))
        return true;
    return server_check(a, prog, o->db, d);
}

/* The output is built whole before any byte is written: no partial SQL. */
static int run(Arena *a, const char *command, Vec *paths,
               const Options *o, Diag *d)
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
    if (strcmp(command, "fmt") == 0)
        return finish(d, fmt_files(a, &files, o->check, d));
    Compilation c = compile(a, &(CompileInput){.paths = files}, d);
    if (c.status == COMPILE_UNREADABLE)
        return finish(d, EXIT_USAGE);
    if (c.status != COMPILE_OK)
        return finish(d, EXIT_INPUT);
    Program *prog = c.prog;
    if (!server_checked(a, command, prog, o, d))
        return finish(d, EXIT_USAGE);
    if (d->errors)
        return finish(d, EXIT_INPUT);
    if (strcmp(command, "matrix") == 0)
        return finish(d, matrix_command(a, prog, matrix_format,
                                        paths->items[0]));
    if (strcmp(command, "check") == 0) {
        lint_program(a, prog, d, d->out);
        return finish(d, d->errors ? EXIT_INPUT : EXIT_SUCCESS);
    }
    if (strcmp(command, "build") == 0)
        return finish(d, build_project(a, prog, o->bin, &o->dirs, d));
    if (strcmp(command, "pgc") == 0)
        return finish(d, print_pgc(a, prog, o->bin, d));
    Buf out = {0};
    emit_sql(&out, a, prog);
    int status = EXIT_SUCCESS;
    {
        fwrite(out.data, 1, out.len, stdout);
        if (fflush(stdout) != 0)
            status = EXIT_USAGE;
    }
    buf_free(&out);
    return finish(d, status);
}

/*
 * `--name=value` or `--name value` (and `-o value`): true if argv[*i] is
 * that option, with *value set (NULL when the value is missing).
 */
static bool option_value(int argc, char **argv, int *i, const char *name,
                         const char **value)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return false;
    if (argv[*i][n] == '=') {
        *value = argv[*i] + n + 1;
        return true;
    }
    if (argv[*i][n] != '\0')
        return false;
    *value = *i + 1 < argc ? argv[++*i] : NULL;
    return true;
}

static bool one_of(const char *v, const char *a, const char *b,
                   const char *c)
{
    return v && (strcmp(v, a) == 0 || strcmp(v, b) == 0 ||
                 (c && strcmp(v, c) == 0));
}

static bool bad_value(const char *option, const char *value)
{
    if (value)
        fprintf(stderr, "schemac: invalid value \"%s\" for %s\n", value,
                option);
    else
        fprintf(stderr, "schemac: %s needs a value\n", option);
    return false;
}

/* An option with a value that command takes; false if argv[*i] is none,
 * or (*ok false) if its value is missing or wrong. */
static bool valued_option(const char *command, int argc, char **argv, int *i,
                          Options *o, bool *ok)
{
    static const struct {
        const char *command, *name;
        size_t off;
    } places[] = {
        {"build", "--sql-dir", offsetof(BuildDirs, sql_dir)},
        {"build", "--pgc-dir", offsetof(BuildDirs, pgc_dir)},
        {"build", "--build-dir", offsetof(BuildDirs, work_dir)},
    };
    const char *v;
    *ok = true;
    for (size_t k = 0; k < sizeof places / sizeof places[0]; k++)
        if (strcmp(command, places[k].command) == 0 &&
            option_value(argc, argv, i, places[k].name, &v)) {
            *(const char **)((char *)&o->dirs + places[k].off) = v;
            *ok = v ? true : bad_value(places[k].name, v);
            return true;
        }
    if ((strcmp(command, "build") == 0 || strcmp(command, "pgc") == 0) &&
        option_value(argc, argv, i, "-o", &v)) {
        o->bin = v;
        *ok = v ? true : bad_value("-o", v);
    } else if (strcmp(command, "matrix") == 0 &&
               option_value(argc, argv, i, "--format", &v)) {
        *ok = one_of(v, "markdown", "json", NULL) ? true
                                                   : bad_value("--format", v);
        if (*ok)
            matrix_format = v;
    } else if (option_value(argc, argv, i, "--color", &v)) {
        *ok = one_of(v, "auto", "always", "never") ? true
                                                     : bad_value("--color", v);
        o->color = v;
    } else
        return false;
    return true;
}

/* check and build: --no-server, --db URL. */
static bool server_option(const char *command, int argc, char **argv,
                          int *i, Options *o, bool *ok)
{
    *ok = true;
    if (strcmp(command, "check") != 0 && strcmp(command, "build") != 0)
        return false;
    if (strcmp(argv[*i], "--no-server") == 0)
        o->no_server = true;
    else if (option_value(argc, argv, i, "--db", &o->db))
        *ok = o->db ? true : bad_value("--db", o->db);
    else
        return false;
    return true;
}

/* Options and paths; false on a wrong option (said on stderr). */
static bool parse_options(int argc, char **argv, Arena *a, Diag *d,
                          Vec *paths, Options *o)
{
    const char *command = argv[1];
    const char *format;
    for (int i = 2; i < argc; i++) {
        bool ok;
        if (valued_option(command, argc, argv, &i, o, &ok)) {
            if (!ok)
                return false;
        } else if (strcmp(argv[i], "--strict") == 0)
            d->werror = true;
        else if (strcmp(command, "matrix") == 0 &&
                 strcmp(argv[i], "--emit-tests") == 0)
            matrix_format = "tests";
        else if (strcmp(command, "fmt") == 0 &&
                 strcmp(argv[i], "--check") == 0)
            o->check = true;
        else if (server_option(command, argc, argv, &i, o, &ok)) {
            if (!ok)
                return false;
        }
        else if (strcmp(command, "check") == 0 &&
                 option_value(argc, argv, &i, "--format", &format)) {
            if (!format || !diag_format_named(format, &d->format))
                return bad_value("--format", format);
            d->limit = d->format == DIAG_TEXT ? 0 : INT_MAX; /* all kept */
        }
        else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "schemac: unknown option %s for %s; see "
                    "schemac --help\n", argv[i], command);
            return false;
        } else
            vec_push(a, paths, argv[i]);
    }
    return true;
}

static const char *const commands[] = {"check", "sql", "pgc", "build",
                                       "matrix", "fmt", "diff", "import",
                                       NULL};

static bool known_command(const char *c)
{
    for (int i = 0; commands[i]; i++)
        if (strcmp(c, commands[i]) == 0)
            return true;
    return false;
}

/* NO_COLOR (no-color.org) turns auto off; always and never win over it. */
static bool want_color(const char *setting)
{
    if (setting && strcmp(setting, "always") == 0)
        return true;
    if (setting && strcmp(setting, "never") == 0)
        return false;
    const char *no = getenv("NO_COLOR");
    return !(no && *no) && isatty(STDERR_FILENO);
}

static int unknown_command(const char *c)
{
    const char *hint = parse_suggest(c, commands);
    if (hint)
        fprintf(stderr, "schemac: unknown command \"%s\" (did you mean "
                "\"%s\"?)\n", c, hint);
    else
        fprintf(stderr, "schemac: unknown command \"%s\"; see schemac "
                "--help\n", c);
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
                      strcmp(argv[1], "-h") == 0 ||
                      strcmp(argv[1], "help") == 0)) {
        fputs(usage, stdout);
        return EXIT_SUCCESS;
    }
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        puts("schemac " SCHEMAC_VERSION);
        return EXIT_SUCCESS;
    }
    if (argc >= 2 && strcmp(argv[1], "diff") == 0)
        return migrate_main(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "import") == 0)
        return import_main(argc, argv);
    if (argc < 2) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    if (!known_command(argv[1]))
        return unknown_command(argv[1]);
    /* diagnostics are many small writes: buffer them (flushed at exit) */
    setvbuf(stderr, NULL, _IOFBF, 1 << 16);
    Arena *a = arena_new();
    Diag d;
    diag_init(&d, stderr);
    Vec paths = {0};
    Options o = {.bin = "bin/schemactl"};
    int status = EXIT_USAGE;
    if (!parse_options(argc, argv, a, &d, &paths, &o))
        status = EXIT_USAGE;
    else if (paths.len == 0)
        fprintf(stderr, "schemac: %s needs a PATH\n%s", argv[1], usage);
    else {
        d.color = want_color(o.color);
        status = run(a, argv[1], &paths, &o, &d);
    }
    arena_free(a);
    return status;
}

/*
 * main.c — the schemactl command line: plan, apply, verify, status and test,
 * against the database named by --db / DATABASE_URL / PG*, or against a
 * throwaway server (--embedded, the default when none is named).  Several
 * commands may run in one invocation (`apply verify status`), in order, on
 * the same connection.
 */
#include "commands.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#ifndef SCHEMAC_VERSION
#define SCHEMAC_VERSION "unknown"
#endif


static const char *const usage =
    "usage: %s COMMAND... [--db URL] [--embedded] [options]\n"
    "\n"
    "Applies and verifies the schema \"%s\" (%d objects).\n"
    "\n"
    "commands (several may follow one another: apply verify status):\n"
    "  plan     print the SQL apply would run here; run nothing\n"
    "  apply    bring the database to the declared state in one transaction\n"
    "  verify   check every declared object against the catalog\n"
    "  status   applied runs, and whether the database matches\n"
    "  test     run the schema's access tests, each rolled back (after apply)\n"
    "  report   write an HTML page: access matrix (declared and live), tables\n"
    "           and foreign keys, drift, lint, tests (-o DIR, default report)\n"
    "  rollback back to the schema recorded by the apply before the last\n"
    "  migration --base OLD.sql\n"
    "           print the migration from OLD.sql (another version's\n"
    "           canonical SQL) to this schema, worked out on a throwaway\n"
    "           server (what `schemac diff` runs)\n"
    "\n"
    "options:\n"
    "  --db URL, --db=URL       postgresql:// URL; else DATABASE_URL, else PG*\n"
    "  --embedded               use a throwaway server (the default when no\n"
    "                           database is named)\n"
    "  --allow-data-loss        let apply, rollback and migration drop columns\n"
    "                           and narrow types\n"
    "  --install-platform-shim  install the Supabase stand-in if missing\n"
    "  --online                 build new indexes concurrently and validate\n"
    "                           new constraints after the commit\n"
    "  --lock-timeout MS        apply: give up waiting for a lock after MS\n"
    "                           (default 5000; 0: wait forever)\n"
    "  --statement-timeout MS   apply: cancel a statement after MS (default\n"
    "                           600000; 0: none)\n"
    "  --timing                 print how long each phase takes\n"
    "  -o DIR                   where report writes index.html\n"
    "  --color=WHEN             auto (on a terminal, unless NO_COLOR is set),\n"
    "                           always or never: findings in colors\n"
    "  --format=F               verify: text, or json, sarif or github (one\n"
    "                           document on standard output)\n"
    "  --version                which schemac built this executable\n"
    "  --connect-timeout SECS   give up on a server after SECS (default "
    SCTL_CONNECT_TIMEOUT ",\n"
    "                           unless PGCONNECT_TIMEOUT or the URL say)\n"
    "  COMMAND --help           help for one command\n"
    "\n"
    "A password is best kept out of the command line: PGPASSFILE (~/.pgpass)\n"
    "or PGPASSWORD; one given in --db is hidden from ps.\n"
    "\n"
    "exit status: 0 ok, 1 drift found or a test failed, 2 usage or connection\n"
    "error (or test on a database that does not hold this schema),\n"
    "3 apply failed (and was rolled back)\n";

static const char *const command_help[][2] = {
    {"plan", "plan: prints, one per line, the statements apply would run on\n"
             "this database, and why any would be refused; runs nothing. An\n"
             "up-to-date database gets no statement. Before each statement\n"
             "that locks a table: the lock, whether it rewrites or scans the\n"
             "table, and a warning where it may hurt a busy table.\n"},
    {"apply", "apply: in one transaction, under an advisory lock, creates what\n"
              "is missing and alters what differs (defaults, nullability, safe\n"
              "type changes, constraints, indexes, row level security,\n"
              "policies, grants, comments, functions, views, triggers); drops\n"
              "undeclared constraints, indexes, policies and triggers of\n"
              "declared tables. Refuses to lose data (dropping a column,\n"
              "narrowing a type) without --allow-data-loss. Records the run in\n"
              "schemactl.history. Any failure rolls everything back: exit 3.\n"
              "Indexes declared `concurrently` are built after the commit.\n"
              "Drops undeclared tables (with --allow-data-loss), views,\n"
              "functions, types and sequences of the schemas it owns, but\n"
              "what `ignore` names. A foreign key or check added to a table\n"
              "with rows is added NOT VALID, then validated. --online builds\n"
              "new indexes of existing tables concurrently and validates\n"
              "after the commit. --lock-timeout MS (default 5000) and\n"
              "--statement-timeout MS (default 600000) are SET LOCAL in the\n"
              "transaction; a lock not granted in time fails the apply.\n"},
    {"verify", "verify: compares every declared object with the catalog, as\n"
               "PostgreSQL prints both, and prints each difference with the\n"
               "object's name and file:line. Exit 1 if anything differs.\n"
               "--format json|sarif|github writes the differences as one\n"
               "document on standard output instead, each at the .schema\n"
               "file:line:col of its object (the summary goes to stderr).\n"},
    {"status", "status: lists the applied runs from schemactl.history and says\n"
               "whether the database matches the schema now.\n"},
    {"test", "test: runs the schema's `test` blocks. Each test is one\n"
             "transaction, always rolled back; each step runs under a\n"
             "savepoint, `as ROLE` with SET LOCAL ROLE and the claims in\n"
             "request.jwt.claims for that step only. Prints PASS or FAIL\n"
             "file:line:col per test and \"N tests, N passed, N failed\".\n"
             "Exit 1 if any test fails; exit 2 if the database does not\n"
             "hold this schema: its last apply was of another schema and\n"
             "verify is not clean (run apply first: `apply test`).\n"},
    {"report", "report: writes DIR/index.html (-o DIR, default ./report), one\n"
               "static page with no script: the access matrix as the schema\n"
               "declares it, each cell compared with what the live catalog\n"
               "gives (differences outlined); a diagram of the tables and\n"
               "foreign keys (Graphviz dot); verify's differences; the lint's\n"
               "warnings; the access tests' results. Findings link to their\n"
               ".schema file:line. Exit 1 if anything differs or a test fails.\n"},
    {"rollback", "rollback: brings the database back to the schema the apply\n"
                 "before the last one recorded in schemactl.history (each\n"
                 "apply records its schema), with the planner and the one\n"
                 "transaction apply uses; refuses to lose data without\n"
                 "--allow-data-loss, naming each statement. Records itself;\n"
                 "a second rollback goes one version further back. Exit 2\n"
                 "when nothing earlier is recorded, 3 when it fails.\n"},
    {"migration", "migration --base OLD.sql: applies OLD.sql (another\n"
                  "version's canonical SQL, `schemac sql`) to a throwaway\n"
                  "server, plans this schema against it as apply would, and\n"
                  "prints the plan as a migration for psql -v ON_ERROR_STOP=1\n"
                  "-f: BEGIN, statements after their -- source: lines,\n"
                  "hazards as comments, COMMIT, then what cannot run in a\n"
                  "transaction. Exit 1 (nothing printed) when a statement\n"
                  "would lose data without --allow-data-loss, or cannot run.\n"},
};



/* ------------------------------------------------------ the program */

typedef struct Args {
    const char *commands[8];
    int ncommands;
    const char *db;
    bool embedded;
    const char *help;   /* command whose help was asked, or "" */
    const char *report_dir;
    const char *base;   /* migration --base OLD.sql */
    bool version;       /* --version */
    const char *color;  /* --color: auto, always or never */
} Args;

static const char *const commands[] = {"plan", "apply", "verify", "status",
                                       "test", "report", "rollback",
                                       "migration", NULL};

static bool known_command(const char *w)
{
    for (int i = 0; commands[i]; i++)
        if (strcmp(w, commands[i]) == 0)
            return true;
    return false;
}

/* Edit distance, for "did you mean": commands are short words. */
static int distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 30 || lb > 30)
        return 99;
    int row[32];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            best = up + 1 < best ? up + 1 : best;
            best = row[j - 1] + 1 < best ? row[j - 1] + 1 : best;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static int unknown_argument(const char *w)
{
    const char *hint = NULL;
    for (int i = 0; commands[i] && w[0] != '-'; i++)
        if (distance(w, commands[i]) <= 2)
            hint = hint ? hint : commands[i];
    if (w[0] == '-')
        fprintf(stderr, "%s: unknown option \"%s\"; see %s --help\n",
                sctl_progname, w, sctl_progname);
    else if (hint)
        fprintf(stderr, "%s: unknown command \"%s\" (did you mean \"%s\"?)\n",
                sctl_progname, w, hint);
    else
        fprintf(stderr, "%s: unknown command \"%s\"; see %s --help\n",
                sctl_progname, w, sctl_progname);
    return SCTL_USAGE;
}

/* --color=auto|always|never (or --color WHEN); false if w is neither.
 * auto, the default: on when standard output is a terminal and NO_COLOR
 * is not set. */
static bool color_option(int argc, char **argv, int *i, Args *a, bool *ok)
{
    const char *w = argv[*i];
    if (strncmp(w, "--color=", 8) == 0)
        a->color = w + 8;
    else if (strcmp(w, "--color") != 0)
        return false;
    else
        a->color = *i + 1 < argc ? argv[++*i] : "";
    *ok = strcmp(a->color, "auto") == 0 || strcmp(a->color, "always") == 0 ||
          strcmp(a->color, "never") == 0;
    if (!*ok)
        fprintf(stderr, "%s: --color takes auto, always or never\n",
                sctl_progname);
    return true;
}

static bool want_color(const char *setting)
{
    if (setting && strcmp(setting, "auto") != 0)
        return strcmp(setting, "always") == 0;
    const char *no = getenv("NO_COLOR");
    return !(no && *no) && isatty(STDOUT_FILENO);
}

/* --db URL or --db=URL; false if w is neither. */
static bool db_option(int argc, char **argv, int *i, Args *a, bool *ok)
{
    const char *w = argv[*i];
    /* the URL is copied, then the password blanked in argv: not in ps */
    if (strncmp(w, "--db=", 5) == 0) {
        a->db = sctl_xstrdup(w + 5);
        sctl_hide_password(argv[*i] + 5);
    } else if (strcmp(w, "--db") != 0) {
        return false;
    } else if (*i + 1 < argc) {
        a->db = sctl_xstrdup(argv[++*i]);
        sctl_hide_password(argv[*i]);
    } else {
        a->db = NULL;
    }
    *ok = a->db && *a->db;
    if (!*ok)
        fprintf(stderr, "%s: --db needs a URL\n", sctl_progname);
    return true;
}

/* A timeout in milliseconds: digits only, at most a day. */
static bool milliseconds(const char *prog, const char *opt, const char *v,
                         int *out)
{
    char *end = NULL;
    long n = v && *v >= '0' && *v <= '9' ? strtol(v, &end, 10) : -1;
    if (n < 0 || *end || n > 86400000L) {
        fprintf(stderr, "%s: %s takes milliseconds (0 to 86400000), not "
                "\"%s\"\n", prog, opt, v ? v : "");
        return false;
    }
    *out = (int)n;
    return true;
}

static int parse_args(Ctx *c, int argc, char **argv, Args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *w = argv[i];
        bool ok;
        if (db_option(argc, argv, &i, a, &ok) ||
            color_option(argc, argv, &i, a, &ok) ||
            cmd_format_option(argc, argv, &i, &c->format, &ok)) {
            if (!ok)
                return SCTL_USAGE;
        } else if (strcmp(w, "--help") == 0 || strcmp(w, "-h") == 0 ||
            strcmp(w, "help") == 0)
            a->help = a->ncommands ? a->commands[a->ncommands - 1] : "";
        else if (strcmp(w, "-o") == 0 && i + 1 < argc)
            a->report_dir = argv[++i];
        else if (strcmp(w, "--base") == 0 && i + 1 < argc)
            a->base = argv[++i];
        else if (strcmp(w, "--version") == 0)
            a->version = true;
        else if (strcmp(w, "--connect-timeout") == 0 && i + 1 < argc)
            setenv("PGCONNECT_TIMEOUT", argv[++i], 1);
        else if (strcmp(w, "--embedded") == 0)
            a->embedded = true;
        else if (strcmp(w, "--allow-data-loss") == 0)
            c->allow_data_loss = true;
        else if (strcmp(w, "--install-platform-shim") == 0)
            c->install_shim = true;
        else if (strcmp(w, "--timing") == 0)
            sctl_timing = true;
        else if (strcmp(w, "--online") == 0)
            c->online = true;
        else if (strcmp(w, "--lock-timeout") == 0 ||
                 strcmp(w, "--statement-timeout") == 0) {
            if (!milliseconds(argv[0], w, i + 1 < argc ? argv[++i] : NULL,
                              w[2] == 'l' ? &c->lock_timeout_ms
                                          : &c->statement_timeout_ms))
                return SCTL_USAGE;
        }
        else if (known_command(w) && a->ncommands < 8)
            a->commands[a->ncommands++] = w;
        else if (known_command(w)) {
            fprintf(stderr, "%s: at most 8 commands at once\n", sctl_progname);
            return SCTL_USAGE;
        } else
            return unknown_argument(w);
    }
    return SCTL_OK;
}

static int print_help(const Args *a, const char *prog, const SctlSchema *s)
{
    for (size_t i = 0; i < sizeof command_help / sizeof command_help[0]; i++)
        if (strcmp(a->help, command_help[i][0]) == 0) {
            fputs(command_help[i][1], stdout);
            return SCTL_OK;
        }
    printf(usage, prog, s->project, s->nobjects);
    return SCTL_OK;
}

/* A database is named by --db, DATABASE_URL or the PG* variables. */
static bool database_named(const Args *a)
{
    static const char *const vars[] = {"DATABASE_URL", "PGHOST", "PGPORT",
                                       "PGDATABASE", "PGSERVICE", NULL};
    if (a->db)
        return true;
    for (int i = 0; vars[i]; i++)
        if (getenv(vars[i]) && *getenv(vars[i]))
            return true;
    return false;
}

static int ensure_platform(Ctx *c, const Args *a, bool embedded)
{
    char *err = NULL;
    if (!c->s->supabase || sctl_has_platform(c->conn.pg))
        return SCTL_OK;
    if (!embedded && !c->install_shim)
        return cmd_fail(SCTL_USAGE, strdup("this schema declares `platform "
            "supabase;` but the database has no Supabase auth schema (no "
            "auth.uid()); run it against Supabase, or pass "
            "--install-platform-shim to install a minimal stand-in"));
    /* a failed or killed apply must not leave the stand-in behind */
    if (!embedded && a->ncommands && strcmp(a->commands[0], "apply") == 0) {
        c->shim_pending = true;
        return SCTL_OK;
    }
    if (!sctl_install_platform(c->conn.pg, &err))
        return cmd_fail(SCTL_USAGE, err);
    return SCTL_OK;
}

/* The declared state is worked out once, when a command first needs it:
 * an apply to a fresh database needs none, nor do apply, verify, plan,
 * status and test on a catalog unchanged since a clean comparison. */
static int run_commands(Ctx *c, const Args *a)
{
    SctlDeclared d = {0};
    char *err = NULL;
    int worst = SCTL_OK;
    cmd_phase("(connected)");
    for (int i = 0; i < a->ncommands; i++) {
        const char *cmd = a->commands[i];
        bool apply = strcmp(cmd, "apply") == 0;
        bool test = strcmp(cmd, "test") == 0;
        bool rollback = strcmp(cmd, "rollback") == 0;  /* need no */
        bool migration = strcmp(cmd, "migration") == 0; /* declared state */
        if (strcmp(cmd, "report") == 0 && !cmd_declared_load(c, &d, &err))
            return cmd_fail(SCTL_USAGE, err);
        int status = apply ? cmd_apply(c, &d)
                   : test ? cmd_test(c, &d)
                   : rollback ? cmd_rollback(c)
                   : migration ? cmd_migration(c, a->base)
                   : strcmp(cmd, "plan") == 0 ? cmd_plan(c, &d)
                   : strcmp(cmd, "verify") == 0 ? cmd_verify(c, &d)
                   : strcmp(cmd, "report") == 0
                   ? cmd_report(c, &d, a->report_dir ? a->report_dir
                                                     : "report")
                   : cmd_status(c, &d);
        if (status > worst)
            worst = status;
        if (status == SCTL_APPLY_FAILED || status == SCTL_USAGE)
            break;
    }
    sctl_declared_free(&d, c->s->nobjects);
    sctl_plan_free(&c->renames);
    return worst;
}

static void summary(const Ctx *c)
{
    if (c->did_apply && c->did_verify)
        printf("%d objects applied, %d verified, %d drifted\n", c->applied,
               c->verified, c->drifted);
}

static int connect_and_run(Ctx *c, Args *a)
{
    SctlEmbedded emb = {0};
    char *err = NULL;
    bool embedded = a->embedded || !database_named(a);
    if (embedded && !sctl_embedded_start(&emb, &err))
        return cmd_fail(SCTL_USAGE, err);
    const char *url = embedded ? emb.url : a->db;
    int status = SCTL_USAGE;
    if (!sctl_connect(url, &c->conn, &err)) {
        status = cmd_fail(SCTL_USAGE, err);
    } else {
        status = ensure_platform(c, a, embedded);
        if (status == SCTL_OK)
            status = run_commands(c, a);
        summary(c);
        sctl_disconnect(&c->conn);
    }
    if (embedded)
        sctl_embedded_stop(&emb);
    return status;
}

/* migration runs alone, on a throwaway server of its own: it applies
 * another version's SQL, which no real database should receive. */
static int check_migration(Args *a)
{
    bool migration = false;
    for (int i = 0; i < a->ncommands; i++)
        migration |= strcmp(a->commands[i], "migration") == 0;
    if (!migration && !a->base)
        return SCTL_OK;
    if (!migration || !a->base || a->ncommands != 1 || a->db)
        return cmd_fail(SCTL_USAGE, sctl_xstrdup(
            "migration --base OLD.sql runs alone, on a throwaway server "
            "(no --db); --base is for migration only"));
    a->embedded = true;
    return SCTL_OK;
}

int main(int argc, char **argv)
{
    sctl_signals_install();   /* first: an early ^C must leave nothing */
    Ctx c = {.s = &sctl_schema, .lock_timeout_ms = CMD_LOCK_TIMEOUT_MS,
             .statement_timeout_ms = CMD_STATEMENT_TIMEOUT_MS};
    const char *slash = strrchr(argv[0], '/');
    sctl_progname = slash ? slash + 1 : argv[0];
    Args a = {0};
    int status = parse_args(&c, argc, argv, &a);
    if (status == SCTL_OK && !a.help)
        status = cmd_format_check(&c, a.commands, a.ncommands);
    if (status != SCTL_OK)
        return status;
    sctl_color = c.format == DOC_TEXT && want_color(a.color);
    if (a.version) {
        printf("%s (schema %s, built by schemac %s)\n", sctl_progname,
               c.s->project, SCHEMAC_VERSION);
        return SCTL_OK;
    }
    if (a.help)
        return print_help(&a, argv[0], c.s);
    if (a.ncommands == 0) {
        fprintf(stderr, usage, argv[0], c.s->project, c.s->nobjects);
        return SCTL_USAGE;
    }
    status = check_migration(&a);
    if (status != SCTL_OK)
        return status;
    return connect_and_run(&c, &a);
}

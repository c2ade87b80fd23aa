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
    "  --db URL                 postgresql:// URL; else DATABASE_URL, else PG*\n"
    "  --embedded               use a throwaway server (the default when no\n"
    "                           database is named)\n"
    "  --allow-data-loss        let apply, rollback and migration drop columns\n"
    "                           and narrow types\n"
    "  --install-platform-shim  install the Supabase stand-in if missing\n"
    "  --timing                 print how long each phase takes\n"
    "  -o DIR                   where report writes index.html\n"
    "  COMMAND --help           help for one command\n"
    "\n"
    "exit status: 0 ok, 1 drift found or a test failed, 2 usage or connection\n"
    "error (or test on a database that does not hold this schema),\n"
    "3 apply failed (and was rolled back)\n";

static const char *const command_help[][2] = {
    {"plan", "plan: prints, one per line, the statements apply would run on\n"
             "this database, and why any would be refused; runs nothing. An\n"
             "up-to-date database gets no statement.\n"},
    {"apply", "apply: in one transaction, under an advisory lock, creates what\n"
              "is missing and alters what differs (defaults, nullability, safe\n"
              "type changes, constraints, indexes, row level security,\n"
              "policies, grants, comments, functions, views, triggers); drops\n"
              "undeclared constraints, indexes, policies and triggers of\n"
              "declared tables. Refuses to lose data (dropping a column,\n"
              "narrowing a type) without --allow-data-loss. Records the run in\n"
              "schemactl.history. Any failure rolls everything back: exit 3.\n"
              "Indexes declared `concurrently` are built after the commit.\n"},
    {"verify", "verify: compares every declared object with the catalog, as\n"
               "PostgreSQL prints both, and prints each difference with the\n"
               "object's name and file:line. Exit 1 if anything differs.\n"},
    {"status", "status: lists the applied runs from schemactl.history and says\n"
               "whether the database matches the schema now.\n"},
    {"test", "test: runs the schema's `test` blocks. Each test is one\n"
             "transaction, always rolled back; each step runs under a\n"
             "savepoint, `as ROLE` with SET LOCAL ROLE and the claims in\n"
             "request.jwt.claims for that step only. Prints PASS or FAIL\n"
             "file:line:col per test and \"N tests, N passed, N failed\".\n"
             "Exit 1 if any test fails; exit 2 if the database does not\n"
             "hold this schema, as verify decides (run apply first:\n"
             "`apply test`), whoever applied it.\n"},
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
    {"report", "report: writes DIR/index.html (-o DIR, default ./report), one\n"
               "static page with no script: the access matrix as the schema\n"
               "declares it, each cell compared with what the live catalog\n"
               "gives (differences outlined); a diagram of the tables and\n"
               "foreign keys (Graphviz dot); verify's differences; the lint's\n"
               "warnings; the access tests' results. Findings link to their\n"
               ".schema file:line. Exit 1 if anything differs or a test fails.\n"},
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
} Args;

static bool known_command(const char *w)
{
    return strcmp(w, "plan") == 0 || strcmp(w, "apply") == 0 ||
           strcmp(w, "verify") == 0 || strcmp(w, "status") == 0 ||
           strcmp(w, "test") == 0 || strcmp(w, "report") == 0 ||
           strcmp(w, "rollback") == 0 || strcmp(w, "migration") == 0;
}

static int parse_args(Ctx *c, int argc, char **argv, Args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *w = argv[i];
        if (strcmp(w, "--help") == 0 || strcmp(w, "-h") == 0 ||
            strcmp(w, "help") == 0)
            a->help = a->ncommands ? a->commands[a->ncommands - 1] : "";
        else if (strcmp(w, "--db") == 0 && i + 1 < argc)
            a->db = argv[++i];
        else if (strcmp(w, "-o") == 0 && i + 1 < argc)
            a->report_dir = argv[++i];
        else if (strcmp(w, "--base") == 0 && i + 1 < argc)
            a->base = argv[++i];
        else if (strcmp(w, "--embedded") == 0)
            a->embedded = true;
        else if (strcmp(w, "--allow-data-loss") == 0)
            c->allow_data_loss = true;
        else if (strcmp(w, "--install-platform-shim") == 0)
            c->install_shim = true;
        else if (strcmp(w, "--timing") == 0)
            sctl_timing = true;
        else if (known_command(w) && a->ncommands < 8)
            a->commands[a->ncommands++] = w;
        else {
            fprintf(stderr, "%s: unknown argument \"%s\"\n", argv[0], w);
            return SCTL_USAGE;
        }
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

static int ensure_platform(Ctx *c, bool embedded)
{
    char *err = NULL;
    if (!c->s->supabase || sctl_has_platform(c->conn.pg))
        return SCTL_OK;
    if (!embedded && !c->install_shim)
        return cmd_fail(SCTL_USAGE, strdup("this schema declares `platform "
            "supabase;` but the database has no Supabase auth schema (no "
            "auth.uid()); run it against Supabase, or pass "
            "--install-platform-shim to install a minimal stand-in"));
    if (!sctl_install_platform(c->conn.pg, &err))
        return cmd_fail(SCTL_USAGE, err);
    return SCTL_OK;
}

/* The declared state is worked out once, when a command first needs it
 * (apply on a fresh database needs none). */
static int run_commands(Ctx *c, const Args *a)
{
    SctlDeclared d = {0};
    bool have = false;
    char *err = NULL;
    int worst = SCTL_OK;
    for (int i = 0; i < a->ncommands; i++) {
        const char *cmd = a->commands[i];
        bool apply = strcmp(cmd, "apply") == 0;
        bool rollback = strcmp(cmd, "rollback") == 0;  /* need no */
        bool migration = strcmp(cmd, "migration") == 0; /* declared state */
        if (!apply && !rollback && !migration && !have) {
            cmd_phase("(connected)");
            if (!sctl_declared(&c->conn, c->s, &d, &err))
                return cmd_fail(SCTL_USAGE, err);
            cmd_phase(d.from_cache ? "normal forms (cache)"
                                   : "normal forms (scratch)");
            have = true;
        }
        int status = apply ? cmd_apply(c, &d, &have)
                   : strcmp(cmd, "test") == 0 ? cmd_test(c, &d)
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

/* An interrupted run must not leave its throwaway server behind. */
static SctlEmbedded *running;

static void on_signal(int sig)
{
    if (running)
        sctl_embedded_stop(running);
    _exit(128 + sig);
}

static void stop_on_signals(SctlEmbedded *e)
{
    running = e;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);
}

static int connect_and_run(Ctx *c, Args *a)
{
    SctlEmbedded emb = {0};
    char *err = NULL;
    bool embedded = a->embedded || !database_named(a);
    if (embedded)   /* before the start: a signal during initdb too */
        stop_on_signals(&emb);
    if (embedded && !sctl_embedded_start(&emb, &err)) {
        running = NULL;
        return cmd_fail(SCTL_USAGE, err);
    }
    const char *url = embedded ? emb.url : a->db;
    int status = SCTL_USAGE;
    if (!sctl_connect(url, &c->conn, &err)) {
        status = cmd_fail(SCTL_USAGE, err);
    } else {
        status = ensure_platform(c, embedded);
        if (status == SCTL_OK)
            status = run_commands(c, a);
        summary(c);
        sctl_disconnect(&c->conn);
    }
    if (embedded) {
        running = NULL;
        sctl_embedded_stop(&emb);
    }
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
    Ctx c = {.s = &sctl_schema};
    const char *slash = strrchr(argv[0], '/');
    sctl_progname = slash ? slash + 1 : argv[0];
    Args a = {0};
    int status = parse_args(&c, argc, argv, &a);
    if (status != SCTL_OK)
        return status;
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

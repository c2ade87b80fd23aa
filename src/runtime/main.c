/*
 * main.c — the schemactl command line: plan, apply, verify, status and test,
 * against the database named by --db / DATABASE_URL / PG*, or against a
 * throwaway server (--embedded, the default when none is named).  Several
 * commands may run in one invocation (`apply verify status`), in order, on
 * the same connection.
 */
#include "schemactl.h"

#include <ecpglib.h>
#include <signal.h>
#include <sqlca.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <time.h>

/* --timing: each phase's duration, on stderr. */
static bool timing;

static void phase(const char *what)
{
    static struct timespec last;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (timing && last.tv_sec)
        fprintf(stderr, "timing: %-24s %7.3f s\n", what,
                (double)(now.tv_sec - last.tv_sec) +
                (double)(now.tv_nsec - last.tv_nsec) / 1e9);
    last = now;
}

typedef struct Ctx {
    const SctlSchema *s;
    SctlConn conn;
    bool allow_data_loss;
    bool install_shim;
    int applied;        /* objects made or repaired by apply */
    int verified;       /* objects compared by verify */
    int drifted;        /* of those, how many differ */
    bool did_apply, did_verify;
} Ctx;

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
    "\n"
    "options:\n"
    "  --db URL                 postgresql:// URL; else DATABASE_URL, else PG*\n"
    "  --embedded               use a throwaway server (the default when no\n"
    "                           database is named)\n"
    "  --allow-data-loss        let apply drop columns and narrow types\n"
    "  --install-platform-shim  install the Supabase stand-in if missing\n"
    "  --timing                 print how long each phase takes\n"
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
             "Exit 1 if any test fails; exit 2 if the last apply recorded\n"
             "here was not of this schema (run apply first: `apply test`).\n"},
};

static int fail(int status, char *err)
{
    fprintf(stderr, "schemactl: %s\n", err ? err : "failed");
    free(err);
    return status;
}

static bool exec(PGconn *pg, const char *sql)
{
    PGresult *r = PQexec(pg, sql);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok;
}

/* The live catalog, compared with the declaration. */
static int compare(Ctx *c, const SctlDeclared *d, SctlFacets **live,
                   SctlDiffs *diffs)
{
    char *err = NULL;
    phase("(before reading)");
    *live = sctl_read_facets(c->conn.pg, c->s->schemas, c->s->nschemas, &err);
    if (!*live)
        return fail(SCTL_USAGE, err);
    phase("read the catalog");
    memset(diffs, 0, sizeof *diffs);
    sctl_diff(c->s, d, *live, diffs);
    phase("compare");
    return SCTL_OK;
}

static int count_drifted(const SctlDiffs *ds)
{
    int n = 0, last = -2;
    for (int i = 0; i < ds->len; i++) {
        if (ds->items[i].object != last || ds->items[i].object < 0)
            n++;
        last = ds->items[i].object;
    }
    return n;
}

static int declared_count(const SctlDeclared *d, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += sctl_facet(d->facets, d->keys[i]) != NULL;
    return k;
}

static int cmd_verify(Ctx *c, const SctlDeclared *d)
{
    SctlFacets *live;
    SctlDiffs diffs;
    int status = compare(c, d, &live, &diffs);
    if (status != SCTL_OK)
        return status;
    sctl_diffs_print(c->s, &diffs, stdout);
    c->verified = declared_count(d, c->s->nobjects);
    c->drifted = count_drifted(&diffs);
    c->did_verify = true;
    printf("verify: %d objects checked, %d differ%s\n", c->verified,
           c->drifted, d->from_cache ? "" : " (normal forms from a scratch "
           "database)");
    sctl_diffs_free(&diffs);
    sctl_facets_free(live);
    return c->drifted ? SCTL_DRIFT : SCTL_OK;
}

static void print_plan(const SctlSchema *s, const SctlPlan *p, FILE *out)
{
    for (int i = 0; i < p->len; i++) {
        const SctlStep *st = &p->steps[i];
        const SctlObject *o = st->object >= 0 ? &s->objects[st->object] : NULL;
        if (st->why)
            fprintf(out, "-- cannot: %s", st->why);
        else
            fprintf(out, "%s;%s", sctl_step_sql(s, st),
                    st->data_loss ? "  -- loses data: needs "
                                    "--allow-data-loss" : "");
        if (o)
            fprintf(out, "  -- %s:%d", o->file, o->line);
        fputc('\n', out);
    }
}

static int cmd_plan(Ctx *c, const SctlDeclared *d)
{
    SctlFacets *live;
    SctlDiffs diffs;
    if (!exec(c->conn.pg, "BEGIN READ ONLY"))
        return fail(SCTL_USAGE, strdup(PQerrorMessage(c->conn.pg)));
    int status = compare(c, d, &live, &diffs);
    if (status == SCTL_OK) {
        SctlPlan plan = {0};
        sctl_plan(c->s, d, live, &diffs, c->conn.pg, &plan);
        print_plan(c->s, &plan, stdout);
        printf("-- plan: %d statement%s\n", plan.len, plan.len == 1 ? "" : "s");
        sctl_plan_free(&plan);
        sctl_diffs_free(&diffs);
        sctl_facets_free(live);
    }
    exec(c->conn.pg, "ROLLBACK");
    return status;
}

/* -------------------------------------------------------------- apply */

static bool refused(const Ctx *c, const SctlPlan *p)
{
    bool any = false;
    for (int i = 0; i < p->len; i++) {
        const SctlStep *st = &p->steps[i];
        if (!st->why && !(st->data_loss && !c->allow_data_loss))
            continue;
        const SctlObject *o = st->object >= 0 ? &c->s->objects[st->object]
                                              : NULL;
        fprintf(stderr, "schemactl: refusing: %s%s", st->why ? st->why
                : sctl_step_sql(c->s, st), st->why ? "" : " (loses data; "
                "--allow-data-loss permits it)");
        if (o)
            fprintf(stderr, " -- %s:%d", o->file, o->line);
        fputc('\n', stderr);
        any = true;
    }
    return any;
}

static bool run_step(Ctx *c, const SctlStep *st)
{
    if (st->statement >= 0)
        return c->s->run(st->statement);
    PGresult *r = PQexec(c->conn.pg, st->sql);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok;
}

static const char *step_error(Ctx *c, const SctlStep *st)
{
    if (st->statement >= 0)
        return sqlca.sqlerrm.sqlerrmc;
    return PQerrorMessage(c->conn.pg);
}

static int run_steps(Ctx *c, const SctlPlan *p, bool after_commit)
{
    for (int i = 0; i < p->len; i++) {
        const SctlStep *st = &p->steps[i];
        if (st->after_commit != after_commit || run_step(c, st))
            continue;
        const SctlObject *o = st->object >= 0 ? &c->s->objects[st->object]
                                              : NULL;
        fprintf(stderr, "schemactl: apply failed: %s\n  statement: %s\n",
                step_error(c, st), sctl_step_sql(c->s, st));
        if (o)
            fprintf(stderr, "  declared at %s:%d\n", o->file, o->line);
        return SCTL_APPLY_FAILED;
    }
    return SCTL_OK;
}

/* Declared objects that were missing or differed: what apply changes. */
static int changed_objects(const SctlSchema *s, const SctlDeclared *d,
                           const SctlFacets *live, const SctlDiffs *diffs)
{
    char *changed = calloc((size_t)s->nobjects + 1, 1);
    for (int i = 0; i < diffs->len; i++)
        if (diffs->items[i].object >= 0)
            changed[diffs->items[i].object] = 1;
    int n = 0;
    for (int i = 0; i < s->nobjects; i++) {
        if (!sctl_facet(d->facets, d->keys[i]))
            continue;
        n += changed[i] || !sctl_facet(live, d->keys[i]);
    }
    free(changed);
    return n;
}

/* The usual apply: declared state known, live state read under the lock,
 * differences planned and run. */
static int attempt_declared(Ctx *c, SctlDeclared *d, SctlPlan *plan)
{
    char *err = NULL;
    SctlFacets *live;
    SctlDiffs diffs;
    if (!sctl_lock(c->conn.pg, &err) ||
        !sctl_history_ensure(c->conn.pg, &err))
        return fail(SCTL_APPLY_FAILED, err);
    int status = compare(c, d, &live, &diffs);
    if (status != SCTL_OK)
        return SCTL_APPLY_FAILED;
    sctl_plan(c->s, d, live, &diffs, c->conn.pg, plan);
    c->applied = changed_objects(c->s, d, live, &diffs);
    sctl_diffs_free(&diffs);
    sctl_facets_free(live);
    if (refused(c, plan))
        return SCTL_APPLY_FAILED;
    status = run_steps(c, plan, false);
    if (status == SCTL_OK &&
        (!sctl_history_record(c->conn.pg, c->s->project, c->s->checksum,
                              plan->len, &err) ||
         !sctl_declared_store(c->conn.pg, c->s, d, &err)))
        return fail(SCTL_APPLY_FAILED, err);
    return status;
}

/*
 * A database holding none of the declared schemas, relations, types or
 * functions (roles and extensions may exist: they are made only if
 * missing).  Then apply is the canonical statements in order, and what
 * they made is the declared state in PostgreSQL's words: read back and
 * cached, with no scratch database.
 */
static bool fresh(const SctlSchema *s, const SctlFacets *live)
{
    for (int i = 0; i < s->nobjects; i++) {
        const SctlObject *o = &s->objects[i];
        if (o->kind == SCTL_K_ROLE || o->kind == SCTL_K_EXTENSION ||
            (o->kind == SCTL_K_SCHEMA && strcmp(o->name, "public") == 0))
            continue;
        char *key = sctl_object_key(o);
        bool there = sctl_facet(live, key) != NULL;
        free(key);
        if (there)
            return false;
    }
    return !sctl_has_function_named(s, live);
}

static void add_step(SctlPlan *p, SctlStep st)
{
    if (p->len == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 256;
        p->steps = realloc(p->steps, sizeof *p->steps * (size_t)p->cap);
    }
    p->steps[p->len++] = st;
}

static bool is_fresh(Ctx *c, int *status)
{
    char *err = NULL;
    SctlFacets *live = sctl_read_facets(c->conn.pg, c->s->schemas,
                                        c->s->nschemas, &err);
    if (!live) {
        *status = fail(SCTL_APPLY_FAILED, err);
        return false;
    }
    bool yes = fresh(c->s, live);
    sctl_facets_free(live);
    return yes;
}

/* Returns -1 when the database is not fresh after all (someone else
 * applied meanwhile): the caller takes the usual way. */
static int attempt_fresh(Ctx *c, SctlDeclared *d, SctlPlan *plan)
{
    char *err = NULL;
    int status = SCTL_OK;
    if (!sctl_lock(c->conn.pg, &err) ||
        !sctl_history_ensure(c->conn.pg, &err))
        return fail(SCTL_APPLY_FAILED, err);
    if (!is_fresh(c, &status))
        return status == SCTL_OK ? -1 : status;
    for (int k = 0; k < c->s->nstatements; k++)
        if (c->s->statements[k].canonical)
            add_step(plan, (SctlStep){k, NULL, c->s->statements[k].object,
                false, c->s->statements[k].action ==
                       SCTL_CREATE_CONCURRENTLY, NULL});
    status = run_steps(c, plan, false);
    if (status != SCTL_OK)
        return status;
    if (!sctl_declared_here(&c->conn, c->s, d, &err) ||
        !sctl_history_record(c->conn.pg, c->s->project, c->s->checksum,
                             plan->len, &err) ||
        !sctl_declared_store(c->conn.pg, c->s, d, &err))
        return fail(SCTL_APPLY_FAILED, err);
    c->applied = declared_count(d, c->s->nobjects);
    return SCTL_OK;
}

typedef int (*Attempt)(Ctx *c, SctlDeclared *d, SctlPlan *plan);

/* One apply: BEGIN, the attempt under the lock, COMMIT or ROLLBACK; then
 * the indexes built concurrently, which cannot run in a transaction. */
static int transaction(Ctx *c, Attempt attempt, SctlDeclared *d)
{
    SctlPlan plan = {0};
    if (!exec(c->conn.pg, "BEGIN"))
        return fail(SCTL_APPLY_FAILED, strdup(PQerrorMessage(c->conn.pg)));
    int status = attempt(c, d, &plan);
    if (status == SCTL_OK && !exec(c->conn.pg, "COMMIT"))
        status = fail(SCTL_APPLY_FAILED, strdup(PQerrorMessage(c->conn.pg)));
    if (status != SCTL_OK) {
        exec(c->conn.pg, "ROLLBACK");
        if (status > 0)
            fprintf(stderr, "schemactl: apply rolled back; the database is "
                    "as it was\n");
    } else {
        status = run_steps(c, &plan, true);
        c->did_apply = true;
        printf("apply: %d statement%s run, %d object%s changed\n", plan.len,
               plan.len == 1 ? "" : "s", c->applied,
               c->applied == 1 ? "" : "s");
    }
    sctl_plan_free(&plan);
    return status;
}

/* Indexes built concurrently come after the commit, so the state read
 * back inside a fresh apply's transaction would lack them. */
static bool builds_concurrently(const SctlSchema *s)
{
    for (int k = 0; k < s->nstatements; k++)
        if (s->statements[k].action == SCTL_CREATE_CONCURRENTLY)
            return true;
    return false;
}

static int cmd_apply(Ctx *c, SctlDeclared *d, bool *have)
{
    char *err = NULL;
    int status = SCTL_OK;
    if (!*have && !builds_concurrently(c->s) && is_fresh(c, &status)) {
        status = transaction(c, attempt_fresh, d);
        if (status != -1) {
            *have = status == SCTL_OK;
            if (!*have)
                sctl_declared_free(d, c->s->nobjects);
            return status;
        }
        sctl_declared_free(d, c->s->nobjects);  /* not fresh after all */
        status = SCTL_OK;
    }
    if (status != SCTL_OK)
        return status;
    if (!*have && !sctl_declared(&c->conn, c->s, d, &err))
        return fail(SCTL_USAGE, err);
    *have = true;
    return transaction(c, attempt_declared, d);
}

/* What the schema declares, by the kinds a reviewer counts first. */
static void print_contents(const SctlSchema *s)
{
    int tables = 0, indexes = 0, policies = 0;
    for (int i = 0; i < s->nobjects; i++) {
        tables += s->objects[i].kind == SCTL_K_TABLE;
        indexes += s->objects[i].kind == SCTL_K_INDEX;
        policies += s->objects[i].kind == SCTL_K_POLICY;
    }
    printf("schema %s: %d tables, %d indexes, %d policies, %d tests\n",
           s->project, tables, indexes, policies, sctl_tests.ntests);
}

static int cmd_status(Ctx *c, const SctlDeclared *d)
{
    print_contents(c->s);
    if (!sctl_history_print(c->conn.pg, stdout))
        printf("status: no applied runs recorded\n");
    SctlFacets *live;
    SctlDiffs diffs;
    int status = compare(c, d, &live, &diffs);
    if (status != SCTL_OK)
        return status;
    int n = count_drifted(&diffs);
    if (n)
        printf("status: %d object%s differ from the schema (run verify)\n",
               n, n == 1 ? "" : "s");
    else
        printf("status: the database matches the schema (%s)\n",
               c->s->checksum);
    sctl_diffs_free(&diffs);
    sctl_facets_free(live);
    return SCTL_OK;
}

/* ------------------------------------------------------ the program */

typedef struct Args {
    const char *commands[8];
    int ncommands;
    const char *db;
    bool embedded;
    const char *help;   /* command whose help was asked, or "" */
} Args;

static bool known_command(const char *w)
{
    return strcmp(w, "plan") == 0 || strcmp(w, "apply") == 0 ||
           strcmp(w, "verify") == 0 || strcmp(w, "status") == 0 ||
           strcmp(w, "test") == 0;
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
        else if (strcmp(w, "--embedded") == 0)
            a->embedded = true;
        else if (strcmp(w, "--allow-data-loss") == 0)
            c->allow_data_loss = true;
        else if (strcmp(w, "--install-platform-shim") == 0)
            c->install_shim = true;
        else if (strcmp(w, "--timing") == 0)
            timing = true;
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
        return fail(SCTL_USAGE, strdup("this schema declares `platform "
            "supabase;` but the database has no Supabase auth schema (no "
            "auth.uid()); run it against Supabase, or pass "
            "--install-platform-shim to install a minimal stand-in"));
    if (!sctl_install_platform(c->conn.pg, &err))
        return fail(SCTL_USAGE, err);
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
        bool test = strcmp(cmd, "test") == 0;  /* needs no declared state */
        if (!apply && !test && !have) {
            phase("(connected)");
            if (!sctl_declared(&c->conn, c->s, &d, &err))
                return fail(SCTL_USAGE, err);
            phase(d.from_cache ? "normal forms (cache)"
                               : "normal forms (scratch)");
            have = true;
        }
        int status = apply ? cmd_apply(c, &d, &have)
                   : test ? sctl_run_tests(c->conn.pg, c->s, &sctl_tests,
                                           stdout)
                   : strcmp(cmd, "plan") == 0 ? cmd_plan(c, &d)
                   : strcmp(cmd, "verify") == 0 ? cmd_verify(c, &d)
                   : cmd_status(c, &d);
        if (status > worst)
            worst = status;
        if (status == SCTL_APPLY_FAILED || status == SCTL_USAGE)
            break;
    }
    sctl_declared_free(&d, c->s->nobjects);
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
    if (embedded && !sctl_embedded_start(&emb, &err))
        return fail(SCTL_USAGE, err);
    if (embedded)
        stop_on_signals(&emb);
    const char *url = embedded ? emb.url : a->db;
    int status = SCTL_USAGE;
    if (!sctl_connect(url, &c->conn, &err)) {
        status = fail(SCTL_USAGE, err);
    } else {
        ECPGsetcommit(__LINE__, "on", NULL);  /* we open transactions */
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

int main(int argc, char **argv)
{
    Ctx c = {.s = &sctl_schema};
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
    return connect_and_run(&c, &a);
}

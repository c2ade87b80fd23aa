/*
 * commands.c — the commands that read and report: verify, plan, status;
 * and what every command shares (timing, failure messages, the
 * comparison of the live catalog with the declaration).
 */
#include "commands.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *sctl_progname = "schemactl";

bool sctl_timing;
bool sctl_color;

const char *cmd_ansi(const char *code)
{
    return sctl_color ? code : "";
}

void cmd_phase(const char *what)
{
    static struct timespec last;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (sctl_timing && last.tv_sec)
        fprintf(stderr, "timing: %-24s %7.3f s\n", what,
                (double)(now.tv_sec - last.tv_sec) +
                (double)(now.tv_nsec - last.tv_nsec) / 1e9);
    last = now;
}

int cmd_fail(int status, char *err)
{
    fprintf(stderr, "%s: %s\n", sctl_progname, err ? err : "failed");
    free(err);
    return status;
}

/* A clean verify is noted only when planning would do nothing, since the
 * fast path plans on the declared state. */
bool cmd_nothing_to_do(Ctx *c, const SctlDeclared *d,
                       const SctlFacets *live, const SctlDiffs *diffs)
{
    SctlPlan plan = {0};
    sctl_plan(c->s, d, live, NULL, diffs, &plan);   /* no dependents: */
    bool none = plan.len == 0;                    /* nothing is dropped */
    sctl_plan_free(&plan);
    return none;
}

bool cmd_declared_load(Ctx *c, SctlDeclared *d, char **err)
{
    if (d->keys)
        return true;
    if (!sctl_declared(&c->conn, c->s, d, err))
        return false;
    cmd_phase(d->from_cache ? "normal forms (cache)"
                            : "normal forms (scratch)");
    return true;
}

typedef struct Reading {
    Ctx *c;
    SctlDeclared *d;
    SctlPrefetch *prefetch;  /* the normal forms, loading meanwhile */
    bool among_changed;      /* read the changed relations only, of a
                                memo of this very schema: an unchanged one
                                is as declared or ignored as it was */
} Reading;

/* The memo's verdict on the fingerprint the reader took (an SctlFpKnown).
 * When the catalog is to be read, a large schema's normal forms are
 * loaded beside it. */
static bool memo_says_clean(PGconn *conn, const char *fp, void *arg)
{
    Reading *r = arg;
    r->c->unchanged = sctl_memo_objects(conn, fp, r->c->s);
    if (r->c->unchanged < 0 && !r->d->keys &&
        r->c->s->nobjects >= SCTL_LARGE_SCHEMA)
        r->prefetch = sctl_declared_prefetch(conn, r->c->s);
    return r->c->unchanged >= 0;
}

/* The normal forms loaded beside the reading, waited for (the thread
 * ends either way); whether they came. */
static bool take_prefetched(Reading *r)
{
    if (!r->prefetch)
        return false;
    bool got = sctl_declared_prefetched(r->prefetch, r->d);
    r->prefetch = NULL;
    if (got)
        cmd_phase("normal forms (meanwhile)");
    return got;
}

/* The relations changed since the latest clean comparison with the same
 * global part (an SctlStampsKnown); what they were declared as then is
 * compared with the normal forms, so these are needed now. */
static int memo_changed(PGconn *conn, SctlStamps *st, void *arg)
{
    Reading *r = arg;
    take_prefetched(r);
    if (!r->d->keys)
        return -1;
    bool same_schema;
    char *memo = sctl_memo_stamps(conn, sctl_stamps_global(st), r->c->s,
                                  &same_schema);
    if (!memo)
        return -1;
    char *err = NULL;
    int n = sctl_stamps_compare(conn, st, memo, r->d->facets, &err);
    free(memo);
    free(err);
    r->among_changed = n >= 0 && same_schema;
    return n;
}

/* When the catalog is as it was at the last clean comparison
 * (fastpath.c), the live state is the declared state: neither is read. */
int cmd_compare(Ctx *c, SctlDeclared *d, SctlFacets **live,
                SctlDiffs *diffs)
{
    char *err = NULL, *fp = NULL;
    cmd_phase("(before reading)");
    memset(diffs, 0, sizeof *diffs);
    *live = NULL;
    c->unchanged = -1;
    /* outside a transaction, or in plan's of one snapshot, the reader
     * checks the fingerprint it takes; inside apply's, it takes none, so
     * the check comes first.  In a transaction the declared state is
     * loaded before (a scratch database cannot be made in one), unless
     * it can come from the cache beside the reading: in plan's once the
     * fingerprint moved, in apply's once the check found it moved (if
     * the cache has no row, the reading was for nothing: the first apply
     * of a version, which normalises in a scratch database anyway). */
    bool in_transaction = PQtransactionStatus(c->conn.pg) != PQTRANS_IDLE;
    bool snapshot = in_transaction && sctl_in_snapshot(c->conn.pg);
    bool large = c->s->nobjects >= SCTL_LARGE_SCHEMA;
    bool hit = in_transaction && !snapshot &&
               (c->unchanged = sctl_known_clean(c->conn.pg, c->s)) >= 0;
    Reading reading = {c, d, NULL, false};
    bool needs_declared = !hit && in_transaction && !d->keys;
    if (needs_declared && !large)
        return CMD_RETRY_DECLARED;
    if (needs_declared && !snapshot &&  /* in plan's: once fp moved */
        !(reading.prefetch = sctl_declared_prefetch(c->conn.pg, c->s)))
        return CMD_RETRY_DECLARED;
    if (!hit)
        *live = sctl_read_facets_unless(c->conn.pg, c->s, &fp,
                                        memo_says_clean, memo_changed,
                                        &reading, &hit, &err);
    if (hit) {
        /* a clean comparison left no rename pending */
        sctl_plan_free(&c->renames);
        if (d->keys)
            *live = sctl_facets_share(d->facets);
        cmd_phase("catalog unchanged");
        return SCTL_OK;
    }
    c->unchanged = -1;
    if (!*live) {
        take_prefetched(&reading);          /* its thread ended */
        return cmd_fail(SCTL_USAGE, err);
    }
    cmd_phase("read the catalog");
    take_prefetched(&reading);
    if (!d->keys && in_transaction) {       /* not in the cache */
        sctl_facets_free(*live);
        *live = NULL;
        free(fp);
        return CMD_RETRY_DECLARED;
    }
    if (!cmd_declared_load(c, d, &err)) {
        sctl_facets_free(*live);
        *live = NULL;
        free(fp);
        return cmd_fail(SCTL_USAGE, err);
    }
    sctl_declared_index(d, c->s->nobjects);
    *live = sctl_facets_complete(*live, d->facets);
    int status = cmd_renames(c, live);
    if (status != SCTL_OK) {
        sctl_facets_free(*live);
        free(fp);
        return status;
    }
    sctl_diff(c->s, d, *live, diffs);
    cmd_phase("compare");
    char *changed = reading.among_changed && sctl_facets_stamps(*live)
                    ? sctl_stamps_changed(sctl_facets_stamps(*live)) : NULL;
    bool undeclared_read = sctl_read_undeclared_among(c->conn.pg, c->s,
                                                      d->facets, changed,
                                                      &diffs->undeclared,
                                                      &err);
    free(changed);
    if (!undeclared_read) {
        sctl_diffs_free(diffs);
        sctl_facets_free(*live);
        *live = NULL;
        free(fp);
        return cmd_fail(SCTL_USAGE, err);
    }
    cmd_phase("undeclared objects");
    /* after pending renames, live is what they would make, not what fp
     * saw */
    if (fp && c->renames.len == 0 && diffs->len == 0 &&
        diffs->undeclared.len == 0 &&
        cmd_nothing_to_do(c, d, *live, diffs))
        sctl_remember_clean(c->conn.pg, c->s, fp,
                            cmd_declared_count(d, c->s->nobjects),
                            sctl_facets_stamps(*live), d->facets);
    free(fp);
    cmd_phase("plan check, memo");
    return SCTL_OK;
}

int cmd_make_plan(Ctx *c, const SctlDeclared *d, const SctlFacets *live,
                  const SctlDiffs *diffs, SctlPlan *plan)
{
    char *err = NULL;
    /* What depends on what (a second of reading at 10,000 tables) only
     * when the plan asks: most changes make way for nothing, and planned
     * without knowing are planned as with.  Nothing to change asks
     * nothing: an up-to-date database is not read a second time. */
    cmd_renames_into(c, plan);
    sctl_plan(c->s, d, live, NULL, diffs, plan);
    if (plan->asked_depends && (diffs->len || diffs->undeclared.len)) {
        SctlDepends *deps = sctl_read_depends(c->conn.pg, c->s->schemas,
                                              c->s->nschemas, &err);
        if (!deps)
            return cmd_fail(SCTL_USAGE, err);
        sctl_plan_free(plan);
        cmd_renames_into(c, plan);
        sctl_plan(c->s, d, live, deps, diffs, plan);
        sctl_depends_free(deps);
    }
    SctlOnline on = {c->conn.pg, c->s, d, live, NULL, NULL, 0, 0};
    bool ok = sctl_plan_online(&on, plan, c->online, &err);
    sctl_online_free(&on);
    if (!ok)
        return cmd_fail(SCTL_USAGE, err);
    cmd_phase("plan");
    if (!c->without_rows)
        sctl_plan_check_rows(c->conn.pg, c->s, plan);
    cmd_phase("count the rows in the way");
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
    return n + ds->undeclared.len;
}

int cmd_declared_count(SctlDeclared *d, int n)
{
    if (d->found > 0)
        return d->found - 1;
    int k = 0;
    for (int i = 0; i < n; i++)
        k += sctl_declared_of(d, i) != NULL;
    d->found = k + 1;
    return k;
}

int cmd_verify(Ctx *c, SctlDeclared *d)
{
    SctlFacets *live;
    SctlDiffs diffs;
    int status = cmd_compare(c, d, &live, &diffs);
    if (status != SCTL_OK)
        return status;
    int renames = c->renames.len;
    if (c->format != DOC_TEXT) {
        cmd_verify_document(c, &diffs, stdout);
    } else {
        cmd_renames_print(c, stdout);
        sctl_diffs_print(c->s, &diffs, stdout);
    }
    char *err = NULL;   /* with --format, on standard error: not drift */
    int exposed = sctl_tool_grants_print(c->conn.pg, c->format != DOC_TEXT
                                         ? stderr : stdout, &err);
    if (exposed < 0) {
        sctl_diffs_free(&diffs);
        sctl_facets_free(live);
        return cmd_fail(SCTL_USAGE, err);
    }
    c->verified = c->unchanged >= 0 ? c->unchanged
                                    : cmd_declared_count(d, c->s->nobjects);
    c->drifted = count_drifted(&diffs) + renames + exposed;
    c->did_verify = true;
    /* with --format, standard output holds the document alone */
    fprintf(c->format != DOC_TEXT ? stderr : stdout,
            "verify: %d objects checked, %d differ%s\n", c->verified,
           c->drifted, !d->keys || d->from_cache ? "" : " (normal forms "
           "from a scratch database)");
    sctl_diffs_free(&diffs);
    sctl_facets_free(live);
    return c->drifted ? SCTL_DRIFT : SCTL_OK;
}

int cmd_test(Ctx *c, SctlDeclared *d)
{
    SctlFacets *live;
    SctlDiffs diffs;
    if (c->s->ntests == 0 || sctl_schema_applied(c->conn.pg, c->s))
        return sctl_run_tests(c->conn.pg, c->s, stdout);
    int status = cmd_compare(c, d, &live, &diffs);
    if (status != SCTL_OK)
        return status;
    int n = count_drifted(&diffs) + c->renames.len;
    sctl_diffs_free(&diffs);
    sctl_facets_free(live);
    if (n) {
        fprintf(stderr, "%s: test: the database does not hold this schema "
                "(%d object%s differ%s; `verify` lists them); run apply "
                "first, as in `apply test`\n", sctl_progname, n,
                n == 1 ? "" : "s", n == 1 ? "s" : "");
        return SCTL_USAGE;
    }
    return sctl_run_tests(c->conn.pg, c->s, stdout);
}

/* Its lock and what it does to the table, on the lines before it. */
static bool print_hazard(SctlOnline *on, const SctlStep *st, FILE *out,
                         char **err)
{
    SctlStepFacts f;
    SctlHazard h;
    if (!sctl_step_facts(on, st, &f, err))
        return false;
    sctl_hazard(on->s, st, &f, &h);
    char *text = sctl_hazard_text(&h, f.table_new);
    if (text)
        fprintf(out, "%s\n", text);
    free(text);
    sctl_hazard_free(&h);
    return true;
}

static bool print_plan(SctlOnline *on, const SctlPlan *p, FILE *out,
                       char **err)
{
    const SctlSchema *s = on->s;
    for (int i = 0; i < p->len; i++) {
        const SctlStep *st = &p->steps[i];
        const SctlObject *o = st->object >= 0 ? &s->objects[st->object] : NULL;
        if (!print_hazard(on, st, out, err))
            return false;
        if (st->why)
            fprintf(out, "-- cannot: %s", st->why);
        else
            fprintf(out, "%s;%s%s%s%s", sctl_step_sql(s, st),
                    st->data_loss ? "  -- loses data: needs "
                                    "--allow-data-loss" : "",
                    st->note ? " (" : "", st->note ? st->note : "",
                    st->note ? ")" : "");
        if (st->first)
            fputs("  -- committed first, on its own", out);
        if (st->after_commit)
            fputs("  -- after the commit, outside the transaction", out);
        if (o)
            fprintf(out, "  -- %s:%d", sctl_file(s, o->file), o->line);
        fputc('\n', out);
    }
    return true;
}

/* In a read-only transaction of its own, begun again once the declared
 * state is loaded if the comparison needs it.  One snapshot for all it
 * reads: the catalog, what depends on what, the rows in the way; and so
 * the fingerprint and stamps hold for the whole plan. */
#define PLAN_BEGIN "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"

static int compare_read_only(Ctx *c, SctlDeclared *d, SctlFacets **live,
                             SctlDiffs *diffs)
{
    char *err = NULL;
    if (!sctl_exec(c->conn.pg, PLAN_BEGIN, "plan", &err))
        return cmd_fail(SCTL_USAGE, err);
    int status = cmd_compare(c, d, live, diffs);
    if (status != CMD_RETRY_DECLARED)
        return status;
    sctl_exec(c->conn.pg, "ROLLBACK", NULL, NULL);
    if (!cmd_declared_load(c, d, &err))
        return cmd_fail(SCTL_USAGE, err);
    if (!sctl_exec(c->conn.pg, PLAN_BEGIN, "plan", &err))
        return cmd_fail(SCTL_USAGE, err);
    return cmd_compare(c, d, live, diffs);
}

int cmd_plan(Ctx *c, SctlDeclared *d)
{
    SctlFacets *live;
    SctlDiffs diffs;
    char *err = NULL;
    int status = compare_read_only(c, d, &live, &diffs);
    if (status == SCTL_OK) {
        SctlPlan plan = {0};
        /* unchanged since a clean comparison: nothing to do */
        if (c->unchanged < 0)
            status = cmd_make_plan(c, d, live, &diffs, &plan);
        SctlOnline on = {c->conn.pg, c->s, d, live, NULL, NULL, 0, 0};
        if (status == SCTL_OK && !print_plan(&on, &plan, stdout, &err))
            status = cmd_fail(SCTL_USAGE, err);
        else if (status == SCTL_OK)
            printf("-- plan: %d statement%s\n", plan.len,
                   plan.len == 1 ? "" : "s");
        sctl_online_free(&on);
        sctl_plan_free(&plan);
        sctl_diffs_free(&diffs);
        sctl_facets_free(live);
    }
    if (PQtransactionStatus(c->conn.pg) != PQTRANS_IDLE)  /* not if the */
        sctl_exec(c->conn.pg, "ROLLBACK", NULL, NULL);  /* loading failed */
    return status;
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
    printf("schema %s: %d table%s, %d index%s, %d polic%s, %d test%s\n",
           s->project, tables, tables == 1 ? "" : "s", indexes,
           indexes == 1 ? "" : "es", policies, policies == 1 ? "y" : "ies",
           s->ntests, s->ntests == 1 ? "" : "s");
}

int cmd_status(Ctx *c, SctlDeclared *d)
{
    print_contents(c->s);
    if (!sctl_history_print(c->conn.pg, stdout))
        printf("status: no applied runs recorded\n");
    SctlFacets *live;
    SctlDiffs diffs;
    int status = cmd_compare(c, d, &live, &diffs);
    if (status != SCTL_OK)
        return status;
    int n = count_drifted(&diffs) + c->renames.len;
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

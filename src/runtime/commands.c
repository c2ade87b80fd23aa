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

int cmd_compare(Ctx *c, const SctlDeclared *d, SctlFacets **live,
                SctlDiffs *diffs)
{
    char *err = NULL;
    cmd_phase("(before reading)");
    *live = sctl_read_facets(c->conn.pg, c->s->schemas, c->s->nschemas, &err);
    if (!*live)
        return cmd_fail(SCTL_USAGE, err);
    cmd_phase("read the catalog");
    int status = cmd_renames(c, live);
    if (status != SCTL_OK) {
        sctl_facets_free(*live);
        return status;
    }
    memset(diffs, 0, sizeof *diffs);
    sctl_diff(c->s, d, *live, diffs);
    cmd_phase("compare");
    return SCTL_OK;
}

int cmd_make_plan(Ctx *c, const SctlDeclared *d, const SctlFacets *live,
                  const SctlDiffs *diffs, SctlPlan *plan)
{
    char *err = NULL;
    SctlDepends *deps = sctl_read_depends(c->conn.pg, c->s->schemas,
                                          c->s->nschemas, &err);
    if (!deps)
        return cmd_fail(SCTL_USAGE, err);
    cmd_renames_into(c, plan);
    sctl_plan(c->s, d, live, deps, diffs, plan);
    sctl_depends_free(deps);
    cmd_phase("plan");
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
    return n;
}

int cmd_declared_count(const SctlDeclared *d, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += sctl_facet(d->facets, d->keys[i]) != NULL;
    return k;
}

int cmd_verify(Ctx *c, const SctlDeclared *d)
{
    SctlFacets *live;
    SctlDiffs diffs;
    int status = cmd_compare(c, d, &live, &diffs);
    if (status != SCTL_OK)
        return status;
    int renames = cmd_renames_print(c, stdout);
    sctl_diffs_print(c->s, &diffs, stdout);
    c->verified = cmd_declared_count(d, c->s->nobjects);
    c->drifted = count_drifted(&diffs) + renames;
    c->did_verify = true;
    printf("verify: %d objects checked, %d differ%s\n", c->verified,
           c->drifted, d->from_cache ? "" : " (normal forms from a scratch "
           "database)");
    sctl_diffs_free(&diffs);
    sctl_facets_free(live);
    return c->drifted ? SCTL_DRIFT : SCTL_OK;
}

int cmd_test(Ctx *c, const SctlDeclared *d)
{
    SctlFacets *live;
    SctlDiffs diffs;
    if (c->s->ntests == 0)
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

static void print_plan(const SctlSchema *s, const SctlPlan *p, FILE *out)
{
    for (int i = 0; i < p->len; i++) {
        const SctlStep *st = &p->steps[i];
        const SctlObject *o = st->object >= 0 ? &s->objects[st->object] : NULL;
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
}

int cmd_plan(Ctx *c, const SctlDeclared *d)
{
    SctlFacets *live;
    SctlDiffs diffs;
    char *err = NULL;
    if (!sctl_exec(c->conn.pg, "BEGIN READ ONLY", "plan", &err))
        return cmd_fail(SCTL_USAGE, err);
    int status = cmd_compare(c, d, &live, &diffs);
    if (status == SCTL_OK) {
        SctlPlan plan = {0};
        status = cmd_make_plan(c, d, live, &diffs, &plan);
        if (status == SCTL_OK) {
            print_plan(c->s, &plan, stdout);
            printf("-- plan: %d statement%s\n", plan.len,
                   plan.len == 1 ? "" : "s");
        }
        sctl_plan_free(&plan);
        sctl_diffs_free(&diffs);
        sctl_facets_free(live);
    }
    sctl_exec(c->conn.pg, "ROLLBACK", NULL, NULL);
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
    printf("schema %s: %d tables, %d indexes, %d policies, %d test%s\n",
           s->project, tables, indexes, policies, s->ntests,
           s->ntests == 1 ? "" : "s");
}

int cmd_status(Ctx *c, const SctlDeclared *d)
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

/*
 * migration_print.c — a plan written as a migration file that
 * `psql -v ON_ERROR_STOP=1 -f FILE` runs: its own BEGIN and COMMIT, each
 * statement's canonical bytes after the `-- source:` line of what
 * declares it, hazards as comments, and what cannot run in a transaction
 * (indexes built concurrently) after the COMMIT.
 */
#include "schemactl.h"

#include <string.h>

/* Comment text stays on its line: a newline in a name or a reason would
 * let the rest of it run as SQL. */
static void put_comment(FILE *out, const char *s)
{
    for (const char *p = s; *p; p++)
        fputc((unsigned char)*p < 0x20 ? ' ' : *p, out);
}

static void put_source(const SctlSchema *s, const SctlStep *st, FILE *out)
{
    int file = -1, line = 0;
    if (st->statement >= 0) {
        file = s->statements[st->statement].file;
        line = s->statements[st->statement].line;
    } else if (st->object >= 0) {
        file = s->objects[st->object].file;
        line = s->objects[st->object].line;
    }
    fputs("\n-- source: ", out);
    if (file >= 0) {
        put_comment(out, sctl_file(s, file));
        fprintf(out, ":%d\n", line);
    } else {
        fputs("none: not declared, dropped\n", out);
    }
}

/* What a row check would count: the statement fails on such rows. */
static const char *probe_hazard(SctlProbeKind k)
{
    switch (k) {
    case SCTL_PROBE_NONE: return NULL;
    case SCTL_PROBE_NULLS: return "fails if rows hold NULL in the column";
    case SCTL_PROBE_ROWS: return "fails if the table has rows (no value "
                                 "for the new required column)";
    case SCTL_PROBE_BREAKS: return "fails if rows break it";
    case SCTL_PROBE_LOST_LABELS: return "rows holding a removed label "
                                        "become NULL";
    case SCTL_PROBE_LOST_VALUES: return "values the new type changes are "
                                        "changed";
    }
    return NULL;
}

static void put_step(const SctlSchema *s, const SctlStep *st, FILE *out)
{
    put_source(s, st, out);
    if (st->data_loss)
        fputs("-- hazard: loses data (allowed by --allow-data-loss)\n", out);
    if (st->note) {
        fputs("-- hazard: ", out);
        put_comment(out, st->note);
        fputc('\n', out);
    }
    const char *h = st->probe ? probe_hazard(st->probe_kind) : NULL;
    if (h) {
        fprintf(out, "-- hazard: %s; rows in the way: ", h);
        put_comment(out, st->probe);
        fputc('\n', out);
    }
    fprintf(out, "%s;\n", sctl_step_sql(s, st));
}

static int count(const SctlPlan *p, SctlPhase part)
{
    int n = 0;
    for (int i = 0; i < p->len; i++)
        n += sctl_step_phase(&p->steps[i]) == part && !p->steps[i].why;
    return n;
}

static void put_part(const SctlSchema *s, const SctlPlan *p, SctlPhase part,
                     FILE *out)
{
    for (int i = 0; i < p->len; i++)
        if (sctl_step_phase(&p->steps[i]) == part && !p->steps[i].why)
            put_step(s, &p->steps[i], out);
}

void sctl_migration_print(const SctlSchema *s, const SctlPlan *p, FILE *out)
{
    int first = count(p, SCTL_PHASE_FIRST), in_tx = count(p, SCTL_PHASE_MAIN);
    int later = count(p, SCTL_PHASE_AFTER);
    fprintf(out, "-- new version: %s, checksum %s\n", s->project,
            s->checksum);
    fputs("-- run with: psql -v ON_ERROR_STOP=1 -f FILE\n", out);
    fprintf(out, "-- %d statement%s in the transaction, %d after it", in_tx,
            in_tx == 1 ? "" : "s", later);
    if (first)
        fprintf(out, ", %d committed before it", first);
    fputs("\n\n", out);
    if (first) {
        fputs("-- new enum labels, committed first: nothing may use a label "
              "in the\n-- transaction that adds it\nBEGIN;\n", out);
        put_part(s, p, SCTL_PHASE_FIRST, out);
        fputs("\nCOMMIT;\n\n", out);
    }
    fputs("BEGIN;\n", out);
    put_part(s, p, SCTL_PHASE_MAIN, out);
    fputs("\nCOMMIT;\n", out);
    if (later)
        fputs("\n-- after the commit: these cannot run in a transaction\n",
              out);
    put_part(s, p, SCTL_PHASE_AFTER, out);
}

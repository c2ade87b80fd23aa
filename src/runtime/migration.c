/*
 * migration.c — `migration --base OLD.sql`: the migration file from
 * another version of the schema to this one, worked out as apply would
 * work it out on a database holding that version.  OLD.sql (that
 * version's canonical SQL, as `schemac sql` prints it) is applied to this
 * throwaway server, then this schema is planned against it with the
 * planner apply uses, and the plan printed (migration_print.c).  This is
 * what `schemac diff OLD NEW` runs.
 */
#include "commands.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static char *read_file(const char *path, char **err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *err = sctl_printf("cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    SctlBuf b = {0};
    char chunk[65536];
    size_t n;
    sctl_buf_put(&b, "", 0);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        sctl_buf_put(&b, chunk, n);
    bool failed = ferror(f);
    fclose(f);
    if (failed) {
        sctl_buf_free(&b);
        *err = sctl_printf("cannot read %s", path);
        return NULL;
    }
    return sctl_buf_take(&b);
}

/* The old version on the server.  Its SQL may need the Supabase
 * stand-in when this version does not declare the platform: then it is
 * installed and the SQL run again (a failed run left nothing behind: one
 * implicit transaction). */
static bool make_base(Ctx *c, const char *path, char **err)
{
    char *sql = read_file(path, err);
    if (!sql)
        return false;
    bool ok = sctl_exec(c->conn.pg, sql, "the old version's SQL", err);
    if (!ok && !sctl_has_platform(c->conn.pg)) {
        char *ignored = NULL;
        if (sctl_install_platform(c->conn.pg, &ignored) &&
            sctl_exec(c->conn.pg, sql, "the old version's SQL", &ignored)) {
            free(*err);
            *err = NULL;
            ok = true;
        }
        free(ignored);
    }
    free(sql);
    return ok;
}

static int plan_and_print(Ctx *c, SctlDeclared *d)
{
    SctlFacets *live;
    SctlDiffs diffs;
    char *err = NULL;
    if (!sctl_exec(c->conn.pg, "BEGIN READ ONLY", "migration", &err))
        return cmd_fail(SCTL_USAGE, err);
    int status = cmd_compare(c, d, &live, &diffs);
    if (status == SCTL_OK) {
        SctlPlan plan = {0};
        status = cmd_make_plan(c, d, live, &diffs, &plan);
        if (status == SCTL_OK && cmd_refused(c, &plan))
            status = SCTL_DRIFT;
        else if (status == SCTL_OK)
            sctl_migration_print(c->s, &plan, stdout);
        sctl_plan_free(&plan);
        sctl_diffs_free(&diffs);
        sctl_facets_free(live);
    }
    sctl_exec(c->conn.pg, "ROLLBACK", NULL, NULL);
    return status;
}

int cmd_migration(Ctx *c, const char *base_sql)
{
    char *err = NULL;
    c->without_rows = true;
    if (!make_base(c, base_sql, &err))
        return cmd_fail(SCTL_USAGE, err);
    SctlDeclared d = {0};
    if (!sctl_declared(&c->conn, c->s, &d, &err))
        return cmd_fail(SCTL_USAGE, err);
    int status = plan_and_print(c, &d);
    sctl_declared_free(&d, c->s->nobjects);
    return status;
}

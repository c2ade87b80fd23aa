/*
 * hazards.c — what each planned step costs a live database: the
 * strongest lock it takes on a table (as PostgreSQL 15 takes it), whether
 * it rewrites or scans the table while holding it, and a warning where a
 * step is known to hurt a busy table (the cases schema linters such as
 * squawk warn about).  Pure: the facts that need the server (rows, a
 * default's volatility, a cast's method) come in SctlStepFacts
 * (online.c reads them).
 */
#include "schemactl.h"

#include <stdlib.h>
#include <string.h>

static const char AE[] = "ACCESS EXCLUSIVE";
static const char SRE[] = "SHARE ROW EXCLUSIVE";
static const char SUE[] = "SHARE UPDATE EXCLUSIVE";
static const char SHARE[] = "SHARE";

static const char REWRITES[] = "rewrites the table";
static const char SCANS[] = "scans the table";

static void set(SctlHazard *h, const char *lock, const char *effect)
{
    h->lock = lock;
    h->effect = effect;
}

static void warn(SctlHazard *h, const char *warning)
{
    h->warning = warning;
}

/* A foreign key or check being added: with NOT VALID, no scan. */
static void add_constraint(SctlHazard *h, const char *def, const char *name,
                           const SctlStepFacts *f, bool not_valid)
{
    bool fk = sctl_is_foreign_key(def, name);
    bool validatable = sctl_validatable(def, name);
    if (fk) {
        set(h, SRE, not_valid ? NULL : "scans the table and the referenced "
                                       "table");
        h->also = "and on the table it references";
    } else {
        set(h, AE, not_valid ? NULL : validatable ? SCANS
                                      : "builds an index (scans the table)");
    }
    if (f->table_new || not_valid)
        return;
    if (validatable)
        warn(h, "adding a constraint without NOT VALID checks every row "
                "under the lock (the table has no rows now)");
    else if (f->has_rows)
        warn(h, "a unique or exclusion constraint builds its index under "
                "ACCESS EXCLUSIVE: reads and writes wait for the whole "
                "build");
}

static void add_column(SctlHazard *h, const SctlStepFacts *f)
{
    set(h, AE, f->volatile_default ? REWRITES : NULL);
    if (f->table_new)
        return;
    if (f->required)
        warn(h, "adding a required column (NOT NULL, no default) fails on "
                "a table with rows; give it a default");
    else if (f->volatile_default)
        warn(h, "a volatile default is written into every row: the table "
                "is rewritten under ACCESS EXCLUSIVE");
}

/* A constraint's definition: its own, or what its ALTER TABLE adds. */
static const char *constraint_definition(const SctlSchema *s,
                                         const SctlObject *o)
{
    if (!o || o->kind != SCTL_K_CONSTRAINT)
        return NULL;
    if (o->definition || o->make < 0)
        return o->definition;
    return sctl_added_definition(s->statements[o->make].sql, o->schema,
                                 o->table);
}

/* A repair: its shape says what it does. */
static void of_shape(const SctlSchema *s, const SctlStep *st, SctlShape sh,
                     const SctlStepFacts *f, SctlHazard *h)
{
    const SctlObject *o = st->object >= 0 ? &s->objects[st->object] : NULL;
    const char *def = constraint_definition(s, o);
    const char *name = o ? o->name : NULL;
    switch (sh) {
    case SCTL_SHAPE_ADD_COLUMN: add_column(h, f); break;
    case SCTL_SHAPE_SET_NOT_NULL:
        set(h, AE, SCANS);
        if (!f->table_new && f->has_rows)
            warn(h, "SET NOT NULL reads every row under ACCESS EXCLUSIVE");
        break;
    case SCTL_SHAPE_ALTER_TYPE_VIA_TEXT:
        set(h, AE, REWRITES);
        warn(h, "changing a column's type rewrites the table and its "
                "indexes under ACCESS EXCLUSIVE");
        break;
    case SCTL_SHAPE_BACKFILL:
    case SCTL_SHAPE_BACKFILL_NULLS:
        set(h, "ROW EXCLUSIVE", "updates every row it fills");
        if (f->has_rows)
            warn(h, "a backfill in the transaction holds the row locks of "
                    "every row it updates until the commit");
        break;
    case SCTL_SHAPE_COUNT_ROWS:
    case SCTL_SHAPE_COUNT_NULLS:
    case SCTL_SHAPE_COUNT_CHANGED_BY_TYPE:
    case SCTL_SHAPE_COUNT_LABELS_OUTSIDE:
        set(h, "ACCESS SHARE", SCANS);
        break;
    case SCTL_SHAPE_ALTER_TYPE:
        set(h, AE, f->binary_coercible ? NULL : REWRITES);
        if (!f->table_new && !f->binary_coercible)
            warn(h, "changing a column's type rewrites the table and its "
                    "indexes under ACCESS EXCLUSIVE");
        break;
    case SCTL_SHAPE_DROP_COLUMN:
        set(h, AE, NULL);
        warn(h, "dropping a column: clients that still read it fail");
        break;
    case SCTL_SHAPE_ADD_CONSTRAINT:
        add_constraint(h, def, name, f, false);
        break;
    case SCTL_SHAPE_ADD_CONSTRAINT_NOT_VALID:
        add_constraint(h, def, name, f, true);
        break;
    case SCTL_SHAPE_VALIDATE_CONSTRAINT:
        set(h, SUE, SCANS);
        if (sctl_is_foreign_key(def, name))
            h->also = "and ROW SHARE on the table it references";
        break;
    case SCTL_SHAPE_SET_DEFAULT:
    case SCTL_SHAPE_DROP_DEFAULT:
    case SCTL_SHAPE_DROP_NOT_NULL:
    case SCTL_SHAPE_DROP_CONSTRAINT:
    case SCTL_SHAPE_DROP_INDEX:
    case SCTL_SHAPE_DROP_POLICY:
    case SCTL_SHAPE_DROP_TRIGGER:
    case SCTL_SHAPE_DROP_VIEW:
    case SCTL_SHAPE_DROP_MATVIEW:
    case SCTL_SHAPE_ENABLE_RLS:
    case SCTL_SHAPE_DISABLE_RLS:
    case SCTL_SHAPE_FORCE_RLS:
    case SCTL_SHAPE_NO_FORCE_RLS:
    case SCTL_SHAPE_REPLICA_DEFAULT:
        set(h, AE, NULL);
        break;
    case SCTL_SHAPE_DROP_PUBLICATION_TABLE:
        set(h, SUE, NULL);
        break;
    case SCTL_SHAPE_DROP_TABLE:
        set(h, AE, NULL);
        warn(h, "dropping a table: its rows are gone");
        break;
    case SCTL_SHAPE_RENAME_TABLE:
        set(h, AE, NULL);
        warn(h, "renaming a table: clients that use the old name fail");
        break;
    case SCTL_SHAPE_RENAME_COLUMN:
        set(h, AE, NULL);
        warn(h, "renaming a column: clients that use the old name fail");
        break;
    case SCTL_SHAPE_RENAME_CONSTRAINT:
    case SCTL_SHAPE_RENAME_POLICY:
    case SCTL_SHAPE_RENAME_VIEW:
    case SCTL_SHAPE_RENAME_MATVIEW:
        set(h, AE, NULL);
        break;
    case SCTL_SHAPE_RENAME_INDEX:
        set(h, SUE, NULL);
        break;
    case SCTL_SHAPE_REPLACE:
        set(h, o && o->kind == SCTL_K_VIEW ? AE : NULL, NULL);
        break;
    case SCTL_SHAPE_CREATE_INDEX_CONCURRENTLY:
    case SCTL_SHAPE_CREATE_UNIQUE_INDEX_CONCURRENTLY:
        set(h, SUE, "scans the table twice, outside the transaction");
        break;
    case SCTL_SHAPE_ATTACH_PARTITION:
        set(h, SUE, "scans the partition");
        h->also = "and ACCESS EXCLUSIVE on the partition";
        break;
    case SCTL_SHAPE_SET_PUBLISH:
    case SCTL_SHAPE_ALTER_SEQUENCE:
    case SCTL_SHAPE_GRANT_SEQUENCE:
    case SCTL_SHAPE_GRANT_SEQUENCE_OPTION:
    case SCTL_SHAPE_REVOKE_SEQUENCE:
    case SCTL_SHAPE_DROP_FUNCTION:
    case SCTL_SHAPE_DROP_SEQUENCE:
    case SCTL_SHAPE_DROP_TYPE:
    case SCTL_SHAPE_DROP_DOMAIN:
    case SCTL_SHAPE_DROP_ROUTINE:
    case SCTL_SHAPE_ADD_ENUM_VALUE:
    case SCTL_SHAPE_ADD_ENUM_VALUE_AFTER:
    case SCTL_SHAPE_ADD_ENUM_VALUE_BEFORE:
    case SCTL_SHAPE_RENAME_TYPE:
    case SCTL_SHAPE_RENAME_FUNCTION:
    case SCTL_SHAPE_RENAME_ENUM_VALUE:
    case SCTL_SHAPE_RENAME_SEQUENCE:
    case SCTL_SHAPE_GRANT_ROLE:
    case SCTL_SHAPE_REVOKE_ROLE:
    case SCTL_SHAPE_GRANT_TABLE:
    case SCTL_SHAPE_GRANT_TABLE_OPTION:
    case SCTL_SHAPE_REVOKE_TABLE:
    case SCTL_SHAPE_GRANT_COLUMN:
    case SCTL_SHAPE_GRANT_COLUMN_OPTION:
    case SCTL_SHAPE_REVOKE_COLUMN:
    case SCTL_SHAPE_GRANT_SCHEMA:
    case SCTL_SHAPE_GRANT_SCHEMA_OPTION:
    case SCTL_SHAPE_REVOKE_SCHEMA:
    case SCTL_SHAPE_GRANT_FUNCTION:
    case SCTL_SHAPE_GRANT_FUNCTION_OPTION:
    case SCTL_SHAPE_REVOKE_FUNCTION:
    case SCTL_SHAPE_GRANT_DEFAULT:
    case SCTL_SHAPE_GRANT_DEFAULT_OPTION:
    case SCTL_SHAPE_REVOKE_DEFAULT:
    case SCTL_SHAPE_GRANT_DEFAULT_IN_SCHEMA:
    case SCTL_SHAPE_GRANT_DEFAULT_IN_SCHEMA_OPTION:
    case SCTL_SHAPE_REVOKE_DEFAULT_IN_SCHEMA:
        break;      /* no lock on a table's rows */
    }
}

/* A canonical statement making its object. */
static void of_make(const SctlSchema *s, const SctlObject *o,
                    const char *sql, const SctlStepFacts *f, SctlHazard *h)
{
    switch (o->kind) {
    case SCTL_K_TABLE:
        if (strstr(sql, " REFERENCES ")) {
            h->lock = SRE;
            h->also = "on the tables it references (the new table is "
                      "no one's yet)";
        }
        break;
    case SCTL_K_INDEX:
        set(h, SHARE, f->table_new ? NULL : SCANS);
        if (!f->table_new && f->has_rows)
            warn(h, "building an index without CONCURRENTLY blocks writes "
                    "to a table with rows for the whole build (--online "
                    "builds it concurrently)");
        break;
    case SCTL_K_CONSTRAINT:
        add_constraint(h, sctl_added_definition(sql, o->schema, o->table),
                       o->name, f, false);
        break;
    case SCTL_K_POLICY: set(h, AE, NULL); break;
    case SCTL_K_TRIGGER: set(h, SRE, NULL); break;
    case SCTL_K_ROLE:
    case SCTL_K_SCHEMA:
    case SCTL_K_EXTENSION:
    case SCTL_K_TYPE:
    case SCTL_K_COLUMN:
    case SCTL_K_VIEW:
    case SCTL_K_FUNCTION:
    case SCTL_K_PUBLICATION_TABLE: set(h, SUE, NULL); break;
    case SCTL_K_BUCKET:
    case SCTL_K_PUBLICATION:
    case SCTL_K_ROWS: set(h, "ROW EXCLUSIVE", NULL); break;
    case SCTL_K_SEQUENCE:
        break;
    }
    (void)s;
}

static void of_statement(const SctlSchema *s, const SctlStep *st,
                         const SctlStepFacts *f, SctlHazard *h)
{
    const SctlStatement *k = &s->statements[st->statement];
    const SctlObject *o = &s->objects[k->object];
    switch (k->role) {
    case SCTL_STMT_MAKE: of_make(s, o, k->sql, f, h); break;
    case SCTL_STMT_COMMENT:
        if (o->kind == SCTL_K_TABLE || o->kind == SCTL_K_COLUMN ||
            o->kind == SCTL_K_VIEW)
            h->lock = SUE;
        break;
    case SCTL_STMT_SWITCH:      /* `exact` rows: a delete */
        h->lock = o->kind == SCTL_K_ROWS ? "ROW EXCLUSIVE" : AE;
        break;
    case SCTL_STMT_GRANT: break;
    }
}

/* "schema.table" the step locks, when its object says. */
static char *target(const SctlSchema *s, const SctlStep *st)
{
    int i = st->statement >= 0 ? s->statements[st->statement].object
                               : st->object;
    if (i < 0)
        return NULL;
    const SctlObject *o = &s->objects[i];
    if (o->table)
        return sctl_printf("%s.%s", o->schema, o->table);
    if (o->kind == SCTL_K_TABLE || o->kind == SCTL_K_VIEW ||
        o->kind == SCTL_K_ROWS || o->kind == SCTL_K_SEQUENCE)
        return sctl_printf("%s.%s", o->schema, o->name);
    return NULL;
}

void sctl_hazard(const SctlSchema *s, const SctlStep *st,
                 const SctlStepFacts *f, SctlHazard *h)
{
    *h = (SctlHazard){0};
    if (st->why)
        return;
    if (st->shape >= 0)
        of_shape(s, st, (SctlShape)st->shape, f, h);
    else if (st->statement >= 0)
        of_statement(s, st, f, h);
    bool makes_table = st->statement >= 0 &&
        s->statements[st->statement].role == SCTL_STMT_MAKE &&
        s->objects[s->statements[st->statement].object].kind == SCTL_K_TABLE;
    if (h->lock && !makes_table)
        h->on = target(s, st);
    if (f->table_new && h->lock && h->lock != SRE)
        h->effect = NULL;   /* an empty new table: nothing to wait for */
}

void sctl_hazard_free(SctlHazard *h)
{
    free(h->on);
    h->on = NULL;
}

char *sctl_hazard_text(const SctlHazard *h, bool table_new)
{
    if (!h->lock)
        return NULL;
    SctlBuf b = {0};
    sctl_buf_printf(&b, "-- lock: %s", h->lock);
    if (h->on)
        sctl_buf_printf(&b, " on %s%s", h->on,
                        table_new ? " (made by this plan)" : "");
    if (h->also)
        sctl_buf_printf(&b, " %s", h->also);
    sctl_buf_printf(&b, "; %s", h->effect ? h->effect : "no rewrite, no "
                                                         "scan");
    if (h->warning)
        sctl_buf_printf(&b, "\n-- warning: %s", h->warning);
    return sctl_buf_take(&b);
}

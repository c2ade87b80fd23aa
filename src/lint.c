/*
 * lint.c — what a schema review would flag, as warnings with positions
 * (schemac check; --strict makes them errors): the findings of the seed
 * reviews, such as RLS on none of 42 tables and 2 of 114 foreign keys
 * indexed.  `allow RULE 'reason';` in an object silences one rule there,
 * and the reason must be written.
 */
#include "schemac.h"

#include <string.h>

static const char *const rules[] = {
    "no_rls", "rls_without_policy", "unindexed_foreign_key",
    "definer_without_search_path", "policy_ignores_caller", NULL,
};

typedef struct Lint {
    Arena *arena;
    Diag *diag;
    int tables, rls, fks, fks_indexed, policies, silenced;
} Lint;

static void warn(Lint *l, const Token *t, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void warn(Lint *l, const Token *t, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vat(l->diag, DIAG_WARNING, t->src, t->off, len ? len : t->len, fmt,
             ap);
    va_end(ap);
}

/* Is the rule silenced on this object?  Counted when it is. */
static bool allowed(Lint *l, const Decl *d, const char *rule)
{
    for (int i = 0; i < d->items.len; i++) {
        const Item *it = d->items.items[i];
        if (it->kind == ITEM_ALLOW &&
            strcmp(it->u.allow.rule.name, rule) == 0) {
            l->silenced++;
            return true;
        }
    }
    return false;
}

static void check_allows(Lint *l, const Decl *d)
{
    for (int i = 0; i < d->items.len; i++) {
        const Item *it = d->items.items[i];
        if (it->kind != ITEM_ALLOW)
            continue;
        const Ident *r = &it->u.allow.rule;
        bool known = false;
        for (int k = 0; rules[k] && !known; k++)
            known = strcmp(rules[k], r->name) == 0;
        if (!known)
            warn(l, r->tok, 0, "unknown lint rule \"%s\" (rules: no_rls, "
                 "rls_without_policy, unindexed_foreign_key, "
                 "definer_without_search_path, policy_ignores_caller)",
                 r->name);
        if (!it->u.allow.reason[0])
            warn(l, it->tok, 0, "allow %s needs a reason", r->name);
    }
}

/* ------------------------------------------------------ foreign keys */

/* Names of an index's leading columns, or a key's columns. */
static bool leads_with(const Vec *cols, const Vec *leading, bool elems)
{
    if (leading->len < cols->len)
        return false;
    for (int i = 0; i < cols->len; i++) {
        const char *want = ((Ident *)cols->items[i])->name;
        bool found = false;
        for (int k = 0; k < cols->len && !found; k++) {
            const char *have = elems
                ? ((IndexElem *)leading->items[k])->column
                : ((Ident *)leading->items[k])->name;
            found = have && strcmp(have, want) == 0;
        }
        if (!found)
            return false;
    }
    return true;
}

/* `col type unique` (or primary key) indexes that one column. */
static bool column_key(const Column *c, const Constraint *fk)
{
    if (fk->cols.len != 1 ||
        strcmp(((Ident *)fk->cols.items[0])->name, c->name.name) != 0)
        return false;
    return ast_column_constraint(c, CON_UNIQUE) ||
           ast_column_constraint(c, CON_PRIMARY_KEY);
}

/* An index (or key) whose first columns are the foreign key's. */
static bool covered(const Decl *t, const Constraint *fk)
{
    for (int i = 0; i < t->items.len; i++) {
        const Item *it = t->items.items[i];
        if (it->kind == ITEM_COLUMN && column_key(it->u.column, fk))
            return true;
        if (it->kind == ITEM_INDEX &&
            leads_with(&fk->cols, &it->u.index->elemv, true))
            return true;
        if (it->kind == ITEM_CONSTRAINT &&
            (it->u.constraint->kind == CON_PRIMARY_KEY ||
             it->u.constraint->kind == CON_UNIQUE) &&
            leads_with(&fk->cols, &it->u.constraint->cols, false))
            return true;
    }
    return t->pkey && leads_with(&fk->cols, &t->pkey->cols, false);
}

static void foreign_key(Lint *l, const Decl *t, const Constraint *fk)
{
    l->fks++;
    if (covered(t, fk)) {
        l->fks_indexed++;
        return;
    }
    if (allowed(l, t, "unindexed_foreign_key"))
        return;
    warn(l, fk->tok, 0, "no index on \"%s\" starts with the columns of "
         "foreign key \"%s\": deleting from \"%s\" scans the whole table",
         t->name.name, fk->name, fk->ref_table.name);
}

/* --------------------------------------------------------- policies */

/* A policy comparing columns to nothing that depends on who asks (no
 * function such as auth.uid(), no current_user, no setting) gives every
 * role it applies to the same rows: usually a forgotten tenant check. */
static bool ignores_caller(Lint *l, const Frag *f)
{
    if (!f->len)
        return false;
    PgParse r = pgsql_parse(l->arena, "SELECT (", f->src->text + f->off,
                            f->len, "\n)");
    if (!r.tree)
        return false;
    Vec refs = {0};
    pgsql_collect_refs(l->arena, r.tree, &refs);
    bool column = false;
    for (int i = 0; i < refs.len; i++) {
        const PgRef *ref = refs.items[i];
        if (ref->kind == REF_FUNCTION)
            return false;
        column |= ref->kind == REF_COLUMN;
    }
    /* current_user and friends are keywords, not calls, in the tree */
    static const char *const callers[] = {"current_user", "session_user",
                                          "current_role", NULL};
    char *text = arena_strndup(l->arena, f->src->text + f->off, f->len);
    for (char *c = text; *c; c++)
        *c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
    for (int i = 0; callers[i]; i++)
        if (strstr(text, callers[i]))
            return false;
    return column;
}

static void policy(Lint *l, const Decl *t, const Policy *p)
{
    l->policies++;
    if (!ignores_caller(l, &p->using_) && !ignores_caller(l, &p->check))
        return;
    if (allowed(l, t, "policy_ignores_caller"))
        return;
    warn(l, p->name.tok, 0, "policy \"%s\" on \"%s\" depends on nothing the "
         "caller controls (no auth.uid(), current_user or setting): every "
         "role it applies to gets the same rows", p->name.name,
         t->name.name);
}

/* ----------------------------------------------------------- tables */

static void table(Lint *l, const Decl *t)
{
    const Item *rls = NULL;
    int policies = 0;
    l->tables++;
    for (int i = 0; i < t->items.len; i++) {
        const Item *it = t->items.items[i];
        rls = it->kind == ITEM_RLS ? it : rls;
        policies += it->kind == ITEM_POLICY;
        if (it->kind == ITEM_POLICY)
            policy(l, t, it->u.policy);
        if (it->kind == ITEM_CONSTRAINT &&
            it->u.constraint->kind == CON_FOREIGN_KEY)
            foreign_key(l, t, it->u.constraint);
        for (int k = 0; it->kind == ITEM_COLUMN &&
                        k < it->u.column->cons.len; k++) {
            const Constraint *c = it->u.column->cons.items[k];
            if (c->kind == CON_FOREIGN_KEY)
                foreign_key(l, t, c);
        }
    }
    l->rls += rls != NULL;
    if (!rls && !allowed(l, t, "no_rls"))
        warn(l, t->name.tok, t->name.len, "table \"%s\" has no row level "
             "security", t->name.name);
    if (rls && !policies && !allowed(l, t, "rls_without_policy"))
        warn(l, rls->tok, 0, "row level security on \"%s\" with no policy: "
             "only roles that bypass it see any row", t->name.name);
}

static void function(Lint *l, const Decl *f)
{
    if (!f->attributes || !strstr(f->attributes, "SECURITY DEFINER") ||
        strstr(f->attributes, "SET search_path"))
        return;
    if (!allowed(l, f, "definer_without_search_path"))
        warn(l, f->name.tok, f->name.len, "security definer function \"%s\""
             " has no `set search_path`: a caller's objects can take the "
             "place of the ones it means", f->name.name);
}

void lint_program(Arena *a, const Program *p, Diag *d, FILE *out)
{
    Lint l = {a, d, 0, 0, 0, 0, 0, 0};
    int before = d->warnings + d->errors;
    for (int i = 0; i < p->decls.len; i++) {
        const Decl *decl = p->decls.items[i];
        if (decl->external)
            continue;
        check_allows(&l, decl);
        if (decl->kind == DECL_TABLE)
            table(&l, decl);
        if (decl->kind == DECL_FUNCTION)
            function(&l, decl);
    }
    fprintf(out, "lint: %d table%s, %d with row level security; %d of %d "
            "foreign keys indexed; %d polic%s; %d finding%s, %d silenced\n",
            l.tables, l.tables == 1 ? "" : "s", l.rls, l.fks_indexed, l.fks,
            l.policies, l.policies == 1 ? "y" : "ies",
            d->warnings + d->errors - before,
            d->warnings + d->errors - before == 1 ? "" : "s", l.silenced);
}

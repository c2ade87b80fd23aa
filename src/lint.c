/*
 * lint.c — what a schema review and Supabase's advisor (splinter) would
 * flag, as warnings at the DSL position (schemac check; --strict makes
 * them errors).  Each warning ends with its rule, `[rule]`, and
 * `allow RULE 'reason';` in the object silences that rule there; the
 * reason must be written.  The rules live in lint_*.c by family; this
 * file holds their list, `allow`, and the summary.  docs/lint.md lists
 * every rule with the advisor finding it matches.
 */
#include "lint.h"

#include <stdio.h>
#include <string.h>

/* Every rule, as `allow` and the warnings name it (docs/lint.md). */
static const char *const rules[] = {
    /* lint_rls.c */
    "no_rls", "rls_without_policy", "policy_exists_rls_disabled",
    "sensitive_columns_exposed",
    /* lint_policy.c */
    "auth_rls_initplan", "multiple_permissive_policies",
    "rls_policy_always_true", "rls_references_user_metadata",
    "policy_ignores_caller",
    /* lint_keys.c */
    "unindexed_foreign_key", "no_primary_key", "duplicate_index",
    "fkey_to_auth_unique",
    /* lint_function.c */
    "definer_without_search_path", "function_search_path_mutable",
    "anon_security_definer_function_executable",
    "authenticated_security_definer_function_executable",
    /* lint_view.c */
    "security_definer_view", "auth_users_exposed",
    "materialized_view_in_api", "extension_in_public",
    "public_bucket_allows_listing",
    /* lint_types.c (squawk) */
    "prefer_timestamptz", "ban_char_field", "prefer_text_field",
    "prefer_identity",
    NULL,
};

static bool allowed(Lint *l, const Decl *d, const char *rule)
{
    for (int i = 0; d && i < d->items.len; i++) {
        const Item *it = d->items.items[i];
        if (it->kind == ITEM_ALLOW &&
            strcmp(it->u.allow.rule.name, rule) == 0) {
            l->silenced++;
            return true;
        }
    }
    return false;
}

static bool vwarn(Lint *l, const Decl *d, const char *rule,
                  const Source *src, size_t off, size_t len,
                  const char *fmt, va_list ap)
{
    if (allowed(l, d, rule))
        return false;
    l->diag->rule = rule;
    diag_vat(l->diag, DIAG_WARNING, src, off, len, fmt, ap);
    l->diag->rule = NULL;
    return true;
}

bool lint_warn_at(Lint *l, const Decl *d, const char *rule,
                  const Source *src, size_t off, size_t len,
                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool said = vwarn(l, d, rule, src, off, len ? len : 1, fmt, ap);
    va_end(ap);
    return said;
}

bool lint_warn(Lint *l, const Decl *d, const char *rule, const Token *t,
               size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool said = vwarn(l, d, rule, t->src, t->off, len ? len : t->len, fmt,
                      ap);
    va_end(ap);
    return said;
}

char *lint_lower(Arena *a, const Frag *f)
{
    char *s = arena_strndup(a, f->src->text + f->off, f->len);
    for (char *c = s; *c; c++)
        *c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
    return s;
}

/* The matrix's object for a declaration (objects by address). */
const MatrixObject *lint_object(const Lint *l, const Decl *d)
{
    char key[32];
    snprintf(key, sizeof key, "%p", (const void *)d);
    return l->objects ? map_get(l->objects, key) : NULL;
}

const MatrixCell *lint_cell(const Lint *l, const Decl *d, const char *role,
                            MatrixCommand cmd)
{
    const MatrixObject *o = lint_object(l, d);
    for (int k = 0; o && k < o->cells.len; k++) {
        const MatrixCell *c = o->cells.items[k];
        if (c->cmd == cmd && strcmp(c->role, role) == 0)
            return c;
    }
    return NULL;
}

bool lint_exposed(const Lint *l, const char *schema)
{
    for (int i = 0; i < l->prog->decls.len; i++) {
        const Decl *d = l->prog->decls.items[i];
        if (d->kind != DECL_SCHEMA || strcmp(d->name.name, schema) != 0)
            continue;
        for (int k = 0; k < d->items.len; k++) {
            const Item *it = d->items.items[k];
            if (it->kind == ITEM_ATTRIBUTE &&
                strcmp(it->u.attribute.name, "NOT EXPOSED") == 0)
                return false;
        }
    }
    return true;
}

const char *lint_api_role(const Lint *l, const Decl *d, MatrixCommand cmd)
{
    static const char *const api[] = {"anon", "authenticated", NULL};
    if (!lint_exposed(l, d->schema))
        return NULL;
    for (int i = 0; l->prog->supabase && api[i]; i++) {
        const MatrixCell *c = lint_cell(l, d, api[i], cmd);
        if (c && c->granted && c->usage)
            return api[i];
    }
    return NULL;
}

/* `allow` names a rule that exists, and says why. */
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
        if (!known) {
            const char *near = parse_suggest(r->name, rules);
            diag_at(l->diag, DIAG_WARNING, r->tok->src, r->tok->off,
                    r->tok->len, "unknown lint rule \"%s\"%s%s%s (docs/"
                    "lint.md lists the rules)", r->name,
                    near ? "; did you mean \"" : "", near ? near : "",
                    near ? "\"?" : "");
        }
        if (!it->u.allow.reason[0])
            diag_at(l->diag, DIAG_WARNING, it->tok->src, it->tok->off,
                    it->tok->len, "allow %s needs a reason", r->name);
    }
}

void lint_program(Arena *a, const Program *p, Diag *d, FILE *out)
{
    Lint l = {.arena = a, .prog = p, .diag = d};
    if (p->supabase) {
        l.matrix = matrix_build(a, p);
        l.objects = map_new(a);
        for (int i = 0; i < l.matrix.objects.len; i++) {
            const MatrixObject *o = l.matrix.objects.items[i];
            char key[32];
            snprintf(key, sizeof key, "%p", (const void *)o->decl);
            map_put(l.objects, key, (void *)o);
        }
    }
    int before = d->warnings + d->errors;
    for (int i = 0; i < p->decls.len; i++) {
        const Decl *decl = p->decls.items[i];
        if (decl->external)
            continue;
        check_allows(&l, decl);
        switch (decl->kind) {
        case DECL_TABLE:
            if (decl->extends) {  /* the platform's: only its policies */
                lint_policies(&l, decl);
                break;
            }
            lint_tables_rls(&l, decl);
            lint_policies(&l, decl);
            lint_keys(&l, decl);
            lint_column_types(&l, decl);
            break;
        case DECL_FUNCTION:
            if (!decl->extends)   /* the platform's: its grants alone */
                lint_function(&l, decl);
            break;
        case DECL_VIEW: case DECL_MATVIEW: lint_view(&l, decl); break;
        case DECL_EXTENSION: lint_extension(&l, decl); break;
        case DECL_BUCKET:
            lint_policies(&l, decl);
            lint_bucket(&l, decl);
            break;
        case DECL_PLATFORM: case DECL_ROLE: case DECL_SCHEMA:
        case DECL_ENUM: case DECL_DOMAIN: case DECL_TYPE:
        case DECL_TEMPLATE: case DECL_TEST: case DECL_PUBLICATION:
        case DECL_SEQUENCE: case DECL_ROWS:
            break;
        }
    }
    int found = d->warnings + d->errors - before;
    fprintf(out, "lint: %d table%s, %d with row level security; %d of %d "
            "foreign keys indexed; %d polic%s; %d finding%s, %d silenced\n",
            l.tables, l.tables == 1 ? "" : "s", l.rls, l.fks_indexed, l.fks,
            l.policies, l.policies == 1 ? "y" : "ies", found,
            found == 1 ? "" : "s", l.silenced);
}

/*
 * lint_view.c — what the API roles reach around row level security:
 * views that run as their owner, views over auth.users, materialized
 * views (which have no row level security); extensions installed in
 * public; public buckets whose policies let clients list every file.
 */
#include "lint.h"

#include <string.h>

static const Item *first_item(const Decl *d, ItemKind kind)
{
    for (int i = 0; i < d->items.len; i++)
        if (((const Item *)d->items.items[i])->kind == kind)
            return d->items.items[i];
    return NULL;
}

static bool reads_auth_users(Lint *l, const Decl *v)
{
    const Item *q = first_item(v, ITEM_QUERY);
    if (!q)
        return false;
    const Frag *f = &q->u.query;
    PgParse r = pgsql_parse(l->arena, "", f->src->text + f->off, f->len, "");
    if (!r.tree)
        return false;
    Vec refs = {0};
    pgsql_collect_refs(l->arena, r.tree, &refs);
    for (int i = 0; i < refs.len; i++) {
        const PgRef *ref = refs.items[i];
        if (ref->kind == REF_RELATION && ref->schema &&
            strcmp(ref->schema, "auth") == 0 && strcmp(ref->name, "users") == 0)
            return true;
    }
    return false;
}

void lint_view(Lint *l, const Decl *v)
{
    const char *role = lint_api_role(l, v, MCMD_SELECT);
    if (!role)
        return;
    const MatrixObject *o = lint_object(l, v);
    bool invoker = o && o->invoker;
    if (v->kind == DECL_MATVIEW)
        lint_warn(l, v, "materialized_view_in_api", v->name.tok, v->name.len,
                  "%s reads materialized view \"%s\", which has no row "
                  "level security: revoke select from the API roles, or "
                  "move it to a schema they cannot use", role, v->name.name);
    else if (!invoker)
        lint_warn(l, v, "security_definer_view", v->name.tok, v->name.len,
                  "%s reads view \"%s\" with its owner's rights, past the "
                  "row level security of its tables: write `with "
                  "(security_invoker = true);`", role, v->name.name);
    if (reads_auth_users(l, v))
        lint_warn(l, v, "auth_users_exposed", v->name.tok, v->name.len,
                  "view \"%s\" shows auth.users to %s: read a profile table "
                  "of your own instead, or revoke select from the API roles",
                  v->name.name, role);
}

void lint_extension(Lint *l, const Decl *e)
{
    if (e->ext_schema.name && strcmp(e->ext_schema.name, "public") != 0)
        return;
    const Token *at = e->ext_schema.name ? e->ext_schema.tok : e->name.tok;
    lint_warn(l, e, "extension_in_public", at, 0,
              "extension \"%s\" is installed in schema public, where the "
              "API exposes its functions: write `schema extensions`",
              e->name.name);
}

void lint_bucket(Lint *l, const Decl *b)
{
    bool public = false;
    for (int i = 0; i < b->items.len; i++) {
        const Item *it = b->items.items[i];
        if (it->kind == ITEM_BUCKET_SETTING &&
            it->u.setting->kind == BUCKET_PUBLIC)
            public = it->u.setting->on;
    }
    for (int i = 0; public && i < b->items.len; i++) {
        const Item *it = b->items.items[i];
        if (it->kind != ITEM_POLICY || it->u.policy->restrictive ||
            (it->u.policy->cmd != POL_SELECT && it->u.policy->cmd != POL_ALL) ||
            !lint_policy_for_api(it->u.policy) ||
            !lint_clause_true(l, &it->u.policy->using_, true))
            continue;
        lint_warn(l, b, "public_bucket_allows_listing",
                  it->u.policy->name.tok, 0,
                  "bucket \"%s\" is public, so its files are read by URL "
                  "without a policy; select policy \"%s\" also lets clients "
                  "list every file: drop it, or limit it to the owner's files", b->name.name,
                  it->u.policy->name.name);
    }
}

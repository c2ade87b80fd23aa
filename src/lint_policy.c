/*
 * lint_policy.c — what a table's policies cost or give away:
 * auth.uid() and current_setting() run once per row instead of once per
 * statement (auth_rls_initplan), several permissive policies for one role
 * and command (each runs for every row), write policies that are always
 * true, user_metadata (which users edit themselves), and policies that
 * depend on nothing the caller controls.
 */
#include "lint.h"

#include <string.h>

#define WRAP_PREFIX "SELECT ("

static PgParse parse_expr(Lint *l, const Frag *f)
{
    return pgsql_parse(l->arena, WRAP_PREFIX, f->src->text + f->off, f->len,
                       "\n)");
}

/* ----------------------------------------------------- per-row calls */

/* Functions whose value is the same for every row of a statement, which
 * PostgreSQL still calls per row unless wrapped in (select ...). */
static bool per_statement(const PgRef *r)
{
    static const char *const auth[] = {"uid", "jwt", "role", "email", NULL};
    if (r->kind != REF_FUNCTION)
        return false;
    if (!r->schema && strcmp(r->name, "current_setting") == 0)
        return true;
    for (int i = 0; r->schema && strcmp(r->schema, "auth") == 0 && auth[i];
         i++)
        if (strcmp(r->name, auth[i]) == 0)
            return true;
    return false;
}

/* Locations of every FuncCall below n (any depth). */
static void func_locations(Arena *a, const Json *n, Vec *out)
{
    if (!n || (n->kind != JSON_OBJECT && n->kind != JSON_ARRAY))
        return;
    const Json *call = json_get(n, "FuncCall");
    if (call)
        vec_push(a, out, (void *)(long)(json_int(json_get(call, "location"),
                                                 -1) + 1));
    for (int i = 0; i < n->u.list.len; i++)
        func_locations(a, n->u.list.items[i], out);
}

/* Calls in the target list of a (select ...) that reads no table: run
 * once, as an init plan. */
static void wrapped_calls(Arena *a, const Json *n, Vec *out)
{
    if (!n || (n->kind != JSON_OBJECT && n->kind != JSON_ARRAY))
        return;
    const Json *sub = json_get(json_get(json_get(n, "SubLink"), "subselect"),
                               "SelectStmt");
    if (sub && !json_get(sub, "fromClause"))
        func_locations(a, json_get(sub, "targetList"), out);
    for (int i = 0; i < n->u.list.len; i++)
        wrapped_calls(a, n->u.list.items[i], out);
}

static bool in_list(const Vec *v, long loc)
{
    for (int i = 0; i < v->len; i++)
        if ((long)v->items[i] == loc + 1)
            return true;
    return false;
}

static void initplan(Lint *l, const Decl *t, const Policy *p, const Frag *f,
                     const PgParse r)
{
    if (!r.tree)
        return;
    Vec refs = {0}, wrapped = {0};
    pgsql_collect_refs(l->arena, r.tree, &refs);
    wrapped_calls(l->arena, r.tree, &wrapped);
    for (int i = 0; i < refs.len; i++) {
        const PgRef *ref = refs.items[i];
        if (!per_statement(ref) || ref->location < 0 ||
            in_list(&wrapped, ref->location))
            continue;
        size_t off = (size_t)(ref->location - (long)strlen(WRAP_PREFIX));
        const char *name = ref->schema
            ? arena_printf(l->arena, "%s.%s", ref->schema, ref->name)
            : ref->name;
        size_t len = strcspn(f->src->text + f->off + off, "(");
        const char *args = ref->nargs ? "..." : "";
        lint_warn_at(l, t, "auth_rls_initplan", f->src, f->off + off, len,
                     "policy \"%s\" calls %s(%s) for every row: write "
                     "(select %s(%s)) so that it runs once per statement",
                     p->name.name, name, args, name, args);
        return;  /* one per clause is enough to fix them all */
    }
}

/* ------------------------------------------- several permissive ones */

static const char *const commands[] = {"select", "insert", "update",
                                       "delete"};

static bool applies_to_cmd(const Policy *p, int cmd)
{
    return p->cmd == POL_ALL || (int)p->cmd == cmd + 1;
}

static bool applies_to_role(const Policy *p, const Vec *closure)
{
    if (p->roles.len == 0)
        return true;   /* PUBLIC */
    for (int i = 0; i < p->roles.len; i++) {
        const char *r = ((Ident *)p->roles.items[i])->name;
        for (int k = 0; k < closure->len; k++)
            if (strcmp(r, closure->items[k]) == 0)
                return true;
    }
    return false;
}

/* The roles a policy can be written for: declared ones and, under
 * Supabase, the API roles (service_role bypasses row level security). */
static void policy_roles(Lint *l, Vec *out)
{
    if (l->prog->supabase) {
        vec_push(l->arena, out, "anon");
        vec_push(l->arena, out, "authenticated");
    }
    for (int i = 0; i < l->prog->decls.len; i++) {
        const Decl *d = l->prog->decls.items[i];
        if (d->kind == DECL_ROLE && !d->external)
            vec_push(l->arena, out, (void *)d->name.name);
    }
    if (!out->len)
        vec_push(l->arena, out, "public");
}

static void permissive(Lint *l, const Decl *t, const Vec *pols)
{
    Vec roles = {0};
    policy_roles(l, &roles);
    for (int cmd = 0; cmd < 4; cmd++) {
        Buf who = {0}, names = {0};
        const Policy *second = NULL;
        int most = 0;
        for (int r = 0; r < roles.len; r++) {
            Vec closure = matrix_acl_closure(l->arena, l->prog,
                                             roles.items[r]);
            Vec hit = {0};
            for (int i = 0; i < pols->len; i++) {
                const Policy *p = pols->items[i];
                if (!p->restrictive && applies_to_cmd(p, cmd) &&
                    applies_to_role(p, &closure))
                    vec_push(l->arena, &hit, (void *)p);
            }
            if (hit.len < 2)
                continue;
            buf_printf(&who, "%s%s", who.len ? ", " : "",
                       (const char *)roles.items[r]);
            if (hit.len > most) {
                most = hit.len;
                second = hit.items[1];
                names.len = 0;
                for (int i = 0; i < hit.len; i++)
                    buf_printf(&names, "%s\"%s\"", i ? ", " : "",
                               ((const Policy *)hit.items[i])->name.name);
            }
        }
        if (second)
            lint_warn(l, t, "multiple_permissive_policies",
                      second->name.tok, 0,
                      "%d permissive policies on \"%s\" for %s by %s (%s): "
                      "each runs for every row; merge them into one",
                      most, t->name.name, commands[cmd], who.data,
                      names.data);
        buf_free(&who);
        buf_free(&names);
    }
}

/* ------------------------------------------------ what a policy says */

/* `true` or `1=1`, however parenthesised. */
static bool is_true(Lint *l, const Frag *f)
{
    if (!f->len)
        return false;
    char *s = lint_lower(l->arena, f);
    char *out = s;
    for (char *c = s; *c; c++)
        if (*c != '(' && *c != ')' && *c != ' ' && *c != '\t' && *c != '\n')
            *out++ = *c;
    *out = '\0';
    return strcmp(s, "true") == 0 || strcmp(s, "1=1") == 0;
}

/* Splinter 0024 looks at policies for PUBLIC or an API role only. */
bool lint_policy_for_api(const Policy *p)
{
    for (int i = 0; i < p->roles.len; i++) {
        const char *r = ((Ident *)p->roles.items[i])->name;
        if (strcmp(r, "anon") == 0 || strcmp(r, "authenticated") == 0 ||
            strcmp(r, "public") == 0)
            return true;
    }
    return p->roles.len == 0;
}

/* A clause that lets every row through: `true`, `1=1`, or none where
 * none means every row (using of update, delete and all; with check of
 * insert, and of update and all when their using is true). */
static void always_true(Lint *l, const Decl *t, const Policy *p)
{
    if (p->restrictive || p->cmd == POL_SELECT || !lint_policy_for_api(p))
        return;
    bool writes_rows = p->cmd != POL_INSERT;
    bool using_true = writes_rows &&
                      (!p->using_.len || is_true(l, &p->using_));
    bool check_true = p->cmd != POL_DELETE &&
                      (is_true(l, &p->check) ||
                       (!p->check.len && (p->cmd == POL_INSERT || using_true)));
    if (!using_true && !check_true)
        return;
    const Token *at = using_true && p->using_tok ? p->using_tok
                    : check_true && p->check_tok ? p->check_tok
                    : p->name.tok;
    lint_warn(l, t, "rls_policy_always_true", at, 0,
              "policy \"%s\" on \"%s\" lets every role it applies to %s any "
              "row (%s): compare a column with (select auth.uid())",
              p->name.name, t->name.name,
              p->cmd == POL_ALL ? "change" : commands[p->cmd - 1],
              using_true && check_true ? "using and with check are true"
              : using_true ? "its using is true" : "its with check is true");
}

static void user_metadata(Lint *l, const Decl *t, const Policy *p)
{
    const Frag *fs[] = {&p->using_, &p->check};
    for (int i = 0; i < 2; i++) {
        if (!fs[i]->len)
            continue;
        char *s = lint_lower(l->arena, fs[i]);
        char *at = strstr(s, "user_metadata");
        if (at) {
            lint_warn_at(l, t, "rls_references_user_metadata", fs[i]->src,
                         fs[i]->off + (size_t)(at - s),
                         strlen("user_metadata"),
                         "policy \"%s\" reads user_metadata, which every "
                         "user may change for themselves: use app_metadata",
                         p->name.name);
            return;
        }
    }
}

/* A policy comparing columns to nothing that depends on who asks (no
 * function such as auth.uid(), no current_user, no setting) gives every
 * role it applies to the same rows: usually a forgotten tenant check. */
static bool ignores_caller(Lint *l, const Frag *f, const PgParse r)
{
    if (!f->len || !r.tree)
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
    char *text = lint_lower(l->arena, f);
    for (int i = 0; callers[i]; i++)
        if (strstr(text, callers[i]))
            return false;
    return column;
}

void lint_policies(Lint *l, const Decl *t)
{
    Vec pols = {0};
    for (int i = 0; i < t->items.len; i++) {
        const Item *it = t->items.items[i];
        if (it->kind != ITEM_POLICY)
            continue;
        const Policy *p = it->u.policy;
        vec_push(l->arena, &pols, (void *)p);
        l->policies++;
        /* each clause parsed once, for every rule that reads it */
        PgParse u = p->using_.len ? parse_expr(l, &p->using_) : (PgParse){0};
        PgParse c = p->check.len ? parse_expr(l, &p->check) : (PgParse){0};
        initplan(l, t, p, &p->using_, u);
        initplan(l, t, p, &p->check, c);
        user_metadata(l, t, p);
        if (t->kind == DECL_BUCKET)
            continue;  /* storage.objects: the advisor checks no more */
        always_true(l, t, p);
        if (ignores_caller(l, &p->using_, u) ||
            ignores_caller(l, &p->check, c))
            lint_warn(l, t, "policy_ignores_caller", p->name.tok, 0,
                      "policy \"%s\" on \"%s\" depends on nothing the "
                      "caller controls (no auth.uid(), current_user or "
                      "setting): every role it applies to gets the same "
                      "rows", p->name.name, t->name.name);
    }
    if (t->kind != DECL_BUCKET)
        permissive(l, t, &pols);
}

bool lint_clause_true(Lint *l, const Frag *f, bool absent)
{
    return f->len ? is_true(l, f) : absent;
}

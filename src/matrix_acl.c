/*
 * matrix_acl.c — privileges as PostgreSQL keeps them, replayed from the
 * declarations: an object starts with the privileges its creation gives
 * (PostgreSQL's and, under `platform supabase;`, Supabase's default
 * privileges), then its grant and revoke items apply in written order.
 * Roles hold the privileges of the roles they are members of, and of
 * PUBLIC; policies apply to the members of the roles they name.
 */
#include "schemac.h"

#include <string.h>

enum {
    PRIV_SELECT = 1 << 0,
    PRIV_INSERT = 1 << 1,
    PRIV_UPDATE = 1 << 2,
    PRIV_DELETE = 1 << 3,
    PRIV_TRUNCATE = 1 << 4,
    PRIV_REFERENCES = 1 << 5,
    PRIV_TRIGGER = 1 << 6,
    PRIV_EXECUTE = 1 << 7,
    PRIV_USAGE = 1 << 8,
    PRIV_CREATE = 1 << 9,
    PRIV_RELATION = PRIV_SELECT | PRIV_INSERT | PRIV_UPDATE | PRIV_DELETE |
                    PRIV_TRUNCATE | PRIV_REFERENCES | PRIV_TRIGGER
};

typedef struct ColumnPriv {
    const char *column;
    unsigned privs;
} ColumnPriv;

typedef struct AclEntry {
    const char *role;      /* "public" for PUBLIC */
    unsigned privs;        /* on the whole object */
    Vec columns;           /* ColumnPriv* */
} AclEntry;

struct MatrixAcl {
    Vec entries;           /* AclEntry* */
    unsigned all;          /* what `all` means on this kind of object */
};

static const char *const platform_roles[] = {"anon", "authenticated",
                                             "service_role", NULL};

static AclEntry *entry(Arena *a, MatrixAcl *acl, const char *role)
{
    for (int i = 0; i < acl->entries.len; i++) {
        AclEntry *e = acl->entries.items[i];
        if (strcmp(e->role, role) == 0)
            return e;
    }
    AclEntry *e = arena_alloc(a, sizeof *e);
    e->role = role;
    vec_push(a, &acl->entries, e);
    return e;
}

static unsigned priv_bits(const char *name, unsigned all)
{
    static const struct { const char *name; unsigned bit; } privs[] = {
        {"select", PRIV_SELECT}, {"insert", PRIV_INSERT},
        {"update", PRIV_UPDATE}, {"delete", PRIV_DELETE},
        {"truncate", PRIV_TRUNCATE}, {"references", PRIV_REFERENCES},
        {"trigger", PRIV_TRIGGER}, {"execute", PRIV_EXECUTE},
        {"usage", PRIV_USAGE}, {"create", PRIV_CREATE},
    };
    if (strcmp(name, "all") == 0)
        return all;
    for (size_t i = 0; i < sizeof privs / sizeof *privs; i++)
        if (strcmp(name, privs[i].name) == 0)
            return privs[i].bit & all;
    return 0;
}

static void set_column(Arena *a, AclEntry *e, const char *column,
                       unsigned bits, bool revoke)
{
    for (int i = 0; i < e->columns.len; i++) {
        ColumnPriv *c = e->columns.items[i];
        if (strcmp(c->column, column) == 0) {
            c->privs = revoke ? c->privs & ~bits : c->privs | bits;
            return;
        }
    }
    if (revoke)
        return;
    ColumnPriv *c = arena_alloc(a, sizeof *c);
    c->column = column;
    c->privs = bits;
    vec_push(a, &e->columns, c);
}

/* A table-wide revoke takes the column privileges too, as in PostgreSQL. */
static void apply_to_role(Arena *a, MatrixAcl *acl, const Grant *g,
                          const char *role, unsigned bits)
{
    AclEntry *e = entry(a, acl, role);
    if (g->cols.len) {
        for (int i = 0; i < g->cols.len; i++)
            set_column(a, e, ((Ident *)g->cols.items[i])->name, bits,
                       g->revoke);
        return;
    }
    if (!g->revoke) {
        e->privs |= bits;
        return;
    }
    e->privs &= ~bits;
    for (int i = 0; i < e->columns.len; i++)
        ((ColumnPriv *)e->columns.items[i])->privs &= ~bits;
}

static void apply_grant(Arena *a, MatrixAcl *acl, const Grant *g)
{
    if (g->revoke && g->grant_option)
        return;  /* takes the grant option only, not the privilege */
    unsigned bits = 0;
    for (int i = 0; i < g->privs.len; i++)
        bits |= priv_bits(((Ident *)g->privs.items[i])->name, acl->all);
    for (int i = 0; i < g->roles.len; i++)
        apply_to_role(a, acl, g, ((Ident *)g->roles.items[i])->name, bits);
}

static void grant_platform(Arena *a, MatrixAcl *acl, unsigned bits)
{
    for (int i = 0; platform_roles[i]; i++)
        entry(a, acl, platform_roles[i])->privs |= bits;
}

static void apply_items(Arena *a, MatrixAcl *acl, const Decl *d)
{
    for (int i = 0; i < d->items.len; i++) {
        const Item *it = d->items.items[i];
        if (it->kind == ITEM_GRANT)
            apply_grant(a, acl, it->u.grant);
    }
}

/*
 * Defaults at creation: functions are executable by PUBLIC; Supabase's
 * default privileges in schema public give the API roles everything on
 * new relations and functions; storage.objects is granted to them whole.
 */
MatrixAcl *matrix_acl_object(Arena *a, const Program *p,
                             const MatrixObject *o)
{
    MatrixAcl *acl = arena_alloc(a, sizeof *acl);
    bool fn = o->kind == MOBJ_FUNCTION;
    acl->all = fn ? PRIV_EXECUTE : PRIV_RELATION;
    if (fn)
        entry(a, acl, "public")->privs |= PRIV_EXECUTE;
    if (p->supabase && (o->kind == MOBJ_BUCKET ||
                        strcmp(o->schema, "public") == 0))
        grant_platform(a, acl, acl->all);
    apply_items(a, acl, o->decl);
    return acl;
}

static const Decl *find_role(const Program *p, const char *name)
{
    for (int i = 0; i < p->decls.len; i++) {
        const Decl *d = p->decls.items[i];
        if (d->kind == DECL_ROLE && strcmp(d->name.name, name) == 0)
            return d;
    }
    return NULL;
}

static bool in_vec(const Vec *v, const char *s)
{
    for (int i = 0; i < v->len; i++)
        if (strcmp(v->items[i], s) == 0)
            return true;
    return false;
}

/* Declared roles inherit (PostgreSQL's default); a cycle ends at a role
 * already seen. */
static void add_closure(Arena *a, const Program *p, const char *role,
                        Vec *out)
{
    if (in_vec(out, role))
        return;
    vec_push(a, out, (void *)role);
    const Decl *d = find_role(p, role);
    for (int i = 0; d && i < d->items.len; i++) {
        const Item *it = d->items.items[i];
        if (it->kind != ITEM_IN_ROLE)
            continue;
        for (int j = 0; j < it->u.in_roles.len; j++)
            add_closure(a, p, ((Ident *)it->u.in_roles.items[j])->name, out);
    }
}

Vec matrix_acl_closure(Arena *a, const Program *p, const char *role)
{
    Vec out = {0};
    add_closure(a, p, role, &out);
    if (!in_vec(&out, "public"))
        vec_push(a, &out, "public");
    return out;
}

static unsigned held(const MatrixAcl *acl, const Vec *closure)
{
    unsigned bits = 0;
    for (int i = 0; i < acl->entries.len; i++) {
        const AclEntry *e = acl->entries.items[i];
        if (in_vec(closure, e->role))
            bits |= e->privs;
    }
    return bits;
}

/* public has USAGE for PUBLIC in PostgreSQL 15; Supabase grants its own
 * schemas (and public) to the API roles; a declared schema adds its own. */
bool matrix_acl_schema_usage(Arena *a, const Program *p, const char *schema,
                             const Vec *closure)
{
    MatrixAcl acl = {.all = PRIV_USAGE | PRIV_CREATE};
    if (strcmp(schema, "public") == 0)
        entry(a, &acl, "public")->privs |= PRIV_USAGE;
    if (sema_platform_schema(p, schema) && p->supabase)
        grant_platform(a, &acl, PRIV_USAGE);
    for (int i = 0; i < p->decls.len; i++) {
        const Decl *d = p->decls.items[i];
        if (d->kind == DECL_SCHEMA && strcmp(d->name.name, schema) == 0)
            apply_items(a, &acl, d);
    }
    return held(&acl, closure) & PRIV_USAGE;
}

static unsigned command_bit(MatrixCommand c)
{
    switch (c) {
    case MCMD_SELECT: return PRIV_SELECT;
    case MCMD_INSERT: return PRIV_INSERT;
    case MCMD_UPDATE: return PRIV_UPDATE;
    case MCMD_DELETE: return PRIV_DELETE;
    case MCMD_EXECUTE: return PRIV_EXECUTE;
    }
    return 0;
}

static bool column_held(const MatrixAcl *acl, const Vec *closure,
                        const char *column, unsigned bit)
{
    for (int i = 0; i < acl->entries.len; i++) {
        const AclEntry *e = acl->entries.items[i];
        for (int j = 0; in_vec(closure, e->role) && j < e->columns.len; j++) {
            const ColumnPriv *c = e->columns.items[j];
            if (strcmp(c->column, column) == 0 && (c->privs & bit))
                return true;
        }
    }
    return false;
}

/* Columns in table order; a view's (whose columns are not known here) in
 * the order first granted. */
static void granted_columns(Arena *a, const MatrixAcl *acl,
                            const MatrixObject *o, const Vec *closure,
                            unsigned bit, Vec *out)
{
    const Vec *cols = &o->decl->columns;
    for (int i = 0; o->kind == MOBJ_TABLE && i < cols->len; i++) {
        const char *name = ((Column *)cols->items[i])->name.name;
        if (column_held(acl, closure, name, bit))
            vec_push(a, out, (void *)name);
    }
    if (o->kind == MOBJ_TABLE)
        return;
    for (int i = 0; i < acl->entries.len; i++) {
        const AclEntry *e = acl->entries.items[i];
        for (int j = 0; j < e->columns.len; j++) {
            const char *name = ((ColumnPriv *)e->columns.items[j])->column;
            if (!in_vec(out, name) && column_held(acl, closure, name, bit))
                vec_push(a, out, (void *)name);
        }
    }
}

static bool policy_applies(const Policy *pol, MatrixCommand cmd,
                           const Vec *closure)
{
    bool for_cmd = false;
    switch (pol->cmd) {
    case POL_ALL: for_cmd = cmd != MCMD_EXECUTE; break;
    case POL_SELECT: for_cmd = cmd == MCMD_SELECT; break;
    case POL_INSERT: for_cmd = cmd == MCMD_INSERT; break;
    case POL_UPDATE: for_cmd = cmd == MCMD_UPDATE; break;
    case POL_DELETE: for_cmd = cmd == MCMD_DELETE; break;
    }
    if (!for_cmd || pol->roles.len == 0)
        return for_cmd;
    for (int i = 0; i < pol->roles.len; i++)
        if (in_vec(closure, ((Ident *)pol->roles.items[i])->name))
            return true;
    return false;
}

static void collect_policies(Arena *a, const MatrixObject *o,
                             const Vec *closure, MatrixCell *cell)
{
    const Decl *d = o->decl;
    for (int i = 0; o->rls && i < d->items.len; i++) {
        const Item *it = d->items.items[i];
        if (it->kind != ITEM_POLICY ||
            !policy_applies(it->u.policy, cell->cmd, closure))
            continue;
        vec_push(a, it->u.policy->restrictive ? &cell->restrictive
                                              : &cell->policies,
                 (void *)it->u.policy->name.name);
    }
}

void matrix_acl_cell(Arena *a, const Program *p, const MatrixAcl *acl,
                     const MatrixObject *o, const Vec *closure,
                     MatrixCell *cell)
{
    unsigned bit = command_bit(cell->cmd);
    if (strcmp(cell->role, MATRIX_OWNER) == 0) {
        /* holds every privilege; held to the policies only when forced */
        cell->granted = true;
        cell->bypass = !o->forced;
        collect_policies(a, o, closure, cell);
        return;
    }
    cell->granted = held(acl, closure) & bit;
    if (!cell->granted && o->kind != MOBJ_FUNCTION) {
        granted_columns(a, acl, o, closure, bit, &cell->columns);
        cell->granted = cell->columns.len > 0;
    }
    /* BYPASSRLS is an attribute of the role itself, not inherited */
    cell->bypass = p->supabase && strcmp(cell->role, "service_role") == 0;
    collect_policies(a, o, closure, cell);
}

/*
 * matrix.c — the access matrix of a checked program: for every role and
 * object (table, view, materialized view, function, bucket) and command,
 * whether the role holds the privilege, which policies apply to it, and
 * what access that amounts to.  Computed from the declarations alone, with
 * PostgreSQL's defaults (EXECUTE on functions and USAGE on schema public to
 * PUBLIC) and, under `platform supabase;`, Supabase's (see docs/matrix.md).
 * The privilege bookkeeping is in matrix_acl.c.
 */
#include "schemac.h"

#include <stdlib.h>
#include <string.h>

/* ORDER: MatrixKind */
static const char *const kind_names[] = {
    "table", "view", "materialized view", "function", "bucket"};
_Static_assert(sizeof kind_names / sizeof *kind_names == MOBJ_BUCKET + 1,
               "kind_names follows MatrixKind");

/* ORDER: MatrixCommand */
static const char *const command_names[] = {
    "select", "insert", "update", "delete", "execute"};
_Static_assert(sizeof command_names / sizeof *command_names ==
                   MCMD_EXECUTE + 1,
               "command_names follows MatrixCommand");

const char *matrix_kind_name(MatrixKind k) { return kind_names[k]; }
const char *matrix_command_name(MatrixCommand c) { return command_names[c]; }

static const char *const platform_roles[] = {"anon", "authenticated",
                                             "service_role", NULL};

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Declared roles, the platform's, "public" (every role) and the owner,
 * sorted (the owner's "(" comes first). */
static void collect_roles(Arena *a, const Program *p, Vec *roles)
{
    for (int i = 0; i < p->decls.len; i++) {
        const Decl *d = p->decls.items[i];
        if (d->kind == DECL_ROLE && !d->external)
            vec_push(a, roles, (void *)d->name.name);
    }
    for (int i = 0; p->supabase && platform_roles[i]; i++)
        vec_push(a, roles, (void *)platform_roles[i]);
    vec_push(a, roles, "public");
    vec_push(a, roles, MATRIX_OWNER);
    qsort(roles->items, (size_t)roles->len, sizeof(void *), compare_strings);
}

static bool has_item(const Decl *d, ItemKind kind, const Item **found)
{
    for (int i = 0; i < d->items.len; i++) {
        const Item *it = d->items.items[i];
        if (it->kind == kind) {
            if (found)
                *found = it;
            return true;
        }
    }
    return false;
}

/* `with (security_invoker = true)`, written in any of the ways SQL takes. */
static bool view_is_invoker(Arena *a, const Decl *d)
{
    const Item *it;
    if (!has_item(d, ITEM_OPTIONS, &it))
        return false;
    char *s = arena_strndup(a, it->u.options.src->text + it->u.options.off,
                            it->u.options.len);
    for (char *c = s; *c; c++)
        *c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
    const char *at = strstr(s, "security_invoker");
    bool on = false;
    if (at) {
        at += strlen("security_invoker");
        at += strspn(at, " \t\n=");
        on = strncmp(at, "true", 4) == 0 || strncmp(at, "on", 2) == 0 ||
             strncmp(at, "1", 1) == 0 || strncmp(at, "'true'", 6) == 0 ||
             strncmp(at, "yes", 3) == 0;
    }
    return on;
}

static MatrixObject *new_object(Arena *a, const Decl *d, MatrixKind kind)
{
    MatrixObject *o = arena_alloc(a, sizeof *o);
    o->kind = kind;
    o->decl = d;
    o->schema = kind == MOBJ_BUCKET ? "storage" : d->schema;
    Buf b = {0};
    if (kind == MOBJ_BUCKET)
        buf_puts(&b, d->name.name);
    else
        quote_qname(&b, d->schema, d->name.name);
    if (kind == MOBJ_FUNCTION)
        buf_printf(&b, "(%s)", d->sigtypes ? d->sigtypes : "");
    o->name = arena_strdup(a, b.data);
    buf_free(&b);
    const Item *rls = NULL;
    o->rls = kind == MOBJ_BUCKET || has_item(d, ITEM_RLS, &rls);
    o->forced = rls && rls->u.forced;
    o->invoker = kind == MOBJ_VIEW && view_is_invoker(a, d);
    return o;
}

/* A platform's table is not in the matrix even where the schema adds
 * policies to it: its grants are the platform's, which it cannot see. */
static bool object_kind(const Decl *d, MatrixKind *kind)
{
    if (d->external || d->extends)
        return false;
    switch (d->kind) {
    case DECL_TABLE: *kind = MOBJ_TABLE; return true;
    case DECL_VIEW: *kind = MOBJ_VIEW; return true;
    case DECL_MATVIEW: *kind = MOBJ_MATVIEW; return true;
    case DECL_FUNCTION: *kind = MOBJ_FUNCTION; return true;
    case DECL_BUCKET: *kind = MOBJ_BUCKET; return true;
    case DECL_PLATFORM: case DECL_EXTENSION: case DECL_ROLE:
    case DECL_SCHEMA: case DECL_ENUM: case DECL_DOMAIN: case DECL_TYPE:
    case DECL_TEMPLATE: case DECL_TEST: case DECL_PUBLICATION:
    case DECL_SEQUENCE: case DECL_ROWS:
        return false;
    }
    return false;
}

static int compare_objects(const void *pa, const void *pb)
{
    const MatrixObject *a = *(MatrixObject *const *)pa;
    const MatrixObject *b = *(MatrixObject *const *)pb;
    if (a->kind != b->kind)
        return (int)a->kind - (int)b->kind;
    return strcmp(a->name, b->name);
}

/* The commands of a kind: functions execute, materialized views are read. */
static int commands_of(MatrixKind k, MatrixCommand out[4])
{
    switch (k) {
    case MOBJ_FUNCTION: out[0] = MCMD_EXECUTE; return 1;
    case MOBJ_MATVIEW: out[0] = MCMD_SELECT; return 1;
    case MOBJ_TABLE: case MOBJ_VIEW: case MOBJ_BUCKET:
        break;
    }
    for (int i = 0; i < 4; i++)
        out[i] = (MatrixCommand)i;
    return 4;
}

/* "a", "b": policy names as SQL writes them. */
static void put_names(Buf *b, const Vec *names)
{
    for (int i = 0; i < names->len; i++) {
        buf_puts(b, i ? ", \"" : "\"");
        for (const char *c = names->items[i]; *c; c++) {
            if (*c == '"')
                buf_putc(b, '"');  /* doubled, as in SQL */
            buf_putc(b, *c);
        }
        buf_putc(b, '"');
    }
}

/* What the privileges and policies amount to for one role and command. */
static void put_access(Buf *b, const MatrixObject *o, const MatrixCell *c)
{
    if (!c->granted) {
        buf_puts(b, "none");
    } else if (!c->usage) {
        buf_printf(b, "none (no usage on schema %s)", o->schema);
    } else if (o->kind == MOBJ_FUNCTION) {
        buf_puts(b, "execute");
    } else if (o->kind == MOBJ_VIEW && o->invoker) {
        buf_puts(b, "as invoker (the role's access to the tables read)");
    } else if (o->kind == MOBJ_VIEW || o->kind == MOBJ_MATVIEW) {
        buf_puts(b, c->cmd == MCMD_SELECT ? "all rows (read as the owner)"
                     : "all rows (as the owner, if the view is updatable)");
    } else if (!o->rls) {
        buf_puts(b, "all rows");
    } else if (c->bypass) {
        buf_puts(b, "all rows (bypasses row level security)");
    } else if (c->policies.len == 0) {
        buf_puts(b, "none (row level security, no policy)");
    } else {
        buf_puts(b, "rows: ");
        put_names(b, &c->policies);
        if (c->restrictive.len) {
            buf_puts(b, "; restricted by ");
            put_names(b, &c->restrictive);
        }
    }
}

static void set_access(Arena *a, const MatrixObject *o, MatrixCell *c)
{
    Buf b = {0};
    put_access(&b, o, c);
    c->open = strncmp(b.data, "none", 4) != 0;
    if (c->columns.len && c->open) {
        buf_puts(&b, " (columns ");
        for (int i = 0; i < c->columns.len; i++) {
            if (i)
                buf_puts(&b, ", ");
            quote_ident(&b, c->columns.items[i]);
        }
        buf_puts(&b, ")");
    }
    c->access = arena_strdup(a, b.data);
    buf_free(&b);
}

static void fill_cells(Arena *a, const Program *p, const Vec *roles,
                       MatrixObject *o)
{
    MatrixAcl *acl = matrix_acl_object(a, p, o);
    MatrixCommand cmds[4];
    int n = commands_of(o->kind, cmds);
    for (int r = 0; r < roles->len; r++) {
        const char *role = roles->items[r];
        bool owner = strcmp(role, MATRIX_OWNER) == 0;
        if (owner && o->kind == MOBJ_BUCKET)
            continue;  /* storage.objects belongs to the platform */
        Vec closure = matrix_acl_closure(a, p, role);
        bool usage = owner ||
                     matrix_acl_schema_usage(a, p, o->schema, &closure);
        for (int c = 0; c < n; c++) {
            MatrixCell *cell = arena_alloc(a, sizeof *cell);
            cell->role = role;
            cell->cmd = cmds[c];
            cell->usage = usage;
            matrix_acl_cell(a, p, acl, o, &closure, cell);
            set_access(a, o, cell);
            vec_push(a, &o->cells, cell);
        }
    }
}

Matrix matrix_build(Arena *a, const Program *p)
{
    Matrix m = {0};
    collect_roles(a, p, &m.roles);
    for (int i = 0; i < p->decls.len; i++) {
        const Decl *d = p->decls.items[i];
        MatrixKind kind;
        if (object_kind(d, &kind))
            vec_push(a, &m.objects, new_object(a, d, kind));
    }
    if (m.objects.len > 1)
        qsort(m.objects.items, (size_t)m.objects.len, sizeof(void *),
              compare_objects);
    for (int i = 0; i < m.objects.len; i++)
        fill_cells(a, p, &m.roles, m.objects.items[i]);
    return m;
}

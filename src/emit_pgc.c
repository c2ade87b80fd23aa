/*
 * emit_pgc.c — the ECPG source of a schema's executable.
 *
 * Every statement schemactl may run is a static EXEC SQL statement, so
 * ecpg checks its syntax at build time: the creations of the canonical
 * SQL, and the repairs of each object (add a column, set or drop a
 * default or NOT NULL, change a type, drop and re-create a constraint,
 * index, policy or trigger, replace a function or view, switch row level
 * security).  A table of declared objects says what each statement acts
 * on; the runtime (src/runtime) decides which to run.
 */
#include "schemac.h"

#include <string.h>

typedef struct PgcObject {
    const char *kind;        /* SctlKind constant name */
    const char *schema, *table, *name, *signature;
    int parent;
    const Token *at;
    bool grants, comment, in_parent;
} PgcObject;

typedef struct PgcStmt {
    int object;
    const char *action;      /* SctlAction constant name */
    char *sql;
    const Token *at;
    bool canonical;          /* part of making the schema from nothing */
} PgcStmt;

typedef struct Pgc {
    Arena *a;
    Vec objects;             /* PgcObject* */
    Vec stmts;               /* PgcStmt* */
    Map *index;              /* key -> object number + 1 */
    Vec schemas;             /* names of managed schemas */
} Pgc;

static const char *key_of(Pgc *g, const char *kind, const char *schema,
                          const char *table, const char *name)
{
    return arena_printf(g->a, "%s\x1f%s\x1f%s\x1f%s", kind,
                        schema ? schema : "", table ? table : "", name);
}

static int add_object(Pgc *g, const char *kind, const char *schema,
                      const char *table, const char *name, const Token *at)
{
    const char *key = key_of(g, kind, schema, table, name);
    void *found = map_get(g->index, key);
    if (found)
        return (int)(intptr_t)found - 1;
    PgcObject *o = arena_alloc(g->a, sizeof *o);
    *o = (PgcObject){kind, schema, table, name, NULL, -1, at, false, false,
                     false};
    vec_push(g->a, &g->objects, o);
    map_put(g->index, key, (void *)(intptr_t)g->objects.len);
    return g->objects.len - 1;
}

static PgcObject *object(Pgc *g, int i)
{
    return g->objects.items[i];
}

static void add_stmt(Pgc *g, int obj, const char *action, Buf *sql,
                     const Token *at)
{
    PgcStmt *st = arena_alloc(g->a, sizeof *st);
    st->object = obj;
    st->action = action;
    st->sql = arena_strndup(g->a, sql->data ? sql->data : "", sql->len);
    st->at = at;
    bool create = strcmp(action, "SCTL_CREATE") == 0 ||
                  strcmp(action, "SCTL_CREATE_CONCURRENTLY") == 0;
    st->canonical = (create && !object(g, obj)->in_parent) ||
                    strcmp(action, "SCTL_GRANT") == 0 ||
                    strcmp(action, "SCTL_COMMENT") == 0;
    vec_push(g->a, &g->stmts, st);
    buf_free(sql);
}

/* The object a declaration itself makes. */
static int decl_object(Pgc *g, const Decl *d)
{
    switch (d->kind) {
    case DECL_ROLE:
        return add_object(g, "SCTL_K_ROLE", NULL, NULL, d->name.name,
                          d->name.tok);
    case DECL_SCHEMA:
        return add_object(g, "SCTL_K_SCHEMA", d->name.name, NULL,
                          d->name.name, d->name.tok);
    case DECL_EXTENSION:
        return add_object(g, "SCTL_K_EXTENSION", NULL, NULL, d->name.name,
                          d->name.tok);
    case DECL_ENUM:
    case DECL_DOMAIN:
    case DECL_TYPE:
        return add_object(g, "SCTL_K_TYPE", d->schema, NULL, d->name.name,
                          d->name.tok);
    case DECL_TABLE:
        return add_object(g, "SCTL_K_TABLE", d->schema, NULL, d->name.name,
                          d->name.tok);
    case DECL_VIEW:
    case DECL_MATVIEW:
        return add_object(g, "SCTL_K_VIEW", d->schema, NULL, d->name.name,
                          d->name.tok);
    case DECL_FUNCTION:
        return add_object(g, "SCTL_K_FUNCTION", d->schema, NULL,
                          arena_printf(g->a, "%s(%s)", d->name.name,
                                       d->argtypes), d->name.tok);
    case DECL_BUCKET:
        return add_object(g, "SCTL_K_BUCKET", "storage", NULL, d->name.name,
                          d->name.tok);
    case DECL_PLATFORM:
    case DECL_TEMPLATE:
    case DECL_TEST:
        break;
    }
    return -1;
}

/* "ALTER TABLE s.t " followed by what. */
static Buf alter_table(const Decl *t, const char *what)
{
    Buf b = {0};
    buf_puts(&b, "ALTER TABLE ");
    quote_qname(&b, t->schema, t->name.name);
    buf_puts(&b, " ");
    buf_puts(&b, what);
    return b;
}

static Buf alter_column(const Decl *t, const Column *c, const char *what)
{
    Buf b = alter_table(t, "ALTER COLUMN ");
    quote_ident(&b, c->name.name);
    buf_printf(&b, " %s", what);
    return b;
}

/* Adding a column, and every change of its definition that keeps data. */
static void column_statements(Pgc *g, const Decl *t, int table, Column *c)
{
    int o = add_object(g, "SCTL_K_COLUMN", t->schema, t->name.name,
                       c->name.name, c->name.tok);
    object(g, o)->parent = table;
    object(g, o)->in_parent = true;
    Buf b = alter_table(t, "ADD COLUMN ");
    emit_sql_column(&b, c);
    add_stmt(g, o, "SCTL_CREATE", &b, c->name.tok);
    const Constraint *dflt = ast_column_constraint(c, CON_DEFAULT);
    if (dflt) {
        b = alter_column(t, c, "SET DEFAULT ");
        buf_put(&b, dflt->expr.src->text + dflt->expr.off, dflt->expr.len);
        add_stmt(g, o, "SCTL_SET_DEFAULT", &b, dflt->tok);
    }
    b = alter_column(t, c, "DROP DEFAULT");
    add_stmt(g, o, "SCTL_DROP_DEFAULT", &b, c->name.tok);
    b = alter_column(t, c, "SET NOT NULL");
    add_stmt(g, o, "SCTL_SET_NOT_NULL", &b, c->name.tok);
    b = alter_column(t, c, "DROP NOT NULL");
    add_stmt(g, o, "SCTL_DROP_NOT_NULL", &b, c->name.tok);
    b = alter_column(t, c, "TYPE ");
    buf_put(&b, c->type.src->text + c->type.off, c->type.len);
    const Constraint *coll = ast_column_constraint(c, CON_COLLATE);
    if (coll) {
        buf_puts(&b, " COLLATE ");
        buf_put(&b, coll->expr.src->text + coll->expr.off, coll->expr.len);
    }
    add_stmt(g, o, "SCTL_ALTER_TYPE", &b, c->type.first);
}

static void drop_constraint(Pgc *g, const Decl *t, int o, const Constraint *k)
{
    Buf b = alter_table(t, "DROP CONSTRAINT ");
    quote_ident(&b, k->name);
    add_stmt(g, o, "SCTL_DROP", &b, k->tok);
}

static void constraint_statements(Pgc *g, const Decl *t, int table,
                                  const Constraint *k)
{
    if (!emit_sql_inline_constraint(NULL, k))
        return;
    int o = add_object(g, "SCTL_K_CONSTRAINT", t->schema, t->name.name,
                       k->name, k->tok);
    object(g, o)->parent = table;
    object(g, o)->in_parent = true;
    Buf b = alter_table(t, "ADD ");
    emit_sql_inline_constraint(&b, k);
    add_stmt(g, o, "SCTL_CREATE", &b, k->tok);
    drop_constraint(g, t, o, k);
}

/* All four switches exist for repairs; the declared ones are also part of
 * making the table. */
static void rls_statements(Pgc *g, const Decl *t, int table)
{
    static const char *const what[][2] = {
        {"ENABLE ROW LEVEL SECURITY", "SCTL_ENABLE_RLS"},
        {"DISABLE ROW LEVEL SECURITY", "SCTL_DISABLE_RLS"},
        {"FORCE ROW LEVEL SECURITY", "SCTL_FORCE_RLS"},
        {"NO FORCE ROW LEVEL SECURITY", "SCTL_NO_FORCE_RLS"},
    };
    bool rls = false, forced = false;
    for (int i = 0; i < t->items.len; i++) {
        const Item *it = t->items.items[i];
        rls |= it->kind == ITEM_RLS;
        forced |= it->kind == ITEM_RLS && it->u.forced;
    }
    for (int i = 0; i < 4; i++) {
        Buf b = alter_table(t, what[i][0]);
        add_stmt(g, table, what[i][1], &b, t->name.tok);
        PgcStmt *st = g->stmts.items[g->stmts.len - 1];
        st->canonical = (i == 0 && rls) || (i == 2 && forced);
    }
}

static void table_statements(Pgc *g, const Unit *u, Buf *create)
{
    const Decl *t = u->decl;
    int table = decl_object(g, t);
    add_stmt(g, table, "SCTL_CREATE", create, u->at);
    for (int i = 0; i < t->columns.len; i++)
        column_statements(g, t, table, t->columns.items[i]);
    for (int i = 0; i < t->items.len; i++) {
        const Item *it = t->items.items[i];
        if (it->kind == ITEM_CONSTRAINT)
            constraint_statements(g, t, table, it->u.constraint);
        for (int k = 0; it->kind == ITEM_COLUMN &&
                        k < it->u.column->cons.len; k++)
            constraint_statements(g, t, table, it->u.column->cons.items[k]);
    }
    rls_statements(g, t, table);
}

/* Drops name an object by its kind's DROP statement. */
static void drop_statement(Pgc *g, int o, const char *what, const char *name,
                           const Decl *on, const Token *at)
{
    Buf b = {0};
    buf_printf(&b, "DROP %s ", what);
    if (on) {
        quote_ident(&b, name);
        buf_puts(&b, " ON ");
        quote_qname(&b, on->schema, on->name.name);
    } else {
        quote_qname(&b, object(g, o)->schema, name);
    }
    add_stmt(g, o, "SCTL_DROP", &b, at);
}

/* CREATE ... as CREATE OR REPLACE ...: functions and views. */
static void replace_statement(Pgc *g, int o, const char *create,
                              const Token *at)
{
    Buf b = {0};
    buf_printf(&b, "CREATE OR REPLACE %s", create + strlen("CREATE "));
    add_stmt(g, o, "SCTL_REPLACE", &b, at);
}

static void index_statements(Pgc *g, const Unit *u, Buf *create)
{
    const Index *ix = u->item->u.index;
    int o = add_object(g, "SCTL_K_INDEX", u->decl->schema,
                       u->decl->name.name, ix->name, u->at);
    object(g, o)->parent = decl_object(g, u->decl);
    if (ix->concurrently) {
        const char *text = create->data;
        const char *at = strstr(text, "INDEX ") + strlen("INDEX ");
        Buf b = {0};
        buf_put(&b, text, (size_t)(at - text));
        buf_puts(&b, "CONCURRENTLY ");
        buf_puts(&b, at);
        buf_free(create);
        add_stmt(g, o, "SCTL_CREATE_CONCURRENTLY", &b, u->at);
    } else {
        add_stmt(g, o, "SCTL_CREATE", create, u->at);
    }
    drop_statement(g, o, "INDEX", ix->name, NULL, u->at);
}

/* A policy or trigger: created, or dropped to be created again. */
static void named_part(Pgc *g, const Unit *u, Buf *create, const char *kind,
                       const char *what, const char *name)
{
    int o = add_object(g, kind, u->decl->schema, u->decl->name.name, name,
                       u->at);
    object(g, o)->parent = decl_object(g, u->decl);
    add_stmt(g, o, "SCTL_CREATE", create, u->at);
    drop_statement(g, o, what, name, u->decl, u->at);
}

/* A bucket's policy is on storage.objects, which the schema does not
 * manage: no parent. */
static void bucket_policy(Pgc *g, const Unit *u, Buf *create)
{
    const char *name = u->item->u.policy->name.name;
    int o = add_object(g, "SCTL_K_POLICY", "storage", "objects", name,
                       u->at);
    add_stmt(g, o, "SCTL_CREATE", create, u->at);
    Buf b = {0};
    buf_puts(&b, "DROP POLICY ");
    quote_ident(&b, name);
    buf_puts(&b, " ON storage.objects");
    add_stmt(g, o, "SCTL_DROP", &b, u->at);
}

/* A partition is made with its parent, or attached to it again after a
 * DETACH (plan runs that only when it is detached). */
static void partition_statements(Pgc *g, const Unit *u, Buf *create)
{
    const Partition *p = u->item->u.partition;
    const char *schema = p->name.schema ? p->name.schema : u->decl->schema;
    int o = add_object(g, "SCTL_K_TABLE", schema, NULL, p->name.name, u->at);
    add_stmt(g, o, "SCTL_CREATE", create, u->at);
    Buf b = alter_table(u->decl, "ATTACH PARTITION ");
    quote_qname(&b, schema, p->name.name);
    buf_puts(&b, " ");
    buf_put(&b, p->bound.src->text + p->bound.off, p->bound.len);
    add_stmt(g, o, "SCTL_REPLACE", &b, u->at);
}

/* The upsert makes the row, and run again repairs it. */
static void bucket_statements(Pgc *g, const Unit *u, Buf *upsert)
{
    int o = decl_object(g, u->decl);
    Buf again = {0};
    buf_put(&again, upsert->data, upsert->len);
    add_stmt(g, o, "SCTL_CREATE", upsert, u->at);
    add_stmt(g, o, "SCTL_REPLACE", &again, u->at);
}

static void foreign_key_statements(Pgc *g, const Unit *u, Buf *create)
{
    int o = add_object(g, "SCTL_K_CONSTRAINT", u->decl->schema,
                       u->decl->name.name, u->con->name, u->at);
    object(g, o)->parent = decl_object(g, u->decl);
    add_stmt(g, o, "SCTL_CREATE", create, u->at);
    drop_constraint(g, u->decl, o, u->con);
}

/* Grants and comments belong to the object they name; having any makes
 * that object's privileges (or comment) managed. */
static void grant_or_comment(Pgc *g, const Unit *u, Buf *sql)
{
    int o;
    if (u->kind == UNIT_COLUMN_COMMENT) {
        o = add_object(g, "SCTL_K_COLUMN", u->decl->schema,
                       u->decl->name.name, u->column->name.name, u->at);
        object(g, o)->comment = true;
        add_stmt(g, o, "SCTL_COMMENT", sql, u->at);
        return;
    }
    o = decl_object(g, u->decl);
    bool comment = u->kind == UNIT_COMMENT;
    if (comment)
        object(g, o)->comment = true;
    else
        object(g, o)->grants = true;
    const Grant *g2 = u->item ? u->item->u.grant : NULL;
    for (int i = 0; !comment && g2 && i < g2->cols.len; i++) {
        int c = add_object(g, "SCTL_K_COLUMN", u->decl->schema,
                           u->decl->name.name,
                           ((Ident *)g2->cols.items[i])->name, u->at);
        object(g, c)->grants = true;
    }
    add_stmt(g, o, comment ? "SCTL_COMMENT" : "SCTL_GRANT", sql, u->at);
}

static void view_statements(Pgc *g, const Unit *u, Buf *create)
{
    int o = decl_object(g, u->decl);
    bool mat = u->decl->kind == DECL_MATVIEW;
    if (!mat)
        replace_statement(g, o, create->data, u->at);
    drop_statement(g, o, mat ? "MATERIALIZED VIEW" : "VIEW",
                   u->decl->name.name, NULL, u->at);
    add_stmt(g, o, "SCTL_CREATE", create, u->at);
}

static void function_statements(Pgc *g, const Unit *u, Buf *create)
{
    int o = decl_object(g, u->decl);
    Buf sig = {0};
    quote_qname(&sig, u->decl->schema, u->decl->name.name);
    buf_printf(&sig, "(%s)", u->decl->argtypes);
    object(g, o)->signature = arena_strdup(g->a, sig.data);
    buf_free(&sig);
    replace_statement(g, o, create->data, u->at);
    add_stmt(g, o, "SCTL_CREATE", create, u->at);
}

static void unit_statements(Pgc *g, const Unit *u)
{
    Buf sql = {0};
    emit_sql_unit(&sql, g->a, u);
    switch (u->kind) {
    case UNIT_SCHEMA:
        add_stmt(g, add_object(g, "SCTL_K_SCHEMA", u->name, NULL, u->name,
                               u->at), "SCTL_CREATE", &sql, u->at);
        break;
    case UNIT_ROLE:
    case UNIT_EXTENSION:
    case UNIT_TYPE:
        add_stmt(g, decl_object(g, u->decl), "SCTL_CREATE", &sql, u->at);
        break;
    case UNIT_PARTITION: partition_statements(g, u, &sql); break;
    case UNIT_ROLE_MEMBERSHIP:
        add_stmt(g, decl_object(g, u->decl), "SCTL_GRANT", &sql, u->at);
        break;
    case UNIT_TABLE: table_statements(g, u, &sql); break;
    case UNIT_FUNCTION: function_statements(g, u, &sql); break;
    case UNIT_VIEW: view_statements(g, u, &sql); break;
    case UNIT_FOREIGN_KEY: foreign_key_statements(g, u, &sql); break;
    case UNIT_INDEX: index_statements(g, u, &sql); break;
    case UNIT_POLICY:
        if (u->decl->kind == DECL_BUCKET)
            bucket_policy(g, u, &sql);
        else
            named_part(g, u, &sql, "SCTL_K_POLICY", "POLICY",
                       u->item->u.policy->name.name);
        break;
    case UNIT_BUCKET: bucket_statements(g, u, &sql); break;
    case UNIT_TRIGGER:
        named_part(g, u, &sql, "SCTL_K_TRIGGER", "TRIGGER",
                   u->item->u.trigger->name.name);
        break;
    case UNIT_RLS: buf_free(&sql); break;  /* table_statements has them */
    case UNIT_GRANT:
    case UNIT_DEFAULT_PRIVS:
    case UNIT_COMMENT:
    case UNIT_COLUMN_COMMENT: grant_or_comment(g, u, &sql); break;
    }
}

/* ------------------------------------------------------------ output */

static void put_c_string(Buf *b, const char *s)
{
    if (s)
        quote_c(b, s, strlen(s));
    else
        buf_puts(b, "NULL");
}

void emit_pgc_location(Buf *b, const Token *at, bool directive, bool column)
{
    const Source *file;
    size_t off;
    int line, col;
    source_locate(at->src, at->off, &file, &off, &line, &col);
    if (directive) {
        buf_printf(b, "#line %d ", line);
        quote_c(b, file->name, strlen(file->name));
        buf_puts(b, "\n");
        return;
    }
    quote_c(b, file->name, strlen(file->name));
    buf_printf(b, ", %d", line);
    if (column)
        buf_printf(b, ", %d", col);
}

/* ------------------------------------------------- ECPG-safe SQL */

/*
 * ecpg joins a statement's lines into one C string, so a newline inside
 * it is lost: a `--` comment would swallow the rest of the statement, and
 * function bodies would change.  So, for the EXEC SQL text only: comments
 * outside strings are dropped, and every string that holds a newline
 * (dollar-quoted bodies included) becomes an E'' literal with \n escapes,
 * which the server turns back into the very same bytes.
 */
static void put_escaped(Buf *b, const char *s, size_t n, bool e_string)
{
    buf_puts(b, "E'");
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\n')
            buf_puts(b, "\\n");
        else if (c == '\r')
            buf_puts(b, "\\r");
        else if (c == '\'' || (c == '\\' && !e_string))
            buf_put(b, (char[]){c, c}, 2);
        else
            buf_putc(b, c);
    }
    buf_puts(b, "'");
}

static bool word_char(char c)
{
    return c == '_' || c == '$' || (unsigned char)c >= 0x80 ||
           (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Length of the quoted string at s (quote q, doubled to escape). */
static size_t quoted_len(const char *s, char q, bool backslash)
{
    size_t i = 1;
    while (s[i] && !(s[i] == q && s[i + 1] != q)) {
        if (s[i] == q || (backslash && s[i] == '\\' && s[i + 1]))
            i++;
        i++;
    }
    return s[i] ? i + 1 : i;
}

/* A $tag$ opening at s: its length, or 0. */
static size_t dollar_open(const char *s)
{
    size_t i = 1;
    while (s[i] && word_char(s[i]) && s[i] != '$' &&
           !(i == 1 && s[i] >= '0' && s[i] <= '9'))
        i++;
    return s[i] == '$' ? i + 1 : 0;
}

static size_t put_string(Buf *b, const char *s, bool after_e)
{
    size_t n = quoted_len(s, '\'', after_e);
    if (!memchr(s, '\n', n) && !memchr(s, '\r', n)) {
        buf_put(b, s, n);
        return n;
    }
    if (after_e)
        b->len--;  /* the E is written again */
    put_escaped(b, s + 1, n - 2, after_e);
    return n;
}

char *emit_pgc_sql(Arena *a, const char *sql)
{
    Buf b = {0};
    for (size_t i = 0; sql[i];) {
        const char *s = sql + i;
        size_t tag;
        bool word_before = i > 0 && word_char(sql[i - 1]);
        if (s[0] == '-' && s[1] == '-') {
            i += strcspn(s, "\n");
        } else if (s[0] == '\'') {
            bool e = i > 0 && (sql[i - 1] | 0x20) == 'e' &&
                     !(i > 1 && word_char(sql[i - 2]));
            i += put_string(&b, s, e);
        } else if (s[0] == '"') {
            size_t n = quoted_len(s, '"', false);
            buf_put(&b, s, n);
            i += n;
        } else if (s[0] == '$' && !word_before && (tag = dollar_open(s))) {
            const char *end = strstr(s + tag, arena_strndup(a, s, tag));
            size_t body = end ? (size_t)(end - s) - tag : strlen(s + tag);
            put_escaped(&b, s + tag, body, false);
            i += tag + body + (end ? tag : 0);
        } else {
            buf_putc(&b, *s);
            i++;
        }
    }
    char *out = arena_strndup(a, b.data ? b.data : "", b.len);
    buf_free(&b);
    return out;
}

/* Each statement is a function: ecpg checks its SQL, #line points C and
 * ECPG errors at the schema file. */
/* Statements per dispatch function: one function per statement costs the
 * C compiler far more (measured: 26 s for 47,000 at -O0). */
#define PER_FUNCTION 200

static void put_functions(Buf *b, Pgc *g)
{
    int chunks = (g->stmts.len + PER_FUNCTION - 1) / PER_FUNCTION;
    for (int c = 0; c < chunks; c++) {
        buf_printf(b, "static bool run%d(int k)\n{\n    switch (k) {\n", c);
        for (int i = c * PER_FUNCTION;
             i < g->stmts.len && i < (c + 1) * PER_FUNCTION; i++) {
            const PgcStmt *st = g->stmts.items[i];
            buf_printf(b, "    case %d:\n", i);
            emit_pgc_location(b, st->at, true, false);
            buf_printf(b, "        EXEC SQL %s;\n        break;\n",
                       emit_pgc_sql(g->a, st->sql));
        }
        buf_puts(b, "    }\n    return sqlca.sqlcode >= 0;\n}\n\n");
    }
    buf_puts(b, "static bool run(int k)\n{\n    switch (k / "
                "PER_FUNCTION) {\n");
    for (int c = 0; c < chunks; c++)
        buf_printf(b, "    case %d: return run%d(k);\n", c, c);
    buf_puts(b, "    }\n    return false;\n}\n\n");
}

static void put_objects(Buf *b, Pgc *g)
{
    buf_puts(b, "static const SctlObject objects[] = {\n");
    for (int i = 0; i < g->objects.len; i++) {
        const PgcObject *o = g->objects.items[i];
        buf_printf(b, "    {%s, ", o->kind);
        put_c_string(b, o->schema);
        buf_puts(b, ", ");
        put_c_string(b, o->table);
        buf_puts(b, ", ");
        put_c_string(b, o->name);
        buf_puts(b, ", ");
        put_c_string(b, o->signature);
        buf_printf(b, ", %d, ", o->parent);
        emit_pgc_location(b, o->at, false, false);
        buf_printf(b, ", %s, %s, %s},\n", o->grants ? "true" : "false",
                   o->comment ? "true" : "false",
                   o->in_parent ? "true" : "false");
    }
    buf_puts(b, "};\n\n");
}

static void put_statements(Buf *b, Pgc *g)
{
    buf_puts(b, "static const SctlStatement statements[] = {\n");
    for (int i = 0; i < g->stmts.len; i++) {
        const PgcStmt *st = g->stmts.items[i];
        buf_printf(b, "    {%d, %s, ", st->object, st->action);
        put_c_string(b, st->sql);
        buf_printf(b, ", %s},\n", st->canonical ? "true" : "false");
    }
    buf_puts(b, "};\n\n");
}

static void put_schemas(Buf *b, const Program *p, Arena *a)
{
    Map *seen = map_new(a);
    buf_puts(b, "static const char *const schemas[] = {\n");
    int n = 0;
    for (int i = 0; i < p->decls.len; i++) {
        const Decl *d = p->decls.items[i];
        if (d->external || d->kind == DECL_PLATFORM ||
            d->kind == DECL_TEMPLATE || d->kind == DECL_TEST ||
            d->kind == DECL_ROLE ||
            d->kind == DECL_EXTENSION || map_get(seen, d->schema))
            continue;
        map_put(seen, d->schema, (void *)d);
        buf_puts(b, "    ");
        put_c_string(b, d->schema);
        buf_puts(b, ",\n");
        n++;
    }
    buf_printf(b, "    NULL\n};\n#define NSCHEMAS %d\n\n", n);
}

void emit_pgc(Buf *out, Arena *a, const Program *p, const char *sql,
              const char *project)
{
    Pgc g = {a, {0}, {0}, map_new(a), {0}};
    for (int i = 0; i < p->units.len; i++)
        unit_statements(&g, p->units.items[i]);
    char checksum[65];
    sha256_hex(sql, strlen(sql), checksum);
    buf_printf(out, "/* generated by schemac; do not edit */\n"
                    "#include <stdbool.h>\n#include <stddef.h>\n"
                    "#include \"schemactl.h\"\n\n#define PER_FUNCTION %d\n\n",
               PER_FUNCTION);
    put_functions(out, &g);
    put_objects(out, &g);
    put_statements(out, &g);
    put_schemas(out, p, a);
    emit_test_pgc(out, a, p);
    buf_puts(out, "static const char canonical_sql[] =\n    ");
    quote_c(out, sql, strlen(sql));
    buf_puts(out, ";\n\nconst SctlSchema sctl_schema = {\n    ");
    put_c_string(out, project);
    buf_printf(out, ", \"%s\", canonical_sql, %s, schemas, NSCHEMAS,\n"
               "    objects, %d, statements, %d, run,\n};\n", checksum,
               p->supabase ? "true" : "false", g.objects.len, g.stmts.len);
}

/*
 * import_platform.c — what a project adds to the platform's objects
 * (platform supabase): triggers and policies on its tables, and, when the
 * platform is the stand-in (import of SQL files), grants and comments on
 * its schemas, tables, columns and functions, and the refusal of any
 * other object the files made in its schemas.
 *
 * What the stand-in makes is known by a snapshot of its catalog, taken
 * on the throwaway server right after it is installed and before the
 * files run (import_platform_snapshot): every difference from it is the
 * files'.  On a live Supabase there is no such snapshot, and only
 * triggers and policies are read: its grants are the platform's.
 */
#include "import_table.h"

#include <stdlib.h>
#include <string.h>

#define PLATFORM_NSP(n) " " n ".nspname IN " IMPORT_PLATFORM_SCHEMAS
/* The tables of the platform a schema may declare again. */
#define PLATFORM_TABLE_NSP(n) " " n ".nspname IN ('auth', 'storage')"
#define SNAP(kind, oid, sub)                                              \
    " pg_temp.schemac_platform s WHERE s.kind = '" kind "' AND s.oid = "  \
    oid " AND s.sub = " sub
#define NOT_EXT(cat, oid)                                                 \
    " NOT EXISTS (SELECT FROM pg_depend e WHERE e.refclassid ="          \
    " 'pg_extension'::regclass AND e.deptype = 'e' AND e.classid = '" cat \
    "'::regclass AND e.objid = " oid ") "

static const char SQL_SNAPSHOT[] =
    "CREATE TEMP TABLE schemac_platform AS"
    " SELECT 'n'::text AS kind, n.oid, 0 AS sub, n.nspacl::text AS acl,"
    "  obj_description(n.oid, 'pg_namespace') AS comment,"
    "  NULL::bool AS rls, NULL::bool AS force_rls"
    "  FROM pg_namespace n WHERE" PLATFORM_NSP("n")
    " UNION ALL SELECT 'r', c.oid, 0, c.relacl::text,"
    "  obj_description(c.oid, 'pg_class'), c.relrowsecurity,"
    "  c.relforcerowsecurity FROM pg_class c JOIN pg_namespace n ON"
    "  n.oid = c.relnamespace WHERE" PLATFORM_NSP("n")
    " UNION ALL SELECT 'a', a.attrelid, a.attnum, a.attacl::text,"
    "  col_description(a.attrelid, a.attnum), NULL, NULL FROM pg_attribute a"
    "  JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON"
    "  n.oid = c.relnamespace WHERE a.attnum > 0 AND" PLATFORM_NSP("n")
    " UNION ALL SELECT 'f', p.oid, 0, p.proacl::text,"
    "  obj_description(p.oid, 'pg_proc'), NULL, NULL FROM pg_proc p JOIN"
    "  pg_namespace n ON n.oid = p.pronamespace WHERE" PLATFORM_NSP("n")
    " UNION ALL SELECT 't', t.oid, 0, t.typacl::text, NULL, NULL, NULL"
    "  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE"
    PLATFORM_NSP("n")
    " UNION ALL SELECT 'g', t.oid, 0, NULL, NULL, NULL, NULL FROM"
    "  pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n"
    "  ON n.oid = c.relnamespace WHERE" PLATFORM_NSP("n")
    " UNION ALL SELECT 'o', p.oid, 0, NULL, NULL, NULL, NULL FROM"
    "  pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n"
    "  ON n.oid = c.relnamespace WHERE" PLATFORM_NSP("n")
    " UNION ALL SELECT 'd', d.oid, 0, NULL, NULL, NULL, NULL FROM"
    "  pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace"
    "  WHERE" PLATFORM_NSP("n");

bool import_platform_snapshot(PGconn *conn, char **err)
{
    PGresult *r = PQexec(conn, SQL_SNAPSHOT);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        *err = strdup(PQerrorMessage(conn));
    PQclear(r);
    return ok;
}

/* ------------------------------------------------------------ reads */

#define PLATFORM_TABLE_COLUMNS                                            \
    "SELECT c.oid AS owner, n.nspname AS schema, c.relname AS name,"      \
    " c.relacl::text AS acl, pg_get_userbyid(c.relowner) AS owner_name,"
#define HAS_ITEMS                                                         \
    " EXISTS (SELECT FROM pg_policy p WHERE p.polrelid = c.oid) OR"       \
    " EXISTS (SELECT FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT"   \
    " t.tgisinternal AND" IMPORT_USER_TRIGGER("t") ")"
#define PLATFORM_TABLES_WHERE                                             \
    " WHERE $2 AND c.relkind IN ('r', 'p') AND" PLATFORM_TABLE_NSP("n")
#define PLATFORM_TABLES_ORDER                                             \
    " ORDER BY n.nspname COLLATE \"C\", c.relname COLLATE \"C\""

/* The platform's tables a project adds to (live: policies, triggers). */
const char import_sql_platform_tables[] =
    PLATFORM_TABLE_COLUMNS " c.relacl::text AS default_acl,"
    " NULL::text AS comment, false AS rls_changed, false AS rls,"
    " false AS force_rls FROM pg_class c JOIN pg_namespace n ON"
    " n.oid = c.relnamespace" PLATFORM_TABLES_WHERE " AND (" HAS_ITEMS ")"
    PLATFORM_TABLES_ORDER;

/* The same on the stand-in, with the grants, comment and row level
 * security the files changed. */
const char import_sql_platform_tables_standin[] =
    PLATFORM_TABLE_COLUMNS " s.acl AS default_acl,"
    " CASE WHEN obj_description(c.oid, 'pg_class') IS DISTINCT FROM"
    "  s.comment THEN obj_description(c.oid, 'pg_class') END AS comment,"
    " (c.relrowsecurity, c.relforcerowsecurity) IS DISTINCT FROM"
    "  (s.rls, s.force_rls) AS rls_changed, c.relrowsecurity AS rls,"
    " c.relforcerowsecurity AS force_rls"
    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " JOIN pg_temp.schemac_platform s ON s.kind = 'r' AND s.oid = c.oid"
    PLATFORM_TABLES_WHERE " AND (" HAS_ITEMS " OR c.relacl::text IS"
    " DISTINCT FROM s.acl OR obj_description(c.oid, 'pg_class') IS DISTINCT"
    " FROM s.comment OR (c.relrowsecurity, c.relforcerowsecurity) IS"
    " DISTINCT FROM (s.rls, s.force_rls) OR EXISTS (SELECT FROM"
    " pg_attribute a JOIN pg_temp.schemac_platform x ON x.kind = 'a' AND"
    " x.oid = a.attrelid AND x.sub = a.attnum WHERE a.attrelid = c.oid AND"
    " a.attacl::text IS DISTINCT FROM x.acl))" PLATFORM_TABLES_ORDER;

/* Column grants the files gave on the platform's tables. */
const char import_sql_platform_columns_standin[] =
    "SELECT a.attrelid AS owner, a.attname AS name, a.attacl::text AS acl"
    " FROM pg_attribute a JOIN pg_temp.schemac_platform s ON s.kind = 'a'"
    " AND s.oid = a.attrelid AND s.sub = a.attnum"
    " WHERE $2 AND a.attacl::text IS DISTINCT FROM s.acl"
    " ORDER BY a.attrelid, a.attnum";

/* Grants and comments the files gave the platform's schemas and
 * functions. */
const char import_sql_platform_objects_standin[] =
    "SELECT * FROM (SELECT 'n' AS kind, n.nspname AS schema, NULL AS name, NULL AS args,"
    " NULL AS result, n.nspacl::text AS acl, s.acl AS default_acl,"
    " obj_description(n.oid, 'pg_namespace') IS DISTINCT FROM s.comment"
    "  AS comment_changed, obj_description(n.oid, 'pg_namespace') AS comment"
    " FROM pg_namespace n JOIN pg_temp.schemac_platform s ON s.kind = 'n'"
    " AND s.oid = n.oid WHERE $2 AND (n.nspacl::text IS DISTINCT FROM s.acl"
    " OR obj_description(n.oid, 'pg_namespace') IS DISTINCT FROM s.comment)"
    " UNION ALL SELECT 'f', n.nspname, p.proname,"
    " pg_get_function_arguments(p.oid), pg_get_function_result(p.oid),"
    " p.proacl::text, s.acl, obj_description(p.oid, 'pg_proc') IS DISTINCT"
    " FROM s.comment, obj_description(p.oid, 'pg_proc') FROM pg_proc p"
    " JOIN pg_namespace n ON n.oid = p.pronamespace JOIN"
    " pg_temp.schemac_platform s ON s.kind = 'f' AND s.oid = p.oid"
    " WHERE $2 AND (p.proacl::text IS DISTINCT FROM s.acl OR"
    " obj_description(p.oid, 'pg_proc') IS DISTINCT FROM s.comment)"
    ") x ORDER BY kind, schema COLLATE \"C\", name COLLATE \"C\","
    " args COLLATE \"C\"";

/* Whatever else the files made in the platform's schemas, refused by
 * name: relations, functions, types, triggers calling the platform's
 * functions, column comments, a platform schema's default privileges.
 * An extension's objects there are its own, and so are the indexes and
 * sequences of its tables. */
const char import_sql_platform_extras_standin[] =
    "SELECT CASE WHEN c.relkind = 'i' THEN 'index ' ELSE 'relation ' END"
    " || quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS what,"
    " 'objects in the platform''s schemas' AS kind FROM pg_class c JOIN"
    " pg_namespace n ON n.oid = c.relnamespace WHERE $2 AND"
    PLATFORM_NSP("n") " AND" NOT_EXT("pg_class", "c.oid") " AND"
    NOT_EXT("pg_type", "c.reltype") " AND NOT EXISTS (SELECT FROM"
    " pg_depend d JOIN pg_depend e ON e.classid = 'pg_class'::regclass AND"
    " e.objid = d.refobjid AND e.refclassid = 'pg_extension'::regclass AND"
    " e.deptype = 'e' WHERE d.classid = 'pg_class'::regclass AND"
    " d.objid = c.oid AND d.refclassid = 'pg_class'::regclass) AND NOT"
    " EXISTS (SELECT FROM pg_index i WHERE i.indexrelid = c.oid AND NOT"
    NOT_EXT("pg_class", "i.indrelid") ") AND NOT"
    " EXISTS (SELECT FROM" SNAP("r", "c.oid", "0") ")"
    " UNION ALL SELECT 'function ' || quote_ident(n.nspname) || '.' ||"
    " quote_ident(p.proname) || '(' ||"
    " pg_get_function_identity_arguments(p.oid) || ')', 'objects in the"
    " platform''s schemas' FROM pg_proc p JOIN pg_namespace n ON"
    " n.oid = p.pronamespace WHERE $2 AND" PLATFORM_NSP("n") " AND"
    NOT_EXT("pg_proc", "p.oid") " AND NOT EXISTS (SELECT FROM"
    SNAP("f", "p.oid", "0") ")"
    " UNION ALL SELECT 'type ' || quote_ident(n.nspname) || '.' ||"
    " quote_ident(t.typname), 'objects in the platform''s schemas' FROM"
    " pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE $2 AND"
    PLATFORM_NSP("n") " AND t.typrelid = 0 AND NOT EXISTS (SELECT FROM"
    " pg_type e WHERE e.typarray = t.oid) AND" NOT_EXT("pg_type", "t.oid")
    " AND NOT EXISTS (SELECT FROM" SNAP("t", "t.oid", "0") ")"
    " UNION ALL SELECT 'trigger ' || quote_ident(t.tgname) || ' on ' ||"
    " quote_ident(n.nspname) || '.' || quote_ident(c.relname), 'triggers"
    " calling the platform''s functions' FROM pg_trigger t JOIN pg_class c"
    " ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
    " JOIN pg_proc f ON f.oid = t.tgfoid JOIN pg_namespace fn ON"
    " fn.oid = f.pronamespace WHERE $2 AND NOT t.tgisinternal AND"
    PLATFORM_NSP("n") " AND" PLATFORM_NSP("fn") " AND NOT EXISTS (SELECT"
    " FROM" SNAP("g", "t.oid", "0") ")"
    " UNION ALL SELECT 'comment on column ' || quote_ident(n.nspname) ||"
    " '.' || quote_ident(c.relname) || '.' || quote_ident(a.attname),"
    " 'comments on the platform''s columns' FROM pg_attribute a JOIN"
    " pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON"
    " n.oid = c.relnamespace JOIN pg_temp.schemac_platform s ON"
    " s.kind = 'a' AND s.oid = a.attrelid AND s.sub = a.attnum WHERE $2"
    " AND col_description(a.attrelid, a.attnum) IS DISTINCT FROM s.comment"
    " UNION ALL SELECT 'default privileges in schema ' ||"
    " quote_ident(n.nspname), 'default privileges in the platform''s"
    " schemas' FROM pg_default_acl d JOIN pg_namespace n ON"
    " n.oid = d.defaclnamespace WHERE $2 AND" PLATFORM_NSP("n") " AND NOT"
    " EXISTS (SELECT FROM" SNAP("d", "d.oid", "0") ")";

/* ----------------------------------------------------------- writers */

/* A platform object is declared again only for what the schema adds to
 * it: HEAD { body } in file schema when there is any; head and body
 * freed. */
static void put_if_any(ImportOut *o, const char *schema, Buf *head, Buf *body)
{
    if (body->len && !o->error)
        import_put_block(&import_file(o, schema)->text, head->data, body);
    buf_free(body);
    buf_free(head);
}

static void platform_schema(ImportOut *o, const ImportRows *X, int i)
{
    const char *schema = import_get(X, i, "schema");
    const char *what = arena_printf(o->arena, "schema %s", schema);
    if (import_bool(X, i, "comment_changed")) {
        import_fail(o, "%s is the platform's and has a new comment "
                    "(comments on the platform's schemas are not in the "
                    "language)", what);
        return;
    }
    Buf head = {0}, body = {0};
    import_grants(o, &body, X, i, what);
    buf_puts(&head, "schema ");
    import_ident(&head, schema);
    put_if_any(o, schema, &head, &body);
}

/* function Q(ARGS) returns T { grants; comment; }, named by its
 * signature as the platform declares it. */
static void platform_function(ImportOut *o, const ImportRows *X, int i)
{
    const char *schema = import_get(X, i, "schema");
    const char *what = arena_printf(o->arena, "function %s.%s(%s)", schema,
                                    import_get(X, i, "name"),
                                    import_get(X, i, "args"));
    Buf body = {0};
    import_grants(o, &body, X, i, what);
    if (import_bool(X, i, "comment_changed")) {
        if (import_null(X, i, "comment"))
            import_fail(o, "%s lost the platform's comment", what);
        else
            import_comment_item(&body, X, i);
    }
    Buf head = {0};
    buf_puts(&head, "function ");
    import_qname(&head, schema, import_get(X, i, "name"));
    buf_printf(&head, "(%s) returns %s", import_get(X, i, "args"),
               import_get(X, i, "result"));
    put_if_any(o, schema, &head, &body);
}

static void platform_table(ImportOut *o, const ImportRows *T, int i)
{
    ImportTable t = {o, T, i, &o->db->rows[IMP_PLATFORM_COLUMNS], NULL,
                     NULL, import_get(T, i, "owner"),
                     import_get(T, i, "schema"), import_get(T, i, "name"),
                     0, 0, 0, 0, NULL};
    t.col0 = import_first(t.C, t.oid, &t.ncols);
    Buf body = {0};
    t.b = &body;
    import_platform_table_items(&t);
    Buf head = {0};
    buf_puts(&head, "table ");
    import_qname(&head, t.schema, t.name);
    put_if_any(o, t.schema, &head, &body);
}

/* After the buckets, which claim their policies on storage.objects. */
void import_write_platform(ImportOut *o)
{
    if (!o->db->supabase || !o->db->all_schemas)
        return;
    const ImportRows *X = &o->db->rows[IMP_PLATFORM_OBJECTS];
    for (int i = 0; i < X->n && !o->error; i++) {
        if (import_get(X, i, "kind")[0] == 'n')
            platform_schema(o, X, i);
        else
            platform_function(o, X, i);
    }
    const ImportRows *T = &o->db->rows[IMP_PLATFORM_TABLES];
    for (int i = 0; i < T->n && !o->error; i++)
        platform_table(o, T, i);
}

/*
 * facets.c — what PostgreSQL itself says each managed object is.
 *
 * Verification applies the declared SQL to a scratch database, reads it
 * and the target database with this same reader, and compares the two maps
 * key by key, field by field.  So every value is printed by the server
 * (format_type, pg_get_expr, pg_get_*def) under one pinned set of output
 * settings, and no value carries what two databases holding the same
 * definitions may differ in: OIDs, owners, grantors, database names, time.
 *
 * One query per kind over all managed schemas (for a large schema, two of
 * them on a second connection in the same snapshot: facets_helper.c); the
 * map is a sorted array with a hash index on the key and another on the
 * table part.
 */
#include "commands.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ SQL */

/*
 * Output settings pinned for the reading.  A database may carry its own
 * (ALTER DATABASE ... SET), and constants inside expressions print through
 * them: dates and timestamps (DateStyle, TimeZone), intervals, floats,
 * bytea, money, backslashes in literals.  pg_temp goes last so a temporary
 * table can never shadow a built-in type name.
 *
 * The planner settings are for speed.  Parallel workers start with cold
 * catalog caches, so the pg_get_*def calls cost several times more there.
 * Catalog statistics are often stale (pg_description estimated at 2 rows
 * when it has 10,000), which led to nested loops that took seconds; every
 * query here reads in bulk, where hash joins are linear and safe.  But
 * enable_nestloop = off adds the planner's disabled-node cost, which lifts
 * the estimates past every jit_*_above_cost: JIT compiling one query took
 * 0.45 s, more than the reading, hence jit = off.  At 10,000 tables the
 * index query's sorts and hashes spilled to disk in the default 4 MB.
 */
static const char SQL_SETTINGS[] =
    "SET LOCAL search_path = pg_catalog, pg_temp;"
    "SET LOCAL quote_all_identifiers = off;"
    "SET LOCAL standard_conforming_strings = on;"
    "SET LOCAL DateStyle = 'ISO, MDY';"
    "SET LOCAL IntervalStyle = postgres;"
    "SET LOCAL TimeZone = 'UTC';"
    "SET LOCAL extra_float_digits = 1;"
    "SET LOCAL bytea_output = hex;"
    "SET LOCAL lc_monetary = 'C';"
    "SET LOCAL max_parallel_workers_per_gather = 0;"
    "SET LOCAL enable_nestloop = off;"
    "SET LOCAL work_mem = '32MB';"
    "SET LOCAL jit = off";

/* One snapshot for all queries, so the kinds agree with each other. */
static const char SQL_BEGIN[] =
    "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";
static const char SQL_END[] = "ROLLBACK";
/* Inside the caller's transaction: rolling the savepoint back undoes
 * SET LOCAL, which RELEASE alone would keep for the rest of it. */
static const char SQL_SAVEPOINT[] = "SAVEPOINT sctl_facets";
static const char SQL_SAVEPOINT_END[] =
    "ROLLBACK TO SAVEPOINT sctl_facets; RELEASE SAVEPOINT sctl_facets";

/* Managed schemas: the caller's list, never schemactl's own state. */
#define MANAGED(nsp) \
    nsp ".nspname = ANY ($1::text[]) AND " nsp ".nspname <> 'schemactl'"
/* Objects that belong to an extension are the extension's business.  The
 * refclassid condition lets an index find the few extension members. */
#define NOT_EXT(cat, oid)                                                 \
    "NOT EXISTS (SELECT FROM pg_depend e WHERE e.refclassid ="           \
    " 'pg_extension'::regclass AND e.deptype = 'e' AND e.classid = '" cat \
    "'::regclass AND e.objid = " oid ")"
#define GRANTEE(g) \
    "CASE WHEN " g " = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(" g ")::text END"
/* Sorting in "C": databases may differ in their default collation. */
#define SORTED_AGG(e) "string_agg(" e ", ',' ORDER BY " e " COLLATE \"C\")"
/* Owners and grantors differ between databases: drop the owner's own
 * entries, ignore grantors (DISTINCT merges what they alone told apart). */
#define ACL_OF(acl, owner)                                               \
    "(SELECT " SORTED_AGG("e") " FROM (SELECT DISTINCT " GRANTEE(        \
        "x.grantee") " || ':' || x.privilege_type || CASE WHEN "         \
    "x.is_grantable THEN '*' ELSE '' END AS e FROM aclexplode(" acl      \
    ") x WHERE x.grantee <> " owner ") y)"
/*
 * A NULL acl means acldefault(kind, owner); what it grants to others than
 * the owner is spelt out (`none`), sparing a subquery per object.
 * acldefault: relations and schemas grant only to the owner (NULL),
 * functions also EXECUTE to PUBLIC.
 */
#define FULL_ACL(acl, none, owner) \
    "CASE WHEN " acl " IS NULL THEN " none " ELSE " ACL_OF(acl, owner) " END"
#define COMMENT_JOIN(cat, oid, sub)                                      \
    " LEFT JOIN pg_description d ON d.objoid = " oid " AND d.classoid = '" \
    cat "'::regclass AND d.objsubid = " sub " "

/*
 * Every query returns the key parts k_schema, k_table, k_name, then one
 * column per field, named as the field.
 */
/* Letters as in aclitem text, so default privileges read like \ddp. */
#define PRIV_LETTER(p)                                                    \
    "CASE " p " WHEN 'SELECT' THEN 'r' WHEN 'INSERT' THEN 'a'"            \
    " WHEN 'UPDATE' THEN 'w' WHEN 'DELETE' THEN 'd' WHEN 'TRUNCATE'"      \
    " THEN 'D' WHEN 'REFERENCES' THEN 'x' WHEN 'TRIGGER' THEN 't'"        \
    " WHEN 'EXECUTE' THEN 'X' WHEN 'USAGE' THEN 'U' WHEN 'CREATE'"        \
    " THEN 'C' ELSE '?' END"

/* Default privileges where, as "objtype:grantee:letters" entries sorted
 * (a schema's: namespace n.oid; a role's database-wide: its own). */
#define DEFAULT_ACL(where)                                                \
    " (SELECT " SORTED_AGG("z.e") " FROM (SELECT x.objtype || ':' ||"     \
    "   x.grantee || ':' || string_agg(x.letter, '' ORDER BY x.letter"    \
    "   COLLATE \"C\") AS e FROM (SELECT DISTINCT"                         \
    "   a.defaclobjtype::text AS objtype, " GRANTEE("p.grantee")          \
    "   AS grantee, " PRIV_LETTER("p.privilege_type") " || CASE WHEN"     \
    "   p.is_grantable THEN '*' ELSE '' END AS letter"                    \
    "   FROM pg_default_acl a, aclexplode(a.defaclacl) p"                 \
    "   WHERE " where ") x"                                               \
    "  GROUP BY x.objtype, x.grantee) z) AS default_acl"

static const char SQL_ROLES[] =
    "SELECT NULL AS k_schema, NULL AS k_table, r.rolname AS k_name,"
    " r.rolcanlogin AS login,"
    " (SELECT " SORTED_AGG("g.rolname::text") " FROM pg_auth_members m"
    "  JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid)"
    "  AS member_of,"
    DEFAULT_ACL("a.defaclnamespace = 0 AND a.defaclrole = r.oid")
    " FROM pg_roles r WHERE r.rolname !~ '^pg_'";

static const char SQL_SCHEMAS[] =
    "SELECT n.nspname AS k_schema, NULL AS k_table, n.nspname AS k_name,"
    " " FULL_ACL("n.nspacl", "NULL", "n.nspowner") " AS acl,"
    " d.description AS comment,"
    DEFAULT_ACL("a.defaclnamespace = n.oid")
    " FROM pg_namespace n"
    COMMENT_JOIN("pg_namespace", "n.oid", "0")
    "WHERE " MANAGED("n") " AND " NOT_EXT("pg_namespace", "n.oid");

static const char SQL_EXTENSIONS[] =
    "SELECT NULL AS k_schema, NULL AS k_table, x.extname AS k_name,"
    " n.nspname AS schema"
    " FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace";

/* A COLLATE clause only where it is not the type's own. */
#define COLLATE_IF(coll, typcoll)                                          \
    "CASE WHEN " coll " <> " typcoll " THEN ' COLLATE ' || " coll          \
    "::regcollation::text ELSE '' END"

/* A composite type is its pg_class row as much as its pg_type row: an
 * extension's membership may be recorded on either. */
static const char SQL_TYPES[] =
    "SELECT n.nspname AS k_schema, NULL AS k_table, t.typname AS k_name,"
    " t.typtype::text AS kind,"
    " CASE WHEN t.typtype = 'e' THEN (SELECT string_agg("
    "  quote_literal(l.enumlabel), ',' ORDER BY l.enumsortorder)"
    "  FROM pg_enum l WHERE l.enumtypid = t.oid) END AS labels,"
    " CASE t.typtype WHEN 'd' THEN format_type(t.typbasetype, t.typtypmod)"
    "  || " COLLATE_IF("t.typcollation", "b.typcollation")
    "  || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END"
    "  || coalesce(' DEFAULT ' || pg_get_expr(t.typdefaultbin, 0), '')"
    "  || coalesce((SELECT string_agg(' ' || pg_get_constraintdef(k.oid),"
    "   '' ORDER BY k.conname COLLATE \"C\") FROM pg_constraint k"
    "   WHERE k.contypid = t.oid), '')"
    "  WHEN 'c' THEN (SELECT string_agg(quote_ident(a.attname) || ' ' ||"
    "   format_type(a.atttypid, a.atttypmod) || "
    COLLATE_IF("a.attcollation", "at.typcollation")
    "   , ', ' ORDER BY a.attnum) FROM pg_attribute a"
    "   JOIN pg_type at ON at.oid = a.atttypid"
    "   WHERE a.attrelid = t.typrelid AND a.attnum > 0"
    "   AND NOT a.attisdropped) END AS definition,"
    " d.description AS comment"
    " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
    " LEFT JOIN pg_type b ON b.oid = t.typbasetype"
    " LEFT JOIN pg_class c ON c.oid = t.typrelid"
    COMMENT_JOIN("pg_type", "t.oid", "0")
    "WHERE " MANAGED("n")
    " AND (t.typtype IN ('e', 'd') OR (t.typtype = 'c' AND c.relkind = 'c'))"
    " AND " NOT_EXT("pg_type", "t.oid")
    " AND " NOT_EXT("pg_class", "c.oid");

/* Relations of a kind in the managed schemas, not an extension's. */
#define RELS " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
#define RELS_WHERE(kinds)                                               \
    " c.relkind IN " kinds " AND " MANAGED("n") " AND "                 \
    NOT_EXT("pg_class", "c.oid")

/* What an update or delete carries of the old row: default, full,
 * nothing, or index:NAME (its index's name as it is, unquoted). */
#define REPLICA_IDENTITY                                                  \
    "CASE c.relreplident WHEN 'd' THEN 'default' WHEN 'f' THEN 'full'"    \
    " WHEN 'n' THEN 'nothing' ELSE 'index:' || coalesce((SELECT"          \
    " ri.relname::text FROM pg_index i JOIN pg_class ri ON ri.oid ="      \
    " i.indexrelid WHERE i.indrelid = c.oid AND i.indisreplident), '') END"

static const char SQL_TABLES[] =
    "SELECT n.nspname AS k_schema, NULL AS k_table, c.relname AS k_name,"
    " c.relkind::text AS kind, c.relrowsecurity AS rls,"
    " c.relforcerowsecurity AS force_rls,"
    " CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END"
    "  AS partition_key,"
    " (SELECT i.inhparent::regclass::text FROM pg_inherits i"
    "  WHERE i.inhrelid = c.oid AND c.relispartition) AS partition_of,"
    " pg_get_expr(c.relpartbound, c.oid) AS partition_bound,"
    " " FULL_ACL("c.relacl", "NULL", "c.relowner") " AS acl,"
    " d.description AS comment, " REPLICA_IDENTITY " AS replica_identity"
    RELS COMMENT_JOIN("pg_class", "c.oid", "0")
    "WHERE" RELS_WHERE("('r', 'p')");

/* A default cannot refer to columns, so it needs no relation to print
 * against (relid 0), which spares opening every table. */
static const char SQL_COLUMNS[] =
    "SELECT n.nspname AS k_schema, c.relname AS k_table,"
    " a.attname AS k_name, format_type(a.atttypid, a.atttypmod) AS type,"
    " a.attnotnull AS not_null,"
    " CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, 0)"
    "  END AS \"default\","
    " CASE WHEN a.attcollation <> t.typcollation"
    "  THEN a.attcollation::regcollation::text END AS \"collation\","
    " CASE WHEN a.attidentity <> '' THEN a.attidentity::text END"
    "  AS identity,"
    " CASE WHEN a.attgenerated = 's' THEN pg_get_expr(ad.adbin, ad.adrelid)"
    "  END AS generated,"
    " CASE WHEN a.attacl IS NOT NULL THEN "
    ACL_OF("a.attacl", "c.relowner") " END AS acl,"
    " d.description AS comment"
    RELS "JOIN pg_attribute a ON a.attrelid = c.oid"
    " JOIN pg_type t ON t.oid = a.atttypid"
    " LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid"
    "  AND ad.adnum = a.attnum"
    COMMENT_JOIN("pg_class", "c.oid", "a.attnum")
    "WHERE a.attnum > 0 AND NOT a.attisdropped AND"
    RELS_WHERE("('r', 'p')");

static const char SQL_CONSTRAINTS[] =
    "SELECT n.nspname AS k_schema, c.relname AS k_table,"
    " k.conname AS k_name, k.contype::text AS type,"
    " pg_get_constraintdef(k.oid) AS definition,"
    " d.description AS comment"
    RELS "JOIN pg_constraint k ON k.conrelid = c.oid"
    COMMENT_JOIN("pg_constraint", "k.oid", "0")
    "WHERE" RELS_WHERE("('r', 'p')");

/*
 * A plain btree index (key columns only, each with its type's default
 * operator class and the column's collation) printed from raw columns as
 * pg_get_indexdef prints it (a test compares the two); per-row
 * pg_get_indexdef was a third of the reading, in a new session half as
 * much again as this.  (Constraints the same way were no faster: the
 * key column joins cost what pg_get_constraintdef does.)  Expressions, predicates
 * and everything rarer are left to pg_get_indexdef.  ASC/DESC and NULLS
 * as pg_get_indexdef: NULLS FIRST is the default of DESC only.  403 is
 * btree's fixed OID (BTREE_AM_OID).
 */
#define IDX_COLS(some)                                                     \
    "(SELECT i.indexrelid AS oid, bool_and(o.opcdefault AND o.opcintype ="\
    " a.atttypid AND i.indcollation[s.k] = a.attcollation) AS plain,"     \
    " string_agg(quote_ident(a.attname) || CASE WHEN i.indoption[s.k] & 1"\
    " = 1 THEN ' DESC' || CASE WHEN i.indoption[s.k] & 2 = 0 THEN"        \
    " ' NULLS LAST' ELSE '' END WHEN i.indoption[s.k] & 2 = 2 THEN"       \
    " ' NULLS FIRST' ELSE '' END, ', ' ORDER BY s.k) AS names"            \
    " FROM pg_index i CROSS JOIN LATERAL generate_series(0,"              \
    " i.indnkeyatts - 1) s(k)"                                             \
    " JOIN pg_attribute a ON a.attrelid = i.indrelid"                     \
    "  AND a.attnum = i.indkey[s.k]"                                       \
    " JOIN pg_opclass o ON o.oid = i.indclass[s.k]"                       \
    " WHERE i.indexprs IS NULL AND i.indpred IS NULL"                     \
    " AND i.indnatts = i.indnkeyatts AND NOT i.indnullsnotdistinct"       \
    " AND i.indrelid IN (SELECT r.oid FROM pg_class r JOIN pg_namespace m"\
    "  ON m.oid = r.relnamespace WHERE " MANAGED("m") some ")"            \
    " GROUP BY i.indexrelid)"

#define IDX_RAW                                                            \
    "CASE WHEN ik.plain AND ic.reloptions IS NULL AND ic.relam = 403"     \
    " THEN 'CREATE ' || CASE WHEN i.indisunique THEN"      \
    " 'UNIQUE ' ELSE '' END || 'INDEX ' || quote_ident(ic.relname) ||"    \
    " ' ON ' || CASE WHEN c.relkind = 'p' THEN 'ONLY ' ELSE '' END ||"    \
    " quote_ident(n.nspname) || '.' || quote_ident(c.relname) ||"         \
    " ' USING btree (' || ik.names || ')' END"

/* A foreign key's conindid is the referenced table's index: only the
 * table's own unique, primary key and exclusion constraints are backed.
 * Some: the key columns of the changed relations' indexes only, where
 * a join would aggregate them all first. */
#define INDEXES(some)                                                     \
    "SELECT n.nspname AS k_schema, c.relname AS k_table,"                 \
    " ic.relname AS k_name,"                                              \
    " coalesce(" IDX_RAW ", pg_get_indexdef(i.indexrelid)) AS definition,"\
    " k.conname AS \"constraint\", i.indisvalid AS valid,"                \
    " d.description AS comment"                                           \
    RELS "JOIN pg_index i ON i.indrelid = c.oid"                          \
    " JOIN pg_class ic ON ic.oid = i.indexrelid"                          \
    " LEFT JOIN " IDX_COLS(some) " ik ON ik.oid = i.indexrelid"             \
    " LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid"           \
    "  AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x')"     \
    COMMENT_JOIN("pg_class", "i.indexrelid", "0")                        \
    "WHERE" RELS_WHERE("('r', 'p', 'm')")
static const char SQL_INDEXES[] = INDEXES("");
static const char SQL_SOME_INDEXES[] =
    INDEXES(" AND r.oid = ANY ($2::oid[])");

/* Most policies name one role: no subquery for them. */
#define ROLE_NAME(r) \
    "CASE WHEN " r " = 0 THEN 'public' ELSE pg_get_userbyid(" r ")::text END"

static const char SQL_POLICIES[] =
    "SELECT n.nspname AS k_schema, c.relname AS k_table,"
    " p.polname AS k_name, p.polpermissive AS permissive,"
    " p.polcmd::text AS command,"
    " CASE WHEN cardinality(p.polroles) = 1 THEN " ROLE_NAME("p.polroles[1]")
    "  ELSE (SELECT " SORTED_AGG("s.r") " FROM (SELECT " ROLE_NAME("o")
    "  AS r FROM unnest(p.polroles) o) s) END AS roles,"
    " pg_get_expr(p.polqual, p.polrelid) AS \"using\","
    " pg_get_expr(p.polwithcheck, p.polrelid) AS \"check\","
    " d.description AS comment"
    RELS "JOIN pg_policy p ON p.polrelid = c.oid"
    COMMENT_JOIN("pg_policy", "p.oid", "0")
    "WHERE" RELS_WHERE("('r', 'p')");

static const char SQL_TRIGGERS[] =
    "SELECT n.nspname AS k_schema, c.relname AS k_table,"
    " g.tgname AS k_name, pg_get_triggerdef(g.oid) AS definition,"
    " g.tgenabled::text AS enabled, d.description AS comment"
    RELS "JOIN pg_trigger g ON g.tgrelid = c.oid"
    COMMENT_JOIN("pg_trigger", "g.oid", "0")
    "WHERE NOT g.tgisinternal AND" RELS_WHERE("('r', 'p', 'v', 'f')");

static const char SQL_VIEWS[] =
    "SELECT n.nspname AS k_schema, NULL AS k_table, c.relname AS k_name,"
    " c.relkind::text AS kind, pg_get_viewdef(c.oid) AS definition,"
    " c.reloptions::text AS options,"
    " " FULL_ACL("c.relacl", "NULL", "c.relowner") " AS acl,"
    " d.description AS comment"
    RELS COMMENT_JOIN("pg_class", "c.oid", "0")
    "WHERE" RELS_WHERE("('v', 'm')");

/* Aggregates have no pg_get_functiondef. */
static const char SQL_FUNCTIONS[] =
    "SELECT n.nspname AS k_schema, NULL AS k_table,"
    " p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'"
    "  AS k_name, pg_get_functiondef(p.oid) AS definition,"
    " " FULL_ACL("p.proacl", "'PUBLIC:EXECUTE'", "p.proowner") " AS acl,"
    " d.description AS comment"
    " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
    COMMENT_JOIN("pg_proc", "p.oid", "0")
    "WHERE p.prokind <> 'a' AND " MANAGED("n")
    " AND " NOT_EXT("pg_proc", "p.oid");

/* Buckets are rows, read only where the schema declares some (storage
 * is then a managed schema) and the table is there. */
static const char SQL_BUCKETS[] =
    "SELECT 'storage' AS k_schema, NULL AS k_table, b.id AS k_name,"
    " b.name, b.public::text AS public,"
    " b.file_size_limit::text AS file_size_limit,"
    " b.allowed_mime_types::text AS allowed_mime_types"
    " FROM storage.buckets b";
static const char SQL_HAS_BUCKETS[] =
    "SELECT 'storage' = ANY ($1::text[])"
    " AND to_regclass('storage.buckets') IS NOT NULL";

/* Publications are the database's, read whole like roles; a table's
 * place in one is read with the table's schema. */
static const char SQL_PUBLICATIONS[] =
    "SELECT NULL AS k_schema, NULL AS k_table, p.pubname AS k_name,"
    " p.puballtables::text AS all_tables,"
    " concat_ws(', ', CASE WHEN p.pubinsert THEN 'insert' END,"
    "  CASE WHEN p.pubupdate THEN 'update' END,"
    "  CASE WHEN p.pubdelete THEN 'delete' END,"
    "  CASE WHEN p.pubtruncate THEN 'truncate' END) AS publish,"
    " d.description AS comment"
    " FROM pg_publication p"
    COMMENT_JOIN("pg_publication", "p.oid", "0");

static const char SQL_PUBLISHED[] =
    "SELECT n.nspname AS k_schema, c.relname AS k_table, p.pubname AS k_name,"
    " (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)"
    "  FROM pg_attribute a WHERE a.attrelid = c.oid"
    "  AND a.attnum = ANY (r.prattrs::int2[])) AS columns,"
    " pg_get_expr(r.prqual, r.prrelid) AS \"where\""
    " FROM pg_publication_rel r JOIN pg_publication p ON p.oid = r.prpubid"
    " JOIN pg_class c ON c.oid = r.prrelid"
    " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " MANAGED("n");

/* Sequences of the managed schemas but identity columns' (their
 * columns say all there is); a serial's, owned by its column, is read
 * like any other.  owned_by: the column's table and name, quoted. */
static const char SQL_SEQUENCES[] =
    "SELECT n.nspname AS k_schema, NULL AS k_table, c.relname AS k_name,"
    " format_type(s.seqtypid, NULL) AS type,"
    " s.seqincrement::text AS increment, s.seqmin::text AS minvalue,"
    " s.seqmax::text AS maxvalue, s.seqstart::text AS start,"
    " s.seqcache::text AS cache, s.seqcycle::text AS cycle,"
    " (SELECT quote_ident(tn.nspname) || '.' || quote_ident(t.relname)"
    "  || '.' || quote_ident(a.attname) FROM pg_depend o"
    "  JOIN pg_class t ON t.oid = o.refobjid"
    "  JOIN pg_namespace tn ON tn.oid = t.relnamespace"
    "  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = o.refobjsubid"
    "  WHERE o.classid = 'pg_class'::regclass AND o.objid = c.oid"
    "  AND o.refclassid = 'pg_class'::regclass AND o.deptype = 'a')"
    "  AS owned_by,"
    " " FULL_ACL("c.relacl", "NULL", "c.relowner") " AS acl,"
    " d.description AS comment"
    RELS "JOIN pg_sequence s ON s.seqrelid = c.oid"
    COMMENT_JOIN("pg_class", "c.oid", "0")
    "WHERE" RELS_WHERE("('S')")
    " AND NOT EXISTS (SELECT FROM pg_depend i WHERE i.classid ="
    " 'pg_class'::regclass AND i.objid = c.oid AND i.deptype = 'i')";

typedef struct Query {
    SctlKind kind;
    bool by_schema;         /* takes $1, the managed schemas */
    const char *sql;
    const char *only_if;    /* a test of $1 that must be true, or NULL */
    bool helper;            /* run on the second connection, if any */
    const char *some_sql;   /* for the changed relations only (a kind of
                               one relation's parts), if not sql filtered
                               on c.oid */
} Query;

/* Which key part of a kind's facets names the one relation they are
 * read with (those queries filter on c, the relation, for stamps.c). */
typedef enum { PART_NONE, PART_TABLE, PART_NAME } RelationPart;

static RelationPart relation_part(SctlKind k)
{
    switch (k) {
    case SCTL_K_COLUMN:
    case SCTL_K_CONSTRAINT:
    case SCTL_K_INDEX:
    case SCTL_K_POLICY:
    case SCTL_K_PUBLICATION_TABLE:
    case SCTL_K_TRIGGER:
        return PART_TABLE;
    case SCTL_K_SEQUENCE:
    case SCTL_K_TABLE:
    case SCTL_K_VIEW:
        return PART_NAME;
    default:
        return PART_NONE;
    }
}

/* ORDER: by kind word, so that sorting each kind's facets on arrival
 * leaves the whole map in key order (sort_facets checks). */
static const Query queries[] = {
    {SCTL_K_BUCKET, false, SQL_BUCKETS, SQL_HAS_BUCKETS, false, NULL},
    {SCTL_K_COLUMN, true, SQL_COLUMNS, NULL, false, NULL},
    {SCTL_K_CONSTRAINT, true, SQL_CONSTRAINTS, NULL, true, NULL},
    {SCTL_K_EXTENSION, false, SQL_EXTENSIONS, NULL, false, NULL},
    {SCTL_K_FUNCTION, true, SQL_FUNCTIONS, NULL, false, NULL},
    {SCTL_K_INDEX, true, SQL_INDEXES, NULL, false, SQL_SOME_INDEXES},
    {SCTL_K_POLICY, true, SQL_POLICIES, NULL, true, NULL},
    {SCTL_K_PUBLICATION, false, SQL_PUBLICATIONS, NULL, false, NULL},
    {SCTL_K_PUBLICATION_TABLE, true, SQL_PUBLISHED, NULL, false, NULL},
    {SCTL_K_ROLE, false, SQL_ROLES, NULL, false, NULL},
    {SCTL_K_SCHEMA, true, SQL_SCHEMAS, NULL, false, NULL},
    {SCTL_K_SEQUENCE, true, SQL_SEQUENCES, NULL, false, NULL},
    {SCTL_K_TABLE, true, SQL_TABLES, NULL, false, NULL},
    {SCTL_K_TRIGGER, true, SQL_TRIGGERS, NULL, false, NULL},
    {SCTL_K_TYPE, true, SQL_TYPES, NULL, false, NULL},
    {SCTL_K_VIEW, true, SQL_VIEWS, NULL, false, NULL},
};

#define NQUERIES (sizeof queries / sizeof queries[0])
#define KEY_SEP '\x1f'

/* ------------------------------------------------------------ kinds */

/* The first part of every key. */
static const char *kind_word(SctlKind k)
{
    switch (k) {
    case SCTL_K_ROLE: return "role";
    case SCTL_K_SCHEMA: return "schema";
    case SCTL_K_EXTENSION: return "extension";
    case SCTL_K_TYPE: return "type";
    case SCTL_K_TABLE: return "table";
    case SCTL_K_COLUMN: return "column";
    case SCTL_K_CONSTRAINT: return "constraint";
    case SCTL_K_INDEX: return "index";
    case SCTL_K_POLICY: return "policy";
    case SCTL_K_TRIGGER: return "trigger";
    case SCTL_K_VIEW: return "view";
    case SCTL_K_FUNCTION: return "function";
    case SCTL_K_BUCKET: return "bucket";
    case SCTL_K_PUBLICATION: return "publication";
    case SCTL_K_PUBLICATION_TABLE: return "published";
    case SCTL_K_SEQUENCE: return "sequence";
    case SCTL_K_ROWS: return "rows";
    }
    return "?";
}

/* How many name parts follow the kind word in a key. */
static int key_parts(SctlKind k)
{
    switch (k) {
    case SCTL_K_ROLE:
    case SCTL_K_SCHEMA:
    case SCTL_K_EXTENSION:
    case SCTL_K_PUBLICATION:
        return 1;
    case SCTL_K_TYPE:
    case SCTL_K_TABLE:
    case SCTL_K_VIEW:
    case SCTL_K_FUNCTION:
    case SCTL_K_BUCKET:
    case SCTL_K_SEQUENCE:
    case SCTL_K_ROWS:
        return 2;
    case SCTL_K_COLUMN:
    case SCTL_K_CONSTRAINT:
    case SCTL_K_INDEX:
    case SCTL_K_POLICY:
    case SCTL_K_TRIGGER:
    case SCTL_K_PUBLICATION_TABLE:
        return 3;
    }
    return 0;
}

static bool kind_of_word(const char *w, size_t len, SctlKind *out)
{
    for (int k = 0; k < SCTL_NKINDS; k++) {
        const char *kw = kind_word((SctlKind)k);
        if (strlen(kw) == len && memcmp(kw, w, len) == 0) {
            *out = (SctlKind)k;
            return true;
        }
    }
    return false;
}

/* ------------------------------------------------------------ memory */

/* A map is built once and freed whole, so its strings live in chunks. */
typedef struct Chunk {
    struct Chunk *next;
    size_t used, cap;
    max_align_t data[];
} Chunk;

#define CHUNK_SIZE ((size_t)1 << 20)

/* The runtime has no way on without memory; say so and stop. */
static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "%s: out of memory\n", sctl_progname);
        abort();
    }
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) {
        fprintf(stderr, "%s: out of memory\n", sctl_progname);
        abort();
    }
    return p;
}

typedef struct Run {        /* the parts of one table in `parts` */
    const char *schema, *table;
    int start, count;
} Run;

typedef struct RelationHash {   /* sctl_facets_hash_relations */
    const char *schema, *rel;   /* NULL: an empty slot */
    char hash[17];
} RelationHash;

struct SctlFacets {
    Chunk *chunks;
    SctlFacet *facets;      /* sorted by key once finished */
    int n, cap;
    int *slots;             /* key hash -> index in facets, -1 empty */
    size_t nslots;
    Run *runs;
    int nruns;
    int *run_slots;         /* schema.table hash -> index in runs */
    size_t nrun_slots;
    const SctlFacet **parts; /* facets with a table, grouped by it */
    PGresult **results;     /* read maps point into these, not copies */
    int nresults;
    int shares;             /* owners besides the first (facets_share) */
    SctlStamps *stamps;     /* taken with the reading, for the memo */
    bool partial;           /* the changed relations' parts only */
    SctlFacets *read, *declared;  /* what a completed map points into */
    RelationHash *hashes;   /* every relation's hash, when taken ahead */
    size_t nhashes;         /* slots, a power of 2 */
};

/* n bytes from the current chunk at a multiple of align (a power of 2). */
static void *pool_take(SctlFacets *f, size_t n, size_t align)
{
    Chunk *c = f->chunks;
    if (c)
        c->used = (c->used + align - 1) & ~(align - 1);
    if (!c || c->used > c->cap || c->cap - c->used < n) {
        size_t cap = n > CHUNK_SIZE ? n : CHUNK_SIZE;
        c = xmalloc(sizeof *c + cap);
        c->used = 0;
        c->cap = cap;
        c->next = f->chunks;
        f->chunks = c;
    }
    void *p = (char *)c->data + c->used;
    c->used += n;
    return p;
}

/* Room for arrays (of fields): aligned for anything. */
static void *pool_alloc(SctlFacets *f, size_t n)
{
    return pool_take(f, n, _Alignof(max_align_t));
}

static char *pool_strndup(SctlFacets *f, const char *s, size_t len)
{
    char *p = pool_take(f, len + 1, 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

/* Copies s to d and returns the end of d (stpcpy is not C11). */
static char *copy_end(char *d, const char *s)
{
    size_t n = strlen(s);
    memcpy(d, s, n + 1);
    return d + n;
}

static SctlFacets *facets_new(void)
{
    SctlFacets *f = xmalloc(sizeof *f);
    memset(f, 0, sizeof *f);
    return f;
}

static SctlFacet *facet_add(SctlFacets *f)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 1024;
        f->facets = xrealloc(f->facets, sizeof *f->facets * (size_t)f->cap);
    }
    SctlFacet *fc = &f->facets[f->n++];
    memset(fc, 0, sizeof *fc);
    return fc;
}

SctlFacets *sctl_facets_share(SctlFacets *f)
{
    f->shares++;
    return f;
}

void sctl_facets_free(SctlFacets *f)
{
    if (!f)
        return;
    if (f->shares > 0) {
        f->shares--;
        return;
    }
    while (f->chunks) {
        Chunk *next = f->chunks->next;
        free(f->chunks);
        f->chunks = next;
    }
    free(f->facets);
    free(f->slots);
    free(f->runs);
    free(f->run_slots);
    free(f->parts);
    free(f->hashes);
    for (int i = 0; i < f->nresults; i++)
        PQclear(f->results[i]);
    free(f->results);
    sctl_stamps_free(f->stamps);
    sctl_facets_free(f->read);
    sctl_facets_free(f->declared);
    free(f);
}

/* ------------------------------------------------------------ keys */

/* By number of key parts: which of schema (0), table (1), name (2) they
 * are, in key order. */
static const int key_roles[4][3] = {
    {0, 0, 0}, {2, 0, 0}, {0, 2, 0}, {0, 1, 2},
};

/* Length of the key of kind k with these parts, without the NUL. */
static size_t key_len(SctlKind k, const char *const part[3])
{
    int np = key_parts(k);
    size_t len = strlen(kind_word(k));
    for (int i = 0; i < np; i++) {
        const char *s = part[key_roles[np][i]];
        len += strlen(s ? s : "") + 1;
    }
    return len;
}

/* Writes the kind word, then the kind's parts, each after a KEY_SEP. */
static void write_key(char *p, SctlKind k, const char *const part[3])
{
    int np = key_parts(k);
    p = copy_end(p, kind_word(k));
    for (int i = 0; i < np; i++) {
        const char *s = part[key_roles[np][i]];
        *p++ = KEY_SEP;
        p = copy_end(p, s ? s : "");
    }
}

/*
 * A schema is named by its name alone, like a role; the name falls back
 * to the schema field when the lead filled only that.
 */
char *sctl_object_key(const SctlObject *o)
{
    const char *part[3] = {o->schema, o->table, o->name};
    if (o->kind == SCTL_K_SCHEMA && !part[2])
        part[2] = o->schema;
    char *key = xmalloc(key_len(o->kind, part) + 1);
    write_key(key, o->kind, part);
    return key;
}

static char *pool_key(SctlFacets *f, SctlKind k, const char *const part[3])
{
    char *key = pool_take(f, key_len(k, part) + 1, 1);
    write_key(key, k, part);
    return key;
}

/* ------------------------------------------------------------ index */

/* FNV-1a: short keys, no adversary worth a keyed hash. */
static uint64_t hash_more(uint64_t h, const char *s)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

#define HASH_SEED 1469598103934665603ULL

static size_t pow2_above(size_t n)
{
    size_t cap = 16;
    while (cap < n * 2)
        cap *= 2;
    return cap;
}

static int *new_slots(size_t n)
{
    int *slots = xmalloc(sizeof *slots * n);
    for (size_t i = 0; i < n; i++)
        slots[i] = -1;
    return slots;
}

static size_t key_slot(const SctlFacets *f, const char *key)
{
    size_t mask = f->nslots - 1;
    size_t i = (size_t)hash_more(HASH_SEED, key) & mask;
    while (f->slots[i] >= 0 && strcmp(f->facets[f->slots[i]].key, key) != 0)
        i = (i + 1) & mask;
    return i;
}

static uint64_t table_hash(const char *schema, const char *table)
{
    return hash_more(hash_more(HASH_SEED, schema) ^ KEY_SEP, table);
}

static size_t run_slot(const SctlFacets *f, const char *schema,
                       const char *table)
{
    size_t mask = f->nrun_slots - 1;
    size_t i = (size_t)table_hash(schema, table) & mask;
    for (int r; (r = f->run_slots[i]) >= 0; i = (i + 1) & mask)
        if (strcmp(f->runs[r].schema, schema) == 0
            && strcmp(f->runs[r].table, table) == 0)
            break;
    return i;
}

static int cmp_facet(const void *a, const void *b)
{
    return strcmp(((const SctlFacet *)a)->key, ((const SctlFacet *)b)->key);
}

static void sort_range(SctlFacets *f, int from)
{
    qsort(f->facets + from, (size_t)(f->n - from), sizeof *f->facets,
          cmp_facet);
}

static bool is_sorted(const SctlFacets *f)
{
    for (int i = 1; i < f->n; i++)
        if (cmp_facet(&f->facets[i - 1], &f->facets[i]) > 0)
            return false;
    return true;
}

/* Sorts by key unless sorted already, and drops a repeated key (the
 * catalog allows none). */
static void sort_facets(SctlFacets *f)
{
    if (!is_sorted(f))
        sort_range(f, 0);
    int w = 0;
    for (int r = 0; r < f->n; r++)
        if (w == 0 || strcmp(f->facets[w - 1].key, f->facets[r].key) != 0)
            f->facets[w++] = f->facets[r];
    f->n = w;
}

/* Keys are unique once sorted: each goes to the first free slot. */
static void index_keys(SctlFacets *f)
{
    f->nslots = pow2_above((size_t)f->n);
    f->slots = new_slots(f->nslots);
    size_t mask = f->nslots - 1;
    for (int i = 0; i < f->n; i++) {
        size_t s = (size_t)hash_more(HASH_SEED, f->facets[i].key) & mask;
        while (f->slots[s] >= 0)
            s = (s + 1) & mask;
        f->slots[s] = i;
    }
}

/* The run of fc's table, made if new; a kind lists a table's parts
 * together, so the previous facet's run is usually the one. */
static int run_of(SctlFacets *f, const SctlFacet *fc, int prev)
{
    if (prev >= 0 && strcmp(f->runs[prev].table, fc->table) == 0
        && strcmp(f->runs[prev].schema, fc->schema) == 0)
        return prev;
    size_t s = run_slot(f, fc->schema, fc->table);
    if (f->run_slots[s] < 0) {
        f->runs[f->nruns] = (Run){fc->schema, fc->table, 0, 0};
        f->run_slots[s] = f->nruns++;
    }
    return f->run_slots[s];
}

/* Groups the parts of each table, in key order within a table. */
static void index_tables(SctlFacets *f)
{
    f->nrun_slots = pow2_above((size_t)f->n);
    f->run_slots = new_slots(f->nrun_slots);
    f->runs = xmalloc(sizeof *f->runs * (size_t)(f->n ? f->n : 1));
    int *run = xmalloc(sizeof *run * (size_t)(f->n ? f->n : 1));
    for (int i = 0, prev = -1; i < f->n; i++)
        if (f->facets[i].table)
            f->runs[prev = run[i] = run_of(f, &f->facets[i], prev)].count++;
    int start = 0;
    for (int r = 0; r < f->nruns; r++) {
        f->runs[r].start = start;
        start += f->runs[r].count;
        f->runs[r].count = 0;
    }
    f->parts = xmalloc(sizeof *f->parts * (size_t)(start ? start : 1));
    for (int i = 0; i < f->n; i++)
        if (f->facets[i].table) {
            Run *r = &f->runs[run[i]];
            f->parts[r->start + r->count++] = &f->facets[i];
        }
    free(run);
}

static void finish(SctlFacets *f)
{
    sort_facets(f);
    index_keys(f);
    index_tables(f);
}

const SctlFacet *sctl_facet(const SctlFacets *f, const char *key)
{
    int i = f->slots[key_slot(f, key)];
    return i >= 0 ? &f->facets[i] : NULL;
}

/* *out points into f: valid until sctl_facets_free; NULL when none. */
void sctl_facets_of_table(const SctlFacets *f, const char *schema,
                          const char *table, const SctlFacet ***out, int *n)
{
    int r = f->run_slots[run_slot(f, schema, table)];
    *out = r >= 0 ? &f->parts[f->runs[r].start] : NULL;
    *n = r >= 0 ? f->runs[r].count : 0;
}

const char *sctl_field(const SctlFacet *f, const char *name)
{
    for (int i = 0; f && i < f->nfields; i++)
        if (strcmp(f->fields[i].name, name) == 0)
            return f->fields[i].value;
    return NULL;
}

bool sctl_same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

bool sctl_facet_shared(const SctlFacet *a, const SctlFacet *b)
{
    return a && b && a->nfields > 0 && a->fields == b->fields;
}

int sctl_facet_count(const SctlFacets *f)
{
    return f->n;
}

const SctlFacet *sctl_facet_at(const SctlFacets *f, int i)
{
    return i >= 0 && i < f->n ? &f->facets[i] : NULL;
}

/* ------------------------------------------------------------ completing */

/* The relation a facet is printed with, by the queries that read one
 * relation's parts, or NULL. */
static const char *relation_of(const SctlFacet *fc)
{
    switch (relation_part(fc->kind)) {
    case PART_TABLE:
        return fc->table;
    case PART_NAME:
        return fc->name;
    case PART_NONE:
        break;
    }
    return NULL;
}

static bool kept(const SctlFacet *fc, const SctlStamps *st)
{
    const char *rel = relation_of(fc);
    return rel && fc->schema && sctl_stamps_unchanged(st, fc->schema, rel);
}

/* Both maps are in key order, and no key is in both: the declared
 * facets taken are of unchanged relations, the read of changed ones or
 * of kinds read whole. */
SctlFacets *sctl_facets_complete(SctlFacets *read, SctlFacets *declared)
{
    if (!read->partial)
        return read;
    SctlFacets *m = facets_new();
    m->read = read;
    m->declared = sctl_facets_share(declared);
    m->stamps = read->stamps;
    read->stamps = NULL;
    int i = 0, j = 0;
    for (;;) {
        while (j < declared->n && !kept(&declared->facets[j], m->stamps))
            j++;
        if (i == read->n && j == declared->n)
            break;
        bool from_read = j == declared->n ||
                         (i < read->n && strcmp(read->facets[i].key,
                                                declared->facets[j].key) < 0);
        *facet_add(m) = from_read ? read->facets[i++] : declared->facets[j++];
    }
    finish(m);
    return m;
}

#define FNV_PRIME 1099511628211ull

/* NULL hashes apart from every string, and each string ends. */
static uint64_t hash_text(uint64_t h, const char *s)
{
    if (!s)
        return (h ^ 0x100) * FNV_PRIME;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * FNV_PRIME;
    return (h ^ 0x1ff) * FNV_PRIME;
}

static uint64_t hash_facet(uint64_t h, const SctlFacet *fc)
{
    h = hash_text(h, fc->key);
    for (int i = 0; i < fc->nfields; i++)
        h = hash_text(hash_text(h, fc->fields[i].name), fc->fields[i].value);
    return h;
}

static bool is_whole_relation(SctlKind k)
{
    return k == SCTL_K_SEQUENCE || k == SCTL_K_TABLE || k == SCTL_K_VIEW;
}

static void relation_hash(const SctlFacets *f, const char *schema,
                          const char *rel, char out[17])
{
    static const SctlKind whole[] = {SCTL_K_SEQUENCE, SCTL_K_TABLE,
                                     SCTL_K_VIEW};
    uint64_t h = 1469598103934665603ull;    /* FNV-1a */
    bool any = false;
    for (size_t k = 0; k < sizeof whole / sizeof whole[0]; k++) {
        const char *part[3] = {schema, NULL, rel};
        char *key = sctl_xmalloc(key_len(whole[k], part) + 1);
        write_key(key, whole[k], part);
        const SctlFacet *fc = sctl_facet(f, key);
        free(key);
        if (fc) {
            h = hash_facet(h, fc);
            any = true;
        }
    }
    const SctlFacet **parts;
    int n;
    sctl_facets_of_table(f, schema, rel, &parts, &n);
    for (int i = 0; i < n; i++)
        if (relation_of(parts[i])) {
            h = hash_facet(h, parts[i]);
            any = true;
        }
    if (any)
        snprintf(out, 17, "%016llx", (unsigned long long)h);
    else
        strcpy(out, "-");
}

static size_t hash_slot(const SctlFacets *f, const char *schema,
                        const char *rel)
{
    size_t mask = f->nhashes - 1;
    size_t i = (size_t)table_hash(schema, rel) & mask;
    while (f->hashes[i].schema && (strcmp(f->hashes[i].schema, schema) != 0 ||
                                   strcmp(f->hashes[i].rel, rel) != 0))
        i = (i + 1) & mask;
    return i;
}

static void hash_ahead(SctlFacets *f, const char *schema, const char *rel)
{
    RelationHash *h = &f->hashes[hash_slot(f, schema, rel)];
    if (h->schema)
        return;
    h->schema = schema;
    h->rel = rel;
    relation_hash(f, schema, rel, h->hash);
}

void sctl_facets_hash_relations(SctlFacets *f)
{
    if (f->hashes)
        return;
    size_t n = (size_t)f->nruns;
    for (int i = 0; i < f->n; i++)
        n += is_whole_relation(f->facets[i].kind);
    f->nhashes = pow2_above(n);
    f->hashes = sctl_xcalloc(f->nhashes, sizeof *f->hashes);
    for (int i = 0; i < f->n; i++)
        if (is_whole_relation(f->facets[i].kind) && f->facets[i].schema)
            hash_ahead(f, f->facets[i].schema, f->facets[i].name);
    for (int r = 0; r < f->nruns; r++)
        if (f->runs[r].schema)
            hash_ahead(f, f->runs[r].schema, f->runs[r].table);
}

/* Taken ahead, every relation with facets has its hash: one without is
 * "-", as relation_hash finds. */
void sctl_facets_relation_hash(const SctlFacets *f, const char *schema,
                               const char *rel, char out[17])
{
    if (!f->hashes) {
        relation_hash(f, schema, rel, out);
        return;
    }
    const RelationHash *h = &f->hashes[hash_slot(f, schema, rel)];
    memcpy(out, h->schema ? h->hash : "-", h->schema ? 17 : 2);
}

SctlStamps *sctl_facets_stamps(const SctlFacets *f)
{
    return f->stamps;
}

/* ------------------------------------------------------------ reading */

/* *err becomes msg (malloc'd), replacing any earlier message. */
static void set_err(char **err, char *msg)
{
    free(*err);
    *err = msg;
}

static const char *cell(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

/*
 * One facet per row: columns 0-2 are the key parts, the rest fields.  The
 * map keeps r and points into it (names, values): copying a million
 * strings was a tenth of the reading time.
 */
static void add_rows(SctlFacets *f, SctlKind kind, PGresult *r)
{
    int nf = PQnfields(r) - 3, rows = PQntuples(r);
    f->results = xrealloc(f->results, sizeof *f->results
                          * (size_t)(f->nresults + 1));
    f->results[f->nresults++] = r;
    for (int i = 0; i < rows; i++) {
        const char *part[3] = {cell(r, i, 0), cell(r, i, 1), cell(r, i, 2)};
        SctlFacet *fc = facet_add(f);
        fc->kind = kind;
        fc->schema = part[0];
        fc->table = part[1];
        fc->name = part[2];
        fc->key = pool_key(f, kind, part);
        fc->nfields = nf;
        fc->fields = pool_alloc(f, sizeof *fc->fields * (size_t)(nf + 1));
        for (int j = 0; j < nf; j++)
            fc->fields[j] = (SctlField){PQfname(r, j + 3), cell(r, i, j + 3)};
    }
}

/* Runs one query and files its rows, sorted: queries come in key order. */
static bool wanted(PGconn *conn, const Query *q, const char *schemas,
                   bool *yes, char **err)
{
    const char *params[1] = {schemas};
    *yes = true;
    if (!q->only_if)
        return true;
    PGresult *r = PQexecParams(conn, q->only_if, 1, NULL, params, NULL,
                               NULL, 0);
    bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
    if (!ok)
        set_err(err, sctl_failure(conn, r, "facets: looking for %ss",
                                  kind_word(q->kind)));
    else
        *yes = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    return ok;
}

/* *out: the query's rows, or NULL when it is not wanted here.  only:
 * the relations (an oid[] literal) whose parts are read, or NULL for all. */
static bool run_query(PGconn *conn, const Query *q, const char *schemas,
                      const char *only, PGresult **out, char **err)
{
    bool yes;
    *out = NULL;
    if (!wanted(conn, q, schemas, &yes, err))
        return false;
    if (!yes)
        return true;
    const char *params[2] = {schemas, only};
    bool some = only && relation_part(q->kind) != PART_NONE;
    char *sql = some ? sctl_printf("%s AND c.oid = ANY ($2::oid[])",
                                   q->some_sql ? q->some_sql : q->sql)
                     : NULL;
    PGresult *r = PQexecParams(conn, some ? sql : q->sql,
                               some ? 2 : q->by_schema ? 1 : 0, NULL,
                               params, NULL, NULL, 0);
    free(sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        set_err(err, sctl_failure(conn, r, "facets: reading %ss",
                                  kind_word(q->kind)));
        PQclear(r);
        return false;
    }
    *out = r;
    return true;
}

/* Opens a transaction (own) or a savepoint in the caller's, for the
 * SET LOCALs of read_all to live in. */
static bool session_begin(PGconn *conn, bool *own, char **err)
{
    switch (PQtransactionStatus(conn)) {
    case PQTRANS_IDLE:
        *own = true;
        return sctl_exec(conn, SQL_BEGIN, "facets", err);
    case PQTRANS_INTRANS:
        *own = false;
        return sctl_exec(conn, SQL_SAVEPOINT, "facets", err);
    case PQTRANS_INERROR:
        set_err(err,
                sctl_printf("facets: the current transaction is aborted"));
        return false;
    case PQTRANS_ACTIVE:
    case PQTRANS_UNKNOWN:
        break;
    }
    set_err(err, sctl_printf("facets: the connection is busy or broken"));
    return false;
}

/* Undoes the settings whatever happened; keeps the first error. */
static bool session_end(PGconn *conn, bool own, char **err)
{
    char *end_err = NULL;
    bool ok = sctl_exec(conn, own ? SQL_END : SQL_SAVEPOINT_END, "facets",
                        &end_err);
    if (!ok && !*err) {
        *err = end_err;
        end_err = NULL;
    }
    free(end_err);
    return ok;
}

/* ------------------------------------------------------------ rows */

static const char SQL_TABLE_THERE[] =
    "SELECT to_regclass(format('%I.%I', $1::text, $2::text)) IS NOT NULL";
/* What a rows facet holds when its query fails (a column of it dropped
 * or renamed in the database): a value no declared state has. */
static const char SQL_ROWS_UNREADABLE[] =
    "SELECT $1::text AS k_schema, NULL AS k_table, $2::text AS k_name,"
    " $3::text AS \"rows\"";

static PGresult *params2(PGconn *conn, const char *sql, const char *a,
                         const char *b, const char *c)
{
    const char *params[3] = {a, b, c};
    return PQexecParams(conn, sql, c ? 3 : 2, NULL, params, NULL, NULL, 0);
}

/* The declared rows of one table (SctlObject.definition, the compiler's
 * query), in a savepoint: a table that does not read as declared is a
 * difference, not a failure of the whole reading. */
static bool read_rows_of(PGconn *conn, const SctlObject *o, SctlFacets *f,
                         char **err)
{
    PGresult *r = params2(conn, SQL_TABLE_THERE, o->schema, o->name, NULL);
    bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
    bool there = ok && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    if (!ok)
        set_err(err, sctl_failure(conn, r, "facets: reading rows"));
    PQclear(r);
    if (!there)
        return ok;
    if (!sctl_exec(conn, "SAVEPOINT sctl_rows", "facets", err))
        return false;
    r = PQexec(conn, o->definition);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        char *why = sctl_printf("unreadable: %s", PQresultErrorField(r,
                                PG_DIAG_MESSAGE_PRIMARY) ?
                                PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
                                : "?");
        PQclear(r);
        if (!sctl_exec(conn, "ROLLBACK TO SAVEPOINT sctl_rows", "facets",
                       err)) {
            free(why);
            return false;
        }
        r = params2(conn, SQL_ROWS_UNREADABLE, o->schema, o->name, why);
        free(why);
    }
    ok = PQresultStatus(r) == PGRES_TUPLES_OK;
    if (ok)
        add_rows(f, SCTL_K_ROWS, r);
    else {
        set_err(err, sctl_failure(conn, r, "facets: reading rows"));
        PQclear(r);
    }
    return ok && sctl_exec(conn, "RELEASE SAVEPOINT sctl_rows", "facets", err);
}

static bool read_rows(PGconn *conn, const SctlSchema *s, SctlFacets *f,
                      char **err)
{
    for (int i = 0; s && i < s->nobjects; i++)
        if (s->objects[i].kind == SCTL_K_ROWS && s->objects[i].definition &&
            !read_rows_of(conn, &s->objects[i], f, err))
            return false;
    return true;
}

/* The fingerprint (if asked) comes after the settings, so it is not JIT
 * compiled either. */
typedef struct Unless {
    SctlFpKnown *known;
    SctlStampsKnown *stamps;
    void *arg;
    bool *hit;
} Unless;

/* Under a savepoint: a failing check (a memo it may not read) must not
 * abort the reading. */
static bool known_at(PGconn *conn, const char *fp, const Unless *u)
{
    char *err = NULL;
    if (!sctl_exec(conn, "SAVEPOINT sctl_known", "facets", &err)) {
        free(err);
        return false;
    }
    bool yes = u->known(conn, fp, u->arg);
    if (PQtransactionStatus(conn) != PQTRANS_INTRANS)
        PQclear(PQexec(conn, "ROLLBACK TO SAVEPOINT sctl_known"));
    PQclear(PQexec(conn, "RELEASE SAVEPOINT sctl_known"));
    return yes;
}

/* The helper's queries, and last the stamps when it is to take them. */
static SctlHelper *helper_start(PGconn *conn, const char *schemas,
                                bool stamps)
{
    const char *sqls[NQUERIES + 1];
    bool by_schema[NQUERIES + 1];
    int n = 0;
    for (size_t i = 0; i < NQUERIES; i++)
        if (queries[i].helper) {
            sqls[n] = queries[i].sql;
            by_schema[n++] = queries[i].by_schema;
        }
    if (stamps) {
        sqls[n] = sctl_stamps_sql();
        by_schema[n++] = false;
    }
    return sctl_helper_start(conn, SQL_SETTINGS, sqls, by_schema, n,
                             schemas);
}

/* The helper's results into their places among rows, and its stamps
 * into *stamps if it took them; false if it failed (rows untouched). */
static bool helper_finish(SctlHelper *h, PGresult **rows, PGresult **stamps)
{
    PGresult *got[NQUERIES + 1] = {0};
    if (!sctl_helper_finish(h, got))
        return false;
    int n = 0;
    for (size_t i = 0; i < NQUERIES; i++)
        if (queries[i].helper)
            rows[i] = got[n++];
    *stamps = got[n];
    return true;
}

/*
 * The relations to read when only some changed since the last clean
 * comparison (stamps.c), as an oid[] literal, f->stamps kept for the memo
 * either way; NULL to read all.  Under a savepoint: a failure here only
 * means reading everything.  A few relations are best read through their
 * indexes, which enable_nestloop = off rules out.
 */
static char *changed_since(PGconn *conn, const char *const *schemas,
                           int nschemas, const Unless *u, SctlFacets *f,
                           const SctlSchema *s, bool own, char **later)
{
    char *err = NULL, *only = NULL;
    if (!sctl_exec(conn, "SAVEPOINT sctl_stamps", "facets", &err)) {
        free(err);
        return NULL;
    }
    char *global = sctl_fingerprint_global(conn, schemas, nschemas, &err);
    free(err);
    if (global && own && !sctl_memo_has_stamps(conn, global, s)) {
        *later = global;        /* nothing to compare them with yet */
        global = NULL;
    } else if (global) {
        f->stamps = sctl_stamps_take(conn, schemas, nschemas, global, NULL,
                                     &err);
        free(err);
    }
    int changed = f->stamps ? u->stamps(conn, f->stamps, u->arg) : -1;
    if (changed >= 0) {
        only = sctl_stamps_changed(f->stamps);
        f->partial = true;
        char what[48];
        snprintf(what, sizeof what, "stamps (%d changed)", changed);
        cmd_phase(what);
    }
    if (PQtransactionStatus(conn) != PQTRANS_INTRANS) {
        PQclear(PQexec(conn, "ROLLBACK TO SAVEPOINT sctl_stamps"));
        sctl_stamps_free(f->stamps);
        f->stamps = NULL;
        f->partial = false;
        free(only);
        only = NULL;
        free(*later);
        *later = NULL;
    }
    PQclear(PQexec(conn, "RELEASE SAVEPOINT sctl_stamps"));
    if (only)
        PQclear(PQexec(conn, "SET LOCAL enable_nestloop = on"));
    return only;
}

/* The stamps no memo could use this time, for the one the reading may
 * write: taken by the helper, or here if it did not (under a savepoint,
 * as a failure only means no stamps). */
static void stamps_beside(PGconn *conn, const char *const *schemas,
                          int nschemas, char *global, PGresult *rows,
                          SctlFacets *f)
{
    char *err = NULL;
    if (rows) {
        f->stamps = sctl_stamps_take(conn, schemas, nschemas, global, rows,
                                     &err);
    } else if (sctl_exec(conn, "SAVEPOINT sctl_stamps", NULL, NULL)) {
        f->stamps = sctl_stamps_take(conn, schemas, nschemas, global, NULL,
                                     &err);
        if (!f->stamps)
            PQclear(PQexec(conn, "ROLLBACK TO SAVEPOINT sctl_stamps"));
        PQclear(PQexec(conn, "RELEASE SAVEPOINT sctl_stamps"));
    } else {
        free(global);
    }
    free(err);
}

/* own: in a transaction of the reader's own (a snapshot another
 * connection can share). */
static bool read_all(PGconn *conn, const char *const *schemas, int nschemas,
                     const SctlSchema *rows_of, bool own, char **fingerprint,
                     const Unless *u, SctlFacets *f, char **err)
{
    if (!sctl_exec(conn, SQL_SETTINGS, "facets", err))
        return false;
    if (fingerprint) {
        char *fp_err = NULL;
        *fingerprint = sctl_fingerprint(conn, schemas, nschemas, &fp_err);
        if (!*fingerprint)
            set_err(err, sctl_printf("facets: %s", fp_err));
        free(fp_err);
        if (!*fingerprint)
            return false;
        if (u->known && known_at(conn, *fingerprint, u)) {
            *u->hit = true;
            return false;
        }
    }
    /* a small schema reads whole as fast as it would take stamps, or
     * start a second connection */
    bool large = rows_of && rows_of->nobjects >= SCTL_LARGE_SCHEMA;
    char *later = NULL;     /* the global part, stamps to take beside */
    /* In the caller's transaction of a snapshot per statement (apply's,
     * whose caller checked the fingerprint), the stamps still say what to
     * read: a relation that changes after them reads as it was, as if it
     * changed once the apply was done. */
    char *only = large && u->stamps && (fingerprint || !own)
                 ? changed_since(conn, schemas, nschemas, u, f, rows_of, own,
                                 &later)
                 : NULL;
    char *arr = sctl_text_array(schemas, nschemas);
    PGresult *rows[NQUERIES] = {0}, *stamps = NULL;
    SctlHelper *h = large && own && !only
                    ? helper_start(conn, arr, later != NULL) : NULL;
    bool ok = true;
    for (size_t i = 0; ok && i < NQUERIES; i++)
        if (!h || !queries[i].helper)
            ok = run_query(conn, &queries[i], arr, only, &rows[i], err);
    if (h && !helper_finish(h, rows, &stamps))  /* then here after all */
        for (size_t i = 0; ok && i < NQUERIES; i++)
            if (queries[i].helper)
                ok = run_query(conn, &queries[i], arr, NULL, &rows[i], err);
    if (later)
        stamps_beside(conn, schemas, nschemas, later, stamps, f);
    free(only);
    free(arr);
    /* filed in query order, which is key order */
    for (size_t i = 0; i < NQUERIES; i++) {
        if (!ok || !rows[i]) {
            PQclear(rows[i]);
            continue;
        }
        int from = f->n;
        add_rows(f, queries[i].kind, rows[i]);
        sort_range(f, from);
    }
    return ok && read_rows(conn, rows_of, f, err);
}

/*
 * The caller owns the map (sctl_facets_free) and, on failure, *err
 * (free).  The session's settings and transaction state are as before.
 */
SctlFacets *sctl_read_facets(PGconn *conn, const char *const *schemas,
                             int nschemas, char **err)
{
    return sctl_read_facets_fp(conn, schemas, nschemas, NULL, err);
}

/* The fingerprint is taken in the snapshot every query reads, so only in
 * a transaction of the reader's own or in one of the caller's that keeps
 * one snapshot: in any other, each statement may see another one.
 * rows_of: the schema whose declared rows are read too. */
static SctlFacets *read_facets(PGconn *conn, const char *const *schemas,
                               int nschemas, const SctlSchema *rows_of,
                               char **fingerprint, const Unless *u,
                               char **err)
{
    bool own;
    *err = NULL;
    *u->hit = false;
    if (fingerprint)
        *fingerprint = NULL;
    if (!session_begin(conn, &own, err))
        return NULL;
    SctlFacets *f = facets_new();
    bool snapshot = own || (fingerprint && sctl_in_snapshot(conn));
    bool ok = read_all(conn, schemas, nschemas, rows_of, own,
                       snapshot ? fingerprint : NULL, u, f, err);
    ok = session_end(conn, own, err) && ok;
    if (!ok) {
        if (fingerprint) {
            free(*fingerprint);
            *fingerprint = NULL;
        }
        sctl_facets_free(f);
        if (*u->hit && *err) {   /* only ending the snapshot failed */
            free(*err);
            *err = NULL;
        }
        return NULL;
    }
    finish(f);
    return f;
}

SctlFacets *sctl_read_facets_fp(PGconn *conn, const char *const *schemas,
                                int nschemas, char **fingerprint,
                                char **err)
{
    bool hit;
    Unless u = {NULL, NULL, NULL, &hit};
    return read_facets(conn, schemas, nschemas, NULL, fingerprint, &u, err);
}

SctlFacets *sctl_read_schema_facets(PGconn *conn, const SctlSchema *s,
                                    char **fingerprint, char **err)
{
    bool hit;
    Unless u = {NULL, NULL, NULL, &hit};
    return read_facets(conn, s->schemas, s->nschemas, s, fingerprint, &u,
                       err);
}

SctlFacets *sctl_read_facets_unless(PGconn *conn, const SctlSchema *s,
                                    char **fingerprint, SctlFpKnown *known,
                                    SctlStampsKnown *stamps, void *arg,
                                    bool *hit, char **err)
{
    Unless u = {known, stamps, arg, hit};
    return read_facets(conn, s->schemas, s->nschemas, s, fingerprint, &u,
                       err);
}

/* ------------------------------------------------------------ dump/load */

/*
 * The cache format, one line per item, text only:
 *
 *   sctl-facets 2          header (version)
 *   K<key>                 a facet; kind and parts are read from the key
 *   F<name>\t<value>       a field of the facet above, in order
 *
 * In keys, names and values a backslash, newline, carriage return and
 * tab are written \\ \n \r \t; a value that is exactly \N is SQL NULL
 * (a text "\N" is written \\N).  Facets come in key order.
 */
/* The version changes whenever the reader may print a field otherwise
 * (2: indexes from raw columns), so that a cache of the old reader's
 * values is never compared with the new one's. */
#define DUMP_HEADER "sctl-facets 2\n"

typedef struct Buf {
    char *data;
    size_t len, cap;
} Buf;

static void buf_put(Buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->data = xrealloc(b->data, b->cap);
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void buf_escaped(Buf *b, const char *s)
{
    for (;;) {
        size_t plain = strcspn(s, "\\\n\r\t");
        buf_put(b, s, plain);
        s += plain;
        if (!*s)
            return;
        char esc[2] = {'\\', *s == '\\' ? '\\' : *s == '\n' ? 'n'
                       : *s == '\r' ? 'r' : 't'};
        buf_put(b, esc, 2);
        s++;
    }
}

/* The map as text (malloc'd); facets in key order. */
char *sctl_facets_dump(const SctlFacets *f)
{
    Buf b = {0};
    buf_put(&b, DUMP_HEADER, strlen(DUMP_HEADER));
    for (int i = 0; i < f->n; i++) {
        const SctlFacet *fc = &f->facets[i];
        buf_put(&b, "K", 1);
        buf_escaped(&b, fc->key);
        buf_put(&b, "\n", 1);
        for (int j = 0; j < fc->nfields; j++) {
            buf_put(&b, "F", 1);
            buf_escaped(&b, fc->fields[j].name);
            buf_put(&b, "\t", 1);
            if (fc->fields[j].value)
                buf_escaped(&b, fc->fields[j].value);
            else
                buf_put(&b, "\\N", 2);
            buf_put(&b, "\n", 1);
        }
    }
    return b.data;
}

/* Unescapes s[0..len) into the pool; false on an unknown escape. */
static bool unescape(SctlFacets *f, const char *s, size_t len, char **out)
{
    char *d = pool_take(f, len + 1, 1);
    *out = d;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '\\') {
            *d++ = s[i];
            continue;
        }
        char c = ++i < len ? s[i] : '\0';
        if (c != '\\' && c != 'n' && c != 'r' && c != 't')
            return false;
        *d++ = c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t' : '\\';
    }
    *d = '\0';
    return true;
}

/* Splits a key into kind and parts; false unless it is a valid key. */
static bool parse_key(SctlFacets *f, SctlFacet *fc, const char *key)
{
    const char *sep = strchr(key, KEY_SEP);
    if (!sep || !kind_of_word(key, (size_t)(sep - key), &fc->kind))
        return false;
    int np = key_parts(fc->kind);
    char *part[3] = {NULL, NULL, NULL};
    for (int i = 0; i < np; i++) {
        if (!sep)
            return false;
        const char *start = sep + 1;
        sep = strchr(start, KEY_SEP);
        size_t len = sep ? (size_t)(sep - start) : strlen(start);
        part[key_roles[np][i]] = pool_strndup(f, start, len);
    }
    if (sep)
        return false;
    fc->key = key;
    fc->schema = fc->kind == SCTL_K_SCHEMA ? part[2] : part[0];
    fc->table = part[1];
    fc->name = part[2];
    return true;
}

/* How many field lines follow p (which starts a line). */
static int count_fields(const char *p)
{
    int n = 0;
    while (*p == 'F') {
        n++;
        p = strchr(p, '\n');
        if (!p)
            break;
        p++;
    }
    return n;
}

/* The name at line[0..len), reusing `prev` (the previous facet's name
 * for this field) when equal: a kind's facets share their names. */
static bool load_name(SctlFacets *f, const char *line, size_t len,
                      const char *prev, const char **out)
{
    if (prev && strncmp(prev, line, len) == 0 && prev[len] == '\0'
        && !memchr(line, '\\', len)) {
        *out = prev;
        return true;
    }
    char *name;
    bool ok = unescape(f, line, len, &name);
    *out = name;
    return ok;
}

static bool load_field(SctlFacets *f, SctlField *fl, const char *line,
                       size_t len, const char *prev_name)
{
    const char *tab = memchr(line, '\t', len);
    if (!tab)
        return false;
    const char *name;
    char *value = NULL;
    const char *v = tab + 1;
    size_t vlen = len - (size_t)(v - line);
    if (!load_name(f, line, (size_t)(tab - line), prev_name, &name))
        return false;
    if (!(vlen == 2 && memcmp(v, "\\N", 2) == 0)
        && !unescape(f, v, vlen, &value))
        return false;
    fl->name = name;
    fl->value = value;
    return true;
}

/* Reads one K line and its F lines; returns the next line or NULL. */
static const char *load_facet(SctlFacets *f, const char *p)
{
    const char *eol = strchr(p, '\n');
    char *key;
    if (*p != 'K' || !eol || !unescape(f, p + 1, (size_t)(eol - p - 1), &key))
        return NULL;
    SctlFacet *fc = facet_add(f);
    const SctlFacet *prev = f->n > 1 ? fc - 1 : NULL;
    if (!parse_key(f, fc, key))
        return NULL;
    p = eol + 1;
    fc->nfields = count_fields(p);
    fc->fields = pool_alloc(f, sizeof *fc->fields * (size_t)(fc->nfields + 1));
    for (int j = 0; j < fc->nfields; j++) {
        const char *pn = prev && j < prev->nfields ? prev->fields[j].name
                                                   : NULL;
        eol = strchr(p, '\n');
        if (!eol || !load_field(f, &fc->fields[j], p + 1,
                                (size_t)(eol - p - 1), pn))
            return NULL;
        p = eol + 1;
    }
    return p;
}

/* A map from sctl_facets_dump text; NULL if the text is not one. */
SctlFacets *sctl_facets_load(const char *text)
{
    size_t hl = strlen(DUMP_HEADER);
    if (!text || strncmp(text, DUMP_HEADER, hl) != 0)
        return NULL;
    SctlFacets *f = facets_new();
    for (const char *p = text + hl; p && *p;)
        if (!(p = load_facet(f, p))) {
            sctl_facets_free(f);
            return NULL;
        }
    finish(f);
    return f;
}

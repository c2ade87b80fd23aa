/*
 * import_read.c — the catalog of a live database, read for `schemac
 * import`: one query per kind of object, all in one read-only snapshot,
 * under the output settings the runtime's facet reader pins (so that the
 * expressions printed here are those verify compares).
 *
 * Rows that belong to a table carry its oid as "owner" and are sorted by
 * it, so the writer finds a table's rows by binary search.
 */
#include "import.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char SQL_SETTINGS[] =
    "SET LOCAL search_path = pg_catalog, pg_temp;"
    "SET LOCAL quote_all_identifiers = off;"
    "SET LOCAL standard_conforming_strings = on;"
    "SET LOCAL DateStyle = 'ISO, MDY';"
    "SET LOCAL IntervalStyle = postgres;"
    "SET LOCAL TimeZone = 'UTC';"
    "SET LOCAL extra_float_digits = 1;"
    "SET LOCAL bytea_output = hex;"
    "SET LOCAL max_parallel_workers_per_gather = 0;"
    "SET LOCAL enable_nestloop = off;"
    "SET LOCAL jit = off";

/* The schemas read ($1); an extension's members are its own business. */
#define IN_SCHEMAS(nsp) nsp ".nspname = ANY ($1::text[])"
#define NOT_EXT(cat, oid)                                                 \
    " NOT EXISTS (SELECT FROM pg_depend e WHERE e.refclassid ="          \
    " 'pg_extension'::regclass AND e.deptype = 'e' AND e.classid = '" cat \
    "'::regclass AND e.objid = " oid ") "
/* A list of names, one string: names hold no \x1f in practice. */
#define NAMES(expr, from) \
    "array_to_string(ARRAY(SELECT " expr " " from "), E'\\x1f')"
#define COMMENT(oid, cat) "obj_description(" oid ", '" cat "')"
/* The acl a new object gets: the built-in default, then what the
 * schema's default privileges add. */
#define CREATION_ACL(kind, defkind, owner, nsp)                           \
    "array_cat(acldefault('" kind "', " owner "), coalesce((SELECT"       \
    " x.defaclacl FROM pg_default_acl x WHERE x.defaclnamespace = " nsp   \
    " AND x.defaclrole = " owner " AND x.defaclobjtype = '" defkind "'),"  \
    " '{}'))"

static const char SQL_SCHEMAS[] =
    "SELECT n.oid AS owner, n.nspname AS name, n.nspacl::text AS acl,"
    " acldefault('n', n.nspowner)::text AS default_acl,"
    " pg_get_userbyid(n.nspowner) AS owner_name,"
    " " COMMENT("n.oid", "pg_namespace") " AS comment,"
    " (SELECT string_agg(a.defaclobjtype::text || ':' || "
    "   coalesce(a.defaclacl::text, ''), E'\\x1e' ORDER BY a.defaclobjtype)"
    "  FROM pg_default_acl a WHERE a.defaclnamespace = n.oid) AS defacl,"
    " (SELECT string_agg(DISTINCT pg_get_userbyid(a.defaclrole), ',')"
    "  FROM pg_default_acl a WHERE a.defaclnamespace = n.oid) AS defacl_roles"
    " FROM pg_namespace n WHERE " IN_SCHEMAS("n")
    " ORDER BY n.nspname COLLATE \"C\"";

static const char SQL_ROLES[] =
    "SELECT r.oid AS owner, r.rolname AS name, r.rolcanlogin AS login,"
    " r.rolsuper OR r.rolcreatedb OR r.rolcreaterole OR r.rolreplication"
    "  OR r.rolbypassrls OR NOT r.rolinherit OR r.rolconnlimit <> -1"
    "  OR r.rolvaliduntil IS NOT NULL AS unusual,"
    " " NAMES("g.rolname", "FROM pg_auth_members m JOIN pg_roles g ON"
              " g.oid = m.roleid WHERE m.member = r.oid ORDER BY g.rolname"
              " COLLATE \"C\"") " AS member_of,"
    " shobj_description(r.oid, 'pg_authid') AS comment"
    " FROM pg_roles r ORDER BY r.rolname COLLATE \"C\"";

static const char SQL_EXTENSIONS[] =
    "SELECT x.oid AS owner, x.extname AS name, n.nspname AS schema,"
    " " COMMENT("x.oid", "pg_extension") " AS comment,"
    " (SELECT v.comment FROM pg_available_extensions v"
    "  WHERE v.name = x.extname) AS default_comment"
    " FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace"
    " WHERE x.extname <> 'plpgsql' AND NOT ($2 AND n.nspname <> 'extensions'"
    " AND n.nspname IN " IMPORT_PLATFORM_SCHEMAS ")"
    " ORDER BY x.extname COLLATE \"C\"";

static const char SQL_TYPES[] =
    "SELECT t.oid AS owner, n.nspname AS schema, t.typname AS name,"
    " t.typtype::text AS kind,"
    " (SELECT string_agg(quote_literal(l.enumlabel), ', '"
    "   ORDER BY l.enumsortorder) FROM pg_enum l WHERE l.enumtypid = t.oid)"
    "  AS labels,"
    " format_type(t.typbasetype, t.typtypmod) AS base,"
    " CASE WHEN t.typtype = 'd' AND t.typcollation <> b.typcollation"
    "  THEN t.typcollation::regcollation::text END AS collation,"
    " t.typnotnull AS not_null, pg_get_expr(t.typdefaultbin, 0) AS default,"
    " (SELECT string_agg(k.conname || E'\\x1f' || pg_get_constraintdef(k.oid),"
    "   E'\\x1e' ORDER BY k.conname COLLATE \"C\") FROM pg_constraint k"
    "   WHERE k.contypid = t.oid) AS checks,"
    " (SELECT string_agg(quote_ident(a.attname) || ' ' ||"
    "   format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attcollation"
    "   <> at.typcollation THEN ' COLLATE ' || a.attcollation::regcollation"
    "   ::text ELSE '' END, ', ' ORDER BY a.attnum) FROM pg_attribute a"
    "   JOIN pg_type at ON at.oid = a.atttypid WHERE a.attrelid = t.typrelid"
    "   AND a.attnum > 0 AND NOT a.attisdropped) AS fields,"
    " t.typacl::text AS acl,  " CREATION_ACL("T", "T", "t.typowner", "t.typnamespace")
    "  ::text AS default_acl,"
    " pg_get_userbyid(t.typowner) AS owner_name,"
    " " COMMENT("t.oid", "pg_type") " AS comment"
    " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
    " LEFT JOIN pg_type b ON b.oid = t.typbasetype"
    " LEFT JOIN pg_class c ON c.oid = t.typrelid"
    " WHERE " IN_SCHEMAS("n") " AND (t.typtype IN ('e', 'd')"
    "  OR (t.typtype = 'c' AND c.relkind = 'c')) AND"
    NOT_EXT("pg_type", "t.oid")
    " ORDER BY n.nspname COLLATE \"C\", t.typname COLLATE \"C\"";

static const char SQL_TABLES[] =
    "SELECT c.oid AS owner, n.nspname AS schema, c.relname AS name,"
    " c.relkind::text AS kind, c.relrowsecurity AS rls,"
    " c.relforcerowsecurity AS force_rls, c.relreplident::text AS replident,"
    " (SELECT ic.relname FROM pg_index i JOIN pg_class ic ON"
    "  ic.oid = i.indexrelid WHERE i.indrelid = c.oid AND i.indisreplident)"
    "  AS replident_index,"
    " CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partkey,"
    " (SELECT i.inhparent::text FROM pg_inherits i WHERE i.inhrelid = c.oid"
    "  AND c.relispartition) AS parent,"
    " pg_get_expr(c.relpartbound, c.oid) AS bound,"
    " c.relacl::text AS acl, pg_get_userbyid(c.relowner) AS owner_name,"
    " " CREATION_ACL("r", "r", "c.relowner", "c.relnamespace")
    "  ::text AS default_acl,"
    " c.relacl = " CREATION_ACL("r", "r", "c.relowner", "c.relnamespace")
    "  AS acl_from_defaults,"
    " " COMMENT("c.oid", "pg_class") " AS comment"
    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relkind IN ('r', 'p') AND " IN_SCHEMAS("n") " AND"
    NOT_EXT("pg_class", "c.oid")
    " ORDER BY n.nspname COLLATE \"C\", c.relname COLLATE \"C\"";

/* The owned sequences of serial and identity columns, with their
 * settings, joined by column (a hash join, not a lookup per column). */
#define OWNED_SEQ                                                         \
    " LEFT JOIN (SELECT d.refobjid, d.refobjsubid, sc.relname AS seq_name," \
    "  s.seqtypid, s.seqstart, s.seqincrement, s.seqmin, s.seqmax,"       \
    "  s.seqcache, s.seqcycle, sc.relacl IS NOT NULL AND sc.relacl <>"    \
    "  " CREATION_ACL("s", "S", "sc.relowner", "sc.relnamespace")         \
    "  AS seq_granted,"                                                   \
    "  " COMMENT("sc.oid", "pg_class") " AS seq_comment"                  \
    "  FROM pg_depend d JOIN pg_class sc ON sc.oid = d.objid"             \
    "  JOIN pg_sequence s ON s.seqrelid = sc.oid"                         \
    "  WHERE d.classid = 'pg_class'::regclass AND d.refclassid ="         \
    "  'pg_class'::regclass AND d.deptype IN ('a', 'i')"                  \
    "  AND sc.relkind = 'S') q ON q.refobjid = a.attrelid"                \
    "  AND q.refobjsubid = a.attnum "

static const char SQL_COLUMNS[] =
    "SELECT a.attrelid AS owner, a.attname AS name,"
    " format_type(a.atttypid, a.atttypmod) AS type, t.typname AS typname,"
    " a.attnotnull AS not_null, a.attislocal AS local,"
    " CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, ad.adrelid)"
    "  END AS default,"
    " CASE WHEN a.attgenerated <> '' THEN pg_get_expr(ad.adbin, ad.adrelid)"
    "  END AS generated,"
    " a.attidentity::text AS identity,"
    " CASE WHEN a.attcollation <> t.typcollation"
    "  THEN a.attcollation::regcollation::text END AS collation,"
    " col_description(a.attrelid, a.attnum) AS comment,"
    " a.attacl::text AS acl,"
    " a.attstattarget <> -1 OR a.attstorage <> t.typstorage"
    "  OR a.attcompression <> '' OR EXISTS (SELECT FROM unnest(a.attoptions)"
    "  o WHERE o NOT LIKE 'pg\\_attver=%') AS unusual,"
    " q.seq_name, q.seqtypid::regtype::text AS seq_type, q.seqstart,"
    " q.seqincrement, q.seqmin, q.seqmax, q.seqcache, q.seqcycle,"
    " q.seq_granted,"
    " q.seq_comment"
    " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
    " JOIN pg_namespace n ON n.oid = c.relnamespace"
    " JOIN pg_type t ON t.oid = a.atttypid"
    " LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid"
    "  AND ad.adnum = a.attnum" OWNED_SEQ
    " WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p')"
    " AND " IN_SCHEMAS("n") " AND" NOT_EXT("pg_class", "c.oid")
    " ORDER BY a.attrelid, a.attnum";

/* Constraints of tables (not domains'), with what a name is chosen from:
 * the constraint's columns, or the index's for keys. */
static const char SQL_CONSTRAINTS[] =
    "SELECT k.conrelid AS owner, k.conname AS name, k.contype::text AS type,"
    " pg_get_constraintdef(k.oid) AS def,"
    " " NAMES("a.attname", "FROM unnest(k.conkey) WITH ORDINALITY u(n, o)"
              " JOIN pg_attribute a ON a.attrelid = k.conrelid AND"
              " a.attnum = u.n ORDER BY u.o") " AS cols,"
    " " NAMES("a.attname", "FROM pg_attribute a WHERE a.attrelid ="
              " k.conindid AND a.attnum > 0 ORDER BY a.attnum")
    "  AS index_cols,"
    " fn.nspname AS ref_schema, fc.relname AS ref_table,"
    " " NAMES("a.attname", "FROM unnest(k.confkey) WITH ORDINALITY u(n, o)"
              " JOIN pg_attribute a ON a.attrelid = k.confrelid AND"
              " a.attnum = u.n ORDER BY u.o") " AS ref_cols,"
    " k.confupdtype::text AS on_update, k.confdeltype::text AS on_delete,"
    " k.confmatchtype::text AS match, k.condeferrable AS deferrable,"
    " k.condeferred AS deferred, k.convalidated AS validated,"
    " k.conislocal AS local, k.conparentid <> 0 AS inherited,"
    " k.confdelsetcols IS NOT NULL AS delete_set_cols,"
    " ic.reloptions IS NOT NULL OR ic.reltablespace <> 0 AS index_unusual,"
    " " COMMENT("k.oid", "pg_constraint") " AS comment,"
    " " COMMENT("k.conindid", "pg_class") " AS index_comment"
    " FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid"
    " JOIN pg_namespace n ON n.oid = c.relnamespace"
    " LEFT JOIN pg_class fc ON fc.oid = k.confrelid"
    " LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace"
    " LEFT JOIN pg_class ic ON ic.oid = k.conindid AND k.contype <> 'f'"
    " WHERE c.relkind IN ('r', 'p') AND " IN_SCHEMAS("n") " AND"
    NOT_EXT("pg_class", "c.oid")
    " ORDER BY k.conrelid, k.conname COLLATE \"C\"";

/* Indexes that no constraint owns, of tables and materialized views. */
static const char SQL_INDEXES[] =
    "SELECT i.indrelid AS owner, ic.relname AS name,"
    " pg_get_indexdef(i.indexrelid) AS def, am.amname AS method,"
    " i.indisunique AS is_unique, i.indexprs IS NOT NULL AS has_exprs,"
    " " NAMES("a.attname", "FROM pg_attribute a WHERE a.attrelid ="
              " i.indexrelid AND a.attnum > 0 ORDER BY a.attnum") " AS cols,"
    " ic.reloptions IS NOT NULL OR ic.reltablespace <> 0 AS unusual,"
    " EXISTS (SELECT FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)"
    "  AS attached,"
    " " COMMENT("ic.oid", "pg_class") " AS comment"
    " FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid"
    " JOIN pg_class c ON c.oid = i.indrelid"
    " JOIN pg_namespace n ON n.oid = c.relnamespace"
    " JOIN pg_am am ON am.oid = ic.relam"
    " WHERE c.relkind IN ('r', 'p', 'm') AND " IN_SCHEMAS("n") " AND"
    NOT_EXT("pg_class", "c.oid") " AND NOT EXISTS (SELECT FROM pg_constraint"
    " k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))"
    " ORDER BY i.indrelid, ic.relname COLLATE \"C\"";

/* Policies of the tables read, and of the platform's (those on
 * storage.objects may be buckets'). */
static const char SQL_POLICIES[] =
    "SELECT p.polrelid AS owner, p.polname AS name,"
    " p.polpermissive AS permissive, p.polcmd::text AS cmd,"
    " " NAMES("CASE WHEN r.r = 0 THEN 'public' ELSE pg_get_userbyid(r.r)"
              " END", "FROM unnest(p.polroles) WITH ORDINALITY r(r, o)"
              " ORDER BY r.o") " AS roles,"
    " pg_get_expr(p.polqual, p.polrelid) AS using,"
    " pg_get_expr(p.polwithcheck, p.polrelid) AS check,"
    " " COMMENT("p.oid", "pg_policy") " AS comment,"
    " n.nspname = 'storage' AND c.relname = 'objects' AS on_objects"
    " FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid"
    " JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE " IN_SCHEMAS("n") " OR ($2 AND n.nspname IN ('auth',"
    "  'storage'))"
    " ORDER BY p.polrelid, p.polname COLLATE \"C\"";

static const char SQL_TRIGGERS[] =
    "SELECT t.tgrelid AS owner, t.tgname AS name,"
    " pg_get_triggerdef(t.oid) AS def, t.tgconstraint <> 0 AS is_constraint,"
    " t.tgenabled::text AS enabled, t.tgparentid <> 0 AS inherited,"
    " " COMMENT("t.oid", "pg_trigger") " AS comment"
    " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
    " JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE NOT t.tgisinternal AND (" IN_SCHEMAS("n") " OR ($2 AND"
    " n.nspname IN ('auth', 'storage') AND" IMPORT_USER_TRIGGER("t") "))"
    " ORDER BY t.tgrelid, t.tgname COLLATE \"C\"";

static const char SQL_VIEWS[] =
    "SELECT c.oid AS owner, n.nspname AS schema, c.relname AS name,"
    " c.relkind::text AS kind, pg_get_viewdef(c.oid) AS query,"
    " array_to_string(c.reloptions, ', ') AS options,"
    " c.relacl::text AS acl, pg_get_userbyid(c.relowner) AS owner_name,"
    " " CREATION_ACL("r", "r", "c.relowner", "c.relnamespace")
    "  ::text AS default_acl,"
    " c.relispopulated AS populated,"
    " " COMMENT("c.oid", "pg_class") " AS comment,"
    " EXISTS (SELECT FROM pg_description d WHERE d.objoid = c.oid AND"
    "  d.classoid = 'pg_class'::regclass AND d.objsubid > 0)"
    "  AS column_comments,"
    " EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND"
    "  a.attacl IS NOT NULL) AS column_grants"
    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relkind IN ('v', 'm') AND " IN_SCHEMAS("n") " AND"
    NOT_EXT("pg_class", "c.oid")
    " ORDER BY n.nspname COLLATE \"C\", c.relname COLLATE \"C\"";

static const char SQL_FUNCTIONS[] =
    "SELECT p.oid AS owner, n.nspname AS schema, p.proname AS name,"
    " p.prokind::text AS kind, l.lanname AS language,"
    " pg_get_function_arguments(p.oid) AS args,"
    " pg_get_function_result(p.oid) AS result,"
    " p.provolatile::text AS volatility, p.prosecdef AS definer,"
    " p.proisstrict AS strict, p.proleakproof AS leakproof,"
    " p.proparallel::text AS parallel, p.procost::text AS cost,"
    " p.prorows::text AS rows, p.proretset AS retset,"
    " array_to_string(p.proconfig, E'\\x1f') AS config, p.prosrc AS body,"
    " p.prosqlbody IS NOT NULL AS sql_body,"
    " p.proacl::text AS acl, pg_get_userbyid(p.proowner) AS owner_name,"
    " " CREATION_ACL("f", "f", "p.proowner", "p.pronamespace")
    "  ::text AS default_acl,"
    " " COMMENT("p.oid", "pg_proc") " AS comment"
    " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
    " JOIN pg_language l ON l.oid = p.prolang"
    " WHERE " IN_SCHEMAS("n") " AND" NOT_EXT("pg_proc", "p.oid")
    " ORDER BY n.nspname COLLATE \"C\", p.proname COLLATE \"C\","
    " pg_get_function_identity_arguments(p.oid) COLLATE \"C\"";

/* storage.buckets under platform supabase ($2). */
static const char SQL_BUCKETS[] =
    "SELECT b.id AS name, b.name AS bucket_name, b.public::text AS public,"
    " b.file_size_limit::text AS size_limit,"
    " array_to_string(ARRAY(SELECT quote_literal(m) FROM"
    "  unnest(b.allowed_mime_types) WITH ORDINALITY u(m, o) ORDER BY u.o),"
    "  ', ') AS mime_types, b.allowed_mime_types IS NULL AS any_mime,"
    " (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON"
    "  n.oid = c.relnamespace WHERE n.nspname = 'storage' AND"
    "  c.relname = 'objects')::text AS objects"
    " FROM storage.buckets b WHERE $2"
    " ORDER BY b.id COLLATE \"C\"";

/* Every relation and constraint name of the schemas, for the defaults. */
static const char SQL_NAMES[] =
    "SELECT n.nspname AS schema, c.relname AS name, false AS constraint"
    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE " IN_SCHEMAS("n") " UNION ALL"
    " SELECT n.nspname, k.conname, true FROM pg_constraint k"
    " JOIN pg_namespace n ON n.oid = k.connamespace WHERE " IN_SCHEMAS("n");

/* Sequences no identity column owns; a serial's are written with its
 * column, the writer tells which (the column the sequence belongs to). */
static const char SQL_SEQUENCES[] =
    "SELECT c.oid AS owner, n.nspname AS schema, c.relname AS name,"
    " s.seqtypid::regtype::text AS type, s.seqstart::text AS start,"
    " s.seqincrement::text AS increment, s.seqmin::text AS min,"
    " s.seqmax::text AS max, s.seqcache::text AS cache, s.seqcycle AS cycle,"
    " tn.nspname AS owned_schema, tc.relname AS owned_table,"
    " ta.attname AS owned_column,"
    " c.relacl::text AS acl, pg_get_userbyid(c.relowner) AS owner_name,"
    " " CREATION_ACL("s", "S", "c.relowner", "c.relnamespace")
    "  ::text AS default_acl,"
    " " COMMENT("c.oid", "pg_class") " AS comment"
    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " JOIN pg_sequence s ON s.seqrelid = c.oid"
    " LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND"
    "  d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND"
    "  d.deptype = 'a'"
    " LEFT JOIN pg_class tc ON tc.oid = d.refobjid"
    " LEFT JOIN pg_namespace tn ON tn.oid = tc.relnamespace"
    " LEFT JOIN pg_attribute ta ON ta.attrelid = d.refobjid AND"
    "  ta.attnum = d.refobjsubid"
    " WHERE c.relkind = 'S' AND " IN_SCHEMAS("n") " AND"
    NOT_EXT("pg_class", "c.oid") " AND NOT EXISTS (SELECT FROM pg_depend i"
    " WHERE i.classid = 'pg_class'::regclass AND i.objid = c.oid AND"
    " i.deptype = 'i')"
    " ORDER BY n.nspname COLLATE \"C\", c.relname COLLATE \"C\"";

/* Publications; under platform supabase ($2), its own empty one is the
 * platform's (the writer leaves it out). */
static const char SQL_PUBLICATIONS[] =
    "SELECT p.oid AS owner, p.pubname AS name, p.puballtables AS all_tables,"
    " p.pubinsert AS ins, p.pubupdate AS upd, p.pubdelete AS del,"
    " p.pubtruncate AS trunc, p.pubviaroot AS via_root,"
    " EXISTS (SELECT FROM pg_publication_namespace x WHERE"
    "  x.pnpubid = p.oid) AS by_schema,"
    " pg_get_userbyid(p.pubowner) AS owner_name,"
    " " COMMENT("p.oid", "pg_publication") " AS comment"
    " FROM pg_publication p ORDER BY p.pubname COLLATE \"C\"";

/* The tables of each publication, by publication. */
static const char SQL_PUBLISHED[] =
    "SELECT r.prpubid AS owner, n.nspname AS schema, c.relname AS name,"
    " " IN_SCHEMAS("n") " AS read,"
    " (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)"
    "  FROM pg_attribute a WHERE a.attrelid = r.prrelid AND"
    "  a.attnum = ANY (r.prattrs)) AS cols,"
    " pg_get_expr(r.prqual, r.prrelid) AS filter"
    " FROM pg_publication_rel r JOIN pg_class c ON c.oid = r.prrelid"
    " JOIN pg_namespace n ON n.oid = c.relnamespace"
    " ORDER BY r.prpubid, n.nspname COLLATE \"C\", c.relname COLLATE \"C\"";

/* Database-wide default privileges, and the built-in acl they replace; on
 * a live Supabase ($2 and not $3) they are the platform's. */
static const char SQL_DEFAULT_PRIVS[] =
    "SELECT pg_get_userbyid(a.defaclrole) AS role,"
    " a.defaclobjtype::text AS kind, a.defaclacl::text AS acl,"
    " acldefault(CASE a.defaclobjtype WHEN 'S' THEN 's'::\"char\" ELSE"
    "  a.defaclobjtype END, a.defaclrole)::text AS default_acl"
    " FROM pg_default_acl a WHERE a.defaclnamespace = 0 AND NOT ($2 AND"
    " NOT $3) ORDER BY pg_get_userbyid(a.defaclrole) COLLATE \"C\","
    " a.defaclobjtype";

static const char *queries[IMP_NKINDS] = {
    [IMP_SCHEMAS] = SQL_SCHEMAS,       [IMP_ROLES] = SQL_ROLES,
    [IMP_EXTENSIONS] = SQL_EXTENSIONS, [IMP_TYPES] = SQL_TYPES,
    [IMP_TABLES] = SQL_TABLES,         [IMP_COLUMNS] = SQL_COLUMNS,
    [IMP_CONSTRAINTS] = SQL_CONSTRAINTS, [IMP_INDEXES] = SQL_INDEXES,
    [IMP_POLICIES] = SQL_POLICIES,     [IMP_TRIGGERS] = SQL_TRIGGERS,
    [IMP_VIEWS] = SQL_VIEWS,           [IMP_FUNCTIONS] = SQL_FUNCTIONS,
    [IMP_BUCKETS] = SQL_BUCKETS,       [IMP_UNSAYABLE] = import_sql_unsayable,
    [IMP_NAMES] = SQL_NAMES,           [IMP_SEQUENCES] = SQL_SEQUENCES,
    [IMP_PUBLICATIONS] = SQL_PUBLICATIONS, [IMP_PUBLISHED] = SQL_PUBLISHED,
    [IMP_DEFAULT_PRIVS] = SQL_DEFAULT_PRIVS,
    [IMP_PLATFORM_TABLES] = import_sql_platform_tables,
};

/* Read instead when the platform is the stand-in, whose snapshot they
 * compare with; the kinds without a query elsewhere are empty. */
static const char *standin_queries[IMP_NKINDS] = {
    [IMP_PLATFORM_TABLES] = import_sql_platform_tables_standin,
    [IMP_PLATFORM_COLUMNS] = import_sql_platform_columns_standin,
    [IMP_PLATFORM_OBJECTS] = import_sql_platform_objects_standin,
    [IMP_PLATFORM_EXTRAS] = import_sql_platform_extras_standin,
};

/* ------------------------------------------------------------ access */

const char *import_get(const ImportRows *r, int i, const char *field)
{
    int col = PQfnumber(r->res, field);
    return col < 0 ? "" : PQgetvalue(r->res, i, col);
}

bool import_null(const ImportRows *r, int i, const char *field)
{
    int col = PQfnumber(r->res, field);
    return col < 0 || PQgetisnull(r->res, i, col);
}

bool import_bool(const ImportRows *r, int i, const char *field)
{
    return strcmp(import_get(r, i, field), "t") == 0;
}

/* Rows are sorted by owner as a number (an oid). */
int import_first(const ImportRows *r, const char *oid, int *count)
{
    unsigned long want = strtoul(oid, NULL, 10);
    int lo = 0, hi = r->n;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (strtoul(import_get(r, mid, "owner"), NULL, 10) < want)
            lo = mid + 1;
        else
            hi = mid;
    }
    int end = lo;
    while (end < r->n &&
           strtoul(import_get(r, end, "owner"), NULL, 10) == want)
        end++;
    *count = end - lo;
    return end > lo ? lo : -1;
}

/* ------------------------------------------------------------ reading */

static bool exec_ok(PGconn *conn, const char *sql, char **err)
{
    PGresult *r = PQexec(conn, sql);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        *err = strdup(PQerrorMessage(conn));
    PQclear(r);
    return ok;
}

/* The schemas to read when none are named: every schema of the user's,
 * not the system's, an extension's, schemactl's or the platform's. */
static const char SQL_USER_SCHEMAS[] =
    "SELECT n.nspname FROM pg_namespace n WHERE n.nspname !~ '^pg_'"
    " AND n.nspname NOT IN ('information_schema', 'schemactl') AND"
    NOT_EXT("pg_namespace", "n.oid")
    " AND NOT ($1 AND n.nspname IN " IMPORT_PLATFORM_SCHEMAS ")"
    " ORDER BY n.nspname COLLATE \"C\"";

/* A text[] literal of the names. */
static char *array_literal(const char *const *names, int n)
{
    Buf b = {0};
    buf_putc(&b, '{');
    for (int i = 0; i < n; i++) {
        buf_puts(&b, i ? ",\"" : "\"");
        for (const char *c = names[i]; *c; c++) {
            if (*c == '"' || *c == '\\')
                buf_putc(&b, '\\');
            buf_putc(&b, *c);
        }
        buf_putc(&b, '"');
    }
    buf_putc(&b, '}');
    return b.data;
}

static char *schema_list(PGconn *conn, bool supabase, char **err)
{
    const char *params[1] = {supabase ? "t" : "f"};
    PGresult *r = PQexecParams(conn, SQL_USER_SCHEMAS, 1, NULL, params,
                               NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        *err = strdup(PQerrorMessage(conn));
        PQclear(r);
        return NULL;
    }
    int n = PQntuples(r);
    const char **names = calloc((size_t)n + 1, sizeof *names);
    for (int i = 0; i < n; i++)
        names[i] = PQgetvalue(r, i, 0);
    char *lit = array_literal(names, n);
    free(names);
    PQclear(r);
    return lit;
}

/* Each named schema must be there: a typo would import nothing. */
static bool schemas_exist(PGconn *conn, const char *const *schemas, int n,
                          char **err)
{
    for (int i = 0; i < n; i++) {
        const char *params[1] = {schemas[i]};
        PGresult *r = PQexecParams(conn, "SELECT FROM pg_namespace WHERE"
                                   " nspname = $1", 1, NULL, params, NULL,
                                   NULL, 0);
        bool there = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r);
        PQclear(r);
        if (!there) {
            char *e = malloc(strlen(schemas[i]) + 32);
            sprintf(e, "no schema \"%s\" in the database", schemas[i]);
            *err = e;
            return false;
        }
    }
    return true;
}

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static bool read_kinds(PGconn *conn, ImportDb *db, const char *list,
                       char **err)
{
    /* SCHEMAC_IMPORT_TIMING=1: how long each kind's query takes */
    bool timing = getenv("SCHEMAC_IMPORT_TIMING") != NULL;
    const char *params[3] = {list, db->supabase ? "t" : "f",
                             db->standin ? "t" : "f"};
    for (int k = 0; k < IMP_NKINDS; k++) {
        const char *sql = db->standin && standin_queries[k]
                              ? standin_queries[k] : queries[k];
        if ((k == IMP_BUCKETS && !db->supabase) || !sql) {
            db->rows[k].res = PQmakeEmptyPGresult(conn, PGRES_TUPLES_OK);
            continue;
        }
        /* typed, so that a query may leave a parameter unused */
        static const Oid types[3] = {1009 /* text[] */, 16, 16 /* bool */};
        double t0 = seconds();
        PGresult *r = PQexecParams(conn, sql, 3, types, params, NULL, NULL,
                                   0);
        if (timing)
            fprintf(stderr, "import: kind %d read in %.3f s\n", k,
                    seconds() - t0);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            *err = strdup(PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
                              ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
                              : PQerrorMessage(conn));
            PQclear(r);
            return false;
        }
        db->rows[k] = (ImportRows){r, PQntuples(r)};
    }
    return true;
}

bool import_read(PGconn *conn, ImportDb *db, const char *const *schemas,
                 int nschemas, char **err)
{
    *err = NULL;
    if (!exec_ok(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
                 err) || !exec_ok(conn, SQL_SETTINGS, err))
        return false;
    char *list = nschemas ? (schemas_exist(conn, schemas, nschemas, err)
                                 ? array_literal(schemas, nschemas) : NULL)
                          : schema_list(conn, db->supabase, err);
    PGresult *u = PQexec(conn, "SELECT current_user");
    if (PQresultStatus(u) == PGRES_TUPLES_OK)
        db->user = arena_strdup(db->arena, PQgetvalue(u, 0, 0));
    PQclear(u);
    db->all_schemas = nschemas == 0;
    bool ok = list && read_kinds(conn, db, list, err);
    free(list);
    PQclear(PQexec(conn, "ROLLBACK"));
    return ok;
}

void import_db_free(ImportDb *db)
{
    for (int k = 0; k < IMP_NKINDS; k++)
        PQclear(db->rows[k].res);
    memset(db->rows, 0, sizeof db->rows);
}

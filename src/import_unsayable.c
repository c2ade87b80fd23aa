/*
 * import_unsayable.c — what a database may hold that the language cannot
 * say yet.  Import stops at the first of these, naming it, rather than
 * write a schema that would silently drop it.  One SELECT per kind, each
 * giving `what` (the object, as SQL names it) and `kind` (what the
 * language lacks); when the language learns a kind, its SELECT goes and
 * a writer takes its place.
 *
 * Parameters: $1 the schemas read (text[]), $2 platform supabase (bool),
 * $3 the platform is the stand-in (bool).  What the files made in the
 * platform's schemas is import_platform.c's to refuse.
 */
#include "import.h"

/* Objects an extension made are the extension's. */
#define NOT_EXT(cat, oid)                                                 \
    " NOT EXISTS (SELECT FROM pg_depend e WHERE e.refclassid ="          \
    " 'pg_extension'::regclass AND e.deptype = 'e' AND e.classid = '" cat \
    "'::regclass AND e.objid = " oid ") "
#define REL_NAME "quote_ident(n.nspname) || '.' || quote_ident(c.relname)"
#define RELS \
    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE" \
    " n.nspname = ANY ($1::text[]) AND" NOT_EXT("pg_class", "c.oid")

/* Aggregates and window functions (functions and procedures are
 * written). */
#define ROUTINES                                                          \
    "SELECT CASE p.prokind WHEN 'a' THEN 'aggregate ' ELSE"               \
    " 'window function ' END || quote_ident(n.nspname)"                   \
    " || '.' || quote_ident(p.proname) || '(' ||"                         \
    " pg_get_function_identity_arguments(p.oid) || ')' AS what,"          \
    " 'aggregates' AS kind"                                               \
    " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE" \
    " n.nspname = ANY ($1::text[]) AND p.prokind IN ('a', 'w') AND"       \
    NOT_EXT("pg_proc", "p.oid")

/* A schema's default privileges for another role than the one that
 * applies (the language has `for role` only database-wide); on a live
 * Supabase its supabase_* roles' are the platform's. */
#define DEFAULT_PRIVILEGES                                                \
    "SELECT 'default privileges of role ' ||"                             \
    " quote_ident(pg_get_userbyid(a.defaclrole)) || ' in schema ' ||"     \
    " quote_ident(n.nspname), 'a schema''s default privileges of another" \
    " role' FROM pg_default_acl a JOIN pg_namespace n ON"                 \
    " n.oid = a.defaclnamespace WHERE n.nspname = ANY ($1::text[]) AND"   \
    " a.defaclrole <> (SELECT oid FROM pg_roles WHERE rolname ="          \
    " current_user) AND NOT ($2 AND NOT $3 AND"                           \
    " pg_get_userbyid(a.defaclrole) LIKE 'supabase\\_%')"

#define RULES                                                             \
    "SELECT 'rule ' || quote_ident(r.rulename) || ' on ' || " REL_NAME "," \
    " 'rules' FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class"    \
    " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE"                \
    " n.nspname = ANY ($1::text[]) AND r.rulename <> '_RETURN'"

#define RELATIONS                                                         \
    "SELECT CASE WHEN c.relkind = 'f' THEN 'foreign table '"              \
    " WHEN c.relpersistence = 'u' THEN 'unlogged table ' ELSE 'table '"   \
    " END || " REL_NAME " || CASE WHEN c.relkind = 'f' OR"                \
    " c.relpersistence = 'u' THEN '' WHEN c.reloptions IS NOT NULL THEN"  \
    " ' (storage parameters)' WHEN c.reltablespace <> 0 THEN"             \
    " ' (tablespace)' ELSE ' (inheritance)' END,"                         \
    " 'this kind of table'" RELS " AND (c.relkind = 'f' OR"              \
    " (c.relkind IN ('r', 'p') AND (c.relpersistence = 'u' OR"            \
    " c.reloptions IS NOT NULL OR c.reltablespace <> 0 OR (NOT"           \
    " c.relispartition AND EXISTS (SELECT FROM pg_inherits i WHERE"       \
    " i.inhrelid = c.oid)))))"

#define EVENT_TRIGGERS                                                    \
    "SELECT 'event trigger ' || quote_ident(t.evtname), 'event triggers'" \
    " FROM pg_event_trigger t JOIN pg_proc p ON p.oid = t.evtfoid"        \
    " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE"                \
    " n.nspname = ANY ($1::text[]) AND" NOT_EXT("pg_event_trigger", "t.oid")

/* Range and base types; collations, operators, statistics, text search. */
#define OTHER_TYPES                                                       \
    "SELECT CASE t.typtype WHEN 'r' THEN 'range type ' ELSE 'base type '" \
    " END || quote_ident(n.nspname) || '.' || quote_ident(t.typname),"    \
    " 'this kind of type' FROM pg_type t JOIN pg_namespace n ON"          \
    " n.oid = t.typnamespace WHERE n.nspname = ANY ($1::text[]) AND"      \
    " (t.typtype = 'r' OR (t.typtype = 'b' AND t.typelem = 0 AND"         \
    " t.typrelid = 0)) AND" NOT_EXT("pg_type", "t.oid")
#define OTHER_OBJECTS(cat, word, name, nsp)                               \
    "SELECT '" word " ' || quote_ident(n.nspname) || '.' ||"              \
    " quote_ident(x." name "), '" word "s' FROM " cat " x JOIN"           \
    " pg_namespace n ON n.oid = x." nsp " WHERE n.nspname = ANY"          \
    " ($1::text[]) AND" NOT_EXT(cat, "x.oid")

#define FOREIGN_SERVERS                                                   \
    "SELECT 'foreign server ' || quote_ident(s.srvname), 'foreign data'"  \
    " FROM pg_foreign_server s WHERE" NOT_EXT("pg_foreign_server", "s.oid")

const char import_sql_unsayable[] =
    ROUTINES " UNION ALL " DEFAULT_PRIVILEGES
    " UNION ALL " RULES " UNION ALL " RELATIONS " UNION ALL " EVENT_TRIGGERS
    " UNION ALL " OTHER_TYPES
    " UNION ALL " OTHER_OBJECTS("pg_collation", "collation", "collname",
                                "collnamespace")
    " UNION ALL " OTHER_OBJECTS("pg_operator", "operator", "oprname",
                                "oprnamespace")
    " UNION ALL " OTHER_OBJECTS("pg_statistic_ext", "statistics object",
                                "stxname", "stxnamespace")
    " UNION ALL " OTHER_OBJECTS("pg_ts_config", "text search configuration",
                                "cfgname", "cfgnamespace")
    " UNION ALL " FOREIGN_SERVERS;

/*
 * default_privileges.c — the target's default privileges, as statements
 * that give a scratch database the same.
 *
 * An object made on the target gets the privileges pg_default_acl says
 * (Supabase grants ALL on what its owner makes in public to anon,
 * authenticated and service_role).  The declared state is read from a
 * scratch database, so the scratch must make objects the same way, or
 * every object made by apply would differ from its normal form, and a
 * second apply would revoke what the platform granted.  Only the entries
 * of the role that applies (the one that makes the objects) count; those
 * of schemas the canonical SQL makes come with it.  The statements are
 * written by the server (format with %I), from its own catalog.
 */
#include "schemactl.h"

#include <stdlib.h>

static const char SQL_DEFAULTS[] =
    "WITH d AS ("
    " SELECT a.defaclnamespace AS nsp, a.defaclobjtype AS t,"
    "  x.grantee, x.privilege_type AS priv, x.is_grantable,"
    "  CASE a.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES'"
    "   WHEN 'f' THEN 'FUNCTIONS' WHEN 'T' THEN 'TYPES' ELSE 'SCHEMAS' END"
    "   AS what"
    " FROM pg_catalog.pg_default_acl a,"
    "  pg_catalog.aclexplode(a.defaclacl) x"
    " WHERE a.defaclrole = (SELECT oid FROM pg_catalog.pg_roles"
    "  WHERE rolname = current_user)"
    "  AND x.grantee <> a.defaclrole)"
    " SELECT pg_catalog.format('ALTER DEFAULT PRIVILEGES %s GRANT %s ON %s"
    "  TO %s%s', CASE WHEN d.nsp = 0 THEN '' ELSE 'IN SCHEMA ' ||"
    "  pg_catalog.quote_ident(n.nspname) END, d.priv, d.what,"
    "  CASE WHEN d.grantee = 0 THEN 'PUBLIC'"
    "  ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(d.grantee))"
    "  END, CASE WHEN d.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)"
    " FROM d LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.nsp"
    " WHERE d.nsp = 0 OR n.nspname IN ('public', 'auth', 'storage',"
    "  'extensions')"
    " ORDER BY 1";

char *sctl_default_privileges_sql(PGconn *conn, char **err)
{
    PGresult *r = PQexec(conn, SQL_DEFAULTS);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        *err = sctl_failure(conn, r, "reading default privileges");
        PQclear(r);
        return NULL;
    }
    SctlBuf b = {0};
    sctl_buf_puts(&b, "");
    for (int i = 0; i < PQntuples(r); i++)
        sctl_buf_printf(&b, "%s;\n", PQgetvalue(r, i, 0));
    PQclear(r);
    return sctl_buf_take(&b);
}

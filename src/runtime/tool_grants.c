/*
 * tool_grants.c — what verify says of schemactl's own objects: each
 * privilege on the schema or its tables held by anyone but the owner.
 * Whoever may write schemactl.normal_forms or schemactl.clean_at could
 * hide drift from verify, so a grant there is reported as a difference
 * (history.c's lockdown, run by apply, revokes it).
 */
#include "commands.h"

#include <stdio.h>

static const char grants_sql[] =
    "SELECT x.obj, CASE WHEN x.grantee = 0 THEN 'PUBLIC'"
    " ELSE pg_catalog.pg_get_userbyid(x.grantee)::text END, x.priv"
    " FROM (SELECT 'table ' || c.oid::pg_catalog.regclass::text AS obj,"
    "  a.grantee, a.privilege_type AS priv"
    "  FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) a"
    "  WHERE c.relnamespace = (SELECT oid FROM pg_catalog.pg_namespace"
    "   WHERE nspname = 'schemactl') AND a.grantee <> c.relowner"
    " UNION"
    " SELECT 'schema schemactl', a.grantee, a.privilege_type"
    "  FROM pg_catalog.pg_namespace n, pg_catalog.aclexplode(n.nspacl) a"
    "  WHERE n.nspname = 'schemactl' AND a.grantee <> n.nspowner) x"
    " ORDER BY 1, 2, 3";

int sctl_tool_grants_print(PGconn *conn, FILE *out, char **err)
{
    PGresult *r = PQexec(conn, grants_sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        *err = sctl_failure(conn, r, "cannot read the privileges on "
                            "schemactl's own objects");
        PQclear(r);
        return -1;
    }
    int n = PQntuples(r);
    for (int i = 0; i < n; i++)
        fprintf(out, "%sexposed:%s %s grants %s to %s (schemactl's objects "
                "are their owner's alone; apply revokes it)\n",
                cmd_ansi("\033[1;31m"), cmd_ansi("\033[0m"),
                PQgetvalue(r, i, 0), PQgetvalue(r, i, 2),
                PQgetvalue(r, i, 1));
    PQclear(r);
    return n;
}

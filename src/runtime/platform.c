/*
 * platform.c — the Supabase stand-in for `platform supabase;`.  Its SQL,
 * sctl_supabase_sql, is src/platform/supabase.sql turned into a C string
 * at build time by scripts/embed-text.sh, so the two never drift apart.
 */
#include "schemactl.h"

/* auth.uid() is what schemas written for Supabase call first; the shim
 * creates everything else alongside it. */
bool sctl_has_platform(PGconn *conn)
{
    return sctl_query_bool(conn, "SELECT pg_catalog.to_regprocedure("
                                 "'auth.uid()') IS NOT NULL");
}

static bool run(PGconn *conn, const char *sql, char **err)
{
    return sctl_exec(conn, sql, "cannot install the supabase platform shim",
                     *err ? NULL : err);
}

/*
 * One transaction, so that a failure leaves nothing half-installed: the
 * caller's if one is open, else one of its own, where the "already
 * exists, skipping" notices of a second install are also kept quiet.  The
 * shim is idempotent: installing it again changes nothing.
 */
bool sctl_install_platform(PGconn *conn, char **err)
{
    bool own = PQtransactionStatus(conn) == PQTRANS_IDLE;
    *err = NULL;
    if (own && !run(conn, "BEGIN; SET LOCAL client_min_messages = warning",
                    err))
        return false;
    bool ok = run(conn, sctl_supabase_sql, err);
    if (own)
        ok = run(conn, ok ? "COMMIT" : "ROLLBACK", err) && ok;
    return ok;
}

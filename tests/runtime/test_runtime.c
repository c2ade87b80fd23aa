/*
 * test_runtime.c — the schemactl runtime (connect, embedded, platform,
 * history) against a real PostgreSQL: each test case starts a throwaway
 * server with sctl_embedded_start, which this also tests, and stops it.
 *
 * Build and run from the repository root (as root too: that is CI):
 *
 *   mkdir -p build/runtime-test
 *   ecpg -o build/runtime-test/connect.c src/runtime/connect.pgc
 *   ecpg -o build/runtime-test/probe.c tests/runtime/probe.pgc
 *   scripts/embed-text.sh sctl_supabase_sql src/platform/supabase.sql \
 *       build/runtime-test/supabase_sql.c
 *   cc -std=c11 -Wall -Wextra -Werror -Isrc/runtime \
 *       -I$(pg_config --includedir) -o build/runtime-test/test_runtime \
 *       tests/runtime/test_runtime.c build/runtime-test/connect.c \
 *       build/runtime-test/probe.c build/runtime-test/supabase_sql.c \
 *       src/runtime/embedded.c src/runtime/platform.c src/runtime/history.c \
 *       -lecpg -lpq $(pkg-config --libs check)
 *   build/runtime-test/test_runtime
 *
 * TCP is tested through a relay from 127.0.0.1 to the server's socket (the
 * embedded server listens on no TCP port): the client side, ECPG's tcp:
 * target and its options, is what is under test.
 *
 * Define SCTL_NO_TEST_MAIN to link make_runtime_suite into another runner
 * (which must also link libecpg and probe.pgc).
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1
#endif

#include <check.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "schemactl.h"
#include "serial.h"

bool probe_exec(const char *sql);     /* probe.pgc */

/* The documented key of sctl_lock (history.c). */
#define LOCK_KEY "8314604121892287596"
#define PW_USER "pwuser"
#define PW "pw-s3cret!"

static SctlEmbedded server;     /* shared by every test */
static int relay_port;          /* 127.0.0.1 port relayed to the server */
static pid_t relay_pid;

static char *fmt(const char *f, ...)
{
    va_list ap, again;
    va_start(ap, f);
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, f, ap);
    char *s = malloc((size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, f, again);
    va_end(again);
    va_end(ap);
    return s;
}

/* The first value of a query, malloc'd; fails the test on error. */
static char *value(PGconn *conn, const char *sql)
{
    PGresult *r = PQexec(conn, sql);
    ck_assert_msg(PQresultStatus(r) == PGRES_TUPLES_OK, "%s: %s", sql,
                  PQresultErrorMessage(r));
    ck_assert_int_ge(PQntuples(r), 1);
    char *v = fmt("%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    return v;
}

static void exec_ok(PGconn *conn, const char *sql)
{
    PGresult *r = PQexec(conn, sql);
    ck_assert_msg(PQresultStatus(r) == PGRES_COMMAND_OK ||
                      PQresultStatus(r) == PGRES_TUPLES_OK,
                  "%s: %s", sql, PQresultErrorMessage(r));
    PQclear(r);
}

static void assert_value(PGconn *conn, const char *sql, const char *want)
{
    char *got = value(conn, sql);
    ck_assert_str_eq(got, want);
    free(got);
}

/* The variables that would otherwise leak in from the caller's shell. */
static void clear_env(void)
{
    static const char *const vars[] = {
        "DATABASE_URL", "PGHOST", "PGHOSTADDR", "PGPORT", "PGUSER",
        "PGDATABASE", "PGPASSWORD", "PGAPPNAME", "PGSSLMODE", "PGOPTIONS",
        "PGSERVICE", "PGCONNECT_TIMEOUT", "PGTARGETSESSIONATTRS", NULL};
    for (int i = 0; vars[i]; i++)
        unsetenv(vars[i]);
}

static SctlConn must_connect(const char *url)
{
    SctlConn c;
    char *err = NULL;
    ck_assert_msg(sctl_connect(url, &c, &err), "%s: %s", url, err);
    ck_assert_ptr_null(err);
    ck_assert_ptr_nonnull(c.pg);
    return c;
}

static void connect_fails(const char *url, const char *want)
{
    SctlConn c;
    char *err = NULL;
    ck_assert(!sctl_connect(url, &c, &err));
    ck_assert_ptr_null(c.pg);
    ck_assert_ptr_nonnull(err);
    ck_assert_str_eq(err, want);
    free(err);
}

/* The server's port as text, for PGPORT (malloc'd). */
static char *server_port(void)
{
    return fmt("%d", server.port);
}

/* ------------------------------------------------------------ the relay */

static bool write_all(int fd, const char *p, ssize_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, (size_t)n);
        if (w <= 0)
            return false;
        p += w;
        n -= w;
    }
    return true;
}

/* Copies bytes both ways between a TCP client and the server's socket. */
static void relay_one(int tcp, const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int unx = socket(AF_UNIX, SOCK_STREAM, 0);
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    if (unx < 0 || connect(unx, (struct sockaddr *)&sa, sizeof sa) != 0)
        _exit(1);
    struct pollfd p[2] = {{tcp, POLLIN, 0}, {unx, POLLIN, 0}};
    char buf[8192];
    for (;;) {
        if (poll(p, 2, -1) < 0)
            _exit(1);
        for (int i = 0; i < 2; i++) {
            ssize_t n = p[i].revents ? read(p[i].fd, buf, sizeof buf) : 1;
            if (n <= 0 || (p[i].revents && !write_all(p[1 - i].fd, buf, n)))
                _exit(0);
        }
    }
}

static void relay_loop(int listener, const char *path)
{
    signal(SIGCHLD, SIG_IGN);   /* reap the per-connection children */
    for (;;) {
        int c = accept(listener, NULL, NULL);
        if (c < 0)
            continue;
        if (fork() == 0)
            relay_one(c, path);
        close(c);
    }
}

/* A relay process group (killed as one at the end) on 127.0.0.1:any. */
static void relay_start(void)
{
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    int l = socket(AF_INET, SOCK_STREAM, 0);
    if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        listen(l, 16) != 0 || getsockname(l, (struct sockaddr *)&sa, &len))
        abort();
    relay_port = ntohs(sa.sin_port);
    char *path = fmt("%s/.s.PGSQL.%d", server.dir, server.port);
    relay_pid = fork();
    if (relay_pid == 0) {
        setpgid(0, 0);
        relay_loop(l, path);
    }
    setpgid(relay_pid, relay_pid);
    close(l);
    free(path);
}

static void relay_stop(void)
{
    if (relay_pid > 0) {
        kill(-relay_pid, SIGTERM);
        waitpid(relay_pid, NULL, 0);
    }
    relay_pid = 0;
}

/* ------------------------------------------------------ password login */

/* Outside a test, where ck_assert cannot be used. */
static bool setup_exec(PGconn *conn, const char *sql)
{
    PGresult *r = PQexec(conn, sql);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK ||
              PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok)
        fprintf(stderr, "setup: %s: %s", sql, PQresultErrorMessage(r));
    PQclear(r);
    return ok;
}

/* Puts a line first in pg_hba.conf. */
static bool prepend_hba(const char *hba, const char *line)
{
    static char old[65536];
    FILE *f = fopen(hba, "r");
    size_t n = f ? fread(old, 1, sizeof old, f) : 0;
    if (f)
        fclose(f);
    if (!f || n == sizeof old || !(f = fopen(hba, "w")))
        return false;
    fprintf(f, "%s\n%.*s", line, (int)n, old);
    return fclose(f) == 0;
}

/* A role that must give its password: a scram line for it goes first in
 * pg_hba.conf (the relay makes TCP clients arrive on the socket). */
static bool password_setup(PGconn *conn)
{
    if (!setup_exec(conn, "CREATE ROLE " PW_USER " LOGIN PASSWORD '" PW
                          "'"))
        return false;
    PGresult *r = PQexec(conn, "SHOW hba_file");
    bool ok = PQresultStatus(r) == PGRES_TUPLES_OK &&
              prepend_hba(PQgetvalue(r, 0, 0),
                          "local all " PW_USER " scram-sha-256");
    PQclear(r);
    return ok && setup_exec(conn, "SELECT pg_reload_conf()");
}

/* The reload is asynchronous: wait until a wrong password is refused. */
static bool password_required(void)
{
    char *url = fmt("postgresql://" PW_USER ":wrong@/postgres?host=%s&"
                    "port=%d", server.dir, server.port);
    bool refused = false;
    for (int i = 0; i < 100 && !refused; i++) {
        PGconn *c = PQconnectdb(url);
        refused = PQstatus(c) != CONNECTION_OK;
        PQfinish(c);
        if (!refused)
            usleep(50000);
    }
    free(url);
    return refused;
}

/*
 * Unchecked fixtures: they run once per test case in the runner's own
 * process, before it forks the tests, so every case has a server of its
 * own and the suite works under any runner.  ck_assert cannot be used
 * there, hence exit on failure.
 */
static void server_up(void)
{
    char *err = NULL;
    clear_env();
    if (!sctl_embedded_start(&server, &err)) {
        fprintf(stderr, "test_runtime: %s\n", err);
        exit(1);
    }
}

static void server_down(void)
{
    sctl_embedded_stop(&server);
}

/* Also a role with a password and the TCP relay. */
static void connect_up(void)
{
    server_up();
    PGconn *conn = PQconnectdb(server.url);
    bool ok = PQstatus(conn) == CONNECTION_OK && password_setup(conn);
    PQfinish(conn);
    relay_start();
    if (!ok || !password_required()) {
        fprintf(stderr, "test_runtime: password login not set up\n");
        relay_stop();
        server_down();
        exit(1);
    }
}

static void connect_down(void)
{
    relay_stop();
    server_down();
}

/* ------------------------------------------------------- connect: forms */

/* The embedded server's own URL: socket directory in ?host=; the default
 * connect timeout, unless PGCONNECT_TIMEOUT says otherwise. */
START_TEST(test_url_socket_query)
{
    SctlConn c = must_connect(server.url);
    assert_value(c.pg, "SELECT current_database()", "postgres");
    assert_value(c.pg, "SELECT current_user", "postgres");
    assert_value(c.pg, "SHOW application_name", "schemactl");
    char *target = fmt("unix:postgresql://localhost:%d/postgres?host=%s&"
                       "connect_timeout=" SCTL_CONNECT_TIMEOUT "&"
                       "application_name=schemactl", server.port,
                       server.dir);
    ck_assert_str_eq(c.target, target);
    free(target);
    sctl_disconnect(&c);
    ck_assert_ptr_null(c.pg);
    ck_assert_ptr_null(c.target);
    ck_assert_ptr_null(c.conninfo);
}
END_TEST

START_TEST(test_url_postgres_scheme)
{
    char *url = fmt("postgres://postgres@/template1?host=%s&port=%d",
                    server.dir, server.port);
    SctlConn c = must_connect(url);
    assert_value(c.pg, "SELECT current_database()", "template1");
    sctl_disconnect(&c);
    free(url);
}
END_TEST

/* The socket directory percent-encoded in the host part. */
START_TEST(test_url_percent_encoded_host)
{
    char enc[512] = "";
    for (const char *p = server.dir; *p; p++)
        strcat(enc, *p == '/' ? "%2F" : (char[]){*p, '\0'});
    char *url = fmt("postgresql://%s:%d/template1?user=postgres", enc,
                    server.port);
    SctlConn c = must_connect(url);
    assert_value(c.pg, "SELECT current_database()", "template1");
    assert_value(c.pg, "SELECT current_user", "postgres");
    sctl_disconnect(&c);
    free(url);
}
END_TEST

START_TEST(test_keyword_string)
{
    char *info = fmt("host=%s port=%d user=postgres dbname=template1 "
                     "application_name='my app'", server.dir, server.port);
    SctlConn c = must_connect(info);
    assert_value(c.pg, "SELECT current_database()", "template1");
    assert_value(c.pg, "SHOW application_name", "my app");
    sctl_disconnect(&c);
    free(info);
}
END_TEST

/* ECPG's tcp: target, with libpq options in its ?query. */
START_TEST(test_tcp_with_options)
{
    char *url = fmt("postgresql://postgres@127.0.0.1:%d/postgres?"
                    "sslmode=disable&connect_timeout=7", relay_port);
    SctlConn c = must_connect(url);
    char *target = fmt("tcp:postgresql://127.0.0.1:%d/postgres?"
                       "connect_timeout=7&sslmode=disable&"
                       "application_name=schemactl", relay_port);
    ck_assert_str_eq(c.target, target);
    int seen = 0;
    PQconninfoOption *opts = PQconninfo(c.pg);
    for (PQconninfoOption *o = opts; o->keyword; o++)
        seen += (strcmp(o->keyword, "sslmode") == 0 &&
                 strcmp(o->val, "disable") == 0) +
                (strcmp(o->keyword, "connect_timeout") == 0 &&
                 strcmp(o->val, "7") == 0);
    ck_assert_int_eq(seen, 2);
    assert_value(c.pg, "SHOW application_name", "schemactl");
    PQconninfoFree(opts);
    sctl_disconnect(&c);
    free(target);
    free(url);
}
END_TEST

/* A value with spaces and '=' passes through ECPG's ?query intact. */
START_TEST(test_options_with_spaces)
{
    char *url = fmt("%s&options=-c%%20search_path%%3Dfoo,public", server.url);
    SctlConn c = must_connect(url);
    assert_value(c.pg, "SHOW search_path", "foo,public");
    sctl_disconnect(&c);
    free(url);
}
END_TEST

START_TEST(test_pg_variables)
{
    char *port = server_port();
    setenv("PGHOST", server.dir, 1);
    setenv("PGPORT", port, 1);
    setenv("PGUSER", "postgres", 1);
    setenv("PGDATABASE", "template1", 1);
    setenv("PGAPPNAME", "from-env", 1);
    SctlConn c = must_connect(NULL);
    assert_value(c.pg, "SELECT current_database()", "template1");
    assert_value(c.pg, "SHOW application_name", "from-env");
    sctl_disconnect(&c);
    clear_env();
    free(port);
}
END_TEST

/* DATABASE_URL beats PG*; what it leaves out still comes from PG*. */
START_TEST(test_database_url_beats_pg_variables)
{
    char *url = fmt("postgresql:///template1?host=%s", server.dir);
    char *port = server_port();
    setenv("DATABASE_URL", url, 1);
    setenv("PGHOST", "/nonexistent-schemactl", 1);
    setenv("PGDATABASE", "postgres", 1);
    setenv("PGPORT", port, 1);
    setenv("PGUSER", "postgres", 1);
    SctlConn c = must_connect(NULL);
    assert_value(c.pg, "SELECT current_database()", "template1");
    sctl_disconnect(&c);
    c = must_connect("");       /* an empty --db is no --db */
    sctl_disconnect(&c);
    clear_env();
    free(url);
    free(port);
}
END_TEST

START_TEST(test_db_beats_database_url)
{
    setenv("DATABASE_URL", "postgresql://127.0.0.1:1/x", 1);
    SctlConn c = must_connect(server.url);
    sctl_disconnect(&c);
    connect_fails(NULL, "cannot connect to postgresql://127.0.0.1:1/x: "
                        "connection refused (is the server running?)");
    setenv("DATABASE_URL", "postgresql://h/db?nosuch=1", 1);
    connect_fails(NULL, "invalid DATABASE_URL: invalid URI query "
                        "parameter: \"nosuch\"");
    clear_env();
}
END_TEST

START_TEST(test_password_accepted)
{
    char *url = fmt("postgresql://" PW_USER ":%s@127.0.0.1:%d/postgres",
                    "pw-s3cret%21", relay_port);
    SctlConn c = must_connect(url);
    assert_value(c.pg, "SELECT current_user", PW_USER);
    ck_assert_ptr_null(strstr(c.target, "s3cret"));
    sctl_disconnect(&c);
    free(url);
    url = fmt("postgresql://" PW_USER "@/postgres?host=%s&port=%d",
              server.dir, server.port);
    setenv("PGPASSWORD", PW, 1);
    c = must_connect(url);
    assert_value(c.pg, "SELECT current_user", PW_USER);
    sctl_disconnect(&c);
    clear_env();
    free(url);
}
END_TEST

START_TEST(test_password_refused)
{
    char *url = fmt("postgresql://" PW_USER ":wrong-s3cret@127.0.0.1:%d/"
                    "postgres", relay_port);
    char *want = fmt("cannot connect to postgresql://127.0.0.1:%d/postgres: "
                     "password authentication failed for user \"" PW_USER
                     "\"", relay_port);
    connect_fails(url, want);
    free(url);
    free(want);
}
END_TEST

/* An ECPG connection named "main" can be opened again once closed. */
START_TEST(test_reconnect)
{
    for (int i = 0; i < 3; i++) {
        SctlConn c = must_connect(server.url);
        assert_value(c.pg, "SELECT 1", "1");
        sctl_disconnect(&c);
    }
}
END_TEST

/* ------------------------------------------------------ connect: errors */

START_TEST(test_refused)
{
    connect_fails("postgresql://127.0.0.1:1/postgres",
                  "cannot connect to postgresql://127.0.0.1:1/postgres: "
                  "connection refused (is the server running?)");
}
END_TEST

START_TEST(test_no_socket)
{
    connect_fails("postgresql://postgres@/postgres?host=/nonexistent-"
                  "schemactl&port=5999",
                  "cannot connect to postgresql:///postgres?host=/"
                  "nonexistent-schemactl&port=5999: no such file or "
                  "directory (is the server running?)");
}
END_TEST

START_TEST(test_unknown_database)
{
    char *url = fmt("postgresql://postgres@/nodb?host=%s&port=%d",
                    server.dir, server.port);
    char *want = fmt("cannot connect to postgresql:///nodb?host=%s&port=%d: "
                     "database \"nodb\" does not exist", server.dir,
                     server.port);
    connect_fails(url, want);
    free(url);
    free(want);
}
END_TEST

START_TEST(test_unknown_role)
{
    char *url = fmt("postgresql://nobody@/postgres?host=%s&port=%d",
                    server.dir, server.port);
    char *want = fmt("cannot connect to postgresql:///postgres?host=%s&"
                     "port=%d: role \"nobody\" does not exist", server.dir,
                     server.port);
    connect_fails(url, want);
    free(url);
    free(want);
}
END_TEST

/* No host: libpq's default socket directory, which the label leaves out;
 * an empty PGPORT means the compiled-in 5432, as in libpq. */
START_TEST(test_default_socket)
{
    connect_fails("postgresql:///postgres?port=1",
                  "cannot connect to postgresql:///postgres?port=1: no such "
                  "file or directory (is the server running?)");
    setenv("PGHOST", "/nonexistent-schemactl", 1);
    setenv("PGPORT", "", 1);
    connect_fails("dbname=postgres",
                  "cannot connect to postgresql:///postgres?host=/"
                  "nonexistent-schemactl&port=5432: no such file or "
                  "directory (is the server running?)");
    clear_env();
}
END_TEST

/* ECPG reads the port after the last ':', so an IPv6 address works. */
START_TEST(test_ipv6_host)
{
    SctlConn c;
    char *err = NULL;
    const char *want = "cannot connect to postgresql://[::1]:1/x: ";
    ck_assert(!sctl_connect("postgresql://[::1]:1/x", &c, &err));
    ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "%s", err);
    free(err);
}
END_TEST

/* The resolver's own text follows (it varies: no network, no DNS...). */
START_TEST(test_unknown_host)
{
    SctlConn c;
    char *err = NULL;
    const char *want = "cannot connect to postgresql://nohost.invalid:5432/"
                       "postgres: could not translate host name "
                       "\"nohost.invalid\" to address: ";
    ck_assert(!sctl_connect("postgresql://nohost.invalid/postgres", &c,
                            &err));
    ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "%s", err);
    ck_assert_ptr_null(strchr(err, '\n'));
    free(err);
}
END_TEST

static const struct {
    const char *url, *err;
} malformed[] = {
    {"postgresql://h/db?nosuch=1",
     "invalid --db URL: invalid URI query parameter: \"nosuch\""},
    {"host=x port",
     "invalid --db URL: missing \"=\" after \"port\" in connection info "
     "string"},
    {"host='x",
     "invalid --db URL: unterminated quoted string in connection info "
     "string"},
    {"postgresql://u:sekret@[::1/db",
     "invalid --db URL: end of string reached when looking for matching "
     "\"]\" in IPv6 host address in URI: \"postgresql://u:***@[::1/db\""},
    {"postgresql://u:se%zzkret@h/db",
     "invalid --db URL: invalid percent-encoded token: \"***\""},
    {"mysql://u:sekret@h/db",
     "invalid --db URL: unsupported scheme \"mysql\" (use postgresql:// or "
     "postgres://)"},
    {"postgresql://h:abc/db",
     "cannot connect to postgresql://h:abc/db: invalid integer value "
     "\"abc\" for connection option \"port\""},
    {"postgresql://127.0.0.1:1/db?sslmode=bogus",
     "cannot connect to postgresql://127.0.0.1:1/db: invalid sslmode value: "
     "\"bogus\""},
    {"postgresql://127.0.0.1:1/db?application_name=a%26b",
     "cannot connect to postgresql://127.0.0.1:1/db: ECPG cannot pass the "
     "value of \"application_name\" (it contains \"&\", \"?\" or a leading "
     "space)"},
};

START_TEST(test_malformed)
{
    connect_fails(malformed[_i].url, malformed[_i].err);
}
END_TEST

/* A database name ECPG's path part cannot hold goes in its ?query. */
START_TEST(test_database_name_with_slash)
{
    SctlConn c = must_connect(server.url);
    exec_ok(c.pg, "CREATE DATABASE \"a/b\"");
    sctl_disconnect(&c);
    char *info = fmt("host=%s port=%d user=postgres dbname='a/b'",
                     server.dir, server.port);
    c = must_connect(info);
    assert_value(c.pg, "SELECT current_database()", "a/b");
    char *target = fmt("unix:postgresql://localhost:%d/?host=%s&"
                       "dbname=a/b&connect_timeout=" SCTL_CONNECT_TIMEOUT
                       "&application_name=schemactl", server.port,
                       server.dir);
    ck_assert_str_eq(c.target, target);
    sctl_disconnect(&c);
    free(target);
    free(info);
}
END_TEST

/* ------------------------------------------------- second connections */

START_TEST(test_connect_db)
{
    SctlConn c = must_connect(server.url);
    char *err = NULL;
    PGconn *other = sctl_connect_db(&c, "template1", &err);
    ck_assert_msg(other != NULL, "%s", err);
    assert_value(other, "SELECT current_database()", "template1");
    assert_value(other, "SHOW application_name", "schemactl");
    PQfinish(other);
    ck_assert_ptr_null(sctl_connect_db(&c, "nodb", &err));
    char *want = fmt("cannot connect to postgresql:///nodb?host=%s&port=%d: "
                     "database \"nodb\" does not exist", server.dir,
                     server.port);
    ck_assert_str_eq(err, want);
    free(want);
    free(err);
    sctl_disconnect(&c);
}
END_TEST

/* Passwords carry over to the second connection. */
START_TEST(test_connect_db_password)
{
    char *url = fmt("postgresql://" PW_USER ":%s@127.0.0.1:%d/postgres",
                    "pw-s3cret%21", relay_port);
    SctlConn c = must_connect(url);
    char *err = NULL;
    PGconn *other = sctl_connect_db(&c, "template1", &err);
    ck_assert_msg(other != NULL, "%s", err);
    assert_value(other, "SELECT current_user", PW_USER);
    PQfinish(other);
    sctl_disconnect(&c);
    free(url);
}
END_TEST

/* ------------------------------------------- the ECPG connection "main" */

/* Autocommit is on: what EXEC SQL does outside a transaction is committed
 * at once, and EXEC SQL joins a transaction libpq began. */
START_TEST(test_ecpg_main_autocommit)
{
    SctlConn c = must_connect(server.url);
    char *err = NULL;
    PGconn *other = sctl_connect_db(&c, "postgres", &err);
    ck_assert(probe_exec("CREATE TABLE probe_t (x int)"));
    ck_assert_int_eq(PQtransactionStatus(c.pg), PQTRANS_IDLE);
    assert_value(other, "SELECT to_regclass('probe_t') IS NOT NULL", "t");
    exec_ok(c.pg, "BEGIN");
    ck_assert(probe_exec("INSERT INTO probe_t VALUES (1)"));
    exec_ok(c.pg, "ROLLBACK");
    assert_value(c.pg, "SELECT count(*) FROM probe_t", "0");
    ck_assert(probe_exec("DROP TABLE probe_t"));
    ck_assert(!probe_exec("DROP TABLE probe_t"));
    PQfinish(other);
    sctl_disconnect(&c);
}
END_TEST

/* ---------------------------------------------------------- embedded */

START_TEST(test_embedded_server)
{
    struct stat st;
    ck_assert_int_eq(stat(server.dir, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0700);
    if (geteuid() == 0)
        ck_assert_int_ne(st.st_uid, 0);
    SctlConn c = must_connect(server.url);
    char *v = value(c.pg, "SHOW server_version_num");
    ck_assert_msg(strncmp(v, "15", 2) == 0, "server version %s", v);
    free(v);
    assert_value(c.pg, "SHOW listen_addresses", "");
    assert_value(c.pg, "SHOW fsync", "off");
    assert_value(c.pg, "SHOW server_encoding", "UTF8");
    assert_value(c.pg, "SELECT rolsuper FROM pg_roles "
                       "WHERE rolname = current_user", "t");
    char *data = fmt("%s/data", server.dir);
    assert_value(c.pg, "SHOW data_directory", data);
    free(data);
    sctl_disconnect(&c);
}
END_TEST

static void start_ok(SctlEmbedded *e)
{
    char *err = NULL;
    ck_assert_msg(sctl_embedded_start(e, &err), "%s", err);
    ck_assert_ptr_null(err);
}

/* A second server in $TMPDIR; stop removes its directory, and stopping
 * again, or a zeroed struct, is harmless. */
START_TEST(test_embedded_tmpdir_and_stop)
{
    char base[] = "/tmp/schemactl-test-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(base));
    ck_assert_int_eq(chmod(base, 0755), 0);
    setenv("TMPDIR", base, 1);
    SctlEmbedded e;
    start_ok(&e);
    ck_assert_msg(strncmp(e.dir, base, strlen(base)) == 0, "%s", e.dir);
    SctlConn c = must_connect(e.url);
    assert_value(c.pg, "SELECT 1", "1");
    sctl_disconnect(&c);
    char *dir = fmt("%s", e.dir);
    sctl_embedded_stop(&e);
    ck_assert_ptr_null(e.dir);
    ck_assert_ptr_null(e.url);
    ck_assert_int_ne(access(dir, F_OK), 0);
    sctl_embedded_stop(&e);
    ck_assert_int_eq(rmdir(base), 0);     /* nothing left in it */
    free(dir);
    unsetenv("TMPDIR");
}
END_TEST

/* A directory user postgres cannot enter: as root, start says so and
 * leaves nothing behind. */
START_TEST(test_embedded_unreachable_tmpdir)
{
    char base[] = "/tmp/schemactl-test-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(base));   /* 0700, ours */
    setenv("TMPDIR", base, 1);
    SctlEmbedded e;
    char *err = NULL;
    if (geteuid() == 0) {
        ck_assert(!sctl_embedded_start(&e, &err));
        const char *want = "initdb failed: user postgres cannot enter the "
                           "directory: Permission denied (set TMPDIR to a "
                           "directory it can reach)";
        ck_assert_str_eq(err, want);
        ck_assert_ptr_null(e.dir);
        free(err);
    } else {
        start_ok(&e);
    }
    sctl_embedded_stop(&e);
    ck_assert_int_eq(rmdir(base), 0);
    unsetenv("TMPDIR");
}
END_TEST

START_TEST(test_embedded_missing_tmpdir)
{
    setenv("TMPDIR", "/nonexistent-schemactl", 1);
    SctlEmbedded e;
    char *err = NULL;
    ck_assert(!sctl_embedded_start(&e, &err));
    ck_assert_str_eq(err, "cannot create a temporary directory in "
                          "/nonexistent-schemactl: No such file or "
                          "directory");
    ck_assert_ptr_null(e.dir);
    ck_assert_ptr_null(e.url);
    sctl_embedded_stop(&e);
    free(err);
    unsetenv("TMPDIR");
}
END_TEST

/* A TMPDIR no socket path or postgresql.conf could hold: /tmp instead. */
START_TEST(test_embedded_unusable_tmpdir)
{
    setenv("TMPDIR", "/tmp/has space", 1);
    SctlEmbedded e;
    start_ok(&e);
    ck_assert_msg(strncmp(e.dir, "/tmp/schemactl-", 15) == 0, "%s", e.dir);
    sctl_embedded_stop(&e);
    unsetenv("TMPDIR");
}
END_TEST

/* Writes an executable `name` into dir that only fails. */
static void failing_program(const char *dir, const char *name)
{
    char *path = fmt("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("#!/bin/sh\nexit 1\n", f);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_int_eq(chmod(path, 0755), 0);
    free(path);
}

/* A live process has a command line (a zombie's is empty). */
static bool alive(long pid)
{
    char *path = fmt("/proc/%ld/cmdline", pid), c;
    FILE *f = fopen(path, "r");
    bool yes = f && fread(&c, 1, 1, f) == 1;
    if (f)
        fclose(f);
    free(path);
    return yes;
}

static long postmaster_pid(const char *dir)
{
    char *path = fmt("%s/data/postmaster.pid", dir);
    long pid = 0;
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fscanf(f, "%ld", &pid), 1);
    fclose(f);
    free(path);
    return pid;
}

/* When pg_ctl cannot stop the server (here: a pg_ctl that fails comes
 * first on PATH), stop signals the postmaster itself. */
START_TEST(test_embedded_stop_by_signal)
{
    SctlEmbedded e;
    start_ok(&e);
    char fake[] = "/tmp/schemactl-test-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(fake));
    ck_assert_int_eq(chmod(fake, 0755), 0);
    const char *names[] = {"initdb", "pg_ctl", "postgres"};
    for (int i = 0; i < 3; i++)
        failing_program(fake, names[i]);
    long pid = postmaster_pid(e.dir);
    char *dir = fmt("%s", e.dir), *old = fmt("%s", getenv("PATH"));
    char *path = fmt("%s:%s", fake, old);
    setenv("PATH", path, 1);
    sctl_embedded_stop(&e);
    setenv("PATH", old, 1);
    ck_assert(!alive(pid));
    ck_assert_int_ne(access(dir, F_OK), 0);
    for (int i = 0; i < 3; i++) {
        char *f = fmt("%s/%s", fake, names[i]);
        ck_assert_int_eq(unlink(f), 0);
        free(f);
    }
    ck_assert_int_eq(rmdir(fake), 0);
    free(dir);
    free(old);
    free(path);
}
END_TEST

/* ------------------------------------------------------------ history */

/* A fresh database and a libpq connection to it. */
static PGconn *fresh_db(SctlConn *c, const char *name)
{
    *c = must_connect(server.url);
    char *sql = fmt("CREATE DATABASE %s", name), *err = NULL;
    exec_ok(c->pg, sql);
    free(sql);
    PGconn *conn = sctl_connect_db(c, name, &err);
    ck_assert_msg(conn != NULL, "%s", err);
    return conn;
}

/* The file's text, malloc'd. */
static char *slurp(FILE *f)
{
    long n = ftell(f);
    char *s = malloc((size_t)n + 1);
    rewind(f);
    ck_assert_int_eq(fread(s, 1, (size_t)n, f), n);
    s[n] = '\0';
    return s;
}

static char *print_history(PGconn *conn, bool want)
{
    FILE *f = tmpfile();
    ck_assert_int_eq(sctl_history_print(conn, f), want);
    char *text = slurp(f);
    fclose(f);
    return text;
}

START_TEST(test_history_ensure)
{
    SctlConn c;
    char *err = NULL;
    PGconn *conn = fresh_db(&c, "hist_ensure");
    char *text = print_history(conn, false);
    ck_assert_str_eq(text, "");
    free(text);
    exec_ok(conn, "BEGIN");
    ck_assert_msg(sctl_history_ensure(conn, &err), "%s", err);
    exec_ok(conn, "ROLLBACK");          /* the caller's transaction */
    assert_value(conn, "SELECT to_regnamespace('schemactl') IS NULL", "t");
    ck_assert(sctl_history_ensure(conn, &err));
    ck_assert(sctl_history_ensure(conn, &err));
    assert_value(conn, "SELECT string_agg(table_name || '.' || column_name "
                       "|| ':' || data_type || ':' || is_nullable, ' ' "
                       "ORDER BY table_name, ordinal_position) FROM "
                       "information_schema.columns WHERE table_schema = "
                       "'schemactl'",
                 "history.id:bigint:NO history.project:text:NO "
                 "history.checksum:text:NO history.changes:integer:NO "
                 "history.applied_at:timestamp with time zone:NO "
                 "history.applied_by:text:NO "
                 "history.action:text:NO history.schema_data:text:YES "
                 "normal_forms.checksum:text:NO "
                 "normal_forms.server_version:integer:NO "
                 "normal_forms.facets:text:NO "
                 "normal_forms.created_at:timestamp with time zone:NO");
    text = print_history(conn, false);  /* a table, but no rows */
    ck_assert_str_eq(text, "");
    free(text);
    PQfinish(conn);
    sctl_disconnect(&c);
}
END_TEST

static void record_as(PGconn *conn, const char *project, const char *sum,
                      int changes, const char *action)
{
    char *err = NULL;
    SctlSchema s = {.project = project, .checksum = sum};
    ck_assert_msg(sctl_history_record(conn, &s, action, changes, &err),
                  "%s", err);
}

static void record(PGconn *conn, const char *project, const char *sum,
                   int changes)
{
    record_as(conn, project, sum, changes, "apply");
}

/* What rollback would go back to: the checksum, and the run undone. */
static char *previous(PGconn *conn, const char *project, long *undone)
{
    SctlSchema *s = NULL;
    char *err = NULL;
    int st = sctl_history_previous(conn, project, &s, undone, &err);
    char *out = st == SCTL_OK ? strdup(s->checksum) : err;
    ck_assert_int_eq(st == SCTL_OK, s != NULL);
    if (s)
        sctl_schema_free(s);
    return out;
}

static void assert_previous(PGconn *conn, const char *want, long undone)
{
    long got = -1;
    char *text = previous(conn, "p", &got);
    ck_assert_str_eq(text, want);
    if (undone >= 0)
        ck_assert_int_eq(got, undone);
    free(text);
}

/* Versions as a stack: the same schema applied again counts once, each
 * rollback undoes one, other projects do not count. */
START_TEST(test_history_previous)
{
    SctlConn c;
    char *err = NULL;
    PGconn *conn = fresh_db(&c, "hist_previous");
    assert_previous(conn, "nothing to roll back: no apply is recorded here",
                    -1);
    exec_ok(conn, "BEGIN");
    ck_assert(sctl_history_ensure(conn, &err));
    record(conn, "p", "v1", 3);                          /* 1 */
    assert_previous(conn, "nothing to roll back: no apply of p before the "
                          "last one is recorded here", 1);
    record(conn, "other", "o1", 1);                      /* 2 */
    record(conn, "p", "v2", 2);                          /* 3 */
    record(conn, "p", "v2", 0);                          /* 4 */
    assert_previous(conn, "v1", 3);
    /* applied again: rollback reads run 3's schema, run 4 keeps none */
    assert_value(conn, "SELECT string_agg(id || ':' || (schema_data IS NOT "
                       "NULL), ' ' ORDER BY id) FROM schemactl.history",
                 "1:true 2:true 3:true 4:false");
    record(conn, "p", "v3", 1);                          /* 5 */
    assert_previous(conn, "v2", 5);
    record_as(conn, "p", "v2", 1, "rollback");           /* 6 */
    assert_previous(conn, "v1", 3);
    record_as(conn, "p", "v1", 1, "rollback");           /* 7 */
    assert_value(conn, "SELECT (schema_data IS NOT NULL)::text FROM "
                       "schemactl.history WHERE id = 7", "true");
    assert_previous(conn, "nothing to roll back: no apply of p before the "
                          "last one is recorded here", 1);
    exec_ok(conn, "UPDATE schemactl.history SET schema_data = 'garbage' "
                  "WHERE id = 1");
    record(conn, "p", "v4", 1);                          /* 8 */
    assert_previous(conn, "cannot read the schema run 1 recorded: not a "
                          "schema recorded by schemac (or from another "
                          "version)", 8);
    exec_ok(conn, "UPDATE schemactl.history SET schema_data = NULL "
                  "WHERE id = 1");
    long undone = 0;
    char *text = previous(conn, "p", &undone);
    ck_assert_msg(strncmp(text, "cannot roll back: run 1 (", 25) == 0, "%s",
                  text);
    free(text);
    exec_ok(conn, "ROLLBACK");
    PQfinish(conn);
    sctl_disconnect(&c);
}
END_TEST

/* The migration printer: BEGIN, each step after its source line with its
 * hazards, COMMIT, then what runs after the commit; steps that cannot run
 * left out; a newline in a file name cannot end a comment early. */
START_TEST(test_migration_print)
{
    static const char *const files[] = {"a.schema", "b\nDROP.schema"};
    static const SctlObject objects[] = {
        {.kind = SCTL_K_TABLE, .schema = "public", .name = "t", .parent = -1,
         .file = 0, .line = 1, .make = 0},
        {.kind = SCTL_K_INDEX, .schema = "public", .table = "t", .name = "i",
         .parent = 0, .file = 1, .line = 7, .make = 1},
    };
    static const SctlStatement statements[] = {
        {.object = 0, .file = 0, .line = 2, .sql = "CREATE TABLE public.t ()"},
        {.object = 1, .file = 1, .line = 8, .sql = "CREATE INDEX i ON t (a)"},
    };
    SctlSchema s = {.project = "p", .checksum = "c0ffee", .files = files,
                    .nfiles = 2, .objects = objects, .nobjects = 2,
                    .statements = statements, .nstatements = 2};
    SctlPlan p = {0};
    sctl_plan_add(&p, -1, strdup("DROP INDEX public.old"), -1);
    sctl_plan_add(&p, 0, NULL, 0);
    sctl_plan_add(&p, -1, strdup("ALTER TABLE public.t DROP COLUMN x"), 0)
        ->data_loss = true;
    SctlStep *probed = sctl_plan_add(&p, -1,
        strdup("ALTER TABLE public.t ALTER COLUMN a SET NOT NULL"), 0);
    probed->probe_kind = SCTL_PROBE_NULLS;
    probed->probe = strdup("SELECT count(*) FROM public.t\nWHERE a IS NULL");
    sctl_plan_add(&p, -1, strdup("CREATE INDEX CONCURRENTLY i ON t (a)"), 1)
        ->after_commit = true;
    sctl_plan_add(&p, -1, NULL, 0)->why = strdup("cannot in place");
    FILE *f = tmpfile();
    sctl_migration_print(&s, &p, f);
    char *text = slurp(f);
    fclose(f);
    ck_assert_str_eq(text,
        "-- new version: p, checksum c0ffee\n"
        "-- run with: psql -v ON_ERROR_STOP=1 -f FILE\n"
        "-- 4 statements in the transaction, 1 after it\n\n"
        "BEGIN;\n"
        "\n-- source: none: not declared, dropped\n"
        "DROP INDEX public.old;\n"
        "\n-- source: a.schema:2\n"
        "CREATE TABLE public.t ();\n"
        "\n-- source: a.schema:1\n"
        "-- hazard: loses data (allowed by --allow-data-loss)\n"
        "ALTER TABLE public.t DROP COLUMN x;\n"
        "\n-- source: a.schema:1\n"
        "-- hazard: fails if rows hold NULL in the column; rows in the way: "
        "SELECT count(*) FROM public.t WHERE a IS NULL\n"
        "ALTER TABLE public.t ALTER COLUMN a SET NOT NULL;\n"
        "\nCOMMIT;\n"
        "\n-- after the commit: these cannot run in a transaction\n"
        "\n-- source: b DROP.schema:7\n"
        "CREATE INDEX CONCURRENTLY i ON t (a);\n");
    free(text);
    sctl_plan_free(&p);
}
END_TEST

/* A history table an older schemactl made gets the new columns; its runs
 * stay, and recorded no schema. */
START_TEST(test_history_upgrade)
{
    SctlConn c;
    char *err = NULL;
    PGconn *conn = fresh_db(&c, "hist_upgrade");
    exec_ok(conn, "CREATE SCHEMA schemactl");
    exec_ok(conn, "CREATE TABLE schemactl.history (id bigserial PRIMARY KEY,"
                  " project text NOT NULL, checksum text NOT NULL, changes "
                  "int NOT NULL, applied_at timestamptz NOT NULL DEFAULT "
                  "now(), applied_by text NOT NULL DEFAULT current_user)");
    exec_ok(conn, "CREATE TABLE schemactl.normal_forms (checksum text "
                  "PRIMARY KEY, server_version int NOT NULL, facets text "
                  "NOT NULL, created_at timestamptz NOT NULL DEFAULT now())");
    exec_ok(conn, "INSERT INTO schemactl.history (project, checksum, "
                  "changes) VALUES ('p', 'old', 1)");
    long undone = 0;
    char *text = previous(conn, "p", &undone);
    ck_assert_str_eq(text, "nothing to roll back: no apply of p before the "
                           "last one is recorded here");
    free(text);
    exec_ok(conn, "BEGIN");
    ck_assert_msg(sctl_history_ensure(conn, &err), "%s", err);
    record(conn, "p", "new", 1);
    exec_ok(conn, "COMMIT");
    assert_value(conn, "SELECT string_agg(action || ':' || (schema_data IS "
                       "NULL), ' ' ORDER BY id) FROM schemactl.history",
                 "apply:true apply:false");
    text = previous(conn, "p", &undone);
    ck_assert_msg(strncmp(text, "cannot roll back: run 1 (", 25) == 0, "%s",
                  text);
    free(text);
    PQfinish(conn);
    sctl_disconnect(&c);
}
END_TEST

/* The verify memo (fastpath.c): what a clean comparison noted is found
 * again for the same fingerprint only, with its object count; a memo an
 * older schemactl wrote (no count) is upgraded and not trusted; a
 * fingerprint and a memo taken inside a transaction leave it usable. */
START_TEST(test_memo)
{
    SctlConn c;
    char *err = NULL;
    PGconn *conn = fresh_db(&c, "memo");
    const char *schemas[] = {"public"};
    SctlSchema s = {.project = "p", .checksum = "sum1", .schemas = schemas,
                    .nschemas = 1};
    exec_ok(conn, "CREATE SCHEMA schemactl");
    exec_ok(conn, "CREATE TABLE schemactl.clean_at (checksum text PRIMARY "
                  "KEY, reader text NOT NULL, server_version int NOT NULL, "
                  "fingerprint text NOT NULL, verified_at timestamptz NOT "
                  "NULL DEFAULT now())");
    char *fp = sctl_fingerprint(conn, schemas, 1, &err);
    ck_assert_msg(fp, "%s", err);
    exec_ok(conn, "INSERT INTO schemactl.clean_at SELECT 'sum1', 'facets-3',"
                  " current_setting('server_version_num')::int, '' ");
    ck_assert_int_eq(sctl_known_clean(conn, &s), -1);
    ck_assert(!sctl_memo_write(conn, &s, fp, 7, NULL, NULL)); /* old */
    exec_ok(conn, "BEGIN");
    ck_assert_msg(sctl_clean_memo_ensure(conn, &err), "%s", err);
    exec_ok(conn, "COMMIT");
    assert_value(conn, "SELECT count(*) FROM schemactl.clean_at WHERE "
                       "objects IS NULL", "1");
    free(fp);
    fp = sctl_fingerprint(conn, schemas, 1, &err);  /* the column moved it */
    ck_assert_int_eq(sctl_memo_objects(conn, fp, &s), -1);
    ck_assert(sctl_memo_write(conn, &s, fp, 7, NULL, NULL));
    ck_assert_int_eq(sctl_memo_objects(conn, fp, &s), 7);
    ck_assert_int_eq(sctl_known_clean(conn, &s), 7);
    ck_assert_int_eq(sctl_memo_objects(conn, "other", &s), -1);
    SctlSchema other = s;
    other.checksum = "sum2";
    ck_assert_int_eq(sctl_known_clean(conn, &other), -1);
    exec_ok(conn, "CREATE TABLE t (a int)");       /* any DDL moves it */
    ck_assert_int_eq(sctl_known_clean(conn, &s), -1);
    exec_ok(conn, "BEGIN");
    exec_ok(conn, "CREATE TABLE u (a int)");
    char *here = sctl_fingerprint_here(conn, &s);
    ck_assert(here && strcmp(here, fp) != 0);
    sctl_memo_write_here(conn, &s, here, 9, NULL);
    ck_assert_int_eq(sctl_known_clean(conn, &s), 9);
    exec_ok(conn, "COMMIT");
    ck_assert_int_eq(sctl_known_clean(conn, &s), 9);  /* as committed */
    exec_ok(conn, "BEGIN");
    exec_ok(conn, "ALTER TABLE schemactl.clean_at ADD CHECK (objects < 10)");
    sctl_memo_write_here(conn, &s, "x", 99, NULL); /* refused, and so */
    exec_ok(conn, "SELECT 1");                     /* the rest runs */
    ck_assert_int_eq(sctl_memo_objects(conn, "x", &s), -1);
    exec_ok(conn, "ROLLBACK");
    free(here);
    free(fp);
    PQfinish(conn);
    sctl_disconnect(&c);
}
END_TEST

/* sctl_stamps_compare against a memo of the stamps; the count. */
static int changed_since(PGconn *conn, const char *memo,
                         const SctlFacets *declared, SctlStamps **out)
{
    const char *schemas[] = {"public"};
    char *err = NULL;
    SctlStamps *st = sctl_stamps_read(conn, schemas, 1, &err);
    ck_assert_msg(st, "%s", err);
    int n = sctl_stamps_compare(conn, st, memo, declared, &err);
    ck_assert_msg(n >= 0, "%s", err ? err : "most changed");
    *out = st;
    return n;
}

/* Which relations changed since a memo of their stamps: by their own
 * rows, by what they print of another, by what the declared state says. */
START_TEST(test_stamps)
{
    SctlConn c;
    char *err = NULL;
    PGconn *conn = fresh_db(&c, "stamps");
    const char *schemas[] = {"public"};
    exec_ok(conn, "CREATE TABLE a (id int PRIMARY KEY, n text)");
    exec_ok(conn, "CREATE TABLE b (id int PRIMARY KEY,"
                  " a_id int REFERENCES a (id))");
    exec_ok(conn, "CREATE VIEW v AS SELECT n FROM a");
    exec_ok(conn, "CREATE TABLE c (id int)");
    SctlFacets *declared = sctl_read_facets(conn, schemas, 1, &err);
    ck_assert_msg(declared, "%s", err);
    SctlStamps *st = sctl_stamps_read(conn, schemas, 1, &err);
    ck_assert_msg(st, "%s", err);
    char *memo = sctl_stamps_text(st, declared);
    char *global = strdup(sctl_stamps_global(st));
    sctl_stamps_free(st);

    ck_assert_int_eq(changed_since(conn, memo, declared, &st), 0);
    ck_assert(sctl_stamps_unchanged(st, "public", "a"));
    ck_assert(!sctl_stamps_unchanged(st, "public", "nothing"));
    ck_assert_str_eq(sctl_stamps_global(st), global);
    sctl_stamps_free(st);

    /* b's foreign key and v's query print a's column: read again */
    exec_ok(conn, "ALTER TABLE a RENAME COLUMN id TO key");
    ck_assert_int_eq(changed_since(conn, memo, declared, &st), 3);
    ck_assert(!sctl_stamps_unchanged(st, "public", "a"));
    ck_assert(!sctl_stamps_unchanged(st, "public", "b"));
    ck_assert(!sctl_stamps_unchanged(st, "public", "v"));
    ck_assert(sctl_stamps_unchanged(st, "public", "c"));
    ck_assert_str_eq(sctl_stamps_global(st), global);
    sctl_stamps_free(st);

    /* a comment is c's own row; a new table is new */
    exec_ok(conn, "COMMENT ON COLUMN c.id IS 'x'");
    exec_ok(conn, "CREATE TABLE d (id int)");
    ck_assert_int_eq(changed_since(conn, memo, declared, &st), 5);
    ck_assert(!sctl_stamps_unchanged(st, "public", "c"));
    ck_assert(!sctl_stamps_unchanged(st, "public", "d"));
    char *some = sctl_stamps_changed(st);
    const char *param[1] = {some};
    PGresult *r = PQexecParams(conn, "SELECT string_agg(relname, ','"
                               " ORDER BY relname) FROM pg_class"
                               " WHERE oid = ANY ($1::oid[])", 1, NULL,
                               param, NULL, NULL, 0);
    ck_assert_str_eq(PQgetvalue(r, 0, 0), "a,b,c,d,v");
    PQclear(r);
    free(some);
    sctl_stamps_free(st);
    free(memo);

    /* what the declared state says of each, against the memo's: a state
     * that declares nothing has every relation declared before read
     * again, but not d (declared by neither) nor pg_class, say */
    st = sctl_stamps_read(conn, schemas, 1, &err);
    memo = sctl_stamps_text(st, declared);
    sctl_stamps_free(st);
    SctlFacets *none = sctl_facets_load("sctl-facets 2\n");
    ck_assert_ptr_nonnull(none);
    ck_assert_int_eq(changed_since(conn, memo, none, &st), 4);
    ck_assert(sctl_stamps_unchanged(st, "public", "d"));
    ck_assert(sctl_stamps_unchanged(st, "pg_catalog", "pg_class"));
    sctl_stamps_free(st);

    /* a new table referring to a is new, and a as it was (the triggers
     * its foreign key makes on a print nowhere) */
    exec_ok(conn, "CREATE TABLE e (a_key int REFERENCES a (key))");
    ck_assert_int_eq(changed_since(conn, memo, declared, &st), 1);
    ck_assert(sctl_stamps_unchanged(st, "public", "a"));
    ck_assert(!sctl_stamps_unchanged(st, "public", "e"));
    sctl_stamps_free(st);

    /* a type is no relation's: the global part moves */
    exec_ok(conn, "CREATE TYPE mood AS ENUM ('ok')");
    st = sctl_stamps_read(conn, schemas, 1, &err);
    ck_assert_str_ne(sctl_stamps_global(st), global);
    sctl_stamps_free(st);

    /* a memo cut short is no memo */
    st = sctl_stamps_read(conn, schemas, 1, &err);
    ck_assert_int_eq(sctl_stamps_compare(conn, st, "12 3/4", declared, &err),
                     -1);
    sctl_stamps_free(st);
    sctl_facets_free(none);
    sctl_facets_free(declared);
    free(memo);
    free(global);
    PQfinish(conn);
    sctl_disconnect(&c);
}
END_TEST

/* Splits the printed table into want_lines lines (copies in line[]). */
static void split_lines(const char *text, char line[][256], int want_lines)
{
    int n = 0;
    for (const char *p = text; *p; n++) {
        size_t len = strcspn(p, "\n");
        ck_assert_int_lt(n, want_lines);
        ck_assert_uint_lt(len, 256);
        memcpy(line[n], p, len);
        line[n][len] = '\0';
        p += len + (p[len] == '\n');
    }
    ck_assert_int_eq(n, want_lines);
}

/* Header, then newest first, every column aligned. */
static void check_table(const char *text)
{
    char line[3][256];
    split_lines(text, line, 3);
    ck_assert_msg(strncmp(line[0], "id  applied at", 14) == 0, "%s", line[0]);
    ck_assert_str_eq(strstr(line[0], "  project"),
                     "  project      checksum      changes  applied by");
    ck_assert_msg(strncmp(line[1], " 2  ", 4) == 0, "%s", line[1]);
    ck_assert_msg(strncmp(line[2], " 1  ", 4) == 0, "%s", line[2]);
    long col = strstr(line[0], "checksum") - line[0];
    ck_assert_int_eq(strstr(line[1], "fedcba987654") - line[1], col);
    ck_assert_int_eq(strstr(line[2], "0123456789ab") - line[2], col);
    ck_assert_ptr_nonnull(strstr(line[1], "  o'brien \"q\"  fedcba987654  "
                                          "      0  postgres"));
    ck_assert_ptr_nonnull(strstr(line[2], "  enorae       0123456789ab  "
                                          "     42  postgres"));
    ck_assert_int_eq(strlen(line[1]), strlen(line[2]));
}

START_TEST(test_history_round_trip)
{
    SctlConn c;
    char *err = NULL;
    PGconn *conn = fresh_db(&c, "hist_round_trip");
    exec_ok(conn, "BEGIN");
    ck_assert(sctl_lock(conn, &err));
    ck_assert(sctl_history_ensure(conn, &err));
    record(conn, "enorae", "0123456789abcdef0123", 42);
    record(conn, "o'brien \"q\"", "fedcba9876543210", 0);
    exec_ok(conn, "COMMIT");
    assert_value(conn, "SELECT string_agg(project || '|' || changes || '|' "
                       "|| applied_by, ' ' ORDER BY id) FROM "
                       "schemactl.history",
                 "enorae|42|postgres o'brien \"q\"|0|postgres");
    char *text = print_history(conn, true);
    check_table(text);
    free(text);
    PQfinish(conn);
    sctl_disconnect(&c);
}
END_TEST

START_TEST(test_lock)
{
    SctlConn c;
    char *err = NULL;
    PGconn *one = fresh_db(&c, "hist_lock");
    PGconn *two = sctl_connect_db(&c, "hist_lock", &err);
    const char *try = "SELECT pg_try_advisory_xact_lock(" LOCK_KEY ")";
    ck_assert(!sctl_lock(one, &err));
    ck_assert_str_eq(err, "cannot take the schemactl lock: not in a "
                          "transaction");
    free(err);
    exec_ok(one, "BEGIN");
    ck_assert(sctl_lock(one, &err));
    assert_value(two, try, "f");
    exec_ok(one, "COMMIT");
    exec_ok(two, "BEGIN");
    assert_value(two, try, "t");        /* released at commit */
    ck_assert(sctl_lock(two, &err));    /* re-entrant in one session */
    exec_ok(two, "ROLLBACK");
    PQfinish(one);
    PQfinish(two);
    sctl_disconnect(&c);
}
END_TEST

/* ----------------------------------------------------------- platform */

START_TEST(test_platform_text)
{
    FILE *f = fopen("src/platform/supabase.sql", "rb");
    ck_assert_msg(f != NULL, "run from the repository root");
    fseek(f, 0, SEEK_END);
    char *text = slurp(f);
    fclose(f);
    ck_assert_str_eq(sctl_supabase_sql, text);
    free(text);
}
END_TEST

START_TEST(test_platform_install)
{
    SctlConn c;
    char *err = NULL;
    PGconn *conn = fresh_db(&c, "plat");
    ck_assert(!sctl_has_platform(conn));
    ck_assert_msg(sctl_install_platform(conn, &err), "%s", err);
    ck_assert(sctl_has_platform(conn));
    ck_assert_msg(sctl_install_platform(conn, &err), "%s", err);
    exec_ok(conn, "SET request.jwt.claims = "
                  "'{\"sub\": \"6a1d0c37-5b1e-4c4e-9a49-8f3f3b1e7d10\"}'");
    assert_value(conn, "SELECT auth.uid()",
                 "6a1d0c37-5b1e-4c4e-9a49-8f3f3b1e7d10");
    assert_value(conn, "SELECT count(*) FROM pg_roles WHERE rolname IN "
                       "('anon', 'authenticated', 'service_role')", "3");
    PQfinish(conn);
    sctl_disconnect(&c);
    conn = fresh_db(&c, "plat_again");  /* roles exist: another database */
    ck_assert_msg(sctl_install_platform(conn, &err), "%s", err);
    ck_assert(sctl_has_platform(conn));
    PQfinish(conn);
    sctl_disconnect(&c);
}
END_TEST

/* A failure leaves nothing half-installed. */
START_TEST(test_platform_install_fails)
{
    SctlConn c;
    char *err = NULL;
    PGconn *conn = fresh_db(&c, "plat_read_only");
    exec_ok(conn, "SET default_transaction_read_only = on");
    ck_assert(!sctl_install_platform(conn, &err));
    const char *lead = "cannot install the supabase platform shim: "
                       "cannot execute ";
    ck_assert_msg(strncmp(err, lead, strlen(lead)) == 0, "%s", err);
    ck_assert_ptr_null(strchr(err, '\n'));
    free(err);
    exec_ok(conn, "SET default_transaction_read_only = off");
    ck_assert(!sctl_has_platform(conn));
    assert_value(conn, "SELECT to_regnamespace('storage') IS NULL", "t");
    PQfinish(conn);
    sctl_disconnect(&c);
}
END_TEST

/* ------------------------------------------------------------- suite */

static TCase *connect_case(void)
{
    TCase *tc = tcase_create("connect");
    tcase_add_unchecked_fixture(tc, connect_up, connect_down);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_url_socket_query);
    tcase_add_test(tc, test_url_postgres_scheme);
    tcase_add_test(tc, test_url_percent_encoded_host);
    tcase_add_test(tc, test_keyword_string);
    tcase_add_test(tc, test_tcp_with_options);
    tcase_add_test(tc, test_options_with_spaces);
    tcase_add_test(tc, test_pg_variables);
    tcase_add_test(tc, test_database_url_beats_pg_variables);
    tcase_add_test(tc, test_db_beats_database_url);
    tcase_add_test(tc, test_password_accepted);
    tcase_add_test(tc, test_password_refused);
    tcase_add_test(tc, test_reconnect);
    tcase_add_test(tc, test_database_name_with_slash);
    tcase_add_test(tc, test_connect_db);
    tcase_add_test(tc, test_connect_db_password);
    tcase_add_test(tc, test_ecpg_main_autocommit);
    return tc;
}

static TCase *errors_case(void)
{
    TCase *tc = tcase_create("connect errors");
    tcase_add_unchecked_fixture(tc, server_up, server_down);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_refused);
    tcase_add_test(tc, test_no_socket);
    tcase_add_test(tc, test_unknown_database);
    tcase_add_test(tc, test_unknown_role);
    tcase_add_test(tc, test_unknown_host);
    tcase_add_test(tc, test_default_socket);
    tcase_add_test(tc, test_ipv6_host);
    tcase_add_loop_test(tc, test_malformed, 0,
                        (int)(sizeof malformed / sizeof malformed[0]));
    return tc;
}

static TCase *embedded_case(void)
{
    TCase *tc = tcase_create("embedded");
    tcase_add_unchecked_fixture(tc, server_up, server_down);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_embedded_server);
    tcase_add_test(tc, test_embedded_tmpdir_and_stop);
    tcase_add_test(tc, test_embedded_unreachable_tmpdir);
    tcase_add_test(tc, test_embedded_missing_tmpdir);
    tcase_add_test(tc, test_embedded_unusable_tmpdir);
    tcase_add_test(tc, test_embedded_stop_by_signal);
    return tc;
}

static TCase *state_case(void)
{
    TCase *tc = tcase_create("history and platform");
    tcase_add_unchecked_fixture(tc, server_up, server_down);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_history_ensure);
    tcase_add_test(tc, test_history_round_trip);
    tcase_add_test(tc, test_history_previous);
    tcase_add_test(tc, test_history_upgrade);
    tcase_add_test(tc, test_memo);
    tcase_add_test(tc, test_stamps);
    tcase_add_test(tc, test_migration_print);
    tcase_add_test(tc, test_lock);
    tcase_add_test(tc, test_platform_text);
    tcase_add_test(tc, test_platform_install);
    tcase_add_test(tc, test_platform_install_fails);
    return tc;
}

Suite *make_runtime_suite(void);

Suite *make_runtime_suite(void)
{
    Suite *s = suite_create("runtime");
    suite_add_tcase(s, connect_case());
    suite_add_tcase(s, errors_case());
    suite_add_tcase(s, embedded_case());
    suite_add_tcase(s, state_case());
    return s;
}

#ifndef SCTL_NO_TEST_MAIN
int main(void)
{
    SRunner *sr = srunner_create(make_runtime_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
#endif

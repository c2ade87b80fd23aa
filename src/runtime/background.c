/*
 * background.c — work done beside the main connection: a thread with a
 * connection of its own to the same database, as the main one was opened
 * (its parameters, password included, copied).  The reading of a large
 * schema is the server's work and the loading of its normal forms the
 * client's; two cores do them at once.  libpq is safe so, one PGconn per
 * thread.  Signals stay with the main thread, whose handlers end the
 * process.
 */
#include "schemactl.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

struct SctlBackground {
    pthread_t thread;
    char **keywords, **values;
    SctlBackgroundFn *fn;
    void *arg;
    bool connected;
};

static void *background_main(void *arg)
{
    SctlBackground *b = arg;
    PGconn *own = PQconnectdbParams((const char *const *)b->keywords,
                                    (const char *const *)b->values, 0);
    b->connected = PQstatus(own) == CONNECTION_OK;
    if (b->connected)
        b->fn(own, b->arg);
    PQfinish(own);
    return NULL;
}

/* conn's own connection parameters, named for what they are doing. */
static void copy_params(PGconn *conn, const char *name, SctlBackground *b)
{
    PQconninfoOption *opts = PQconninfo(conn);
    int n = 0;
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        n++;
    b->keywords = sctl_xcalloc((size_t)n + 2, sizeof *b->keywords);
    b->values = sctl_xcalloc((size_t)n + 2, sizeof *b->values);
    int k = 0;
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        if (o->val && strcmp(o->keyword, "application_name") != 0) {
            b->keywords[k] = sctl_xstrdup(o->keyword);
            b->values[k++] = sctl_xstrdup(o->val);
        }
    b->keywords[k] = sctl_xstrdup("application_name");
    b->values[k] = sctl_xstrdup(name);
    PQconninfoFree(opts);
}

static void background_free(SctlBackground *b)
{
    for (int i = 0; b->keywords && b->keywords[i]; i++) {
        free(b->keywords[i]);
        free(b->values[i]);
    }
    free(b->keywords);
    free(b->values);
    free(b);
}

SctlBackground *sctl_background_start(PGconn *conn, const char *name,
                                      SctlBackgroundFn *fn, void *arg)
{
    SctlBackground *b = sctl_xcalloc(1, sizeof *b);
    b->fn = fn;
    b->arg = arg;
    copy_params(conn, name, b);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    bool started = pthread_create(&b->thread, NULL, background_main, b) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!started) {
        background_free(b);
        return NULL;
    }
    return b;
}

bool sctl_background_join(SctlBackground *b)
{
    pthread_join(b->thread, NULL);
    bool connected = b->connected;
    background_free(b);
    return connected;
}

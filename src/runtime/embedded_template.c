/*
 * embedded_template.c — a fresh cluster kept, so that the next throwaway
 * server is a copy of it instead of another initdb.  initdb is most of
 * what starting one costs (0.8 to 2.5 s here, against 0.1 to 0.5 s to
 * copy its 40 MB), and schemac check starts one every time.
 *
 * The copy lives in $SCHEMACTL_CACHE, else $XDG_CACHE_HOME/schemactl,
 * else ~/.cache/schemactl, in a directory named after the server binaries
 * it was made with and their size and time, so that an upgrade makes a
 * new one.  It is written whole in a directory of its own and renamed
 * into place, so a reader never sees half of one.  SCHEMACTL_CACHE set
 * to the empty string turns it off.  Everything here is best effort: on
 * any failure the caller runs initdb as before.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1
#endif
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "schemactl.h"

/* printf into new memory; NULL when out of memory (like embedded.c, this
 * file stays clear of util.c, so that the compiler can link it alone). */
static char *fmt(const char *f, ...)
{
    va_list ap, again;
    va_start(ap, f);
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, f, ap);
    char *s = n < 0 ? NULL : malloc((size_t)n + 1);
    if (s)
        vsnprintf(s, (size_t)n + 1, f, again);
    va_end(again);
    va_end(ap);
    return s;
}

/* The cache directory (malloc'd), or NULL when there is none to use. */
static char *cache_dir(void)
{
    const char *set = getenv("SCHEMACTL_CACHE");
    if (set)
        return *set == '/' ? strdup(set) : NULL;
    const char *xdg = getenv("XDG_CACHE_HOME");
    if (xdg && *xdg == '/')
        return fmt("%s/schemactl", xdg);
    const char *home = getenv("HOME");
    return home && *home == '/' ? fmt("%s/.cache/schemactl", home)
                                : NULL;
}

/* cluster-HASH: the binaries' directory, and their postgres's size and
 * modification time (malloc'd). */
static char *template_path(const char *bindir)
{
    char *cache = cache_dir();
    char *postgres = fmt("%s/postgres", bindir);
    struct stat st;
    bool ok = cache && stat(postgres, &st) == 0;
    free(postgres);
    if (!ok) {
        free(cache);
        return NULL;
    }
    unsigned long h = 5381;
    for (const char *p = bindir; *p; p++)
        h = h * 33 + (unsigned char)*p;
    h = h * 33 + (unsigned long)st.st_size;
    h = h * 33 + (unsigned long)st.st_mtime;
    char *path = fmt("%s/cluster-%lx", cache, h);
    free(cache);
    return path;
}

/* ------------------------------------------------------------ copying */

/* nftw hands its callback nothing of ours: the copy in progress. */
static struct {
    size_t from_len;
    const char *to;
    uid_t uid;
    gid_t gid;
    bool chown;
    bool failed;
} copying;

static bool copy_file(const char *from, const char *to, mode_t mode)
{
    int in = open(from, O_RDONLY | O_NOFOLLOW);
    int out = in < 0 ? -1 : open(to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW,
                                 mode & 0700);
    char buf[1 << 16];
    ssize_t n = 0;
    bool ok = out >= 0;
    while (ok && (n = read(in, buf, sizeof buf)) > 0)
        ok = write(out, buf, (size_t)n) == n;
    ok = ok && n == 0;
    if (ok && copying.chown)
        ok = fchown(out, copying.uid, copying.gid) == 0;
    if (in >= 0)
        close(in);
    if (out >= 0 && close(out) != 0)
        ok = false;
    return ok;
}

static int copy_entry(const char *path, const struct stat *st, int flag,
                      struct FTW *ftw)
{
    (void)ftw;
    char *to = fmt("%s%s", copying.to, path + copying.from_len);
    bool ok = to != NULL;
    if (!ok) {
    } else if (flag == FTW_D) {
        ok = (mkdir(to, st->st_mode & 0700) == 0 || errno == EEXIST) &&
             (!copying.chown || chown(to, copying.uid, copying.gid) == 0);
    } else if (flag == FTW_F && S_ISREG(st->st_mode)) {
        ok = copy_file(path, to, st->st_mode);
    } else if (flag != FTW_F) {
        ok = false;   /* unreadable, or a link: not a cluster we made */
    }
    free(to);
    copying.failed |= !ok;
    return ok ? 0 : 1;
}

/* from (a directory) to a new directory to, owned by pg when given. */
static bool copy_tree(const char *from, const char *to,
                      const struct passwd *pg)
{
    copying.from_len = strlen(from);
    copying.to = to;
    copying.chown = pg != NULL;
    copying.uid = pg ? pg->pw_uid : 0;
    copying.gid = pg ? pg->pw_gid : 0;
    copying.failed = false;
    return nftw(from, copy_entry, 16, FTW_PHYS) == 0 && !copying.failed;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static void remove_tree(const char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---------------------------------------------------------- the pair */

bool sctl_template_clone(const char *bindir, const struct passwd *pg,
                         const char *data)
{
    char *tpl = template_path(bindir);
    char *from = tpl ? fmt("%s/data", tpl) : NULL;
    struct stat st;
    bool ok = from && stat(from, &st) == 0 && S_ISDIR(st.st_mode) &&
              copy_tree(from, data, pg);
    if (!ok && from)
        remove_tree(data);   /* half a copy: initdb starts clean */
    free(from);
    free(tpl);
    return ok;
}

/* mkdir -p of the cache, private to its owner. */
static bool make_cache(const char *path)
{
    char *p = strdup(path);
    bool ok = p != NULL;
    for (char *s = ok ? strchr(p + 1, '/') : NULL; ok && s;
         s = strchr(s + 1, '/')) {
        *s = '\0';
        ok = mkdir(p, 0700) == 0 || errno == EEXIST;
        *s = '/';
    }
    ok = ok && (mkdir(p, 0700) == 0 || errno == EEXIST);
    free(p);
    return ok;
}

void sctl_template_keep(const char *bindir, const char *data)
{
    char *tpl = template_path(bindir);
    struct stat st;
    char *parent = tpl ? strndup(tpl, (size_t)(strrchr(tpl, '/') - tpl))
                       : NULL;
    bool ready = tpl && stat(tpl, &st) != 0 && make_cache(parent);
    free(parent);
    if (!ready) {
        free(tpl);
        return;
    }
    char *work = fmt("%s.XXXXXX", tpl);
    if (work && mkdtemp(work)) {
        char *to = fmt("%s/data", work);
        if (!to || !copy_tree(data, to, NULL) || rename(work, tpl) != 0)
            remove_tree(work);   /* or another run kept one first */
        free(to);
    }
    free(work);
    free(tpl);
}

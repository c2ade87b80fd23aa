/*
 * fmt.c — `schemac fmt [--check] PATH...`: each file is lexed and parsed
 * (not checked: fmt needs no whole project), laid out (fmt_layout.c), and
 * proved unchanged in meaning before it is written: the same tokens, the
 * same SQL fragments byte for byte and the same comments, in order.  A file
 * with syntax errors is reported and left alone.
 */
#include "schemac.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { FMT_OK = 0, FMT_CHANGES = 1, FMT_IO = 2 };

/* What a text holds, as far as meaning goes, and the layout's input. */
typedef struct Parsed {
    FmtFile file;
    Vec frags;                 /* Frag* of this text */
    Vec comments;              /* Frag*: each comment, as written */
} Parsed;

/* Bytes [off + 1, off + len): the boundaries inside a span. */
static void keep(char *verbatim, size_t off, size_t len)
{
    for (size_t i = off + 1; i < off + len; i++)
        verbatim[i] = 1;
}

/* A comment in the gap [i, end), or i itself if none starts there. */
static size_t comment_end(const char *t, size_t i, size_t end)
{
    if (i + 1 < end && t[i] == '-' && t[i + 1] == '-') {
        while (i < end && t[i] != '\n')
            i++;
        return i;
    }
    if (i + 1 < end && t[i] == '/' && t[i + 1] == '*') {
        int nest = 0;
        for (; i + 1 < end; i++) {
            if (t[i] == '/' && t[i + 1] == '*')
                nest++, i++;
            else if (t[i] == '*' && t[i + 1] == '/' && --nest == 0)
                return i + 2;
        }
        return end;
    }
    return i;
}

static void find_comments(Arena *a, Parsed *p, const Source *src)
{
    const Token *toks = p->file.toks;
    size_t from = 0;
    for (int k = 0; k < p->file.ntoks; k++) {
        size_t to = toks[k].kind == TK_EOF ? src->len : toks[k].off;
        for (size_t i = from; i < to;) {
            size_t e = comment_end(src->text, i, to);
            if (e == i) {
                i++;
                continue;
            }
            Frag *c = arena_alloc(a, sizeof *c);
            *c = (Frag){src, i, e - i, NULL};
            vec_push(a, &p->comments, c);
            if (src->text[i] == '/')
                keep(p->file.verbatim, i, e - i);
            i = e;
        }
        from = toks[k].off + toks[k].len;
    }
}

static void find_columns(Arena *a, Parsed *p, const Program *prog,
                         const Source *src)
{
    p->file.cols = arena_alloc(a, sizeof(FmtColumn) * (size_t)
                               (p->file.ntoks + 1));
    for (int i = 0; i < prog->decls.len; i++) {
        const Decl *d = prog->decls.items[i];
        for (int k = 0; d->kind == DECL_TABLE && k < d->items.len; k++) {
            const Item *it = d->items.items[k];
            if (it->kind != ITEM_COLUMN || it->u.column->name.tok->src != src ||
                it->u.column->type.src != src)
                continue;
            const Column *c = it->u.column;
            p->file.cols[p->file.ncols++] =
                (FmtColumn){c->name.tok->off, c->name.tok->len, c->type.off};
        }
    }
}

/* Lexes and parses text; false (errors in d) if it has syntax errors. */
static bool parse_text(Arena *a, const char *name, const char *text,
                       size_t len, Parsed *p, Diag *d)
{
    int before = d->errors;
    Source *src = source_from_text(a, name, text, len);
    TokenList tl = lex_source(a, src, d);
    Program prog = {0};
    *p = (Parsed){0};
    if (d->errors == before)
        parse_file_frags(a, &prog, &tl, d, &p->frags);
    if (d->errors != before)
        return false;
    p->file = (FmtFile){src->text, src->len, tl.toks, tl.len,
                        arena_alloc(a, src->len + 1), NULL, 0};
    for (int k = 0; k < tl.len; k++)
        keep(p->file.verbatim, tl.toks[k].off, tl.toks[k].len);
    for (int k = 0; k < p->frags.len; k++) {
        const Frag *f = p->frags.items[k];
        if (f->src == src)
            keep(p->file.verbatim, f->off, f->len);
    }
    find_comments(a, p, src);
    find_columns(a, p, &prog, src);
    return true;
}

/* A line comment's trailing spaces are layout, not text. */
static size_t comment_len(const Frag *c)
{
    size_t n = c->len;
    if (c->src->text[c->off] == '-')
        while (n > 0 && (c->src->text[c->off + n - 1] == ' ' ||
                         c->src->text[c->off + n - 1] == '\t' ||
                         c->src->text[c->off + n - 1] == '\r'))
            n--;
    return n;
}

static bool same_frags(const Vec *x, const Vec *y, bool comments)
{
    if (x->len != y->len)
        return false;
    for (int i = 0; i < x->len; i++) {
        const Frag *a = x->items[i], *b = y->items[i];
        size_t la = comments ? comment_len(a) : a->len;
        size_t lb = comments ? comment_len(b) : b->len;
        if (la != lb || memcmp(a->src->text + a->off, b->src->text + b->off,
                               la) != 0)
            return false;
    }
    return true;
}

static bool same_meaning(const Parsed *x, const Parsed *y)
{
    if (x->file.ntoks != y->file.ntoks)
        return false;
    for (int i = 0; i < x->file.ntoks; i++) {
        const Token *a = &x->file.toks[i], *b = &y->file.toks[i];
        if (a->kind != b->kind || a->len != b->len ||
            memcmp(x->file.text + a->off, y->file.text + b->off, a->len) != 0)
            return false;
    }
    return same_frags(&x->frags, &y->frags, false) &&
           same_frags(&x->comments, &y->comments, true);
}

bool fmt_source(Arena *a, const Source *in, Buf *out, Diag *d)
{
    Parsed orig, split, done;
    if (!parse_text(a, in->name, in->text, in->len, &orig, d))
        return false;
    Buf b = {0};
    fmt_split_items(&orig.file, &b);
    bool ok = parse_text(a, in->name, b.data ? b.data : "", b.len, &split, d);
    if (ok)
        fmt_layout(&split.file, out);
    buf_free(&b);
    ok = ok && parse_text(a, in->name, out->data ? out->data : "", out->len,
                          &done, d) && same_meaning(&orig, &done);
    if (!ok)
        diag_plain(d, DIAG_ERROR, "%s: fmt would change its meaning; left "
                   "as it is (a bug in schemac fmt)", in->name);
    return ok;
}

/* A temporary file beside path, then rename, keeping path's mode. */
static bool replace_file(Arena *a, const char *path, const Buf *b, Diag *d)
{
    struct stat st;
    mode_t mode = stat(path, &st) == 0 ? st.st_mode & 07777 : 0644;
    char *tmp = arena_printf(a, "%s.XXXXXX", path);
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    bool ok = f && fwrite(b->data, 1, b->len, f) == b->len;
    ok = f && fclose(f) == 0 && ok;
    if (!f && fd >= 0)
        close(fd);
    if (ok && chmod(tmp, mode) == 0 && rename(tmp, path) == 0)
        return true;
    diag_plain(d, DIAG_ERROR, "cannot write %s: %s", path, strerror(errno));
    if (fd >= 0)
        unlink(tmp);
    return false;
}

static int fmt_one(Arena *a, const char *path, bool check, Diag *d)
{
    const char *err;
    Source *src = source_load(a, path, &err);
    if (!src) {
        diag_plain(d, DIAG_ERROR, "cannot read %s: %s", path, err);
        return FMT_IO;
    }
    Buf out = {0};
    int status = FMT_OK;
    if (!fmt_source(a, src, &out, d))
        status = FMT_CHANGES;
    else if (out.len != src->len || memcmp(out.data, src->text, out.len)) {
        if (check)
            printf("%s\n", path);
        status = check ? FMT_CHANGES
                       : replace_file(a, path, &out, d) ? FMT_OK : FMT_IO;
    }
    buf_free(&out);
    return status;
}

int fmt_files(Arena *a, const Vec *files, bool check, Diag *d)
{
    int worst = FMT_OK;
    for (int i = 0; i < files->len; i++) {
        int s = fmt_one(a, files->items[i], check, d);
        worst = s > worst ? s : worst;
    }
    if (fflush(stdout) != 0)
        worst = FMT_IO;
    return worst;
}

/*
 * source.c — the texts the compiler reads, their line tables, and the map
 * from template-expanded text back to the files it came from.
 */
#include "schemac.h"

#include <errno.h>
#include <string.h>

static void index_lines(Arena *a, Source *s)
{
    int n = 1;
    for (size_t i = 0; i < s->len; i++)
        if (s->text[i] == '\n')
            n++;
    s->line_starts = arena_alloc(a, sizeof(size_t) * (size_t)n);
    s->nlines = n;
    int line = 0;
    s->line_starts[line++] = 0;
    for (size_t i = 0; i < s->len; i++)
        if (s->text[i] == '\n')
            s->line_starts[line++] = i + 1;
}

Source *source_from_text(Arena *a, const char *name, const char *text,
                         size_t len)
{
    Source *s = arena_alloc(a, sizeof *s);
    s->name = arena_strdup(a, name);
    s->text = arena_strndup(a, text, len);
    s->len = len;
    index_lines(a, s);
    return s;
}

/* Reads the file in chunks: it may be a pipe, whose size is unknown. */
Source *source_load(Arena *a, const char *path, const char **err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *err = strerror(errno);
        return NULL;
    }
    Buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_put(&b, chunk, n);
    bool failed = ferror(f);
    int saved = errno;
    fclose(f);
    if (failed) {
        buf_free(&b);
        *err = strerror(saved);
        return NULL;
    }
    Source *s = source_from_text(a, path, b.data ? b.data : "", b.len);
    buf_free(&b);
    return s;
}

/* Binary search: the last line starting at or before off. */
static int line_of(const Source *s, size_t off)
{
    int lo = 0, hi = s->nlines - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (s->line_starts[mid] <= off)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* Characters, not bytes: UTF-8 continuation bytes do not advance. */
static int column_of(const Source *s, size_t line_start, size_t off)
{
    int col = 1;
    for (size_t i = line_start; i < off && i < s->len; i++)
        if (((unsigned char)s->text[i] & 0xC0) != 0x80)
            col++;
    return col;
}

static const SourceSpan *span_of(const Source *s, size_t off)
{
    for (int i = 0; i < s->nspans; i++) {
        const SourceSpan *sp = &s->spans[i];
        if (off >= sp->start && off < sp->start + sp->len)
            return sp;
    }
    return s->nspans ? &s->spans[s->nspans - 1] : NULL;
}

void source_locate(const Source *s, size_t off, const Source **file,
                   size_t *file_off, int *line, int *col)
{
    while (s->spans) {
        const SourceSpan *sp = span_of(s, off);
        size_t rel = off > sp->start ? off - sp->start : 0;
        if (rel > sp->len || sp->pinned)
            rel = sp->pinned ? 0 : sp->len;
        off = sp->origin_off + rel;
        s = sp->origin;
    }
    if (off > s->len)
        off = s->len;
    int l = line_of(s, off);
    *file = s;
    *file_off = off;
    *line = l + 1;
    *col = column_of(s, s->line_starts[l], off);
}

const char *source_line(const Source *s, int line, size_t *len)
{
    if (line < 1 || line > s->nlines) {
        *len = 0;
        return "";
    }
    size_t start = s->line_starts[line - 1];
    size_t end = start;
    while (end < s->len && s->text[end] != '\n')
        end++;
    if (end > start && s->text[end - 1] == '\r')
        end--;
    *len = end - start;
    return s->text + start;
}

bool source_contiguous(const Source *s, size_t off, size_t len)
{
    if (!s->spans || len == 0)
        return true;
    const SourceSpan *a = span_of(s, off), *b = span_of(s, off + len - 1);
    return a == b && off + len <= a->start + a->len;
}

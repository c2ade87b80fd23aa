/*
 * diag.c — diagnostics: "file:line:col: level: message", the source line and
 * a caret under the whole token, as compilers print them.
 */
#include "schemac.h"

#include <string.h>

#define DIAG_DEFAULT_LIMIT 20

static const char *level_name(DiagLevel level)
{
    switch (level) {
    case DIAG_ERROR: return "error";
    case DIAG_WARNING: return "warning";
    case DIAG_NOTE: return "note";
    }
    return "error";
}

/* ANSI colors for a terminal (--color, NO_COLOR): bold red errors, bold
 * magenta warnings, bold cyan notes, as gcc and clang print them. */
static const char *level_color(DiagLevel level)
{
    switch (level) {
    case DIAG_ERROR: return "\033[1;31m";
    case DIAG_WARNING: return "\033[1;35m";
    case DIAG_NOTE: return "\033[1;36m";
    }
    return "";
}

static void put_level(const Diag *d, DiagLevel level)
{
    if (d->color)
        fprintf(d->out, "%s%s:\033[0m ", level_color(level), level_name(level));
    else
        fprintf(d->out, "%s: ", level_name(level));
}

void diag_init(Diag *d, FILE *out)
{
    memset(d, 0, sizeof *d);
    d->out = out;
    d->limit = DIAG_DEFAULT_LIMIT;
}

static int limit_of(const Diag *d)
{
    return d->limit > 0 ? d->limit : DIAG_DEFAULT_LIMIT;
}

bool diag_too_many(const Diag *d)
{
    return d->printed >= limit_of(d);
}

void diag_stop(Diag *d)
{
    if (d->stopped)
        return;
    d->stopped = true;
    fprintf(d->out, "schemac: too many errors, stopping here\n");
}

/*
 * Counts first, prints second: past the limit errors are still counted so
 * the exit status stays right.  Returns whether to print this one.
 */
static bool admit(Diag *d, DiagLevel level)
{
    if (level == DIAG_NOTE)
        return d->last_shown;
    if (level == DIAG_ERROR || d->werror)
        d->errors++;
    else
        d->warnings++;
    d->last_shown = d->printed < limit_of(d);
    if (d->last_shown)
        d->printed++;
    else
        diag_stop(d);
    return d->last_shown;
}

/* Control characters would corrupt the terminal: show them as spaces. */
static void put_line(FILE *out, const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        fputc((c < 0x20 && c != '\t') || c == 0x7F ? ' ' : c, out);
    }
}

/* The caret line copies tabs so that it lines up under any tab width. */
static void put_caret(FILE *out, const char *text, size_t line_len,
                      size_t from, size_t len)
{
    for (size_t i = 0; i < from && i < line_len; i++) {
        unsigned char c = (unsigned char)text[i];
        if ((c & 0xC0) != 0x80)
            fputc(c == '\t' ? '\t' : ' ', out);
    }
    fputc('^', out);
    size_t end = from + (len ? len : 1);
    if (end > line_len)
        end = line_len;
    for (size_t i = from + 1; i < end; i++)
        if (((unsigned char)text[i] & 0xC0) != 0x80)
            fputc('~', out);
    fputc('\n', out);
}

static void show_source(Diag *d, const Source *file, size_t off, size_t len,
                        int line)
{
    size_t line_len;
    const char *text = source_line(file, line, &line_len);
    size_t from = off - file->line_starts[line - 1];
    int width = snprintf(NULL, 0, "%d", line);
    width = width < 5 ? 5 : width;
    fprintf(d->out, "%*d | ", width, line);
    put_line(d->out, text, line_len);
    fprintf(d->out, "\n%*s | ", width, "");
    put_caret(d->out, text, line_len, from, len);
}

/* A message quotes names from the input, which may be huge: it is cut,
 * at a character boundary, to one screenful. */
#define MESSAGE_MAX 400

/* The message, cut to MESSAGE_MAX characters' worth of bytes. */
static void format_message(char text[MESSAGE_MAX + 4], const char *fmt,
                           va_list ap)
{
    int n = vsnprintf(text, MESSAGE_MAX + 1, fmt, ap);
    size_t len = strlen(text);
    if (n > MESSAGE_MAX) {
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
            len--;
        memcpy(text + len, "...", 4);
    }
}

/* With " [RULE]" after a lint warning, so that `allow RULE` needs no
 * manual. */
static void put_message(FILE *out, const char *rule, const char *fmt,
                        va_list ap)
{
    char text[MESSAGE_MAX + 4];
    format_message(text, fmt, ap);
    if (rule)
        fprintf(out, "%s [%s]\n", text, rule);
    else
        fprintf(out, "%s\n", text);
}

/* Non-text formats keep the diagnostic instead of printing it. */
static void keep(Diag *d, DiagLevel level, const char *file, int line,
                 int col, const char *fmt, va_list ap)
{
    char text[MESSAGE_MAX + 4];
    format_message(text, fmt, ap);
    diag_record(d, level, file, line, col, text);
}

void diag_vat(Diag *d, DiagLevel level, const Source *src, size_t off,
              size_t len, const char *fmt, va_list ap)
{
    if (!admit(d, level))
        return;
    const Source *file;
    size_t file_off;
    int line, col;
    source_locate(src, off, &file, &file_off, &line, &col);
    if (d->format != DIAG_TEXT) {
        keep(d, level, file->name, line, col, fmt, ap);
        if (src->expanded_at) {
            const Token *use = src->expanded_at;
            source_locate(use->src, use->off, &file, &file_off, &line, &col);
            char note[MESSAGE_MAX + 1];
            snprintf(note, sizeof note, "in %s", src->expanded_what
                     ? src->expanded_what : "the template used here");
            diag_record(d, DIAG_NOTE, file->name, line, col, note);
        }
        return;
    }
    if (src->spans && !source_contiguous(src, off, len))
        len = 1;  /* the range spans pieces from different places */
    fprintf(d->out, d->color ? "\033[1m%s:%d:%d:\033[0m " : "%s:%d:%d: ",
            file->name, line, col);
    put_level(d, level);
    put_message(d->out, level == DIAG_NOTE ? NULL : d->rule, fmt, ap);
    show_source(d, file, file_off, len, line);
    if (src->expanded_at) {
        const Token *use = src->expanded_at;
        source_locate(use->src, use->off, &file, &file_off, &line, &col);
        fprintf(d->out, "%s:%d:%d: note: in %s\n", file->name, line, col,
                src->expanded_what ? src->expanded_what
                                   : "the template used here");
    }
}

void diag_at(Diag *d, DiagLevel level, const Source *src, size_t off,
             size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vat(d, level, src, off, len, fmt, ap);
    va_end(ap);
}

void diag_plain(Diag *d, DiagLevel level, const char *fmt, ...)
{
    if (!admit(d, level))
        return;
    va_list ap;
    va_start(ap, fmt);
    if (d->format != DIAG_TEXT) {
        keep(d, level, NULL, 0, 0, fmt, ap);
    } else {
        fputs("schemac: ", d->out);
        put_level(d, level);
        put_message(d->out, NULL, fmt, ap);
    }
    va_end(ap);
}

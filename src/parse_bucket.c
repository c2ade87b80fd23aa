/*
 * parse_bucket.c — the items of a Supabase storage bucket: its settings
 * (the columns of its storage.buckets row) and its policies.
 */
#include "parse.h"

#include <errno.h>
#include <stdlib.h>

static BucketSetting *new_setting(Parser *p, Vec *items,
                                  BucketSettingKind kind, const Token *tok)
{
    BucketSetting *bs = arena_alloc(p->arena, sizeof *bs);
    bs->kind = kind;
    Item *it = parse_new_item(p, ITEM_BUCKET_SETTING, tok);
    it->u.setting = bs;
    vec_push(p->arena, items, it);
    return bs;
}

/* "public" ("true" | "false") ";" */
static bool parse_public(Parser *p, Vec *items)
{
    BucketSetting *bs = new_setting(p, items, BUCKET_PUBLIC, parse_next(p));
    bs->on = parse_accept(p, "true");
    if (!bs->on && !parse_accept(p, "false")) {
        parse_error_expected(p, "true or false");
        return false;
    }
    return parse_expect_punct(p, ';', "true or false");
}

static long long unit_of(Parser *p)
{
    static const struct { const char *word; long long bytes; } units[] = {
        {"bytes", 1}, {"kb", 1024}, {"mb", 1024 * 1024},
        {"gb", 1024LL * 1024 * 1024},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (parse_accept(p, units[i].word))
            return units[i].bytes;
    return 1;
}

/* "file" "size" "limit" number [bytes|kb|mb|gb] ";" */
static bool parse_size_limit(Parser *p, Vec *items)
{
    const Token *tok = parse_next(p);
    if (!parse_expect(p, "size") || !parse_expect(p, "limit"))
        return false;
    const Token *n = parse_cur(p);
    if (n->kind != TK_NUMBER) {
        parse_error_expected(p, "a number of bytes");
        return false;
    }
    p->pos++;
    errno = 0;
    char *end;
    long long v = strtoll(tok_text(n), &end, 10);
    long long unit = unit_of(p);
    if (errno || end != tok_text(n) + n->len || v < 1 ||
        v > (1LL << 50) / unit) {
        diag_at(p->diag, DIAG_ERROR, n->src, n->off, n->len,
                "a file size limit is a whole number of bytes, kb, mb or "
                "gb, from 1 byte to 1 PB");
        return false;
    }
    new_setting(p, items, BUCKET_SIZE_LIMIT, tok)->bytes = v * unit;
    return parse_expect_punct(p, ';', "the file size limit");
}

/* "allowed" "mime" "types" string ("," string)* ";" */
static bool parse_mime_types(Parser *p, Vec *items)
{
    const Token *tok = parse_next(p);
    if (!parse_expect(p, "mime") || !parse_expect(p, "types"))
        return false;
    BucketSetting *bs = new_setting(p, items, BUCKET_MIME_TYPES, tok);
    do {
        const Token *t = parse_cur(p);
        if (t->kind != TK_STRING) {
            parse_error_expected(p, "a MIME type in quotes");
            return false;
        }
        vec_push(p->arena, &bs->types, (void *)parse_next(p));
    } while (parse_accept_punct(p, ','));
    return parse_expect_punct(p, ';', "the MIME types");
}

/* bucket-item = public | size-limit | mime-types | policy | allow */
bool parse_bucket_item(Parser *p, Vec *items)
{
    const Token *t = parse_cur(p);
    if (tok_is(t, "public"))
        return parse_public(p, items);
    if (tok_is(t, "file"))
        return parse_size_limit(p, items);
    if (tok_is(t, "allowed"))
        return parse_mime_types(p, items);
    if (tok_is(t, "policy"))
        return parse_table_item(p, items);
    parse_error_expected(p, "a bucket item (public, file size limit, "
                            "allowed mime types, policy)");
    return false;
}

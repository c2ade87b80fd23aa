/*
 * emit_bucket.c — a storage bucket's SQL: its storage.buckets row, written
 * as an upsert so that running it again repairs a changed row, and the
 * clauses that tie its policies to its own objects.
 */
#include "schemac.h"

static const BucketSetting *setting(const Decl *b, BucketSettingKind kind)
{
    for (int i = 0; i < b->items.len; i++) {
        const Item *it = b->items.items[i];
        if (it->kind == ITEM_BUCKET_SETTING && it->u.setting->kind == kind)
            return it->u.setting;
    }
    return NULL;
}

static void put_mime_types(Buf *b, Arena *a, const BucketSetting *bs)
{
    if (!bs) {
        buf_puts(b, "NULL");
        return;
    }
    buf_puts(b, "ARRAY[");
    for (int i = 0; i < bs->types.len; i++) {
        if (i)
            buf_puts(b, ", ");
        quote_literal(b, tok_string(a, bs->types.items[i]));
    }
    buf_puts(b, "]::text[]");
}

/* Settings not written take Supabase's defaults: private, no limits. */
void emit_sql_bucket(Buf *b, Arena *a, const Decl *d)
{
    const BucketSetting *pub = setting(d, BUCKET_PUBLIC);
    const BucketSetting *size = setting(d, BUCKET_SIZE_LIMIT);
    buf_puts(b, "INSERT INTO storage.buckets (id, name, public, "
                "file_size_limit, allowed_mime_types)\n    VALUES (");
    quote_literal(b, d->name.name);
    buf_puts(b, ", ");
    quote_literal(b, d->name.name);
    buf_printf(b, ", %s, ", pub && pub->on ? "true" : "false");
    if (size)
        buf_printf(b, "%lld", size->bytes);
    else
        buf_puts(b, "NULL");
    buf_puts(b, ", ");
    put_mime_types(b, a, setting(d, BUCKET_MIME_TYPES));
    buf_puts(b, ")\n    ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, "
                "public = EXCLUDED.public,\n    file_size_limit = "
                "EXCLUDED.file_size_limit, allowed_mime_types = "
                "EXCLUDED.allowed_mime_types");
}

/* bucket_id = 'id' and (the policy's condition). */
void emit_sql_bucket_condition(Buf *b, const Decl *d, const Frag *f)
{
    buf_puts(b, "bucket_id = ");
    quote_literal(b, d->name.name);
    buf_puts(b, " AND (");
    buf_put(b, f->src->text + f->off, f->len);
    buf_puts(b, ")");
}

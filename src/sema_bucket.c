/*
 * sema_bucket.c — Supabase storage buckets: the bucket's settings, and its
 * policies, which are policies on storage.objects that the emitter limits
 * to the bucket's own objects.
 */
#include "sema.h"

#include <string.h>

/* Supabase accepts letters, digits and a few separators in bucket ids;
 * anything else would not survive its storage API's paths. */
static bool valid_bucket_id(const char *id)
{
    if (!*id)
        return false;
    for (const char *c = id; *c; c++) {
        bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                  (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' ||
                  *c == '.';
        if (!ok)
            return false;
    }
    return true;
}

static void check_setting(Sema *s, Item *it, Item *seen[3])
{
    static const char *const names[] = {"public", "file size limit",
                                        "allowed mime types"};
    BucketSetting *bs = it->u.setting;
    if (seen[bs->kind]) {
        sema_error(s, it->tok, "%s is set twice in this bucket",
                   names[bs->kind]);
        sema_note(s, seen[bs->kind]->tok, "first set here");
    }
    seen[bs->kind] = it;
    for (int i = 0; i < bs->types.len; i++) {
        const Token *t = bs->types.items[i];
        const char *type = tok_string(s->arena, t);
        const char *slash = strchr(type, '/');
        if (!slash || slash == type || !slash[1] || strchr(type, ' '))
            sema_error(s, t, "'%s' is not a MIME type (type/subtype, such "
                       "as 'image/png' or 'image/*')", type);
    }
}

static void check_item(Sema *s, Decl *b, Decl *objects, Item *it,
                       Item *seen[3])
{
    switch (it->kind) {
    case ITEM_BUCKET_SETTING: check_setting(s, it, seen); break;
    case ITEM_POLICY:
        sema_policy(s, objects, it, s->bucket_policies);
        break;
    case ITEM_ALLOW: break;
    case ITEM_COLUMN:
    case ITEM_CONSTRAINT:
    case ITEM_INDEX:
    case ITEM_RLS:
    case ITEM_GRANT:
    case ITEM_COMMENT:
    case ITEM_TRIGGER:
    case ITEM_PARTITION_BY:
    case ITEM_PARTITION:
    case ITEM_USE:
    case ITEM_OPTIONS:
    case ITEM_QUERY:
    case ITEM_LANGUAGE:
    case ITEM_ATTRIBUTE:
    case ITEM_SET:
    case ITEM_BODY:
    case ITEM_DEFAULT_PRIVS:
    case ITEM_IN_ROLE:
    case ITEM_LOGIN:
    case ITEM_AUDIT:
    case ITEM_TRANSITIONS:
    case ITEM_RETAIN:
    case ITEM_PARTITIONS:
    case ITEM_REPLICA:
    case ITEM_PUB_TABLE:
    case ITEM_PUBLISH:
        sema_error(s, it->tok, "%s is not allowed in bucket \"%s\"",
                   item_kind_name(it->kind), b->name.name);
        break;
    }
}

void sema_bucket(Sema *s, Decl *b)
{
    if (!s->prog->supabase) {
        sema_error(s, b->tok, "a bucket is a row of Supabase's "
                   "storage.buckets; declare `platform supabase;`");
        return;
    }
    if (!valid_bucket_id(b->name.name))
        sema_error(s, b->name.tok, "bucket name \"%s\" may hold only "
                   "letters, digits, '-', '_' and '.'", b->name.name);
    Decl *objects = map_get(s->relations, sema_key(s, "storage", "objects"));
    Item *seen[3] = {0};
    for (int i = 0; i < b->items.len; i++)
        check_item(s, b, objects, b->items.items[i], seen);
}

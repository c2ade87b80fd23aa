/*
 * naming.c — the names PostgreSQL 15 gives unnamed indexes, constraints and
 * sequences, so that the SQL we emit can name them before the server does
 * and both agree.
 *
 * The rules were checked against a PostgreSQL 15 server (see
 * tests/unit/test_naming.c for the names it produced).  Clipping assumes a
 * UTF-8 database: with a single-byte encoding the server cuts at any byte.
 */
#include "schemac.h"

#include <string.h>

/* Bytes the server keeps of a name, plus its terminator: NAMEDATALEN. */
#define NAME_DATA_LEN (PG_NAME_MAX + 1)

/*
 * Length of the UTF-8 character a lead byte starts, as the server counts it:
 * a byte that starts no valid sequence counts as one character by itself.
 */
static size_t utf8_width(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if ((c & 0xe0) == 0xc0)
        return 2;
    if ((c & 0xf0) == 0xe0)
        return 3;
    if ((c & 0xf8) == 0xf0)
        return 4;
    return 1;
}

/* The longest prefix of s, at most limit bytes, that ends on a character. */
size_t naming_clip(const char *s, size_t limit)
{
    size_t len = 0;
    while (len < limit && s[len]) {
        size_t w = utf8_width((unsigned char)s[len]);
        if (len + w > limit)
            break;
        len += w;
    }
    return len;
}

const char *naming_truncate(Arena *a, const char *s)
{
    size_t n = strlen(s);
    return n > PG_NAME_MAX ? arena_strndup(a, s, naming_clip(s, PG_NAME_MAX))
                           : s;
}

/*
 * makeObjectName.  The server shortens byte by byte, always the longer part
 * (name2 on a tie), and only then clips each part back to a character
 * boundary; so a clipped name may end up shorter than 63 bytes, and the
 * comparison of lengths is made on bytes, not characters.  Returns an arena
 * string; name2 and label may be NULL.
 */
char *naming_make(Arena *a, const char *name1, const char *name2,
                  const char *label)
{
    size_t overhead = (name2 ? 1 : 0) + (label ? strlen(label) + 1 : 0);
    size_t avail = overhead < PG_NAME_MAX ? PG_NAME_MAX - overhead : 0;
    size_t n1 = strlen(name1), n2 = name2 ? strlen(name2) : 0;
    while (n1 + n2 > avail) {
        if (n1 > n2)
            n1--;
        else
            n2--;
    }
    n1 = naming_clip(name1, n1);
    n2 = name2 ? naming_clip(name2, n2) : 0;
    const char *label_part = label ? arena_printf(a, "_%s", label) : "";
    if (name2)
        return arena_printf(a, "%.*s_%.*s%s", (int)n1, name1, (int)n2,
                            name2, label_part);
    return arena_printf(a, "%.*s%s", (int)n1, name1, label_part);
}

/*
 * ChooseIndexNameAddition (and ChooseForeignKeyConstraintNameAddition, which
 * behaves the same): names joined by '_', each cut to 63 bytes, stopping
 * after the name that brings the length to NAMEDATALEN or more.  The result
 * can exceed 63 bytes; naming_make shortens it.
 */
char *naming_join_columns(Arena *a, const char *const *cols, int ncols)
{
    char buf[2 * NAME_DATA_LEN];
    size_t len = 0;
    for (int i = 0; i < ncols && len < NAME_DATA_LEN; i++) {
        if (len > 0)
            buf[len++] = '_';
        size_t n = strlen(cols[i]);
        if (n > PG_NAME_MAX)
            n = PG_NAME_MAX;
        memcpy(buf + len, cols[i], n);
        len += n;
    }
    return arena_strndup(a, buf, len);
}

/* ------------------------------------------------------------- name sets */

/*
 * Open addressing with linear probing.  Keys are byte strings with a length
 * (hint keys hold NULs); value is only used by the hint table.
 */
typedef struct Slot {
    const char *key;   /* NULL: empty */
    size_t len;
    uint64_t hash;
    int value;
} Slot;

typedef struct Table {
    Slot *slots;
    size_t cap;        /* a power of two */
    size_t count;
} Table;

/*
 * taken holds the names; hints remembers, per (name1, name2, label), the
 * first retry number not yet known to be taken.  Names are never removed,
 * so a hint stays true, and choosing many names with one base (t_a_key,
 * t_a_key1, ... t_a_key99999) costs no rescan from label1 each time.
 */
struct NameSet {
    Arena *arena;
    Table taken;
    Table hints;
};

/* FNV-1a: simple, and good enough for identifiers. */
static uint64_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = 14695981039346656037u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211u;
    }
    return h;
}

static void table_init(Arena *a, Table *t, size_t cap)
{
    t->slots = arena_alloc(a, sizeof(Slot) * cap);
    t->cap = cap;
    t->count = 0;
}

/* The slot holding key, or the empty slot where it would go. */
static Slot *table_find(const Table *t, const char *key, size_t len,
                        uint64_t hash)
{
    size_t mask = t->cap - 1;
    for (size_t i = (size_t)hash & mask;; i = (i + 1) & mask) {
        Slot *s = &t->slots[i];
        if (!s->key || (s->hash == hash && s->len == len &&
                        memcmp(s->key, key, len) == 0))
            return s;
    }
}

/* Doubles the table; the old slots stay in the arena, unused. */
static void table_grow(Arena *a, Table *t)
{
    Table old = *t;
    table_init(a, t, old.cap * 2);
    for (size_t i = 0; i < old.cap; i++) {
        Slot *s = &old.slots[i];
        if (s->key) {
            *table_find(t, s->key, s->len, s->hash) = *s;
            t->count++;
        }
    }
}

/* The slot for key, added (with value 0 and a copied key) if absent. */
static Slot *table_put(Arena *a, Table *t, const char *key, size_t len)
{
    uint64_t hash = hash_bytes(key, len);
    Slot *s = table_find(t, key, len, hash);
    if (s->key)
        return s;
    if ((t->count + 1) * 4 > t->cap * 3) {
        table_grow(a, t);
        s = table_find(t, key, len, hash);
    }
    s->key = arena_strndup(a, key, len);
    s->len = len;
    s->hash = hash;
    t->count++;
    return s;
}

/* An empty set whose memory belongs to a. */
NameSet *naming_set_new(Arena *a)
{
    NameSet *s = arena_alloc(a, sizeof *s);
    s->arena = a;
    table_init(a, &s->taken, 64);
    table_init(a, &s->hints, 16);
    return s;
}

/* True if name was taken; names compare as exact bytes, as the server's. */
bool naming_taken(const NameSet *s, const char *name)
{
    size_t len = strlen(name);
    uint64_t hash = hash_bytes(name, len);
    return table_find(&s->taken, name, len, hash)->key != NULL;
}

/* Marks name as taken (a copy is kept); taking it again changes nothing. */
void naming_take(NameSet *s, const char *name)
{
    table_put(s->arena, &s->taken, name, strlen(name));
}

/*
 * The hint slot of one (name1, name2, label): the parts NUL-separated and
 * tagged so that a NULL name2 or label differs from an empty one.
 */
static Slot *hint_slot(NameSet *s, const char *name1, const char *name2,
                       const char *label)
{
    Buf key = {0};
    buf_puts(&key, name1);
    buf_put(&key, name2 ? "\0+" : "\0-", 2);
    buf_puts(&key, name2 ? name2 : "");
    buf_put(&key, label ? "\0+" : "\0-", 2);
    buf_puts(&key, label ? label : "");
    Slot *slot = table_put(s->arena, &s->hints, key.data, key.len);
    buf_free(&key);
    return slot;
}

/*
 * ChooseRelationName / ChooseConstraintName: tries label, then label1,
 * label2, ... (the number appended to the label, so the parts may be
 * shortened further) and takes the first free made name.  Which names
 * count as taken is the caller's business: the server checks index names
 * against relations and constraints, but check and foreign key names only
 * against other constraints of the schema.
 */
char *naming_choose(Arena *a, NameSet *taken, const char *name1,
                    const char *name2, const char *label)
{
    Slot *hint = hint_slot(taken, name1, name2, label);
    int pass = hint->value;
    char *name;
    for (;; pass++) {
        const char *lab = label;
        if (pass > 0)
            lab = arena_printf(a, "%s%d", label ? label : "", pass);
        name = naming_make(a, name1, name2, lab);
        if (!naming_taken(taken, name))
            break;
    }
    hint->value = pass + 1;
    naming_take(taken, name);
    return name;
}

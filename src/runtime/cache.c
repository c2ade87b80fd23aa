/*
 * cache.c — the text of a schemactl.normal_forms row: the facet key of
 * each declared object, one per line, a blank line, then the facets
 * (sctl_facets_dump).  A first line carries a 128-bit sum of the rest,
 * of the schema checksum and of the server version, so a row edited by
 * hand, cut short, or copied under another schema's key is recognised and
 * not trusted: verify then normalises again, and the next apply rewrites
 * it.  The sum is no defence against forgery (whoever may write the row
 * may write its sum, as with any unkeyed hash) and so need not be a
 * cryptographic one: SHA-256 of the 26 MB row of 10,000 tables took
 * 0.3 s, as long as the rest of the loading.
 */
#include "schemactl.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Changes whenever the row's layout does; an older row is not trusted. */
#define CACHE_TAG "sctl-cache 2 "
#define CACHE_TAG_LEN (sizeof CACHE_TAG - 1)
#define HEX_LEN 32

typedef struct Sum {
    uint64_t a, b;
} Sum;

/* Each step is a bijection of a lane's state for a given word, so a row
 * that differs in one 8-byte word always sums otherwise; bytes are read
 * in a fixed order, so the sum is the same on any machine. */
static void sum_word(Sum *s, uint64_t w)
{
    s->a = (s->a ^ w) * 0x9e3779b97f4a7c15ull;
    s->a ^= s->a >> 32;
    s->b = (s->b + w) * 0xc2b2ae3d27d4eb4full;
    s->b ^= s->b >> 29;
}

static void sum_bytes(Sum *s, const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w = 0;
        for (int k = 7; k >= 0; k--)
            w = w << 8 | u[i + (size_t)k];
        sum_word(s, w);
    }
    uint64_t w = 0;
    for (size_t k = n; k > i; k--)
        w = w << 8 | u[k - 1];
    sum_word(s, w);
    sum_word(s, (uint64_t)n);           /* where the part ends */
}

/* What the first line vouches for: the body for this schema and server. */
static void row_sum(const char *checksum, int server_version,
                    const char *body, char out[HEX_LEN + 1])
{
    char version[16];
    snprintf(version, sizeof version, "%d", server_version);
    Sum s = {0x243f6a8885a308d3ull, 0x13198a2e03707344ull};
    sum_bytes(&s, checksum, strlen(checksum));
    sum_bytes(&s, version, strlen(version));
    sum_bytes(&s, body, strlen(body));
    snprintf(out, HEX_LEN + 1, "%016llx%016llx", (unsigned long long)s.a,
             (unsigned long long)s.b);
}

char *sctl_cache_dump(const SctlSchema *s, const SctlDeclared *d,
                      int server_version)
{
    char *facets = sctl_facets_dump(d->facets);
    size_t n = strlen(facets) + 2;
    for (int i = 0; i < s->nobjects; i++)
        n += strlen(d->keys[i]) + 1;
    char *body = sctl_xmalloc(n), *p = body;
    for (int i = 0; i < s->nobjects; i++)
        p += sprintf(p, "%s\n", d->keys[i]);
    sprintf(p, "\n%s", facets);
    free(facets);
    char sum[HEX_LEN + 1];
    row_sum(s->checksum, server_version, body, sum);
    char *row = sctl_printf("%s%s\n%s", CACHE_TAG, sum, body);
    free(body);
    return row;
}

/* Keys cannot hold a newline: the reader's keys escape none, and the
 * facets escape theirs (facets.c). */
bool sctl_cache_parse(int nobjects, const char *body, SctlDeclared *d)
{
    memset(d, 0, sizeof *d);
    d->keys = sctl_xcalloc((size_t)nobjects + 1, sizeof *d->keys);
    const char *p = body;
    for (int i = 0; i < nobjects; i++) {
        const char *nl = strchr(p, '\n');
        if (!nl)
            return false;
        d->keys[i] = strndup(p, (size_t)(nl - p));
        p = nl + 1;
    }
    if (*p != '\n')
        return false;
    d->facets = sctl_facets_load(p + 1);
    return d->facets != NULL;
}

/* The body when the first line is the tag; NULL for a row of another
 * layout (another schemactl's: not trusted, but nothing wrong). */
static const char *tagged_body(const char *row, const char **sum)
{
    if (strncmp(row, CACHE_TAG, CACHE_TAG_LEN) != 0)
        return NULL;
    *sum = row + CACHE_TAG_LEN;
    if (strnlen(*sum, HEX_LEN + 1) < HEX_LEN + 1 || (*sum)[HEX_LEN] != '\n')
        return NULL;
    return *sum + HEX_LEN + 1;
}

SctlCacheRead sctl_cache_load(const SctlSchema *s, int server_version,
                              const char *row, SctlDeclared *d)
{
    memset(d, 0, sizeof *d);
    const char *sum = NULL, *body = tagged_body(row, &sum);
    if (!body)
        return sum ? SCTL_CACHE_TAMPERED : SCTL_CACHE_OTHER;
    char want[HEX_LEN + 1];
    row_sum(s->checksum, server_version, body, want);
    if (memcmp(sum, want, HEX_LEN) != 0)
        return SCTL_CACHE_TAMPERED;
    if (sctl_cache_parse(s->nobjects, body, d))
        return SCTL_CACHE_OK;
    /* Vouched for, yet unreadable: another reader's facet format. */
    sctl_declared_free(d, s->nobjects);
    return SCTL_CACHE_OTHER;
}

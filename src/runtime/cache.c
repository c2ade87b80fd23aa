/*
 * cache.c — the text of a schemactl.normal_forms row: the facet key of
 * each declared object, one per line, a blank line, then the facets
 * (sctl_facets_dump).  A first line carries the SHA-256 of the rest, of
 * the schema checksum and of the server version, so a row edited by hand,
 * cut short, or copied under another schema's key is recognised and not
 * trusted: verify then normalises again, and the next apply rewrites it.
 */
#include "schemactl.h"
#include "sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Changes whenever the row's layout does; an older row is not trusted. */
#define CACHE_TAG "sctl-cache 1 "
#define CACHE_TAG_LEN (sizeof CACHE_TAG - 1)
#define HEX_LEN 64

/* What the first line vouches for: the body for this schema and server. */
static void row_sum(const char *checksum, int server_version,
                    const char *body, char out[HEX_LEN + 1])
{
    char *text = sctl_printf("%s\n%d\n%s", checksum, server_version, body);
    sha256_hex(text, strlen(text), out);
    free(text);
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

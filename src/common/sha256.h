/*
 * sha256.h — SHA-256, shared by the compiler (the schema checksum) and
 * the runtime (the checksum of its normal-form cache rows).
 */
#ifndef SCHEMAC_SHA256_H
#define SCHEMAC_SHA256_H

#include <stddef.h>

/* The SHA-256 of data as 64 lower-case hex digits and a NUL. */
void sha256_hex(const char *data, size_t len, char out[65]);

#endif

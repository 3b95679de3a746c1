/* keyset.h: a set of keys held as 64-bit hashes, with an optional 32-bit
 * value per key.  Used to notice a ticket that comes back later in a file.
 * Two keys with the same hash count as one: callers must treat "present"
 * as "possibly present" and fall back to a slower exact path. */
#ifndef SVC_KEYSET_H
#define SVC_KEYSET_H

#include <stddef.h>
#include <stdint.h>

struct svc_keyset {
	uint64_t *h;		/* 0: empty slot */
	uint32_t *v;		/* NULL unless values are kept */
	size_t cap, n;
	int values;
};

/* values: keep a value per key (12 bytes a slot instead of 8). */
void svc_keyset_init(struct svc_keyset *s, int values);
void svc_keyset_free(struct svc_keyset *s);
/* Add key k (n bytes) with value v.  Returns 1 if it was present already
 * (and sets *old to its value when values are kept and old is not NULL),
 * 0 if it was added. */
int svc_keyset_add(struct svc_keyset *s, const char *k, size_t n, uint32_t v,
    uint32_t *old);
uint64_t svc_hash64(const char *k, size_t n);

#endif

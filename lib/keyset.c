/* keyset.c: open addressing over 64-bit hashes, linear probing. */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "keyset.h"

uint64_t
svc_hash64(const char *k, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)k[i];
		h *= 0x100000001b3ULL;
	}
	/* splitmix64 finaliser: spread the low bits used for the slot */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h ? h : 1;
}

void
svc_keyset_init(struct svc_keyset *s, int values)
{
	memset(s, 0, sizeof(*s));
	s->values = values;
}

void
svc_keyset_free(struct svc_keyset *s)
{
	free(s->h);
	free(s->v);
	svc_keyset_init(s, s->values);
}

static size_t
slot(const struct svc_keyset *s, uint64_t h)
{
	size_t i = (size_t)h & (s->cap - 1);

	while (s->h[i] != 0 && s->h[i] != h)
		i = (i + 1) & (s->cap - 1);
	return i;
}

static void
grow(struct svc_keyset *s)
{
	struct svc_keyset o = *s;
	size_t i;

	s->cap = o.cap ? o.cap * 2 : 1024;
	s->h = svc_xcalloc(s->cap, sizeof(*s->h));
	s->v = s->values ? svc_xcalloc(s->cap, sizeof(*s->v)) : NULL;
	for (i = 0; i < o.cap; i++)
		if (o.h[i] != 0) {
			size_t j = slot(s, o.h[i]);

			s->h[j] = o.h[i];
			if (s->v)
				s->v[j] = o.v[i];
		}
	free(o.h);
	free(o.v);
}

int
svc_keyset_add(struct svc_keyset *s, const char *k, size_t n, uint32_t v,
    uint32_t *old)
{
	uint64_t h = svc_hash64(k, n);
	size_t i;

	if ((s->n + 1) * 4 > s->cap * 3)
		grow(s);
	i = slot(s, h);
	if (s->h[i] == h) {
		if (old && s->v)
			*old = s->v[i];
		return 1;
	}
	s->h[i] = h;
	if (s->v)
		s->v[i] = v;
	s->n++;
	return 0;
}

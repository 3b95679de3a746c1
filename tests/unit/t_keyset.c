/* Unit tests: the key set behind the streaming import. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "keyset.h"
#include "tap.h"

int
main(void)
{
	struct svc_keyset s;
	char k[32];
	uint32_t old = 0;
	int i, dup = 0, found = 0;

	svc_keyset_init(&s, 1);
	ok(svc_keyset_add(&s, "INC001", 6, 7, &old) == 0, "new key added");
	ok(svc_keyset_add(&s, "INC001", 6, 9, &old) == 1 && old == 7,
	    "present key keeps its first value");
	ok(svc_keyset_add(&s, "INC0010", 7, 3, NULL) == 0,
	    "a longer key is another key");
	ok(svc_keyset_add(&s, "", 0, 4, &old) == 0, "the empty key is a key");
	/* many keys: growth keeps every key and value */
	for (i = 0; i < 100000; i++) {
		snprintf(k, sizeof(k), "SVC-%07d", i);
		dup += svc_keyset_add(&s, k, strlen(k), (uint32_t)i, NULL);
	}
	is_int(dup, 0, "100000 distinct keys are all new");
	is_int((long long)s.n, 100003, "the set counts every key");
	ok(s.n * 4 <= s.cap * 3, "load stays at most 3/4");
	for (i = 0; i < 100000; i += 997) {
		snprintf(k, sizeof(k), "SVC-%07d", i);
		if (svc_keyset_add(&s, k, strlen(k), 0, &old) == 1 &&
		    old == (uint32_t)i)
			found++;
	}
	is_int(found, 101, "values survive growth");
	ok(svc_hash64("a", 1) != svc_hash64("b", 1), "hash separates keys");
	ok(svc_hash64("", 0) != 0, "hash is never 0 (the empty slot)");
	svc_keyset_free(&s);
	svc_keyset_init(&s, 0);
	ok(svc_keyset_add(&s, "x", 1, 5, &old) == 0 &&
	    svc_keyset_add(&s, "x", 1, 5, &old) == 1 && s.v == NULL,
	    "a set without values");
	svc_keyset_free(&s);
	return tap_done();
}

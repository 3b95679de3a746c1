/* buf.h: a growable byte buffer, always NUL-terminated. */
#ifndef SVC_BUF_H
#define SVC_BUF_H

#include <stddef.h>
#include <string.h>

struct svc_buf {
	char *s;
	size_t len;
	size_t cap;
};

/* Reset length to 0, keep the allocation. */
void svc_buf_reset(struct svc_buf *b);
/* Free storage; b may be reused after. */
void svc_buf_free(struct svc_buf *b);
/* Make room for n more bytes. */
void svc_buf_grow(struct svc_buf *b, size_t n);

/* Append n bytes at p; append one byte.  Inline: they run per field. */
static inline void
svc_buf_add(struct svc_buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap)
		svc_buf_grow(b, n);
	if (n)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static inline void
svc_buf_addc(struct svc_buf *b, int c)
{
	if (b->len + 2 > b->cap)
		svc_buf_grow(b, 1);
	b->s[b->len++] = (char)c;
	b->s[b->len] = '\0';
}

void svc_buf_adds(struct svc_buf *b, const char *s);
void svc_buf_printf(struct svc_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append s (n bytes) as a JSON string literal with quotes. */
void svc_buf_json_str(struct svc_buf *b, const char *s, size_t n);

#endif

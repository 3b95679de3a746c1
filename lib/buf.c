/* buf.c: growable byte buffer. */
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "err.h"

void
svc_buf_reset(struct svc_buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

void
svc_buf_free(struct svc_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

void
svc_buf_grow(struct svc_buf *b, size_t n)
{
	size_t need = b->len + n + 1;

	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < need)
		b->cap *= 2;
	b->s = svc_xrealloc(b->s, b->cap);
}

void
svc_buf_adds(struct svc_buf *b, const char *s)
{
	svc_buf_add(b, s, strlen(s));
}

void
svc_buf_printf(struct svc_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	svc_buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
svc_buf_json_str(struct svc_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, start;

	svc_buf_grow(b, n + 2);
	svc_buf_addc(b, '"');
	for (i = start = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		char u[7];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		svc_buf_add(b, s + start, i - start);
		start = i + 1;
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default:
			memcpy(u, "\\u00", 4);
			u[4] = hex[c >> 4];
			u[5] = hex[c & 15];
			u[6] = '\0';
			esc = u;
		}
		svc_buf_adds(b, esc);
	}
	svc_buf_add(b, s + start, n - start);
	svc_buf_addc(b, '"');
}

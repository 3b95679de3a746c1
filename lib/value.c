/* value.c: typing of input values. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "value.h"

static void
trim(const char **s, size_t *n)
{
	while (*n && isspace((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

int
svc_value_int(const char *s, size_t n, int64_t *v)
{
	size_t i = 0, group = 0, digits = 0;
	int neg = 0, commas = 0;
	int64_t x = 0;

	trim(&s, &n);
	if (n == 0)
		return -1;
	if (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-';
		i++;
	}
	for (; i < n; i++) {
		if (isdigit((unsigned char)s[i])) {
			if (x > (INT64_MAX - 9) / 10)
				return -1;
			x = x * 10 + (s[i] - '0');
			digits++;
			group++;
		} else if (s[i] == ',') {
			if (digits == 0 || (commas && group != 3) ||
			    (!commas && group > 3))
				return -1;
			commas = 1;
			group = 0;
		} else if (s[i] == '.') {
			size_t j;

			for (j = i + 1; j < n; j++)
				if (s[j] != '0')
					return -1;
			break;
		} else
			return -1;
	}
	if (digits == 0 || (commas && group != 3))
		return -1;
	*v = neg ? -x : x;
	return 0;
}

struct word {
	const char *w;
	int v3, v5;
};

static const struct word words[] = {
	{ "critical", 1, 1 }, { "urgent", 1, 1 }, { "highest", 1, 1 },
	{ "blocker", 1, 1 }, { "major", 1, 2 }, { "high", 1, 2 },
	{ "moderate", 2, 3 }, { "medium", 2, 3 }, { "normal", 2, 3 },
	{ "low", 3, 4 }, { "minor", 3, 4 }, { "lowest", 3, 5 },
	{ "planning", 3, 5 }, { "trivial", 3, 5 },
	/* Jira's default priorities (Highest ... Lowest) and common level
	 * words in Spanish, Portuguese, German and French, UTF-8 */
	{ "m\xc3\xa1s alta", 1, 1 }, { "mais alta", 1, 1 },
	{ "h\xc3\xb6" "chste", 1, 1 }, { "la plus haute", 1, 1 },
	{ "tr\xc3\xa8s haute", 1, 1 }, { "cr\xc3\xadtica", 1, 1 },
	{ "critica", 1, 1 }, { "kritisch", 1, 1 }, { "critique", 1, 1 },
	{ "urgente", 1, 1 }, { "dringend", 1, 1 },
	{ "alta", 1, 2 }, { "hoch", 1, 2 }, { "haute", 1, 2 },
	{ "\xc3\xa9lev\xc3\xa9" "e", 1, 2 },
	{ "media", 2, 3 }, { "m\xc3\xa9" "dia", 2, 3 }, { "mittel", 2, 3 },
	{ "moyenne", 2, 3 },
	{ "baja", 3, 4 }, { "baixa", 3, 4 }, { "niedrig", 3, 4 },
	{ "basse", 3, 4 }, { "faible", 3, 4 },
	{ "m\xc3\xa1s baja", 3, 5 }, { "mais baixa", 3, 5 },
	{ "niedrigste", 3, 5 }, { "la plus basse", 3, 5 },
	{ "tr\xc3\xa8s basse", 3, 5 },
	{ NULL, 0, 0 }
};

int
svc_value_level(const char *s, size_t n, int scale, int64_t *v)
{
	size_t i = 0;
	const struct word *w;
	int64_t x = 0;

	trim(&s, &n);
	if (n == 0)
		return -1;
	if ((s[0] == 'P' || s[0] == 'p') && n > 1 && isdigit((unsigned char)s[1]))
		i = 1;
	if (isdigit((unsigned char)s[i])) {
		size_t start = i;

		while (i < n && isdigit((unsigned char)s[i]) && i - start < 3)
			x = x * 10 + (s[i++] - '0');
		/* "2 - Medium": the code stands before the label */
		if (i < n && !(s[i] == ' ' || s[i] == '-' || s[i] == '.'))
			return -1;
		if (x < 1 || x > 9)
			return -1;
		*v = x;
		return 0;
	}
	for (w = words; w->w; w++) {
		size_t wl = strlen(w->w);

		if (wl == n && strncasecmp(s, w->w, n) == 0) {
			*v = scale == 3 ? w->v3 : w->v5;
			return 0;
		}
	}
	return -1;
}

int
svc_value_bool(const char *s, size_t n, int *v)
{
	static const char *const t[] = { "true", "yes", "y", "1", "on", "t", NULL };
	static const char *const f[] = { "false", "no", "n", "0", "off", "f", NULL };
	int i;

	trim(&s, &n);
	for (i = 0; t[i]; i++)
		if (strlen(t[i]) == n && strncasecmp(s, t[i], n) == 0) {
			*v = 1;
			return 0;
		}
	for (i = 0; f[i]; i++)
		if (strlen(f[i]) == n && strncasecmp(s, f[i], n) == 0) {
			*v = 0;
			return 0;
		}
	return -1;
}

int
svc_value_csat(const char *s, size_t n, int64_t *v)
{
	trim(&s, &n);
	if (n == 0 || (n == 7 && strncasecmp(s, "offered", 7) == 0) ||
	    (n == 9 && strncasecmp(s, "unoffered", 9) == 0)) {
		*v = -2;
		return 0;
	}
	if (n == 4 && strncasecmp(s, "good", 4) == 0) {
		*v = 5;
		return 0;
	}
	if (n == 3 && strncasecmp(s, "bad", 3) == 0) {
		*v = 1;
		return 0;
	}
	if (svc_value_int(s, n, v) == 0 && *v >= 1 && *v <= 5)
		return 0;
	return -1;
}

void
svc_value_norm(const char *s, size_t n, char *out, size_t outn)
{
	size_t i, k = 0;

	for (i = 0; i < n && k + 1 < outn; i++)
		if (isalnum((unsigned char)s[i]))
			out[k++] = (char)tolower((unsigned char)s[i]);
	out[k] = '\0';
}

/* value.h: typing of input values (numbers, levels, booleans, CSAT). */
#ifndef SVC_VALUE_H
#define SVC_VALUE_H

#include <stddef.h>
#include <stdint.h>

/* Integer with optional thousands separators ("5,510,746") or a decimal
 * point with only zeros after it ("3.0").  Returns 0 or -1. */
int svc_value_int(const char *s, size_t n, int64_t *v);

/* A level such as priority, impact or urgency: "2", "2 - Medium",
 * "P2", or a word ("High", "Normal", "Critical" ...).  scale is 3 for
 * impact/urgency (high=1, medium=2, low=3) and 5 for priority
 * (critical=1 ... planning=5).  Words are also read in Spanish,
 * Portuguese, German and French as Jira names its default priorities
 * ("Alta", "Baixa", "Hoch", "Moyenne" ...).  Returns 0 or -1. */
int svc_value_level(const char *s, size_t n, int scale, int64_t *v);

/* Boolean in the usual spellings (true/false, yes/no, y/n, 1/0, on/off,
 * t/f).  Returns 0 or -1. */
int svc_value_bool(const char *s, size_t n, int *v);

/* CSAT 1..5: a number, "Good" (5), "Bad" (1); "Offered", "Unoffered",
 * "" give -2 (no rating).  Returns 0 or -1. */
int svc_value_csat(const char *s, size_t n, int64_t *v);

/* Normalise a header for matching: lower case, letters and digits only. */
void svc_value_norm(const char *s, size_t n, char *out, size_t outn);

#endif

/* html.c: a report as one self-contained HTML page.
 *
 * No script, no external file, no network: the style is in the page and
 * each chart is an SVG image carried in the page as a data: URI (so that
 * the page stays HTML 4 markup, which xmllint --html checks without
 * complaint, while every browser draws the SVG).  Light colours and
 * page-break rules keep it readable when printed.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "report.h"

#define W 720		/* chart width */

static void
esc(struct svc_buf *b, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '&': svc_buf_adds(b, "&amp;"); break;
		case '<': svc_buf_adds(b, "&lt;"); break;
		case '>': svc_buf_adds(b, "&gt;"); break;
		case '"': svc_buf_adds(b, "&quot;"); break;
		default: svc_buf_addc(b, *s);
		}
}

static void
b64(struct svc_buf *b, const char *s, size_t n)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned char)s[i] << 16 |
		    (unsigned char)s[i + 1] << 8 | (unsigned char)s[i + 2];

		svc_buf_addc(b, a[v >> 18]);
		svc_buf_addc(b, a[v >> 12 & 63]);
		svc_buf_addc(b, a[v >> 6 & 63]);
		svc_buf_addc(b, a[v & 63]);
	}
	if (i < n) {
		unsigned v = (unsigned char)s[i] << 16 |
		    (i + 1 < n ? (unsigned char)s[i + 1] << 8 : 0);

		svc_buf_addc(b, a[v >> 18]);
		svc_buf_addc(b, a[v >> 12 & 63]);
		svc_buf_addc(b, i + 1 < n ? a[v >> 6 & 63] : '=');
		svc_buf_addc(b, '=');
	}
}

static int
col(const struct svc_rtab *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i], name) == 0)
			return (int)i;
	return -1;
}

static double
num(const struct svc_rtab *t, size_t r, int c)
{
	const char *s = c >= 0 ? t->cells[r * t->ncols + (size_t)c] : NULL;

	return s && *s ? strtod(s, NULL) : 0;
}

/* A chart: labels and one or two series. */
struct chart {
	const char *title, *unit;
	size_t n;
	char **label;
	double *a, *b;		/* b NULL: one series */
	const char *aname, *bname;
	double max;		/* 0: from the data */
};

static void
chart_add(struct chart *c, const char *label, double a, double b)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->label[i], label) == 0) {
			c->a[i] += a;
			if (c->b)
				c->b[i] += b;
			return;
		}
	c->label = svc_xrealloc(c->label, (c->n + 1) * sizeof(*c->label));
	c->a = svc_xrealloc(c->a, (c->n + 1) * sizeof(*c->a));
	if (c->bname)
		c->b = svc_xrealloc(c->b, (c->n + 1) * sizeof(*c->b));
	c->label[c->n] = svc_xstrdup(label);
	c->a[c->n] = a;
	if (c->b)
		c->b[c->n] = b;
	c->n++;
}

static void
chart_free(struct chart *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->label[i]);
	free(c->label);
	free(c->a);
	free(c->b);
}

static double
chart_max(const struct chart *c)
{
	double m = c->max;
	size_t i;

	if (m > 0)
		return m;
	for (i = 0; i < c->n; i++) {
		if (c->a[i] > m)
			m = c->a[i];
		if (c->b && c->b[i] > m)
			m = c->b[i];
	}
	return m > 0 ? m : 1;
}

static void
svg_text(struct svc_buf *s, double x, double y, const char *anchor,
    const char *txt)
{
	svc_buf_printf(s, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">",
	    x, y, anchor);
	esc(s, txt);
	svc_buf_adds(s, "</text>");
}

static void
svg_head(struct svc_buf *s, int h, const char *title)
{
	svc_buf_printf(s, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family="
	    "\"sans-serif\" font-size=\"12\"><title>", W, h, W, h);
	esc(s, title);
	svc_buf_printf(s, "</title><rect width=\"%d\" height=\"%d\" "
	    "fill=\"#ffffff\"/>", W, h);
}

/* Horizontal bars, one per label. */
static void
hbars(struct svc_buf *s, const struct chart *c)
{
	int h = 30 + 22 * (int)c->n + 10, lw = 200;
	double m = chart_max(c), bw = W - lw - 70;
	size_t i;
	char v[32];

	svg_head(s, h, c->title);
	for (i = 0; i < c->n; i++) {
		double y = 30 + 22 * (double)i, w = bw * c->a[i] / m;

		svg_text(s, lw - 6, y + 13, "end", c->label[i]);
		svc_buf_printf(s, "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"16\" fill=\"#4e79a7\"/>", lw, y, w > 0 ? w : 0.5);
		snprintf(v, sizeof(v), "%.4g%s", c->a[i], c->unit);
		svg_text(s, lw + w + 4, y + 13, "start", v);
	}
	svc_buf_adds(s, "</svg>");
}

/* Vertical bars, one or two per label, with a legend. */
static void
vbars(struct svc_buf *s, const struct chart *c)
{
	int h = 260, base = 210, top = 40, left = 50;
	double m = chart_max(c), slot = (double)(W - left - 10) /
	    (double)(c->n ? c->n : 1), bw = c->b ? slot * 0.4 : slot * 0.7;
	size_t i, every = c->n > 16 ? (c->n + 15) / 16 : 1;
	char v[32];

	svg_head(s, h, c->title);
	svc_buf_printf(s, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "stroke=\"#888888\"/>", left, base, W - 10, base);
	snprintf(v, sizeof(v), "%.4g", m);
	svg_text(s, left - 4, top + 4, "end", v);
	svg_text(s, left - 4, base, "end", "0");
	for (i = 0; i < c->n; i++) {
		double x = left + slot * (double)i + slot * 0.1;
		double ha = (base - top) * c->a[i] / m;

		svc_buf_printf(s, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\" fill=\"#4e79a7\"/>", x, base - ha, bw, ha);
		if (c->b) {
			double hb = (base - top) * c->b[i] / m;

			svc_buf_printf(s, "<rect x=\"%.1f\" y=\"%.1f\" "
			    "width=\"%.1f\" height=\"%.1f\" fill=\"#59a14f\"/>",
			    x + bw, base - hb, bw, hb);
		}
		if (i % every == 0)
			svg_text(s, x + bw, base + 16, "middle", c->label[i]);
	}
	svc_buf_printf(s, "<rect x=\"%d\" y=\"10\" width=\"12\" height=\"12\" "
	    "fill=\"#4e79a7\"/>", left);
	svg_text(s, left + 16, 21, "start", c->aname);
	if (c->b) {
		svc_buf_printf(s, "<rect x=\"%d\" y=\"10\" width=\"12\" "
		    "height=\"12\" fill=\"#59a14f\"/>", left + 120);
		svg_text(s, left + 136, 21, "start", c->bname);
	}
	svc_buf_adds(s, "</svg>");
}

/* The chart of t into the page b as an image, when t has one. */
static void
chart(struct svc_buf *b, const struct svc_rtab *t)
{
	static const char *const age[] = { "age_lt_1d", "age_1_5d",
	    "age_6_30d", "age_31_90d", "age_gt_90d" };
	static const char *const agel[] = { "<1d", "1-5d", "6-30d", "31-90d",
	    ">90d" };
	struct chart c;
	struct svc_buf s = { 0 }, l = { 0 };
	size_t r, i;
	int vertical = 0;

	memset(&c, 0, sizeof(c));
	c.unit = "";
	switch (t->chart) {
	case SVC_CHART_AGE:
		c.title = "Open tickets by age";
		c.aname = "open";
		vertical = 1;
		for (i = 0; i < 5; i++) {
			double v = 0;

			for (r = 0; r < t->nrows; r++)
				v += num(t, r, col(t, age[i]));
			chart_add(&c, agel[i], v, 0);
		}
		break;
	case SVC_CHART_VOLUME:
		c.title = "Tickets created and resolved per period";
		c.aname = "created";
		c.bname = "resolved";
		vertical = 1;
		for (r = 0; r < t->nrows; r++) {
			const char *p = t->cells[r * t->ncols +
			    (size_t)col(t, "period")];

			if (p)
				chart_add(&c, p, num(t, r, col(t, "created")),
				    num(t, r, col(t, "resolved")));
		}
		break;
	case SVC_CHART_SLA:
		c.title = "SLA compliance per metric and group";
		c.unit = "%";
		c.max = 100;
		for (r = 0; r < t->nrows && c.n < 40; r++) {
			int pc = col(t, "compliance_pct");
			const char *v = t->cells[r * t->ncols + (size_t)pc];

			if (v == NULL || *v == '\0')
				continue;
			svc_buf_reset(&l);
			for (i = 0; i < (size_t)pc && i < t->ncols; i++) {
				const char *x = t->cells[r * t->ncols + i];

				if (strcmp(t->cols[i], "completed") == 0 ||
				    strcmp(t->cols[i], "met") == 0 ||
				    strcmp(t->cols[i], "breached") == 0)
					continue;
				if (l.len)
					svc_buf_adds(&l, " / ");
				svc_buf_adds(&l, x ? x : "(none)");
			}
			chart_add(&c, l.s ? l.s : "", strtod(v, NULL), 0);
		}
		break;
	case SVC_CHART_REASONS:
		c.title = "Breaches by reason";
		for (r = 0; r < t->nrows; r++) {
			const char *x = t->cells[r * t->ncols];

			chart_add(&c, x ? x : "", num(t, r, 1), 0);
		}
		break;
	default:
		return;
	}
	if (c.n > 0) {
		if (vertical)
			vbars(&s, &c);
		else
			hbars(&s, &c);
		svc_buf_adds(b, "<div class=\"chart\"><img alt=\"");
		esc(b, c.title);
		svc_buf_adds(b, "\" src=\"data:image/svg+xml;base64,");
		b64(b, s.s, s.len);
		svc_buf_adds(b, "\"></div>\n");
	}
	chart_free(&c);
	svc_buf_free(&s);
	svc_buf_free(&l);
}

static int
numeric(const char *s)
{
	char *end;

	if (s == NULL || *s == '\0')
		return 0;
	(void)strtod(s, &end);
	return *end == '\0';
}

static void
table(struct svc_buf *b, const struct svc_rtab *t)
{
	size_t r, i;

	svc_buf_adds(b, "<table>\n<thead><tr>");
	for (i = 0; i < t->ncols; i++) {
		svc_buf_adds(b, "<th>");
		esc(b, t->cols[i]);
		svc_buf_adds(b, "</th>");
	}
	svc_buf_adds(b, "</tr></thead>\n<tbody>\n");
	for (r = 0; r < t->nrows; r++) {
		svc_buf_adds(b, "<tr>");
		for (i = 0; i < t->ncols; i++) {
			const char *v = t->cells[r * t->ncols + i];

			svc_buf_adds(b, numeric(v) ? "<td class=\"n\">" : "<td>");
			esc(b, v);
			svc_buf_adds(b, "</td>");
		}
		svc_buf_adds(b, "</tr>\n");
	}
	if (t->nrows == 0) {
		svc_buf_printf(b, "<tr><td colspan=\"%zu\">none</td></tr>\n",
		    t->ncols);
	}
	svc_buf_adds(b, "</tbody>\n</table>\n");
}

int
svc_report_html(FILE *fp, const struct svc_report *r, const char *title,
    const char *subtitle)
{
	struct svc_buf b = { 0 };
	size_t i;
	int rc;

	svc_buf_adds(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>");
	esc(&b, title);
	svc_buf_adds(&b, "</title>\n<style>\n"
	    "body{font-family:sans-serif;font-size:14px;color:#222;"
	    "background:#fff;margin:2em auto;max-width:60em;padding:0 1em}\n"
	    "h1{font-size:1.6em;margin-bottom:0}\n"
	    "h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}\n"
	    "p.sub{color:#555;margin-top:.2em}\n"
	    "table{border-collapse:collapse;margin:.5em 0;font-size:12px}\n"
	    "th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;"
	    "vertical-align:top}\n"
	    "th{background:#f0f0f0}\n"
	    "td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	    "div.chart img{max-width:100%;height:auto}\n"
	    "@media print{body{margin:0;max-width:none;font-size:11px}"
	    "h2{page-break-after:avoid}tr,div.chart{page-break-inside:avoid}"
	    "thead{display:table-header-group}}\n"
	    "</style>\n</head>\n<body>\n<h1>");
	esc(&b, title);
	svc_buf_adds(&b, "</h1>\n<p class=\"sub\">");
	esc(&b, subtitle);
	svc_buf_adds(&b, "</p>\n");
	for (i = 0; i < r->n; i++) {
		size_t k, same = 0;

		/* ids stay unique when a report gives several tables */
		for (k = 0; k < i; k++)
			same += strcmp(r->t[k].name, r->t[i].name) == 0;
		if (same)
			svc_buf_printf(&b, "<h2 id=\"%s-%zu\">", r->t[i].name,
			    same + 1);
		else
			svc_buf_printf(&b, "<h2 id=\"%s\">", r->t[i].name);
		esc(&b, r->t[i].title);
		svc_buf_adds(&b, "</h2>\n");
		chart(&b, &r->t[i]);
		table(&b, &r->t[i]);
	}
	svc_buf_adds(&b, "</body>\n</html>\n");
	rc = fwrite(b.s, 1, b.len, fp) == b.len ? 0 : -1;
	svc_buf_free(&b);
	return rc;
}

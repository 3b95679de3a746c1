/* svc-measure: improvement measures, their hierarchy and their gates. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "measure.h"
#include "opt.h"
#include "out.h"
#include "sla.h"
#include "timeutil.h"

enum { O_SEQ = 1, O_PLANNED, O_FORECAST, O_DONE, O_EVIDENCE, O_MONTH,
    O_AMOUNT, O_NOTE, O_ITEM, O_REF, O_TO, O_ID, O_SLIPA, O_SLIPR, O_EFFA,
    O_EFFR, O_FIELD = 1000 };

static const struct svc_opt opts[] = {
	{ "title", 0, 1, "TEXT", "add, set, milestone: the title", O_FIELD + 3 },
	{ "level", 0, 1, "LEVEL", "organization, portfolio, program, project, package, measure (default)", O_FIELD + 1 },
	{ "parent", 0, 1, "ID", "the id of the level above", O_FIELD + 2 },
	{ "description", 0, 1, "TEXT", "what is changed and why", O_FIELD + 4 },
	{ "business-unit", 0, 1, "TEXT", "the business unit it serves", O_FIELD + 5 },
	{ "owner", 0, 1, "USER", "who implements it", O_FIELD + 6 },
	{ "sponsor", 0, 1, "USER", "who pays for it and decides", O_FIELD + 7 },
	{ "controller", 0, 1, "USER", "who checks its numbers; not the owner", O_FIELD + 8 },
	{ "kpi", 0, 1, "NAME", "the KPI it moves (svc-report --help lists them)", O_FIELD + 9 },
	{ "segment", 0, 1, "COND", "the tickets the KPI is taken over", O_FIELD + 10 },
	{ "window", 0, 1, "DUR", "the window the KPI is taken over (from-problem: 28d)", O_FIELD + 11 },
	{ "baseline", 0, 1, "NUM", "the KPI before (svc-measure baseline measures it)", O_FIELD + 12 },
	{ "target", 0, 1, "NUM", "the KPI value aimed for", O_FIELD + 13 },
	{ "planned-effect", 0, 1, "NUM", "planned effect per month", O_FIELD + 14 },
	{ "one-time-cost", 0, 1, "NUM", "one-time cost", O_FIELD + 15 },
	{ "currency", 0, 1, "CODE", "EUR, USD, ...", O_FIELD + 16 },
	{ "forecast-effect", 0, 1, "NUM", "the effect per month now expected", O_FIELD + 17 },
	{ "evidence-required", 0, 1, "ITEM[,ITEM]", "evidence items closure needs", O_FIELD + 18 },
	{ "risks", 0, 1, "TEXT", "risks", O_FIELD + 19 },
	{ "dependencies", 0, 1, "TEXT", "dependencies", O_FIELD + 20 },
	{ "problem", 0, 1, "N", "the problem it came from", O_FIELD + 21 },
	{ "seq", 0, 1, "N", "milestone: change milestone N instead of adding one", O_SEQ },
	{ "planned", 0, 1, "TIME", "milestone: planned date", O_PLANNED },
	{ "forecast", 0, 1, "TIME", "milestone: forecast date", O_FORECAST },
	{ "done", 0, 1, "TIME", "milestone: done date", O_DONE },
	{ "evidence", 0, 1, "TEXT", "milestone: its evidence", O_EVIDENCE },
	{ "month", 0, 1, "YYYY-MM", "effect: the month of an actual effect", O_MONTH },
	{ "amount", 0, 1, "NUM", "effect: its amount", O_AMOUNT },
	{ "note", 0, 1, "TEXT", "effect: a note", O_NOTE },
	{ "item", 0, 1, "ITEM", "evidence, validate: the required item", O_ITEM },
	{ "ref", 0, 1, "TEXT", "evidence: a link or where to find it", O_REF },
	{ "to", 0, 1, "N|hold|cancel|resume", "gate: the next DoI, or a side state", O_TO },
	{ "id", 0, 1, "ID", "from-problem: the new measure's id (default M-PROBLEM)", O_ID },
	{ "slip-amber", 0, 1, "DUR", "implementation amber when a milestone is later (default 0)", O_SLIPA },
	{ "slip-red", 0, 1, "DUR", "implementation red when a milestone is later (default 14d)", O_SLIPR },
	{ "effect-amber", 0, 1, "PCT", "potential amber below this % of plan (default 90)", O_EFFA },
	{ "effect-red", 0, 1, "PCT", "potential red below this % of plan (default 70)", O_EFFR },
	{ NULL, 0, 0, NULL, NULL, 0 }
};

static const struct svc_cmd cmd = {
	"svc-measure",
	"COMMAND [ID] [options]",
	"Improvement measures: organization > portfolio > program > project >\n"
	"package > measure, each measure moved through its degrees of\n"
	"implementation (DoI) 0 Defined, 1 Identified, 2 Detailed, 3 Decided,\n"
	"4 Implemented, 5 Closed by gates that list what is missing.\n"
	"  add ID        a new measure (--title; fields as options)\n"
	"  set ID        change fields (the plan is frozen from DoI 3)\n"
	"  show ID       every field, milestone, effect, evidence and approval\n"
	"  list          every measure with its DoI and both lights\n"
	"  tree [ID]     the hierarchy as an outline\n"
	"  from-problem PROBLEM  a DoI 0 measure from a problem, KPI measured\n"
	"  baseline ID   measure the KPI on the segment over the window before now\n"
	"  remeasure ID  the same after DoI 4, stored next to the baseline\n"
	"  milestone ID  add one (--title, --planned) or change --seq N\n"
	"  effect ID     an actual effect (--month, --amount)\n"
	"  evidence ID   submit evidence (--item, --ref)\n"
	"  validate ID   validate the latest evidence of --item (not its submitter)\n"
	"  gate ID       --to N: the next DoI, or --to hold, cancel, resume\n"
	"Entry checks: 1 owner, sponsor, controller (not the owner), KPI,\n"
	"segment, window, baseline, target; 2 milestones with planned dates,\n"
	"planned effect, evidence required; 3 both again (the plan freezes);\n"
	"4 every milestone done, an actual effect; 5 run by the controller,\n"
	"each required evidence validated by someone other than its submitter,\n"
	"the KPI re-measured over a window as long as the baseline's after DoI\n"
	"4.  Gates 1, 2, 3 and 5 need an approval of that gate (svc-approve).",
	opts,
	(1 << SVC_FMT_TABLE) | (1 << SVC_FMT_TSV) | (1 << SVC_FMT_CSV) |
	    (1 << SVC_FMT_JSON)
};

struct cfg {
	struct svc_common c;
	struct svc_mopts o;
	const char *names[64], *vals[64];
	int nf;
	struct svc_milestone ms;
	int ms_given;
	const char *month, *note, *item, *ref, *to, *id;
	double amount;
	int amount_given;
};

static int
num(const char *opt, const char *arg, double *v, struct svc_err *e)
{
	char *end;

	*v = strtod(arg, &end);
	if (end == arg || *end || !isfinite(*v))
		return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
		    "%s: '%s' is not a number", opt, arg);
	return 0;
}

static int
dur(const char *opt, const char *arg, int64_t *v, struct svc_err *e)
{
	if (svc_sla_target(arg, v) != 0)
		return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
		    "%s: '%s' is not a duration such as 14d", opt, arg);
	return 0;
}

static int
onopt(int id, const char *arg, void *ud, struct svc_err *e)
{
	struct cfg *g = ud;
	char *end;

	if (id >= O_FIELD) {
		int i;

		for (i = 0; i < g->nf; i++)
			if (strcmp(g->names[i], svc_mfields[id - O_FIELD].name)
			    == 0)
				break;
		g->names[i] = svc_mfields[id - O_FIELD].name;
		g->vals[i] = arg;
		if (i == g->nf)
			g->nf++;
		if (id == O_FIELD + 3)
			g->ms.title = arg;
		return 0;
	}
	switch (id) {
	case O_SEQ:
		g->ms.seq = strtoll(arg, &end, 10);
		if (end == arg || *end || g->ms.seq < 1)
			return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
			    "--seq: '%s' is not a milestone number", arg);
		break;
	case O_PLANNED:
		return svc_time_parse_opt("--planned", arg, &g->ms.planned, e);
	case O_FORECAST:
		return svc_time_parse_opt("--forecast", arg, &g->ms.forecast, e);
	case O_DONE:
		return svc_time_parse_opt("--done", arg, &g->ms.done, e);
	case O_EVIDENCE: g->ms.evidence = arg; break;
	case O_MONTH: g->month = arg; break;
	case O_AMOUNT:
		g->amount_given = 1;
		return num("--amount", arg, &g->amount, e);
	case O_NOTE: g->note = arg; break;
	case O_ITEM: g->item = arg; break;
	case O_REF: g->ref = arg; break;
	case O_TO: g->to = arg; break;
	case O_ID: g->id = arg; break;
	case O_SLIPA: return dur("--slip-amber", arg, &g->o.lights.slip_amber, e);
	case O_SLIPR: return dur("--slip-red", arg, &g->o.lights.slip_red, e);
	case O_EFFA: return num("--effect-amber", arg, &g->o.lights.effect_amber, e);
	case O_EFFR: return num("--effect-red", arg, &g->o.lights.effect_red, e);
	default: break;
	}
	return 0;
}

static const char *const lcols[] = { "id", "level", "parent", "title",
    "state", "owner", "sponsor", "controller", "implementation",
    "potential", "planned", "forecast", "actual", "kpi", "baseline",
    "target", "remeasured" };

static void
fmtnum(double v, char *b, size_t n)
{
	if (isnan(v))
		*b = '\0';
	else
		snprintf(b, n, "%.15g", v);
}

static int
list_row(void *ud, const struct svc_mrow *r)
{
	struct svc_out *out = ud;
	char p[32], f[32], a[32], b[32], t[32], m[32];
	const char *v[17];

	fmtnum(r->has_planned ? r->planned : NAN, p, sizeof(p));
	fmtnum(r->has_forecast ? r->forecast : NAN, f, sizeof(f));
	fmtnum(r->has_actual ? r->actual : NAN, a, sizeof(a));
	fmtnum(r->baseline, b, sizeof(b));
	fmtnum(r->target, t, sizeof(t));
	fmtnum(r->remeasured, m, sizeof(m));
	v[0] = r->id; v[1] = r->level; v[2] = r->parent; v[3] = r->title;
	v[4] = r->state; v[5] = r->owner; v[6] = r->sponsor;
	v[7] = r->controller; v[8] = r->impl; v[9] = r->potential;
	v[10] = p; v[11] = f; v[12] = a; v[13] = r->kpi; v[14] = b;
	v[15] = t; v[16] = m;
	svc_out_row(out, v, NULL);
	return 0;
}

static int
tree_row(void *ud, const struct svc_mrow *r)
{
	FILE *fp = ud;

	fprintf(fp, "%*s%s  %s  [%s", 2 * r->depth, "", r->id, r->title,
	    r->state);
	if (strcmp(r->level, "measure") == 0)
		fprintf(fp, "; implementation %s, potential %s", r->impl,
		    r->potential);
	fputs("]\n", fp);
	return 0;
}

int
main(int argc, char **argv)
{
	static const char *const subs[] = { "add", "set", "show", "list",
	    "tree", "from-problem", "baseline", "remeasure", "milestone",
	    "effect", "evidence", "validate", "gate", NULL };
	struct cfg g;
	struct svc_err e;
	struct svc_db *db = NULL;
	const char *sub, *id = NULL;
	int first, status = SVC_EXIT_OK, rc = 0, ro;

	svc_err_progname(argv[0]);
	svc_err_clear(&e);
	memset(&g, 0, sizeof(g));
	svc_lights_defaults(&g.o.lights);
	g.ms.planned = g.ms.forecast = g.ms.done = -1;
	if (svc_opt_start(argc, argv, &cmd, &g.c, onopt, &g, &first, &status,
	    &e))
		return status;
	if ((sub = svc_opt_subcommand(&cmd, "command", argc, argv, &first, subs,
	    &status, &e)) == NULL)
		return status;
	if (strcmp(sub, "list") != 0 && strcmp(sub, "tree") != 0) {
		if (first >= argc)
			return svc_opt_usage_error(&cmd, &e,
			    strcmp(sub, "from-problem") == 0 ?
			    "%s: no PROBLEM given" : "%s: no measure ID given",
			    sub);
		id = argv[first++];
	} else if (strcmp(sub, "tree") == 0 && first < argc)
		id = argv[first++];
	if (first < argc)
		return svc_opt_usage_error(&cmd, &e,
		    "unexpected argument '%s'", argv[first]);
	if (g.nf && strcmp(sub, "add") && strcmp(sub, "set") &&
	    !(strcmp(sub, "milestone") == 0 && g.nf == 1 && g.ms.title) &&
	    !(strcmp(sub, "from-problem") == 0))
		return svc_opt_usage_error(&cmd, &e,
		    "%s takes no field options", sub);
	if (strcmp(sub, "set") == 0 && g.nf == 0)
		return svc_opt_usage_error(&cmd, &e,
		    "%s: nothing to set (give fields as options)",
		    sub);
	if (strcmp(sub, "gate") == 0 && g.to == NULL)
		return svc_opt_usage_error(&cmd, &e,
		    "%s: --to N (or hold, cancel, resume) is "
		    "required", sub);
	if (strcmp(sub, "effect") == 0 && (g.month == NULL || !g.amount_given))
		return svc_opt_usage_error(&cmd, &e,
		    "%s: --month and --amount are required", sub);
	if ((strcmp(sub, "evidence") == 0 || strcmp(sub, "validate") == 0) &&
	    g.item == NULL)
		return svc_opt_usage_error(&cmd, &e,
		    "%s: --item is required", sub);
	g.o.now = g.c.now;
	g.o.actor = g.c.actor;
	g.o.program = cmd.name;
	g.o.args = g.c.args;
	g.o.dry_run = g.c.dry_run;
	ro = strcmp(sub, "show") == 0 || strcmp(sub, "list") == 0 ||
	    strcmp(sub, "tree") == 0;
	if (svc_db_open(g.c.db, ro ? SVC_DB_RO : SVC_DB_RW, &db, &e) != 0) {
		svc_err_print(&e);
		return e.status;
	}
	if (strcmp(sub, "add") == 0 || strcmp(sub, "set") == 0) {
		rc = svc_measure_set(db, &g.o, id, g.names, g.vals, g.nf,
		    strcmp(sub, "add") == 0, &e);
		if (rc == 0 && !g.c.quiet)
			svc_warn("%s %s%s", id, strcmp(sub, "add") == 0 ?
			    "added" : "changed", g.c.dry_run ?
			    " (dry run, nothing committed)" : "");
	} else if (strcmp(sub, "show") == 0)
		rc = svc_measure_show(db, &g.o, id, stdout, &e);
	else if (strcmp(sub, "list") == 0) {
		struct svc_out *out = svc_out_open(stdout, g.c.format, 17, lcols);

		rc = svc_measure_each(db, &g.o, NULL, list_row, out, &e);
		status = svc_opt_out_close(out, 0);
	} else if (strcmp(sub, "tree") == 0)
		rc = svc_measure_each(db, &g.o, id, tree_row, stdout, &e);
	else if (strcmp(sub, "from-problem") == 0) {
		char *end, made[128];
		long long pid = strtoll(id, &end, 10);
		const char *kpi = NULL, *win = NULL;
		int i;

		if (end == id || *end || pid < 1) {
			svc_db_close(db);
			return svc_opt_usage_error(&cmd, &e,
			    "from-problem: '%s' is not a problem "
			    "number", id);
		}
		for (i = 0; i < g.nf; i++) {
			if (strcmp(g.names[i], "kpi") == 0)
				kpi = g.vals[i];
			else if (strcmp(g.names[i], "window") == 0)
				win = g.vals[i];
			else {
				svc_db_close(db);
				return svc_opt_usage_error(&cmd, &e,
				    "from-problem takes --kpi, "
				    "--window and --id, not --%s", g.names[i]);
			}
		}
		rc = svc_measure_from_problem(db, &g.o, pid, g.id, kpi, win, made,
		    sizeof(made), &e);
		if (rc == 0) {
			printf("%s\n", made);
			if (!g.c.quiet)
				svc_warn("%s: DoI 0 from problem %lld%s", made,
				    pid, g.c.dry_run ?
				    " (dry run, nothing committed)" : "");
		}
	} else if (strcmp(sub, "baseline") == 0 ||
	    strcmp(sub, "remeasure") == 0) {
		double v;
		int64_t n;

		rc = svc_measure_kpi(db, &g.o, id, sub[0] == 'r', &v, &n, &e);
		if (rc == 0) {
			printf("%.15g\n", v);
			if (!g.c.quiet)
				svc_warn("%s: %s %.15g over %lld tickets%s", id,
				    sub, v, (long long)n, g.c.dry_run ?
				    " (dry run, nothing committed)" : "");
		}
	} else if (strcmp(sub, "milestone") == 0) {
		int64_t seq;

		rc = svc_measure_milestone(db, &g.o, id, &g.ms, &seq, &e);
		if (rc == 0 && !g.c.quiet)
			svc_warn("%s: milestone %lld %s", id, (long long)seq,
			    g.ms.seq ? "changed" : "added");
	} else if (strcmp(sub, "effect") == 0)
		rc = svc_measure_effect(db, &g.o, id, g.month, g.amount, g.note,
		    &e);
	else if (strcmp(sub, "evidence") == 0 || strcmp(sub, "validate") == 0)
		rc = svc_measure_evidence(db, &g.o, id, g.item, g.ref,
		    sub[0] == 'v', &e);
	else {
		struct svc_buf miss = { 0 };
		char *end;
		long to = strtol(g.to, &end, 10);
		const char *side = NULL;

		if (strcmp(g.to, "hold") == 0 || strcmp(g.to, "cancel") == 0 ||
		    strcmp(g.to, "resume") == 0)
			side = g.to;
		else if (end == g.to || *end || to < 1 || to > 5) {
			svc_db_close(db);
			return svc_opt_usage_error(&cmd, &e,
			    "--to: '%s' is not a DoI 1 to 5, hold, "
			    "cancel or resume", g.to);
		}
		rc = svc_measure_gate(db, &g.o, id, (int)to, side, &miss, &e);
		if (rc == 1) {
			const char *p = miss.s;

			svc_warn("%s: cannot move to DoI %ld %s:", id, to,
			    svc_doi_name((int)to));
			while (p && *p) {
				size_t n = strcspn(p, "\n");

				fprintf(stderr, "  - %.*s\n", (int)n, p);
				p += n + (p[n] == '\n');
			}
			status = SVC_EXIT_REJECTS;
			rc = 0;
		} else if (rc == 0 && !g.c.quiet)
			svc_warn("%s: %s%s", id, side ? (strcmp(side, "hold") == 0 ?
			    "on hold" : strcmp(side, "cancel") == 0 ? "cancelled" :
			    "resumed") : svc_doi_name((int)to), g.c.dry_run ?
			    " (dry run, nothing committed)" : "");
		svc_buf_free(&miss);
	}
	if (rc != 0)
		return svc_opt_end(db, 1, &e);
	svc_db_close(db);
	return svc_exit_flush(status);
}

/* measure.h: improvement measures and their degree-of-implementation gates.
 *
 * A hierarchy organization > portfolio > program > project > package >
 * measure (a parent is always of a higher level).  A measure moves through
 * the degrees of implementation (DoI) 0 Defined, 1 Identified, 2 Detailed,
 * 3 Decided, 4 Implemented, 5 Closed one gate at a time, each gate a
 * recorded decision that is refused, with every missing item listed, until
 * its entry checks hold; on_hold and cancelled are side states.  Gates 1,
 * 2, 3 and 5 need an approval (approve.h) of that gate; DoI 3 freezes the
 * plan (target, planned effect, one-time cost, the KPI definition and the
 * milestones' planned dates); DoI 5 is the controller's alone.  Every
 * change is an audit row.
 */
#ifndef SVC_MEASURE_H
#define SVC_MEASURE_H

#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "db.h"
#include "err.h"

/* The fields of a measure that add, set and svc-import --kind measures
 * write, in export order; doi is read-only (gates move it). */
enum { SVC_MF_TEXT, SVC_MF_NUM, SVC_MF_INT, SVC_MF_LEVEL, SVC_MF_COND,
    SVC_MF_DUR, SVC_MF_KPI, SVC_MF_LIST };
struct svc_mfield {
	const char *name;
	int type;		/* SVC_MF_* */
	int frozen;		/* unchangeable from DoI 3 */
	const char *help;
};
extern const struct svc_mfield svc_mfields[];
extern const int svc_nmfields;

/* Thresholds of the two lights. */
struct svc_lights {
	int64_t slip_amber, slip_red;	/* an open milestone late by more:
					 * amber, red (default 0 and 14 days) */
	double effect_amber, effect_red; /* expected effect below this % of
					 * the frozen plan: amber, red (90, 70) */
};
void svc_lights_defaults(struct svc_lights *l);

struct svc_mopts {
	int64_t now;
	const char *actor, *program, *args;
	int dry_run;
	struct svc_lights lights;
};

/* DoI names: "Defined" .. "Closed"; NULL outside 0..5. */
const char *svc_doi_name(int doi);

/* Field i (an index of svc_mfields) by name, or -1. */
int svc_mfield(const char *name);

/* Set fields names[i] = vals[i] (NULL or "" clears) of measure id, one
 * transaction with a run and an audit row per changed field.  create: the
 * measure must not exist (and needs title; level defaults to measure).
 * Refuses with SVC_EXIT_USAGE (bad value) or SVC_EXIT_FATAL (unknown
 * measure, frozen field, bad parent). */
int svc_measure_set(struct svc_db *db, const struct svc_mopts *o,
    const char *id, const char *const *names, const char *const *vals,
    int n, int create, struct svc_err *e);

/* The same for one row of svc-import --kind measures (inside the import's
 * transaction): creates or updates; a doi column must match the stored
 * DoI.  Errors name file:line. */
int svc_measure_load_row(struct svc_db *db, const struct svc_mopts *o,
    int64_t run, const char *const *v, const char *file, long line,
    int *changed, struct svc_err *e);
/* Write every measure, parents first, in the columns of --kind measures:
 * svc_mfields, then doi.  0 or -1. */
int svc_measure_export(struct svc_db *db, FILE *fp, int format,
    struct svc_err *e);

/* A DoI 0 measure from problem pid: title, problem, segment (the
 * problem's key as a condition), kpi (default "created"), window
 * (default 28d) and the baseline measured over the window before now.
 * id NULL: "M-<pid>".  The new id into idout. */
int svc_measure_from_problem(struct svc_db *db, const struct svc_mopts *o,
    int64_t pid, const char *id, const char *kpi, const char *window,
    char *idout, size_t idn, struct svc_err *e);

/* Measure the measure's KPI on its segment over [now - window, now) and
 * store it as the baseline (remeasure 0) or the re-measurement next to it
 * (remeasure 1). */
int svc_measure_kpi(struct svc_db *db, const struct svc_mopts *o,
    const char *id, int remeasure, double *value, int64_t *n,
    struct svc_err *e);

/* A milestone: seq 0 adds one (title and planned needed); else changes
 * milestone seq.  Times < 0 are left as they are; clear: done removed. */
struct svc_milestone {
	int64_t seq;
	const char *title, *evidence;
	int64_t planned, forecast, done;
};
int svc_measure_milestone(struct svc_db *db, const struct svc_mopts *o,
    const char *id, const struct svc_milestone *m, int64_t *seq,
    struct svc_err *e);
/* An actual effect of month "YYYY-MM". */
int svc_measure_effect(struct svc_db *db, const struct svc_mopts *o,
    const char *id, const char *month, double amount, const char *note,
    struct svc_err *e);
/* Submit evidence for a required item, or validate the latest one of it
 * (validate: by someone other than its submitter). */
int svc_measure_evidence(struct svc_db *db, const struct svc_mopts *o,
    const char *id, const char *item, const char *ref, int validate,
    struct svc_err *e);

/* Move measure id to DoI to (to = doi + 1), or to a side state: "hold",
 * "cancel", "resume" (side NULL for a DoI).  Returns 0 when moved, 1 when
 * refused with every missing item in missing (one per line), -1 on error. */
int svc_measure_gate(struct svc_db *db, const struct svc_mopts *o,
    const char *id, int to, const char *side, struct svc_buf *missing,
    struct svc_err *e);

/* Default approvers of gate (a comma list of roles) and its rule; the
 * approvers of gate 5 cannot be changed. */
const char *svc_measure_gate_approvers(int gate, const char **rule);

/* One measure as listed, with both lights (green, amber, red, grey). */
struct svc_mrow {
	const char *id, *level, *parent, *title, *owner, *sponsor,
	    *controller, *state, *impl, *potential, *kpi;
	const char *side;			/* on_hold, cancelled or NULL */
	int doi, depth;
	double planned, forecast, actual;	/* per month; < 0: none */
	double baseline, target, remeasured;	/* NAN: none */
	int has_planned, has_forecast, has_actual;
	const char *why_impl, *why_potential;
};
/* Call fn for every measure under root (NULL: all), parents before their
 * children in id order (tree order); stops when fn returns non-zero. */
int svc_measure_each(struct svc_db *db, const struct svc_mopts *o,
    const char *root, int (*fn)(void *ud, const struct svc_mrow *r),
    void *ud, struct svc_err *e);

/* Everything about one measure, as text, for svc-measure show. */
int svc_measure_show(struct svc_db *db, const struct svc_mopts *o,
    const char *id, FILE *fp, struct svc_err *e);

#endif

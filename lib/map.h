/* map.h: ticket fields and how export headers map to them.
 *
 * Precedence: --map and --map-file, then a --profile, then common header
 * spellings.  Every column that maps to no field goes into attrs.
 */
#ifndef SVC_MAP_H
#define SVC_MAP_H

#include <stddef.h>

#include "err.h"

enum svc_ftype {
	SVC_FT_TEXT, SVC_FT_LEVEL3, SVC_FT_LEVEL5, SVC_FT_INT, SVC_FT_TIME,
	SVC_FT_CSAT, SVC_FT_DURATION, SVC_FT_AFTER
};

struct svc_tfield {
	const char *name;
	int type;		/* enum svc_ftype */
	const char *aliases;	/* normalised header spellings, space-separated */
};

/* The ticket fields, in table order; index SVC_F_* below. */
extern const struct svc_tfield svc_tfields[];
enum {
	SVC_F_TICKET_ID, SVC_F_SOURCE, SVC_F_TITLE, SVC_F_DESCRIPTION,
	SVC_F_CATEGORY, SVC_F_SUBCATEGORY, SVC_F_SERVICE, SVC_F_CHANNEL,
	SVC_F_CUSTOMER, SVC_F_CUSTOMER_TIER, SVC_F_BUSINESS_UNIT,
	SVC_F_IMPACT, SVC_F_URGENCY, SVC_F_PRIORITY, SVC_F_STATUS,
	SVC_F_GROUP_NAME, SVC_F_ASSIGNEE, SVC_F_CREATED_AT,
	SVC_F_FIRST_RESPONSE_AT, SVC_F_RESOLVED_AT, SVC_F_CLOSED_AT,
	SVC_F_REOPEN_COUNT, SVC_F_CSAT, SVC_F_HANDLE_S, SVC_F_UPDATED_AT,
	SVC_NFIELDS,		/* stored fields end here */
	SVC_F_FIRST_RESPONSE_AFTER = SVC_NFIELDS,	/* derived */
	SVC_NFIELDS_ALL
};

/* Index of a field by name, or -1. */
int svc_field_find(const char *name);

struct svc_mapping {
	const char *field;
	const char *source;
};

struct svc_map {
	size_t ncol;
	int *col_field;		/* per column: field index or -1 */
	int *col_unit;		/* per column: seconds per unit, 0 = auto */
	char **col_key;		/* per column: attrs key (unmapped columns) */
	int field_col[SVC_NFIELDS_ALL];	/* per field: column or -1 */
	int field_how[SVC_NFIELDS_ALL];	/* 1 explicit, 2 profile, 3 header */
};

/* Build m for the header hdr (ncol names).  maps (nmaps) are explicit
 * field=source pairs; profile may be NULL.  Fails with SVC_EXIT_FATAL when
 * ticket_id cannot be mapped or an explicit source is not in the header,
 * and with SVC_EXIT_USAGE on an unknown profile or field. */
int svc_map_build(struct svc_map *m, size_t ncol, char *const *hdr,
    const char *profile, const struct svc_mapping *maps, size_t nmaps,
    const char *file, struct svc_err *e);
void svc_map_free(struct svc_map *m);

/* Is name a known profile? */
int svc_map_profile_ok(const char *name);

/* Describe the mapping ("ticket_id=number, status=incident_state, ..."). */
struct svc_buf;
void svc_map_describe(const struct svc_map *m, char *const *hdr,
    struct svc_buf *b);

#endif

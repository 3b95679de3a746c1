/* Unit tests: measures' field table against the import kind's columns. */
#include <string.h>

#include "config.h"
#include "import.h"
#include "measure.h"
#include "tap.h"

int
main(void)
{
	const struct svc_ckind *k = svc_config_kind(SVC_KIND_MEASURES);
	int i;

	ok(k != NULL && k->load != NULL && k->export != NULL,
	    "measures is a kind that loads and exports row by row");
	is_int(k ? (long long)k->ncols : 0, svc_nmfields + 1,
	    "one import column per field, and doi");
	/* svc_measure_load_row reads the row by field index */
	for (i = 0; k && i < svc_nmfields; i++)
		is_str(k->cols[i].name, svc_mfields[i].name, "column %d", i);
	is_str(k ? k->cols[svc_nmfields].name : NULL, "doi", "doi last");
	is_int(svc_mfield("planned_effect") >= 0 &&
	    svc_mfields[svc_mfield("planned_effect")].frozen, 1,
	    "planned_effect freezes at DoI 3");
	is_int(svc_mfield("nonsense"), -1, "unknown field");
	is_str(svc_doi_name(3), "Decided", "DoI 3");
	ok(svc_doi_name(6) == NULL, "no DoI 6");
	return tap_done();
}

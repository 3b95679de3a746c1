/* config.c: descriptors of the configuration kinds. */
#include "config.h"
#include "import.h"

static const struct svc_ccol people_cols[] = {
	{ "user", SVC_CT_TEXT, 1 }, { "name", SVC_CT_TEXT, 0 },
	{ "email", SVC_CT_TEXT, 0 }, { "roles", SVC_CT_LIST, 0 },
	{ "groups", SVC_CT_LIST, 0 }, { "manager", SVC_CT_TEXT, 0 },
	{ "skills", SVC_CT_LIST, 0 }, { "capacity", SVC_CT_INT, 0 },
	{ "calendar", SVC_CT_TEXT, 0 }, { "active", SVC_CT_BOOL, 0 },
};

static const struct svc_ccol catalog_cols[] = {
	{ "category", SVC_CT_TEXT, 1 }, { "subcategory", SVC_CT_TEXT, 0 },
	{ "service", SVC_CT_TEXT, 0 }, { "owner", SVC_CT_TEXT, 0 },
	{ "business_unit", SVC_CT_TEXT, 0 },
	{ "default_group", SVC_CT_TEXT, 0 }, { "controller", SVC_CT_TEXT, 0 },
	{ "kpi_owner", SVC_CT_TEXT, 0 },
};

static const struct svc_ckind kinds[] = {
	{ SVC_KIND_PEOPLE, "people", "people", people_cols,
	    sizeof(people_cols) / sizeof(people_cols[0]), 0 },
	{ SVC_KIND_CATALOG, "catalog", "catalog", catalog_cols,
	    sizeof(catalog_cols) / sizeof(catalog_cols[0]), -1 },
};

const struct svc_ckind *
svc_config_kind(int kind)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].kind == kind)
			return &kinds[i];
	return 0;
}

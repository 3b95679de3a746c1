/* map.c: ticket fields, profiles and header recognition. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "map.h"
#include "value.h"

const struct svc_tfield svc_tfields[] = {
	{ "ticket_id", SVC_FT_TEXT, "ticketid id number key issuekey incidentid "
	    "incidentnumber srnumber uniquekey caseid casenumber requestid ticket" },
	{ "source", SVC_FT_TEXT, "" },
	{ "title", SVC_FT_TEXT, "title subject summary shortdescription "
	    "tickettitle ticketsubject" },
	{ "description", SVC_FT_TEXT, "description ticketdescription details" },
	{ "category", SVC_FT_TEXT, "category tickettype type issuetype "
	    "complainttype" },
	{ "subcategory", SVC_FT_TEXT, "subcategory descriptor" },
	{ "service", SVC_FT_TEXT, "service businessservice product component "
	    "components productpurchased" },
	{ "channel", SVC_FT_TEXT, "channel contacttype via ticketchannel" },
	{ "customer", SVC_FT_TEXT, "customer caller callerid requester "
	    "requesterid reporter customername customeremail contact" },
	{ "customer_tier", SVC_FT_TEXT, "customertier tier" },
	{ "business_unit", SVC_FT_TEXT, "businessunit organization company "
	    "department agency" },
	{ "impact", SVC_FT_LEVEL3, "impact" },
	{ "urgency", SVC_FT_LEVEL3, "urgency" },
	{ "priority", SVC_FT_LEVEL5, "priority ticketpriority" },
	{ "status", SVC_FT_TEXT, "status state incidentstate ticketstatus" },
	{ "group_name", SVC_FT_TEXT, "group groupname assignmentgroup team queue" },
	{ "assignee", SVC_FT_TEXT, "assignee assignedto agent" },
	{ "created_at", SVC_FT_TIME, "createdat created opened openedat "
	    "createddate createdtime creationdate" },
	{ "first_response_at", SVC_FT_TIME, "firstresponseat firstresponsetime "
	    "firstrepliedat" },
	{ "resolved_at", SVC_FT_TIME, "resolvedat resolved resolvedtime solvedat "
	    "resolutiondate" },
	{ "closed_at", SVC_FT_TIME, "closedat closed closeddate closedtime" },
	{ "reopen_count", SVC_FT_INT, "reopencount reopens" },
	{ "csat", SVC_FT_CSAT, "csat satisfaction satisfactionscore "
	    "satisfactionrating customersatisfactionrating" },
	{ "handle_s", SVC_FT_DURATION, "handles handletime handleseconds" },
	{ "updated_at", SVC_FT_TIME, "updatedat updated sysupdatedat sysupdatedon "
	    "lastupdated lastupdatetime lastmodified changedatetime" },
	{ "first_response_after", SVC_FT_AFTER, "" },
};

int
svc_field_find(const char *name)
{
	int i;

	for (i = 0; i < SVC_NFIELDS_ALL; i++)
		if (strcmp(svc_tfields[i].name, name) == 0)
			return i;
	return -1;
}

/* Profiles: header as the product exports it -> field. */
struct pmap {
	const char *hdr;
	const char *field;
};

static const struct pmap p_servicenow[] = {
	{ "number", "ticket_id" }, { "Number", "ticket_id" },
	{ "short_description", "title" }, { "Short description", "title" },
	{ "description", "description" }, { "Description", "description" },
	{ "category", "category" }, { "Category", "category" },
	{ "subcategory", "subcategory" }, { "Subcategory", "subcategory" },
	{ "business_service", "service" }, { "Service", "service" },
	{ "Business service", "service" }, { "cmdb_ci", "service" },
	{ "Configuration item", "service" },
	{ "contact_type", "channel" }, { "Channel", "channel" },
	{ "Contact type", "channel" },
	{ "caller_id", "customer" }, { "Caller", "customer" },
	{ "company", "business_unit" }, { "Company", "business_unit" },
	{ "impact", "impact" }, { "Impact", "impact" },
	{ "urgency", "urgency" }, { "Urgency", "urgency" },
	{ "priority", "priority" }, { "Priority", "priority" },
	{ "incident_state", "status" }, { "Incident state", "status" },
	{ "state", "status" }, { "State", "status" },
	{ "assignment_group", "group_name" }, { "Assignment group", "group_name" },
	{ "assigned_to", "assignee" }, { "Assigned to", "assignee" },
	{ "opened_at", "created_at" }, { "Opened", "created_at" },
	{ "resolved_at", "resolved_at" }, { "Resolved", "resolved_at" },
	{ "closed_at", "closed_at" }, { "Closed", "closed_at" },
	{ "reopen_count", "reopen_count" }, { "Reopen count", "reopen_count" },
	{ "sys_updated_on", "updated_at" }, { "sys_updated_at", "updated_at" },
	{ "Updated", "updated_at" },
	{ NULL, NULL }
};

static const struct pmap p_zendesk[] = {
	{ "Id", "ticket_id" }, { "ID", "ticket_id" }, { "Subject", "title" },
	{ "Description", "description" },
	{ "Requester id", "customer" }, { "Requester", "customer" },
	{ "Organization", "business_unit" }, { "Group", "group_name" },
	{ "Assignee", "assignee" }, { "Status", "status" },
	{ "Priority", "priority" }, { "Via", "channel" },
	{ "Ticket type", "category" }, { "Type", "category" },
	{ "Created at", "created_at" }, { "Updated at", "updated_at" },
	{ "Solved at", "resolved_at" }, { "Reopens", "reopen_count" },
	{ "Satisfaction Score", "csat" },
	{ "First reply time in minutes", "first_response_after" },
	{ NULL, NULL }
};

/* Jira writes the headers in the exporting user's language: English,
 * then Spanish, Portuguese (Brazil), German and French.  "Custom field
 * (X)" stands for its translations too (see custom_name). */
static const struct pmap p_jira[] = {
	{ "Issue key", "ticket_id" }, { "Work item key", "ticket_id" },
	{ "Summary", "title" }, { "Description", "description" },
	{ "Issue Type", "category" }, { "Work type", "category" },
	{ "Status", "status" }, { "Priority", "priority" },
	{ "Assignee", "assignee" }, { "Reporter", "customer" },
	{ "Created", "created_at" }, { "Updated", "updated_at" },
	{ "Resolved", "resolved_at" }, { "Component/s", "service" },
	{ "Status Category", "attrs.status_category" },
	{ "Custom field (Impact)", "impact" },
	{ "Custom field (Urgency)", "urgency" },
	{ "Custom field (Request Type)", "channel" },
	{ "Custom field (Organizations)", "business_unit" },
	/* es */
	{ "Clave de incidencia", "ticket_id" }, { "Resumen", "title" },
	{ "Descripci\xc3\xb3n", "description" },
	{ "Tipo de Incidencia", "category" },
	{ "Tipo de incidencia", "category" },
	{ "Estado", "status" }, { "Prioridad", "priority" },
	{ "Responsable", "assignee" }, { "Informador", "customer" },
	{ "Creada", "created_at" }, { "Actualizada", "updated_at" },
	{ "Resuelta", "resolved_at" }, { "Componente/s", "service" },
	{ "Componentes", "service" },
	{ "Categor\xc3\xad" "a de estado", "attrs.status_category" },
	{ "Custom field (Impacto)", "impact" },
	{ "Custom field (Urgencia)", "urgency" },
	{ "Custom field (Tipo de solicitud)", "channel" },
	{ "Custom field (Organizaciones)", "business_unit" },
	/* pt */
	{ "Chave da item", "ticket_id" }, { "Chave do item", "ticket_id" },
	{ "Resumo", "title" }, { "Descri\xc3\xa7\xc3\xa3o", "description" },
	{ "Tipo de item", "category" }, { "Prioridade", "priority" },
	{ "Respons\xc3\xa1vel", "assignee" }, { "Relator", "customer" },
	{ "Criado", "created_at" }, { "Atualizado", "updated_at" },
	{ "Resolvido", "resolved_at" },
	{ "Categoria de status", "attrs.status_category" },
	{ "Custom field (Urg\xc3\xaancia)", "urgency" },
	{ "Custom field (Tipo de solicita\xc3\xa7\xc3\xa3o)", "channel" },
	{ "Custom field (Organiza\xc3\xa7\xc3\xb5" "es)", "business_unit" },
	/* de */
	{ "Vorgangsschl\xc3\xbcssel", "ticket_id" },
	{ "Zusammenfassung", "title" }, { "Beschreibung", "description" },
	{ "Vorgangstyp", "category" }, { "Priorit\xc3\xa4t", "priority" },
	{ "Bearbeiter", "assignee" }, { "Zugewiesene Person", "assignee" },
	{ "Autor", "customer" }, { "Erstellt", "created_at" },
	{ "Aktualisiert", "updated_at" }, { "Erledigt", "resolved_at" },
	{ "Komponente/n", "service" }, { "Komponenten", "service" },
	{ "Statuskategorie", "attrs.status_category" },
	{ "Custom field (Auswirkung)", "impact" },
	{ "Custom field (Dringlichkeit)", "urgency" },
	{ "Custom field (Anfragetyp)", "channel" },
	{ "Custom field (Organisationen)", "business_unit" },
	/* fr */
	{ "Cl\xc3\xa9 de ticket", "ticket_id" },
	{ "Cl\xc3\xa9 du ticket", "ticket_id" },
	{ "R\xc3\xa9sum\xc3\xa9", "title" }, { "Type de ticket", "category" },
	{ "\xc3\x89tat", "status" }, { "Statut", "status" },
	{ "Priorit\xc3\xa9", "priority" }, { "Rapporteur", "customer" },
	{ "Cr\xc3\xa9" "ation", "created_at" },
	{ "Mise \xc3\xa0 jour", "updated_at" },
	{ "R\xc3\xa9solu", "resolved_at" }, { "R\xc3\xa9solue", "resolved_at" },
	{ "Composants", "service" },
	{ "Cat\xc3\xa9gorie d'\xc3\xa9tat", "attrs.status_category" },
	{ "Cat\xc3\xa9gorie de statut", "attrs.status_category" },
	{ "Custom field (Urgence)", "urgency" },
	{ "Custom field (Type de demande)", "channel" },
	{ NULL, NULL }
};

static const struct pmap p_freshdesk[] = {
	{ "Ticket ID", "ticket_id" }, { "Subject", "title" },
	{ "Description", "description" }, { "Status", "status" },
	{ "Priority", "priority" }, { "Source", "channel" },
	{ "Type", "category" }, { "Group", "group_name" },
	{ "Agent", "assignee" }, { "Full name", "customer" },
	{ "Contact ID", "customer" }, { "Company Name", "business_unit" },
	{ "Product", "service" },
	{ "Created time", "created_at" }, { "Last update time", "updated_at" },
	{ "Resolved time", "resolved_at" }, { "Closed time", "closed_at" },
	{ "First response time (in hrs)", "first_response_after" },
	{ "Customer interactions", NULL },
	{ NULL, NULL }
};

static const struct {
	const char *name;
	const struct pmap *map;
} profiles[] = {
	{ "servicenow", p_servicenow }, { "zendesk", p_zendesk },
	{ "jira", p_jira }, { "freshdesk", p_freshdesk }, { NULL, NULL }
};

int
svc_map_profile_ok(const char *name)
{
	int i;

	for (i = 0; profiles[i].name; i++)
		if (strcmp(profiles[i].name, name) == 0)
			return 1;
	return 0;
}

static int
unit_of(const char *hdr)
{
	char n[256];

	svc_value_norm(hdr, strlen(hdr), n, sizeof(n));
	if (strstr(n, "minutes") || strstr(n, "inmin"))
		return 60;
	if (strstr(n, "hrs") || strstr(n, "hours"))
		return 3600;
	if (strstr(n, "seconds") || strstr(n, "insec"))
		return 1;
	return 0;
}

static int
has_alias(const char *aliases, const char *norm)
{
	size_t n = strlen(norm);
	const char *p = aliases;

	if (n == 0)
		return 0;
	while ((p = strstr(p, norm)) != NULL) {
		if ((p == aliases || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

/* The X of Jira's "Custom field (X)" in the languages of p_jira
 * ("Campo personalizado (X)", "Benutzerdefiniertes Feld (X)", "Champ
 * personnalisé (X)"), with its length in *n; NULL for another header. */
static const char *
custom_name(const char *h, size_t *n)
{
	static const char *const pre[] = { "Custom field (",
	    "Campo personalizado (", "Benutzerdefiniertes Feld (",
	    "Champ personnalis\xc3\xa9 (", NULL };
	size_t len = strlen(h), k;
	int i;

	for (i = 0; pre[i]; i++) {
		k = strlen(pre[i]);
		if (len > k + 1 && strncmp(h, pre[i], k) == 0 &&
		    h[len - 1] == ')') {
			*n = len - k - 1;
			return h + k;
		}
	}
	return NULL;
}

/* Is the header h the profile's header ph?  A custom field matches in
 * any language. */
static int
profile_header(const char *h, const char *ph)
{
	const char *a, *b;
	size_t an, bn;

	if (strcmp(h, ph) == 0)
		return 1;
	if ((a = custom_name(h, &an)) == NULL ||
	    (b = custom_name(ph, &bn)) == NULL)
		return 0;
	return an == bn && memcmp(a, b, an) == 0;
}

/* attrs key of an unmapped header: "Custom field (X)" (in any language
 * of custom_name) and "X [list]" give X; an empty name is "column N". */
static char *
attr_key(const char *h, size_t i)
{
	size_t n = strlen(h), cn;
	const char *cf;
	char buf[64];

	if (n == 0) {
		snprintf(buf, sizeof(buf), "column %zu", i + 1);
		return svc_xstrdup(buf);
	}
	if ((cf = custom_name(h, &cn)) != NULL)
		return svc_xstrndup(cf, cn);
	if (n > 3 && h[n - 1] == ']') {
		const char *b = strrchr(h, '[');

		if (b && b > h && b[-1] == ' ')
			return svc_xstrndup(h, (size_t)(b - h - 1));
	}
	return svc_xstrdup(h);
}

static void
assign(struct svc_map *m, int f, int col, int how)
{
	int target = f;

	if (m->field_col[target] >= 0 || m->col_field[col] >= 0)
		return;
	m->field_col[target] = col;
	m->field_how[target] = how;
	m->col_field[col] = target;
}

int
svc_map_build(struct svc_map *m, size_t ncol, char *const *hdr,
    const char *profile, const struct svc_mapping *maps, size_t nmaps,
    const char *file, struct svc_err *e)
{
	size_t i, j;
	int f, p = -1;
	char norm[256];

	memset(m, 0, sizeof(*m));
	m->ncol = ncol;
	m->col_field = svc_xcalloc(ncol ? ncol : 1, sizeof(int));
	m->col_unit = svc_xcalloc(ncol ? ncol : 1, sizeof(int));
	m->col_key = svc_xcalloc(ncol ? ncol : 1, sizeof(char *));
	for (i = 0; i < ncol; i++) {
		m->col_field[i] = -1;
		m->col_unit[i] = unit_of(hdr[i]);
	}
	for (f = 0; f < SVC_NFIELDS_ALL; f++)
		m->field_col[f] = -1;
	if (profile) {
		for (p = 0; profiles[p].name; p++)
			if (strcmp(profiles[p].name, profile) == 0)
				break;
		if (profiles[p].name == NULL)
			return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
			    "unknown profile '%s' (use servicenow, zendesk, "
			    "jira or freshdesk)", profile);
	}
	for (j = 0; j < nmaps; j++) {
		if ((f = svc_field_find(maps[j].field)) < 0)
			return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
			    "--map: unknown field '%s'", maps[j].field);
		for (i = 0; i < ncol; i++)
			if (strcmp(hdr[i], maps[j].source) == 0)
				break;
		if (i == ncol)
			for (i = 0; i < ncol; i++)
				if (strcasecmp(hdr[i], maps[j].source) == 0)
					break;
		if (i == ncol)
			return svc_err_set(e, SVC_EXIT_FATAL, file, 1, 0,
			    "--map %s=%s: no column '%s' in the header",
			    maps[j].field, maps[j].source, maps[j].source);
		if (m->field_col[f] >= 0)
			return svc_err_set(e, SVC_EXIT_USAGE, NULL, 0, 0,
			    "--map: field '%s' mapped twice", maps[j].field);
		assign(m, f, (int)i, 1);
	}
	if (p >= 0) {
		const struct pmap *pm;

		for (pm = profiles[p].map; pm->hdr; pm++) {
			if (pm->field == NULL)
				continue;
			if (strncmp(pm->field, "attrs.", 6) == 0) {
				/* a column the product names, kept in attrs
				 * under a key of ours */
				for (i = 0; i < ncol; i++)
					if (m->col_field[i] < 0 &&
					    m->col_key[i] == NULL &&
					    strcmp(hdr[i], pm->hdr) == 0)
						m->col_key[i] =
						    svc_xstrdup(pm->field + 6);
				continue;
			}
			f = svc_field_find(pm->field);
			for (i = 0; i < ncol; i++)
				if (profile_header(hdr[i], pm->hdr)) {
					assign(m, f, (int)i, 2);
					break;
				}
		}
	}
	for (i = 0; i < ncol; i++) {
		if (m->col_field[i] >= 0 || m->col_key[i] != NULL)
			continue;
		svc_value_norm(hdr[i], strlen(hdr[i]), norm, sizeof(norm));
		for (f = 0; f < SVC_NFIELDS_ALL; f++)
			if (m->field_col[f] < 0 &&
			    (strcmp(norm, svc_tfields[f].name) == 0 ||
			    has_alias(svc_tfields[f].aliases, norm))) {
				/* "... in minutes" / "(in hrs)" columns are
				 * durations, not times */
				if (svc_tfields[f].type == SVC_FT_TIME &&
				    m->col_unit[i] != 0)
					continue;
				assign(m, f, (int)i, 3);
				break;
			}
	}
	for (i = 0; i < ncol; i++)
		if (m->col_field[i] < 0 && m->col_key[i] == NULL)
			m->col_key[i] = attr_key(hdr[i], i);
	if (m->field_col[SVC_F_TICKET_ID] < 0) {
		struct svc_buf b = { 0 };

		for (i = 0; i < ncol && i < 40; i++)
			svc_buf_printf(&b, "%s'%s'", i ? ", " : "", hdr[i]);
		if (ncol > 40)
			svc_buf_adds(&b, ", ...");
		svc_err_set(e, SVC_EXIT_FATAL, file, 1, 0,
		    "no column for required field 'ticket_id' (headers: %s); "
		    "use --map ticket_id=COLUMN or --profile", b.s ? b.s : "");
		svc_buf_free(&b);
		return -1;
	}
	return 0;
}

void
svc_map_free(struct svc_map *m)
{
	size_t i;

	for (i = 0; i < m->ncol; i++)
		free(m->col_key[i]);
	free(m->col_key);
	free(m->col_field);
	free(m->col_unit);
	memset(m, 0, sizeof(*m));
}

void
svc_map_describe(const struct svc_map *m, char *const *hdr, struct svc_buf *b)
{
	int f, first = 1;

	for (f = 0; f < SVC_NFIELDS_ALL; f++) {
		if (m->field_col[f] < 0)
			continue;
		svc_buf_printf(b, "%s%s=%s", first ? "" : ", ",
		    svc_tfields[f].name, hdr[m->field_col[f]]);
		first = 0;
	}
}

/*
 * api_registry.c: the public registry of issued labels, no token needed.
 *
 *   GET /v1/registry	JSON with cursor pagination, or CSV (?format=csv,
 *			the next page in a Link header)
 *   GET /registry	the same search as a page with a form
 *
 * Filters: q (words, each a prefix, through store_registry_match, so
 * nothing typed is FTS5 syntax), vendor (organisation id), tier, status
 * (expired computed at the request's time) and category.  Every vendor
 * string reaches the page as text (html.c) and the CSV quoted per RFC
 * 4180.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "labeld.h"
#include "scheme.h"

#define REGISTRY_CSV_TYPE		"text/csv; charset=utf-8"
#define REGISTRY_MATCH_MAX	(LABELD_REGISTRY_MAX_Q * 2 + \
				    LABELD_REGISTRY_MAX_TERMS * 8 + 1)

static const char *const registry_statuses[] = { "active", "suspended",
	"revoked", "expired", "superseded", NULL };

/* A registry request, parsed. */
struct reg_req {
	struct registry_query	 q;
	char			 match[REGISTRY_MATCH_MAX];
	char			 now[32];
	const char		*text;		/* q as given */
	const char		*tier_s;
	int			 csv;
	struct registry_row	*rows;
	int			 nrows;
	int			 failed;
};

/* The status a registry row shows (expiry computed as lifecycle.c does). */
static const char *
row_status(const struct registry_row *row, const char *now)
{
	if (strcmp(row->status, "revoked") != 0 &&
	    strcmp(now, row->valid_until) >= 0)
		return "expired";
	return row->status;
}

static const char *
row_tier_name(struct req *r, const struct registry_row *row)
{
	const struct scheme	*s;
	const char		*n;

	s = catalog_get(r->db, row->scheme, row->scheme_version);
	n = s != NULL ? scheme_tier_name(s, row->tier) : NULL;
	return n != NULL ? n : "";
}

static int
reg_collect(const struct registry_row *row, void *arg)
{
	struct reg_req		*g = arg;
	struct registry_row	*n;

	if ((n = reallocarray(g->rows, g->nrows + 1, sizeof(*n))) == NULL) {
		g->failed = 1;
		return -1;
	}
	g->rows = n;
	g->rows[g->nrows++] = *row;
	return 0;
}

/*
 * Parses the registry's query into g.  0, or -1 with the fault in err
 * (the caller answers it as JSON or as a page).
 */
static int
reg_parse(struct req *r, struct reg_req *g, char *err, size_t errlen)
{
	const char	*fmt = req_query(r, "format");
	const char	*s;
	char		*end;
	long		 t;
	int		 i;

	memset(&g->q, 0, sizeof(g->q));
	g->rows = NULL;
	g->nrows = g->failed = g->csv = 0;
	g->match[0] = '\0';
	g->text = req_query(r, "q");
	g->tier_s = req_query(r, "tier");
	if (fmt != NULL && *fmt != '\0' && strcmp(fmt, "json") != 0) {
		if (strcmp(fmt, "csv") != 0) {
			snprintf(err, errlen, "format: expected json or csv, "
			    "got \"%.40s\"", fmt);
			return -1;
		}
		g->csv = 1;
	}
	if (g->text != NULL && strlen(g->text) > LABELD_REGISTRY_MAX_Q) {
		snprintf(err, errlen, "q: at most %d bytes, not %zu",
		    LABELD_REGISTRY_MAX_Q, strlen(g->text));
		return -1;
	}
	if (g->text != NULL && store_registry_match(g->text, g->match,
	    sizeof(g->match)) == -1) {
		snprintf(err, errlen, "q: at most %d words",
		    LABELD_REGISTRY_MAX_TERMS);
		return -1;
	}
	g->q.match = g->match;
	if ((s = req_query(r, "vendor")) != NULL && *s != '\0') {
		if (strlen(s) >= sizeof(((struct org *)0)->id)) {
			snprintf(err, errlen, "vendor: an organisation id, "
			    "not %zu bytes", strlen(s));
			return -1;
		}
		g->q.vendor_id = s;
	}
	if ((s = req_query(r, "category")) != NULL && *s != '\0') {
		if (strlen(s) > 64) {
			snprintf(err, errlen, "category: at most 64 bytes");
			return -1;
		}
		g->q.category = s;
	}
	if ((s = req_query(r, "status")) != NULL && *s != '\0') {
		for (i = 0; registry_statuses[i] != NULL; i++)
			if (strcmp(s, registry_statuses[i]) == 0)
				break;
		if (registry_statuses[i] == NULL) {
			snprintf(err, errlen, "status: expected active, "
			    "suspended, revoked, expired or superseded, got "
			    "\"%.40s\"", s);
			return -1;
		}
		g->q.status = registry_statuses[i];
	}
	if ((s = g->tier_s) != NULL && *s != '\0') {
		errno = 0;
		t = strtol(s, &end, 10);
		if (!isdigit((unsigned char)*s) || *end != '\0' || errno != 0 ||
		    t < 1 || t > 9) {
			snprintf(err, errlen, "tier: expected an integer from "
			    "1 to 9, got \"%.40s\"", s);
			return -1;
		}
		g->q.tier = (int)t;
	}
	store_now(g->now);
	g->q.now = g->now;
	return 0;
}

/* Runs the search of g: 0, or -1 on a database or memory fault. */
static int
reg_search(struct req *r, struct reg_req *g)
{
	if (store_registry_sync(r->db) != STORE_OK)
		return -1;
	g->q.limit++;	/* one beyond the page says another page exists */
	if (store_registry_search(r->db, &g->q, reg_collect, g) != STORE_OK ||
	    g->failed)
		return -1;
	g->q.limit--;
	return 0;
}

/*
 * Appends s to b as one CSV field (RFC 4180: quoted when it must be);
 * html_raw serves as a plain byte appender here.
 */
static void
csv_field(struct html *b, const char *s, int last)
{
	if (strpbrk(s, ",\"\r\n") != NULL) {
		html_raw(b, "\"");
		for (const char *p = s; *p != '\0'; p++) {
			char c[2] = { *p, '\0' };

			html_raw(b, *p == '"' ? "\"\"" : c);
		}
		html_raw(b, "\"");
	} else
		html_raw(b, s);
	html_raw(b, last ? "\r\n" : ",");
}

/* %-encodes s into b for a query string. */
static void
url_put(struct html *b, const char *s)
{
	char	 enc[4];

	for (; *s != '\0'; s++) {
		if (isalnum((unsigned char)*s) || strchr("-._~", *s) != NULL) {
			enc[0] = *s;
			enc[1] = '\0';
		} else
			snprintf(enc, sizeof(enc), "%%%02X", (unsigned char)*s);
		html_raw(b, enc);
	}
}

/*
 * The query of the next page: this one's filters and the cursor, the
 * parameters joined by sep ("&", or "&amp;" inside an HTML attribute).
 */
static void
next_query(struct req *r, struct html *b, const char *path, int64_t cursor,
    const char *sep)
{
	static const char *const keys[] = { "q", "vendor", "tier", "status",
	    "category", "limit", "format", NULL };
	const char	*v;
	char		 c[32];

	html_raw(b, path);
	html_raw(b, "?");
	for (int i = 0; keys[i] != NULL; i++) {
		if ((v = req_query(r, keys[i])) == NULL || *v == '\0')
			continue;
		html_raw(b, keys[i]);
		html_raw(b, "=");
		url_put(b, v);
		html_raw(b, sep);
	}
	snprintf(c, sizeof(c), "cursor=%lld", (long long)cursor);
	html_raw(b, c);
}

static json_t *
row_json(struct req *r, const struct registry_row *row, const char *now)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:s, "
	    "s:s, s:s, s:s, s:s}", "label_id", row->label_id, "product",
	    row->product, "model", row->model, "vendor", row->vendor,
	    "vendor_id", row->vendor_id, "category", row->category, "scheme",
	    row->scheme, "scheme_version", row->scheme_version, "tier",
	    row->tier, "tier_name", row_tier_name(r, row), "status",
	    row_status(row, now), "valid_from", row->valid_from,
	    "valid_until", row->valid_until, "support_until",
	    row->support_until);
}

static int
registry_api(struct req *r)
{
	struct reg_req	 g;
	struct page	 pg;
	struct html	 b;
	char		 err[256], tier[8];
	int64_t		 after;
	int		 limit, i, n, rc;

	if (page_parse(r, &after, &limit) == -1)
		return -1;
	if (reg_parse(r, &g, err, sizeof(err)) == -1)
		return reply_problem(r, MHD_HTTP_BAD_REQUEST, "bad-query",
		    "%s", err);
	g.q.after = after;
	g.q.limit = limit;
	if (reg_search(r, &g) == -1) {
		free(g.rows);
		return g.failed ? reply_oom(r) : reply_db_error(r);
	}
	n = g.nrows > limit ? limit : g.nrows;
	if (!g.csv) {
		page_init(&pg, limit);
		for (i = 0; i < g.nrows; i++) {
			json_t *o = row_json(r, &g.rows[i], g.now);

			/* the label's page, by its own id */
			if (o != NULL && json_object_set_new(o, "url",
			    json_sprintf("%s/v/%s", r->ld->cfg.public_url,
			    g.rows[i].label_id)) == -1) {
				json_decref(o);
				o = NULL;
			}
			if (page_add(&pg, o, g.rows[i].seq) == -1)
				break;
		}
		free(g.rows);
		return page_reply(r, &pg);
	}
	html_init(&b);
	html_raw(&b, "label_id,product,model,vendor,scheme,tier,tier_name,"
	    "status,valid_from,valid_until,support_until\r\n");
	for (i = 0; i < n; i++) {
		const struct registry_row *w = &g.rows[i];

		snprintf(tier, sizeof(tier), "%d", w->tier);
		csv_field(&b, w->label_id, 0);
		csv_field(&b, w->product, 0);
		csv_field(&b, w->model, 0);
		csv_field(&b, w->vendor, 0);
		csv_field(&b, w->scheme, 0);
		csv_field(&b, tier, 0);
		csv_field(&b, row_tier_name(r, w), 0);
		csv_field(&b, row_status(w, g.now), 0);
		csv_field(&b, w->valid_from, 0);
		csv_field(&b, w->valid_until, 0);
		csv_field(&b, w->support_until, 1);
	}
	if (g.nrows > limit) {
		struct html link;

		html_init(&link);
		html_raw(&link, "<");
		next_query(r, &link, "/v1/registry", g.rows[n - 1].seq, "&");
		html_raw(&link, ">; rel=\"next\"");
		if (link.sb.failed ||
		    reply_header(r, "Link", link.sb.p) == -1) {
			html_free(&link);
			html_free(&b);
			free(g.rows);
			return reply_oom(r);
		}
		html_free(&link);
	}
	free(g.rows);
	if (b.sb.failed) {
		html_free(&b);
		return reply_oom(r);
	}
	if (reply_header(r, "Content-Disposition",
	    "inline; filename=\"registry.csv\"") == -1) {
		html_free(&b);
		return reply_oom(r);
	}
	rc = reply_raw(r, MHD_HTTP_OK, REGISTRY_CSV_TYPE, b.sb.p ? b.sb.p : "",
	    b.sb.len);
	html_free(&b);
	return rc;
}

/* One <option>, selected when it is the current value. */
static void
form_option(struct html *h, const char *value, const char *label,
    const char *current)
{
	html_raw(h, "<option");
	html_attr(h, "value", value);
	if (current != NULL && strcmp(current, value) == 0)
		html_raw(h, " selected");
	html_raw(h, ">");
	html_text(h, label);
	html_raw(h, "</option>");
}

static void
registry_form(struct req *r, struct html *h)
{
	const char	*q = req_query(r, "q"), *tier = req_query(r, "tier");
	const char	*st = req_query(r, "status");
	const char	*vendor = req_query(r, "vendor");
	const char	*cat = req_query(r, "category");
	char		 n[2];

	html_raw(h, "<form class=\"search card\" method=\"get\" "
	    "action=\"/registry\" role=\"search\">\n<label>Search<input "
	    "type=\"search\" name=\"q\" id=\"q\" maxlength=\"200\" "
	    "placeholder=\"product, model, vendor, label id\"");
	html_attr(h, "value", q != NULL ? q : "");
	html_raw(h, "></label>\n<label>Tier<select name=\"tier\" "
	    "id=\"tier-filter\">");
	form_option(h, "", "any", tier);
	for (int i = 1; i <= 4; i++) {
		n[0] = (char)('0' + i);
		n[1] = '\0';
		form_option(h, n, n, tier);
	}
	html_raw(h, "</select></label>\n<label>Status<select name=\"status\" "
	    "id=\"status-filter\">");
	form_option(h, "", "any", st);
	for (int i = 0; registry_statuses[i] != NULL; i++)
		form_option(h, registry_statuses[i], registry_statuses[i], st);
	html_raw(h, "</select></label>\n<label>Category<input name=\"category\""
	    " maxlength=\"64\" size=\"10\"");
	html_attr(h, "value", cat != NULL ? cat : "");
	html_raw(h, "></label>\n<label>Vendor id<input name=\"vendor\" "
	    "maxlength=\"39\" size=\"12\"");
	html_attr(h, "value", vendor != NULL ? vendor : "");
	html_raw(h, "></label>\n<button type=\"submit\">Search</button>\n"
	    "</form>\n");
}

static int
registry_page(struct req *r)
{
	struct reg_req	 g;
	struct html	 h;
	char		 err[256], d[11];
	int64_t		 after;
	int		 limit, i, n;
	const char	*c = req_query(r, "cursor"), *l = req_query(r, "limit");

	html_init(&h);
	html_begin(&h, "Label registry");
	html_raw(&h, "<h1>Label registry</h1>\n<p class=\"muted\">Every "
	    "cybersecurity label this authority issued, with its current "
	    "status.</p>\n");
	registry_form(r, &h);
	/* page_parse answers JSON: the page checks its numbers itself. */
	after = 0;
	limit = LABELD_PAGE_DEFAULT;
	if ((c != NULL && *c != '\0' && (strspn(c, "0123456789") !=
	    strlen(c) || strlen(c) > 18)) || (l != NULL && (strspn(l,
	    "0123456789") != strlen(l) || *l == '\0' || strlen(l) > 3 ||
	    atoi(l) < 1 || atoi(l) > LABELD_PAGE_MAX))) {
		html_raw(&h, "<p class=\"card\" id=\"error\">The page link is "
		    "not one this registry made: start a new search.</p>\n");
		html_end(&h);
		return html_reply(r, MHD_HTTP_BAD_REQUEST, &h);
	}
	if (c != NULL && *c != '\0')
		after = strtoll(c, NULL, 10);
	if (l != NULL)
		limit = atoi(l);
	if (reg_parse(r, &g, err, sizeof(err)) == -1) {
		html_raw(&h, "<p class=\"card\" id=\"error\">");
		html_text(&h, err);
		html_raw(&h, "</p>\n");
		html_end(&h);
		return html_reply(r, MHD_HTTP_BAD_REQUEST, &h);
	}
	g.q.after = after;
	g.q.limit = limit;
	if (reg_search(r, &g) == -1) {
		free(g.rows);
		html_free(&h);
		return g.failed ? reply_oom(r) : reply_db_error(r);
	}
	n = g.nrows > limit ? limit : g.nrows;
	if (n == 0)
		html_raw(&h, "<p id=\"none\">No label matches.</p>\n");
	html_raw(&h, "<ul class=\"results\" id=\"results\">\n");
	for (i = 0; i < n; i++) {
		const struct registry_row *w = &g.rows[i];
		const char *st = row_status(w, g.now);

		html_raw(&h, "<li");
		html_attr(&h, "data-status", st);
		html_raw(&h, "><a href=\"/v/");
		html_text(&h, w->label_id);
		html_raw(&h, "\">");
		html_text(&h, w->product);
		html_raw(&h, "</a> <span class=\"muted\">");
		html_textf(&h, "%s, %s", w->model, w->vendor);
		html_raw(&h, "</span><br>");
		html_status(&h, NULL, st);
		html_raw(&h, " ");
		html_textf(&h, "Tier %d %s · label %s · valid until %s",
		    w->tier, row_tier_name(r, w), w->label_id,
		    html_date(w->valid_until, d));
		html_raw(&h, "</li>\n");
	}
	html_raw(&h, "</ul>\n");
	if (g.nrows > limit) {
		html_raw(&h, "<p><a id=\"next\" href=\"");
		next_query(r, &h, "/registry", g.rows[n - 1].seq, "&amp;");
		html_raw(&h, "\">Next page</a></p>\n");
	}
	html_raw(&h, "<p class=\"muted\">Also as <a href=\"/v1/registry\">JSON"
	    "</a> and <a href=\"/v1/registry?format=csv\">CSV</a>.</p>\n");
	free(g.rows);
	html_end(&h);
	return html_reply(r, MHD_HTTP_OK, &h);
}

const struct route api_registry_routes[] = {
	{ "GET", "/v1/registry", ROLE_PUBLIC, 0, registry_api },
	{ "GET", "/registry", ROLE_PUBLIC, 0, registry_page },
	{ NULL, NULL, 0, 0, NULL }
};

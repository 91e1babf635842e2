/*
 * api_audit.c: GET /v1/audit, the regulator's one chronological listing
 * of every audited act (store_audit.c): submissions, labels, products,
 * partners, ballots, tokens and refused requests.  Its cursor is the
 * last row's key (at, kind, seq) written "AT.KIND.SEQ": opaque to
 * clients, read back strictly.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "labeld.h"
#include "rfc3339.h"

struct audit_page {
	struct page		 pg;
	struct audit_cursor	 last;
};

/* NULL when s is not a kind of the listing. */
static const char *
audit_kind(const char *s)
{
	for (size_t i = 0; audit_kinds[i] != NULL; i++)
		if (strcmp(s, audit_kinds[i]) == 0)
			return audit_kinds[i];
	return NULL;
}

/* "a, b or c": the kinds, for a 400's detail. */
static void
kinds_text(char *buf, size_t len)
{
	size_t i, o = 0;
	int n;

	buf[0] = '\0';
	for (i = 0; audit_kinds[i] != NULL && o < len; i++) {
		n = snprintf(buf + o, len - o, "%s%s", i == 0 ? "" :
		    audit_kinds[i + 1] == NULL ? " or " : ", ", audit_kinds[i]);
		if (n < 0)
			break;
		o += (size_t)n;
	}
}

/* Reads a cursor this server gave out into *c: 0, or -1. */
static int
cursor_parse(const char *s, struct audit_cursor *c)
{
	const char	*k, *q;
	char		 kind[16], *end;
	long long	 v;
	size_t		 n;

	/* The stamp is the stored form "YYYY-MM-DDThh:mm:ssZ": 20 bytes. */
	if (strlen(s) < 22 || s[20] != '.' || s[19] != 'Z')
		return -1;
	memcpy(c->at, s, 20);
	c->at[20] = '\0';
	if (rfc3339_check(c->at) == -1)
		return -1;
	k = s + 21;
	if ((q = strchr(k, '.')) == NULL || (n = (size_t)(q - k)) == 0 ||
	    n >= sizeof(kind))
		return -1;
	memcpy(kind, k, n);
	kind[n] = '\0';
	if ((k = audit_kind(kind)) == NULL)
		return -1;
	snprintf(c->kind, sizeof(c->kind), "%s", k);
	q++;
	if (!isdigit((unsigned char)*q) || (q[0] == '0' && q[1] != '\0'))
		return -1;
	errno = 0;
	v = strtoll(q, &end, 10);
	if (*end != '\0' || errno != 0)
		return -1;
	c->seq = v;
	return 0;
}

/*
 * ?since= as the stored form into out: a date is its first second, a
 * time with a fraction the next whole second (rows are whole seconds).
 */
static int
since_parse(const char *s, char out[RFC3339_BUFLEN])
{
	struct rfc3339_time	t;

	if (rfc3339_date_check(s) == 0) {
		snprintf(out, RFC3339_BUFLEN, "%.10sT00:00:00Z", s);
		return 0;
	}
	if (rfc3339_parse(s, &t) == -1)
		return -1;
	rfc3339_format((time_t)(t.sec + (t.nsec > 0)), out);
	return out[0] == '\0' ? -1 : 0;
}

/* Text that is a JSON object as the object, other text as a string. */
static json_t *
detail_json(const char *t)
{
	json_t *j;

	if (*t == '\0')
		return json_null();
	if (*t == '{' && (j = json_loads(t, 0, NULL)) != NULL)
		return j;
	return json_string(t);
}

static int
row_cb(const struct audit_row *a, void *arg)
{
	struct audit_page	*ap = arg;
	json_t			*o;

	o = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s?, s:s?, s:s?, s:o}",
	    "at", a->at, "kind", a->kind, "seq", (json_int_t)a->seq,
	    "action", a->action, "subject", a->subject,
	    "org_id", *a->org_id ? a->org_id : NULL,
	    "token_id", *a->token_id ? a->token_id : NULL,
	    "reason", *a->reason ? a->reason : NULL,
	    "detail", detail_json(a->detail));
	if (page_add(&ap->pg, o, a->seq) == -1)
		return -1;
	snprintf(ap->last.at, sizeof(ap->last.at), "%s", a->at);
	snprintf(ap->last.kind, sizeof(ap->last.kind), "%s", a->kind);
	ap->last.seq = a->seq;
	return 0;
}

static int
audit_list(struct req *r)
{
	const char		*kind = req_query(r, "kind");
	const char		*since = req_query(r, "since");
	const char		*cur = req_query(r, "cursor");
	const char		*lim = req_query(r, "limit");
	struct audit_cursor	 after;
	struct audit_page	 ap;
	char			 sincebuf[RFC3339_BUFLEN], kinds[128];
	char			 next[96], *end;
	json_t			*body;
	long long		 v;
	int			 limit = LABELD_PAGE_DEFAULT, rc;

	if (kind != NULL && (kind = audit_kind(kind)) == NULL) {
		kinds_text(kinds, sizeof(kinds));
		return reply_problem(r, MHD_HTTP_BAD_REQUEST, "bad-query",
		    "kind: expected %s, got \"%s\"", kinds,
		    req_query(r, "kind"));
	}
	if (since != NULL && since_parse(since, sincebuf) == -1)
		return reply_problem(r, MHD_HTTP_BAD_REQUEST, "bad-query",
		    "since: expected an RFC 3339 time "
		    "(2026-11-28T06:00:00Z) or date (2026-11-28), got \"%s\"",
		    since);
	if (cur != NULL && cursor_parse(cur, &after) == -1)
		return reply_problem(r, MHD_HTTP_BAD_REQUEST, "bad-query",
		    "cursor: \"%s\" is not a cursor this server gave out", cur);
	if (lim != NULL) {
		errno = 0;
		v = strtoll(lim, &end, 10);
		if (!isdigit((unsigned char)*lim) || *end != '\0' ||
		    errno != 0 || v < 1 || v > LABELD_PAGE_MAX)
			return reply_problem(r, MHD_HTTP_BAD_REQUEST,
			    "bad-query", "limit: expected an integer from 1 "
			    "to %d, got \"%s\"", LABELD_PAGE_MAX, lim);
		limit = (int)v;
	}
	memset(&ap, 0, sizeof(ap));
	page_init(&ap.pg, limit);
	rc = store_audit_list(r->db, kind, since ? sincebuf : NULL,
	    cur ? &after : NULL, limit + 1, row_cb, &ap);
	if (rc != STORE_OK) {
		page_free(&ap.pg);
		return reply_db_error(r);
	}
	if (ap.pg.items == NULL || ap.pg.failed) {
		page_free(&ap.pg);
		return reply_oom(r);
	}
	snprintf(next, sizeof(next), "%s.%s.%lld", ap.last.at, ap.last.kind,
	    (long long)ap.last.seq);
	body = json_pack("{s:O, s:s?}", "items", ap.pg.items, "next_cursor",
	    ap.pg.more ? next : NULL);
	page_free(&ap.pg);
	return reply_json(r, MHD_HTTP_OK, body);
}

const struct route api_audit_routes[] = {
	{ "GET", "/v1/audit", ROLE_REGULATOR, 0, audit_list },
	{ NULL, NULL, 0, 0, NULL }
};

/*
 * api_submissions_view.c: how a submission is answered: the submission,
 * with its declarations, lab reports (the current ones marked) and the
 * verdicts that count now, each with its report, one
 * lab report, an audit-trail entry.  A row that cannot be rendered fails
 * the answer rather than leaving it short.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "labeld.h"
#include "scheme.h"
/* The submission row itself, as listings show it; NULL on failure. */
json_t *
submissions_json(const struct submission *s)
{
	char	 etag[SUBMISSIONS_ETAG_MAX];
	json_t	*o, *d = NULL;

	submissions_etag(s, etag);
	if (s->decision[0] != '\0')
		d = json_pack("{s:s, s:s, s:s, s:s}", "decision", s->decision,
		    "reason", s->decision_reason, "at", s->decided_at, "by",
		    s->decided_by);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:s, s:s?, s:I, "
	    "s:s, s:s?, s:s?, s:s, s:s}",
	    "id", s->id, "vendor_id", s->vendor_id, "product_id",
	    s->product_id, "product_version", s->product_version, "scheme",
	    s->scheme, "scheme_version", s->scheme_version, "target_tier",
	    s->target_tier, "state", s->state, "lab_id",
	    s->lab_id[0] ? s->lab_id : NULL, "revision",
	    (json_int_t)s->revision, "etag", etag, "label_id",
	    s->label_id[0] ? s->label_id : NULL, "submitted_at",
	    s->submitted_at[0] ? s->submitted_at : NULL, "created_at",
	    s->created_at, "updated_at", s->updated_at);
	if (o == NULL) {
		json_decref(d);
		return NULL;
	}
	json_object_set_new(o, "approved_tier", s->approved_tier > 0 ?
	    json_integer(s->approved_tier) : json_null());
	json_object_set_new(o, "decision", d != NULL ? d : json_null());
	return o;
}

/* Rows gathered into an array; failed once one could not be built. */
struct collect {
	json_t	*items;
	int	 failed;
};

static int
collect_add(struct collect *c, json_t *item)
{
	if (item == NULL || json_array_append_new(c->items, item) == -1) {
		c->failed = 1;
		return -1;
	}
	return 0;
}

static int
decl_cb(const struct declaration *d, void *arg)
{
	return collect_add(arg, json_pack("{s:s, s:s, s:s, s:o, s:s, s:s}",
	    "requirement", d->requirement, "status", d->status,
	    "justification", d->justification, "evidence",
	    workflow_digests_json(d->evidence), "updated_at", d->updated_at,
	    "updated_by", d->updated_by));
}

static int
result_cb(const struct lab_result *x, void *arg)
{
	return collect_add(arg, json_pack("{s:s, s:s, s:s}", "requirement",
	    x->requirement, "verdict", x->verdict, "notes", x->notes));
}

/* The verdicts of one lab report, or NULL. */
json_t *
submissions_report_results(struct db *db, const char *report_id)
{
	struct collect c = { json_array(), 0 };

	if (c.items == NULL || store_lab_result_list(db, report_id, result_cb,
	    &c) != STORE_OK || c.failed) {
		json_decref(c.items);
		return NULL;
	}
	return c.items;
}

/* One lab report with its verdicts (results stolen); NULL on failure. */
json_t *
submissions_report_json(const struct lab_report *p, json_t *results)
{
	return json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:o}", "id", p->id,
	    "submission_id", p->submission_id, "lab_id", p->lab_id, "tier",
	    p->tier, "report_sha256", p->report_sha256, "created_at",
	    p->created_at, "results", results ? results : json_array());
}

struct reports_walk {
	struct db		*db;
	const struct submission	*sub;
	json_t			*items;
	int			 failed;
};

static int
report_cb(const struct lab_report *p, void *arg)
{
	struct reports_walk	*w = arg;
	json_t			*results, *o;

	if ((results = submissions_report_results(w->db, p->id)) == NULL) {
		w->failed = 1;
		return -1;
	}
	if ((o = submissions_report_json(p, results)) == NULL) {
		w->failed = 1;
		return -1;
	}
	json_object_set_new(o, "current", json_false());
	return json_array_append_new(w->items, o);
}

static int
verdict_cb(const struct lab_result *x, const struct lab_report *p, void *arg)
{
	return collect_add(arg, json_pack("{s:s, s:s, s:s, s:s, s:i, s:s}",
	    "requirement", x->requirement, "verdict", x->verdict, "notes",
	    x->notes, "report_id", p->id, "tier", p->tier, "filed_at",
	    p->created_at));
}

/*
 * Marks the reports that count now: those holding at least one verdict
 * of verdicts (as store_lab_results_current picks them).
 */
static void
mark_current(json_t *reports, const json_t *verdicts)
{
	size_t		 i, j;
	json_t		*rep, *v;

	json_array_foreach(reports, i, rep)
		json_array_foreach(verdicts, j, v)
			if (json_equal(json_object_get(rep, "id"),
			    json_object_get(v, "report_id"))) {
				json_object_set_new(rep, "current",
				    json_true());
				break;
			}
}

/* The submission with its declarations and lab reports; NULL on failure. */
json_t *
submissions_full_json(struct db *db, const struct submission *s)
{
	struct reports_walk	 w;
	struct collect		 decls = { json_array(), 0 };
	struct collect		 verdicts = { json_array(), 0 };
	json_t			*o = submissions_json(s);

	memset(&w, 0, sizeof(w));
	w.db = db;
	w.sub = s;
	w.items = json_array();
	if (o == NULL || decls.items == NULL || w.items == NULL ||
	    store_declaration_list(db, s->id, decl_cb, &decls) != STORE_OK ||
	    decls.failed ||
	    store_lab_report_list(db, s->id, report_cb, &w) != STORE_OK ||
	    w.failed || verdicts.items == NULL || (s->lab_id[0] != '\0' &&
	    (store_lab_results_current(db, s->id, s->lab_id, verdict_cb,
	    &verdicts) != STORE_OK || verdicts.failed)))
		goto fail;
	mark_current(w.items, verdicts.items);
	json_object_set_new(o, "declarations", decls.items);
	json_object_set_new(o, "lab_reports", w.items);
	json_object_set_new(o, "verdicts", verdicts.items);
	return o;
fail:
	json_decref(o);
	json_decref(decls.items);
	json_decref(w.items);
	json_decref(verdicts.items);
	return NULL;
}

/* Answers the submission in full with its ETag. */
int
submissions_reply(struct req *r, unsigned status, const struct submission *s)
{
	json_t *o;

	if ((o = submissions_full_json(r->db, s)) == NULL)
		return reply_db_error(r);
	submissions_set_etag(r, s);
	return reply_json(r, status, o);
}

/* One audit-trail entry as GET /v1/submissions/{id}/events lists it. */
json_t *
submissions_event_json(const struct sub_event *e)
{
	json_t *detail = NULL;

	if (e->detail[0] != '\0')
		detail = json_loads(e->detail, 0, NULL);
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, "
	    "s:o?}", "seq", (json_int_t)e->seq, "at", e->at, "action",
	    e->action, "org_id", e->org_id, "role", e->role, "token_id",
	    e->token_id, "from_state", e->from_state[0] ? e->from_state : NULL,
	    "to_state", e->to_state[0] ? e->to_state : NULL, "reason",
	    e->reason[0] ? e->reason : NULL, "detail", detail);
}

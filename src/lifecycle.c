/*
 * lifecycle.c: the status of an issued label.  A regulator suspends
 * (reversible), reinstates (from suspended only) or revokes (final) a
 * label with a reason; the vendor owning a label withdraws it, which
 * revokes it with the reason "withdrawn_by_vendor[: text]".  Each change
 * is a history entry and flips the label's bit in the matching status
 * list.  "expired" is never a stored status: it is read from validUntil
 * at the time of the question; the scheduler only writes down, once, that
 * a label expired, and says once that it soon will (lifecycle_expiry_round).
 *
 *   active --suspend--> suspended --reinstate--> active
 *   active --supersede (an approval at a higher tier)--> superseded
 *   active | suspended | superseded --revoke, withdraw--> revoked (final)
 */
#include "config.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "labeld.h"
#include "rfc3339.h"

/*
 * The status of l at time now: revoked wins over everything, then expiry
 * (since validUntil), then the stored status.
 */
void
lifecycle_state_of(const struct label *l, time_t now, struct label_state *s)
{
	char t[32];

	rfc3339_format(now, t);
	memset(s, 0, sizeof(*s));
	snprintf(s->label_id, sizeof(s->label_id), "%s", l->id);
	if (strcmp(l->status, "revoked") != 0 &&
	    strcmp(t, l->valid_until) >= 0) {
		snprintf(s->status, sizeof(s->status), "expired");
		snprintf(s->since, sizeof(s->since), "%s", l->valid_until);
		return;
	}
	snprintf(s->status, sizeof(s->status), "%s", l->status);
	snprintf(s->reason, sizeof(s->reason), "%s", l->status_reason);
	snprintf(s->since, sizeof(s->since), "%s", l->status_since);
	snprintf(s->superseded_by, sizeof(s->superseded_by), "%s",
	    l->superseded_by);
}

/* STORE_OK, STORE_NOTFOUND or STORE_ERR. */
int
lifecycle_status(struct db *db, const char *label_id, time_t now,
    struct label_state *s)
{
	struct label	 l;
	int		 rc;

	if ((rc = store_label_get(db, label_id, &l)) == STORE_OK)
		lifecycle_state_of(&l, now, s);
	return rc;
}

static const struct {
	const char	*verb;		/* for messages */
	const char	*event;		/* label_events.action */
	const char	*to;
} actions[] = {
	[LABEL_SUSPEND] = { "suspend", "suspended", "suspended" },
	[LABEL_REVOKE] = { "revoke", "revoked", "revoked" },
	[LABEL_REINSTATE] = { "reinstate", "reinstated", "active" },
	/* a revocation in the history, the lists and the log */
	[LABEL_WITHDRAW] = { "revoke", "revoked", "revoked" },
};

/* 0 when action may apply to l at now, else -1 with the reason in err. */
static int
allowed(const struct label *l, enum label_action a, const char *now,
    char *err, size_t errlen)
{
	if (strcmp(l->status, "revoked") == 0) {
		snprintf(err, errlen, "label %s was revoked on %s; revocation "
		    "is final", l->id, l->status_since);
		return -1;
	}
	switch (a) {
	case LABEL_SUSPEND:
		if (strcmp(l->status, "active") != 0) {
			snprintf(err, errlen, "label %s is %s; only an active "
			    "label can be suspended", l->id, l->status);
			return -1;
		}
		if (strcmp(now, l->valid_until) >= 0) {
			snprintf(err, errlen, "label %s expired on %s", l->id,
			    l->valid_until);
			return -1;
		}
		return 0;
	case LABEL_REINSTATE:
		if (strcmp(l->status, "suspended") != 0) {
			snprintf(err, errlen, "label %s is %s; only a suspended "
			    "label can be reinstated", l->id, l->status);
			return -1;
		}
		return 0;
	case LABEL_REVOKE:
	case LABEL_WITHDRAW:
		return 0;
	}
	return -1;
}

/* Signs the changed lists now so the first fetch need not; best effort. */
static void
refresh(struct db *db, const struct config *cfg, const char *list)
{
	char	*cred, err[256];
	size_t	 len;

	if (statuslist_get(db, cfg, list, &cred, &len, err, sizeof(err)) !=
	    STORE_OK)
		log_warn("status list %s not re-signed yet: %s", list, err);
	free(cred);
}

/*
 * Applies action to label_id with reason (required, at most
 * LABELD_MAX_TEXT bytes), recording who (may be NULL) in the history and
 * marking the affected status lists for re-signing, in one transaction
 * (the caller's when one is open).  out (may be NULL) receives the new
 * status; on LIFECYCLE_BADSTATE it holds the current one.  LABEL_WITHDRAW
 * applies only to a label of who's organisation (another's answers
 * STORE_NOTFOUND, as an unknown one does).
 * STORE_OK, STORE_NOTFOUND, STORE_INVALID, LIFECYCLE_BADSTATE (409) or
 * STORE_ERR, with a message in err.
 */
int
lifecycle_change(struct db *db, const struct config *cfg,
    const struct principal *who, const char *label_id, enum label_action a,
    const char *reason, struct label_state *out, char *err, size_t errlen)
{
	struct label		 l;
	struct label_event	 ev;
	char			 now[32];
	time_t			 t = clock_now();
	int			 rc, own = 0, sus_changed, rev_changed;

	assert(a == LABEL_SUSPEND || a == LABEL_REVOKE ||
	    a == LABEL_REINSTATE || a == LABEL_WITHDRAW);
	assert(a != LABEL_WITHDRAW || who != NULL);
	if (reason == NULL || *reason == '\0' ||
	    strlen(reason) > LABELD_MAX_TEXT) {
		snprintf(err, errlen, "a reason of 1 to %d bytes is required",
		    LABELD_MAX_TEXT);
		return STORE_INVALID;
	}
	rfc3339_format(t, now);
	if (!db_in_transaction(db)) {
		if (db_begin(db) == -1) {
			snprintf(err, errlen, "cannot begin a transaction");
			return STORE_ERR;
		}
		own = 1;
	}
	if ((rc = store_label_get(db, label_id, &l)) != STORE_OK) {
		snprintf(err, errlen, rc == STORE_NOTFOUND ? "no label %s" :
		    "cannot read label %s", label_id);
		goto done;
	}
	if (a == LABEL_WITHDRAW && strcmp(l.vendor_id, who->org_id) != 0) {
		snprintf(err, errlen, "no label %s", label_id);
		rc = STORE_NOTFOUND;
		goto done;
	}
	if (allowed(&l, a, now, err, errlen) == -1) {
		if (out != NULL)
			lifecycle_state_of(&l, t, out);
		rc = LIFECYCLE_BADSTATE;
		goto done;
	}
	rc = STORE_ERR;
	rev_changed = a == LABEL_REVOKE || a == LABEL_WITHDRAW;
	sus_changed = !rev_changed || strcmp(l.status, "suspended") == 0;
	memset(&ev, 0, sizeof(ev));
	ev.label_id = l.id;
	ev.at = now;
	ev.action = actions[a].event;
	ev.from_status = l.status;
	ev.to_status = actions[a].to;
	ev.reason = reason;
	if (who != NULL) {
		ev.org_id = who->org_id;
		ev.token_id = who->token_id;
	}
	if (store_label_event_append(db, &ev) != STORE_OK ||
	    store_label_set_status(db, l.id, actions[a].to, reason, now) !=
	    STORE_OK ||
	    (sus_changed && store_status_list_mark_stale(db,
	    l.suspension_list, "suspension") != STORE_OK) ||
	    (rev_changed && store_status_list_mark_stale(db,
	    l.revocation_list, "revocation") != STORE_OK)) {
		snprintf(err, errlen, "cannot record the change of label %s",
		    l.id);
		goto done;
	}
	if (translog_append(db, &(struct translog_entry){ .kind =
	    actions[a].verb, .label_id = l.id, .credential_sha256 =
	    l.credential_sha256, .reason = reason, .time = t }, NULL, err,
	    errlen) != STORE_OK)
		goto done;
	/* The webhook event commits with the change (issue 13). */
	if (webhook_emit(db, a == LABEL_SUSPEND ? "suspension" :
	    a == LABEL_REINSTATE ? "reinstatement" : "revocation", l.vendor_id,
	    NULL, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "label_id", l.id,
	    "product_id", l.product_id, "vendor_id", l.vendor_id, "from",
	    l.status, "status", actions[a].to, "reason", reason)) !=
	    STORE_OK) {
		snprintf(err, errlen, "cannot record the event of label %s",
		    l.id);
		goto done;
	}
	if (own && db_commit(db) == -1) {
		snprintf(err, errlen, "cannot commit the change of label %s",
		    l.id);
		goto done;
	}
	log_info("label %s: %s -> %s", l.id, l.status, actions[a].to);
	snprintf(l.status, sizeof(l.status), "%s", actions[a].to);
	snprintf(l.status_reason, sizeof(l.status_reason), "%s", reason);
	snprintf(l.status_since, sizeof(l.status_since), "%s", now);
	if (out != NULL)
		lifecycle_state_of(&l, t, out);
	if (own) {
		own = 0;
		if (sus_changed)
			refresh(db, cfg, l.suspension_list);
		if (rev_changed)
			refresh(db, cfg, l.revocation_list);
	}
	rc = STORE_OK;
done:
	if (own)
		db_rollback(db);
	return rc;
}

/*
 * The vendor who withdraws label_id (its own; the product is no longer
 * sold): the label is revoked by lifecycle_change with the status reason
 * "withdrawn_by_vendor", followed by ": " and text when text (may be NULL,
 * at most LABELD_MAX_WITHDRAW_TEXT bytes) is not empty.  Returns as
 * lifecycle_change does.
 */
int
lifecycle_withdraw(struct db *db, const struct config *cfg,
    const struct principal *who, const char *label_id, const char *text,
    struct label_state *out, char *err, size_t errlen)
{
	char	reason[LABELD_MAX_TEXT + 1];

	assert(who != NULL);
	if (text != NULL && strlen(text) > LABELD_MAX_WITHDRAW_TEXT) {
		snprintf(err, errlen, "a withdrawal's reason is at most %d "
		    "bytes", LABELD_MAX_WITHDRAW_TEXT);
		return STORE_INVALID;
	}
	if (text != NULL && *text != '\0')
		snprintf(reason, sizeof(reason), "%s: %s", LIFECYCLE_WITHDRAWN,
		    text);
	else
		snprintf(reason, sizeof(reason), "%s", LIFECYCLE_WITHDRAWN);
	return lifecycle_change(db, cfg, who, label_id, LABEL_WITHDRAW, reason,
	    out, err, errlen);
}

/* One pass of the scheduler over labels due for one time-driven act. */
struct expiry_pass {
	const char	*now;
	const char	*before;	/* now + expiry_warning_window */
	time_t		 t;
	struct label	*l;		/* the batch */
	int		 n;
	/* the labels due, at most limit */
	int		(*due)(struct db *, const struct expiry_pass *, int limit,
			    int (*)(const struct label *, void *), void *);
	/* the act on one label: STORE_OK; *done 1 when it counts */
	int		(*act)(struct db *, const struct expiry_pass *,
			    const struct label *, int *done, char *, size_t);
};

static int
batch_cb(const struct label *l, void *arg)
{
	struct expiry_pass *p = arg;

	assert(p->n < LIFECYCLE_EXPIRY_BATCH);
	p->l[p->n++] = *l;
	return 0;
}

/*
 * Runs p->act on the labels p->due yields, in one transaction per batch of
 * LIFECYCLE_EXPIRY_BATCH, at most LIFECYCLE_EXPIRY_MAX per call (the next
 * round takes the rest).  *count: the acts that counted.  STORE_OK, or
 * STORE_ERR with err (that batch rolled back).
 */
static int
expiry_run(struct db *db, struct expiry_pass *p, int *count, char *err,
    size_t errlen)
{
	int i, total, rc = STORE_OK, done, n;

	*count = 0;
	if ((p->l = calloc(LIFECYCLE_EXPIRY_BATCH, sizeof(*p->l))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return STORE_ERR;
	}
	for (total = 0; total < LIFECYCLE_EXPIRY_MAX;
	    total += LIFECYCLE_EXPIRY_BATCH) {
		p->n = n = 0;
		if (db_begin(db) == -1) {
			snprintf(err, errlen, "cannot begin a transaction");
			rc = STORE_ERR;
			break;
		}
		if (p->due(db, p, LIFECYCLE_EXPIRY_BATCH, batch_cb, p) !=
		    STORE_OK) {
			snprintf(err, errlen, "cannot read the labels due");
			rc = STORE_ERR;
		}
		for (i = 0; i < p->n && rc == STORE_OK; i++) {
			rc = p->act(db, p, &p->l[i], &done, err, errlen);
			n += done;
		}
		if (rc == STORE_OK && db_commit(db) == -1) {
			snprintf(err, errlen, "cannot commit");
			rc = STORE_ERR;
		}
		if (rc != STORE_OK) {
			db_rollback(db);
			break;
		}
		*count += n;
		if (p->n < LIFECYCLE_EXPIRY_BATCH)
			break;
	}
	free(p->l);
	p->l = NULL;
	return rc;
}

static int
expired_due(struct db *db, const struct expiry_pass *p, int limit,
    int (*cb)(const struct label *, void *), void *arg)
{
	return store_label_expiry_due(db, p->now, limit, cb, arg);
}

/* Writes down l's expiry: a history entry and an expire leaf. */
static int
expired_act(struct db *db, const struct expiry_pass *p, const struct label *l,
    int *done, char *err, size_t errlen)
{
	struct label_event	 ev;
	char			 reason[64];

	*done = 0;
	if (store_label_expiry_logged(db, l->id) != STORE_OK) {
		snprintf(err, errlen, "cannot mark label %s", l->id);
		return STORE_ERR;
	}
	if (strcmp(l->status, "revoked") == 0)
		return STORE_OK;	/* revocation said the last word */
	snprintf(reason, sizeof(reason), "valid until %s", l->valid_until);
	memset(&ev, 0, sizeof(ev));
	ev.label_id = l->id;
	ev.at = p->now;
	ev.action = "expired";
	ev.from_status = l->status;
	ev.to_status = "expired";
	ev.reason = reason;
	if (store_label_event_append(db, &ev) != STORE_OK) {
		snprintf(err, errlen, "cannot record the expiry of label %s",
		    l->id);
		return STORE_ERR;
	}
	if (translog_append(db, &(struct translog_entry){ .kind = "expire",
	    .label_id = l->id, .credential_sha256 = l->credential_sha256,
	    .reason = reason, .time = p->t }, NULL, err, errlen) != STORE_OK)
		return STORE_ERR;
	log_info("label %s expired (valid until %s)", l->id, l->valid_until);
	*done = 1;
	return STORE_OK;
}

static int
warn_due(struct db *db, const struct expiry_pass *p, int limit,
    int (*cb)(const struct label *, void *), void *arg)
{
	return store_label_expiry_warn_due(db, p->now, p->before, limit, cb,
	    arg);
}

/* Tells l's holder (and the regulators) that l lapses soon: a webhook. */
static int
warn_act(struct db *db, const struct expiry_pass *p, const struct label *l,
    int *done, char *err, size_t errlen)
{
	(void)p;
	*done = 0;
	if (store_label_expiry_warned(db, l->id) != STORE_OK ||
	    webhook_emit(db, "expiring", l->vendor_id, NULL, json_pack("{s:s, "
	    "s:s, s:s, s:s, s:s}", "label_id", l->id, "product_id",
	    l->product_id, "vendor_id", l->vendor_id, "status", l->status,
	    "valid_until", l->valid_until)) != STORE_OK) {
		snprintf(err, errlen, "cannot record label %s as expiring",
		    l->id);
		return STORE_ERR;
	}
	*done = 1;
	return STORE_OK;
}

/*
 * The scheduler's time-driven acts on labels, each done once: an active or
 * suspended label entering the last window seconds of its validity sends
 * an "expiring" webhook event; a label past its validUntil has its expiry
 * written down (history entry, log leaf; a revoked one only stops being
 * looked at).  *warned and *expired count them.  STORE_OK or STORE_ERR
 * with err.
 */
int
lifecycle_expiry_round(struct db *db, int64_t window, int *warned,
    int *expired, char *err, size_t errlen)
{
	struct expiry_pass	 p;
	char			 now[32], before[32];
	int			 rc;

	memset(&p, 0, sizeof(p));
	p.t = clock_now();
	rfc3339_format(p.t, now);
	rfc3339_format(p.t + (time_t)window, before);
	p.now = now;
	p.before = before;
	*warned = *expired = 0;
	p.due = warn_due;
	p.act = warn_act;
	if ((rc = expiry_run(db, &p, warned, err, errlen)) != STORE_OK)
		return rc;
	p.due = expired_due;
	p.act = expired_act;
	return expiry_run(db, &p, expired, err, errlen);
}

/*
 * Inside the caller's transaction (the approval that issued label by):
 * the active label label_id becomes superseded by by, with its history
 * entry and log leaf.  Its status-list bits stay clear: it verifies as
 * what it was.  STORE_OK, LIFECYCLE_BADSTATE when it is not active, or
 * STORE_ERR, with a message in err.
 */
int
lifecycle_supersede(struct db *db, const struct principal *who,
    const char *label_id, const char *by, char *err, size_t errlen)
{
	struct label_event	 ev;
	struct label		 l;
	char			 now[32], reason[LABELD_LABEL_ID_MAX + 32];
	time_t			 t = clock_now();
	int			 rc;

	assert(db_in_transaction(db));
	rfc3339_format(t, now);
	if (store_label_get(db, label_id, &l) != STORE_OK) {
		snprintf(err, errlen, "cannot read label %s", label_id);
		return STORE_ERR;
	}
	snprintf(reason, sizeof(reason), "superseded_by: %s", by);
	if ((rc = store_label_supersede(db, label_id, by, reason, now)) !=
	    STORE_OK) {
		snprintf(err, errlen, rc == STORE_NOTFOUND ? "label %s is not "
		    "active" : "cannot supersede label %s", label_id);
		return rc == STORE_NOTFOUND ? LIFECYCLE_BADSTATE : STORE_ERR;
	}
	memset(&ev, 0, sizeof(ev));
	ev.label_id = label_id;
	ev.at = now;
	ev.action = "superseded";
	ev.from_status = "active";
	ev.to_status = "superseded";
	ev.reason = reason;
	if (who != NULL) {
		ev.org_id = who->org_id;
		ev.token_id = who->token_id;
	}
	if (store_label_event_append(db, &ev) != STORE_OK) {
		snprintf(err, errlen, "cannot record the change of label %s",
		    label_id);
		return STORE_ERR;
	}
	if (translog_append(db, &(struct translog_entry){ .kind = "supersede",
	    .label_id = label_id, .credential_sha256 = l.credential_sha256,
	    .reason = reason, .time = t }, NULL, err, errlen) != STORE_OK)
		return STORE_ERR;
	log_info("label %s: active -> superseded by %s", label_id, by);
	return STORE_OK;
}

/*
 * workflow_assess.c: the assessment engine run on what the database
 * holds for a submission: its current declarations and the verdicts that
 * count now (per requirement, the latest verdict of the lab assigned now).
 */
#include "config.h"

#include <assert.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labeld.h"
#include "assess.h"
#include "scheme.h"

/* ---- assessment of the stored answers ---- */

/* The submission's evidence: digest and kind of each upload. */
struct upload {
	char	 sha256[65];
	char	 kind[65];
};

/* A vulnerability of the product, as recorded. */
struct vrec {
	char	 id[LABELD_MAX_VULN_ID + 1];
	char	 severity[16];
	char	 status[16];
	char	 fixed_in[LABELD_MAX_VERSION + 1];
	int	 justified;
};

struct inputs {
	struct vrec		*vr;
	size_t			 nvr, vr_cap;
	struct assess_decl	*decls;
	size_t			 ndecl, decl_cap;
	struct assess_lab	*labs;
	size_t			 nlab, lab_cap;
	struct upload		*ups;
	size_t			 nup, up_cap;
	int			 bad;	/* a stored value the engine cannot take */
};

static int
collect_vuln(const struct vuln *v, void *arg)
{
	struct inputs	*in = arg;
	struct vrec	*x;

	if (in->nvr == in->vr_cap) {
		size_t	 cap = in->vr_cap ? in->vr_cap * 2 : 16;
		void	*nv = realloc(in->vr, cap * sizeof(*in->vr));

		if (nv == NULL)
			return in->bad = -1;
		in->vr = nv;
		in->vr_cap = cap;
	}
	x = &in->vr[in->nvr++];
	snprintf(x->id, sizeof(x->id), "%s", v->id);
	snprintf(x->severity, sizeof(x->severity), "%s", v->severity);
	snprintf(x->status, sizeof(x->status), "%s", v->status);
	snprintf(x->fixed_in, sizeof(x->fixed_in), "%s", v->fixed_in_version);
	x->justified = strspn(v->justification, " \t\r\n") !=
	    strlen(v->justification);
	return 0;
}

/*
 * Whether each recorded vulnerability is resolved for the submitted
 * version: fixed in it or in a version of the product registered no
 * later, or accounted for (not_affected, mitigated with a justification).
 * A new array of in->nvr, or NULL (*rc set) on a failure.
 */
static struct assess_vuln *
judge_vulns(struct db *db, const struct submission *sub, struct inputs *in,
    int *rc)
{
	struct assess_vuln	*out;
	int			 yes;

	*rc = STORE_OK;
	if ((out = calloc(in->nvr + 1, sizeof(*out))) == NULL) {
		*rc = STORE_ERR;
		return NULL;
	}
	for (size_t i = 0; i < in->nvr; i++) {
		struct vrec *v = &in->vr[i];

		out[i].id = v->id;
		out[i].severity = v->severity;
		if (strcmp(v->status, "not_affected") == 0 ||
		    strcmp(v->status, "mitigated") == 0)
			out[i].resolved = v->justified;
		else if (strcmp(v->status, "fixed") == 0 &&
		    v->fixed_in[0] != '\0') {
			yes = 0;
			*rc = store_version_not_after(db, sub->product_id,
			    v->fixed_in, sub->product_version, &yes);
			if (*rc == STORE_ERR) {
				free(out);
				return NULL;
			}
			/* A version not (yet) registered has no fix here. */
			out[i].resolved = *rc == STORE_OK && yes;
			*rc = STORE_OK;
		}
	}
	return out;
}

static int
collect_upload(const struct evidence *e, void *arg)
{
	struct inputs	*in = arg;

	if (in->nup == in->up_cap) {
		size_t	 cap = in->up_cap ? in->up_cap * 2 : 16;
		void	*nv = realloc(in->ups, cap * sizeof(*in->ups));

		if (nv == NULL)
			return in->bad = -1;
		in->ups = nv;
		in->up_cap = cap;
	}
	memcpy(in->ups[in->nup].sha256, e->sha256, sizeof(e->sha256));
	memcpy(in->ups[in->nup].kind, e->kind, sizeof(e->kind));
	in->nup++;
	return 0;
}

/*
 * The kinds of the digests in list (space-separated) as uploaded to the
 * submission: a new array of n borrowed strings (NULL for a digest not
 * found), *n set; NULL when out of memory.
 */
static const char **
digest_kinds(const struct inputs *in, const char *list, size_t *n)
{
	const char	**kinds;
	const char	 *p;
	size_t		  len, cap = strlen(list) / 64 + 1;

	*n = 0;
	if ((kinds = calloc(cap, sizeof(*kinds))) == NULL)
		return NULL;
	for (p = list; *p != '\0' && *n < cap; p += len) {
		while (*p == ' ')
			p++;
		if ((len = strcspn(p, " ")) == 0)
			break;
		for (size_t u = 0; u < in->nup; u++)
			if (len == 64 && memcmp(in->ups[u].sha256, p, 64) == 0)
				kinds[*n] = in->ups[u].kind;
		(*n)++;
	}
	return kinds;
}


static int
collect_decl(const struct declaration *d, void *arg)
{
	struct inputs		*in = arg;
	struct assess_decl	*x;

	if (in->ndecl == in->decl_cap) {
		size_t	 cap = in->decl_cap ? in->decl_cap * 2 : 64;
		void	*nv = realloc(in->decls, cap * sizeof(*in->decls));

		if (nv == NULL)
			return in->bad = -1;
		in->decls = nv;
		in->decl_cap = cap;
	}
	x = &in->decls[in->ndecl];
	memset(x, 0, sizeof(*x));
	if (assess_status_parse(d->status, &x->status) == -1 ||
	    (x->requirement = strdup(d->requirement)) == NULL)
		return in->bad = -1;
	if ((x->justification = strdup(d->justification)) == NULL) {
		free((char *)x->requirement);
		return in->bad = -1;
	}
	if ((x->evidence_kinds = digest_kinds(in, d->evidence,
	    &x->nevidence)) == NULL) {
		free((char *)x->requirement);
		free((char *)x->justification);
		return in->bad = -1;
	}
	in->ndecl++;
	return 0;
}

static int
collect_lab(const struct lab_result *r, const struct lab_report *rep,
    void *arg)
{
	struct inputs		*in = arg;
	struct assess_lab	*x;

	if (in->nlab == in->lab_cap) {
		size_t	 cap = in->lab_cap ? in->lab_cap * 2 : 16;
		void	*nv = realloc(in->labs, cap * sizeof(*in->labs));

		if (nv == NULL)
			return in->bad = -1;
		in->labs = nv;
		in->lab_cap = cap;
	}
	x = &in->labs[in->nlab];
	memset(x, 0, sizeof(*x));
	x->tier = rep->tier;
	if (assess_verdict_parse(r->verdict, &x->verdict) == -1 ||
	    (x->requirement = strdup(r->requirement)) == NULL)
		return in->bad = -1;
	in->nlab++;
	return 0;
}

static void
inputs_free(struct inputs *in)
{
	for (size_t i = 0; i < in->ndecl; i++) {
		free((char *)in->decls[i].requirement);
		free((char *)in->decls[i].justification);
		free((void *)in->decls[i].evidence_kinds);
	}
	free(in->ups);
	free(in->vr);
	for (size_t i = 0; i < in->nlab; i++)
		free((char *)in->labs[i].requirement);
	free(in->decls);
	free(in->labs);
}

/* Words the gaps' next steps for where sub stands: 0, or -1. */
static int
situate(const struct submission *sub, struct assess_result *res)
{
	struct assess_situation	 sit;
	enum wf_state		 st;

	memset(&sit, 0, sizeof(sit));
	sit.submission_id = sub->id;
	sit.product_id = sub->product_id;
	sit.lab_assigned = sub->lab_id[0] != '\0';
	if (workflow_state_parse(sub->state, &st) == -1 ||
	    workflow_is_final(st))
		sit.stage = ASSESS_STAGE_CLOSED;
	else if (workflow_may_declare(st))
		sit.stage = ASSESS_STAGE_OPEN;
	else
		sit.stage = ASSESS_STAGE_REVIEW;
	return assess_situate(res, &sit);
}

/*
 * Runs the engine on the submission's current declarations and the
 * verdicts that count now (per requirement, the latest verdict of the
 * lab assigned now).  s must be the scheme version the submission pins.
 * Returns a result the caller frees with assess_free(), or NULL with a
 * message in err (the database failed, or stored answers the engine
 * refuses: that is a bug in the checks on the way in).
 */
struct assess_result *
workflow_assess(struct db *db, const struct submission *sub,
    const struct scheme *s, char *err, size_t errlen)
{
	struct inputs		 in;
	struct assess_result	*res = NULL;
	struct assess_vuln	*vulns = NULL;
	int			 rc;

	assert(s != NULL);
	memset(&in, 0, sizeof(in));
	/* The uploads first: a declaration's evidence is judged by kind. */
	if (store_evidence_list(db, sub->id, 0, INT_MAX, collect_upload,
	    &in) != STORE_OK ||
	    (scheme_vulnerability_threshold(s) != NULL &&
	    store_vuln_list(db, sub->product_id, NULL, 0, INT_MAX,
	    collect_vuln, &in) != STORE_OK) ||
	    store_declaration_list(db, sub->id, collect_decl, &in) !=
	    STORE_OK || (sub->lab_id[0] != '\0' &&
	    store_lab_results_current(db, sub->id, sub->lab_id, collect_lab,
	    &in) != STORE_OK)) {
		snprintf(err, errlen, "the database failed");
		goto done;
	}
	if (in.bad) {
		snprintf(err, errlen, "out of memory or a bad stored value");
		goto done;
	}
	if ((vulns = judge_vulns(db, sub, &in, &rc)) == NULL) {
		snprintf(err, errlen, "the database failed");
		goto done;
	}
	res = assess_run_vulns(s, in.decls, in.ndecl, in.labs, in.nlab,
	    vulns, in.nvr, err, errlen);
	if (res == NULL)
		log_error("submission %s: the engine refuses the stored "
		    "answers: %s", sub->id, err);
	else if (situate(sub, res) == -1) {
		snprintf(err, errlen, "out of memory");
		assess_free(res);
		res = NULL;
	}
done:
	free(vulns);
	inputs_free(&in);
	return res;
}


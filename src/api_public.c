/*
 * api_public.c: the public face, no token needed.
 *
 *   GET /v1/labels/{id}/badge.svg	the label as a picture (badge.c)
 *   GET /v/{id}			the verification page a QR code leads to
 *   GET /static/labeld.css		the pages' one stylesheet (html.c)
 *
 * (the registry and its page: api_registry.c)
 *
 * A label is shown from its credential exactly as issued (what was
 * certified: product, vendor, tier, firmware versions, support period)
 * with its live status and the vendor's current disclosure contact.  The
 * page verifies the credential as a partner would, with this authority's
 * trust bundle, status lists and the label's log proof, and says what
 * each check found.  Every vendor string reaches the HTML and SVG as text
 * (html.c, badge.c escape it).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "labeld.h"
#include "crypto.h"
#include "scheme.h"
#include "verify.h"

#define PUBLIC_SVG_TYPE		"image/svg+xml"

/* A label as the public routes show it; strings borrowed from cred. */
struct shown {
	struct label		 l;
	struct label_state	 s;
	json_t			*cred;
	const char		*scheme_title;
	const char		*tier_name;
	const char		*product;
	const char		*model;
	const char		*category;
	const char		*vendor;
	const char		*vendor_country;
	const char		*issuer;
	const char		*valid_from;
	const char		*valid_until;
	const char		*support_until;
	const json_t		*versions;
	int			 ntiers;
	char			 contact[LABELD_MAX_CONTACT + 1];
	char			 successor[LABELD_LABEL_ID_MAX + 1];
	char			 verify_url[sizeof(((struct config *)0)->public_url)
				    + LABELD_LABEL_ID_MAX + 4];
};

static const char *sub_str(const json_t *, const char *, const char *);
static int	 shown_load(struct req *, struct shown *);
static void	 shown_free(struct shown *);

/* ---- loading a label ---- */

/* obj.a.b as a string, "" when absent. */
static const char *
sub_str(const json_t *obj, const char *a, const char *b)
{
	const json_t *v = json_object_get(obj, a);

	if (b != NULL)
		v = json_object_get(v, b);
	return json_is_string(v) ? json_string_value(v) : "";
}

/*
 * Loads the label r->params[0] (any case) with its credential, live
 * state, product contact and successor.  STORE_OK, STORE_NOTFOUND or
 * STORE_ERR; release with shown_free in every case.
 */
static int
shown_load(struct req *r, struct shown *sh)
{
	const struct scheme	*sch;
	const json_t		*subj;
	struct product		 p;
	json_error_t		 je;
	char			*buf;
	size_t			 len;
	int			 rc;

	memset(sh, 0, sizeof(*sh));
	if ((rc = store_label_get(r->db, r->params[0], &sh->l)) != STORE_OK)
		return rc;
	if ((rc = store_label_credential(r->db, sh->l.id, &buf, &len)) !=
	    STORE_OK)
		return rc == STORE_NOTFOUND ? STORE_ERR : rc;
	sh->cred = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	free(buf);
	if (sh->cred == NULL) {
		log_warn("%s: label %s: stored credential is not JSON: %s",
		    __func__, sh->l.id, je.text);
		return STORE_ERR;
	}
	lifecycle_state_of(&sh->l, clock_now(), &sh->s);
	subj = json_object_get(sh->cred, "credentialSubject");
	sh->scheme_title = sub_str(subj, "scope", "title");
	if (*sh->scheme_title == '\0')
		sh->scheme_title = sh->l.scheme;
	sh->tier_name = sub_str(subj, "tierName", NULL);
	sh->product = sub_str(subj, "product", "name");
	sh->model = sub_str(subj, "product", "model");
	sh->category = sub_str(subj, "product", "category");
	sh->vendor = sub_str(subj, "issuedToParty", "name");
	sh->vendor_country = sub_str(subj, "issuedToParty", "country");
	sh->issuer = sub_str(sh->cred, "issuer", "name");
	sh->valid_from = sub_str(sh->cred, "validFrom", NULL);
	sh->valid_until = sub_str(sh->cred, "validUntil", NULL);
	sh->support_until = sub_str(subj, "supportUntil", NULL);
	sh->versions = json_object_get(subj, "firmwareVersions");
	if ((sch = catalog_get(r->db, sh->l.scheme, sh->l.scheme_version)) !=
	    NULL)
		sh->ntiers = scheme_ntiers(sch);
	switch (store_product_get(r->db, sh->l.product_id, &p)) {
	case STORE_OK:
		snprintf(sh->contact, sizeof(sh->contact), "%s",
		    p.vulnerability_contact);
		break;
	case STORE_NOTFOUND:
		break;
	default:
		return STORE_ERR;
	}
	if (strcmp(sh->s.status, "superseded") == 0 &&
	    store_registry_successor(r->db, &sh->l, sh->successor) ==
	    STORE_ERR)
		return STORE_ERR;
	snprintf(sh->verify_url, sizeof(sh->verify_url), "%s/v/%s",
	    r->ld->cfg.public_url, sh->l.id);
	return STORE_OK;
}

static void
shown_free(struct shown *sh)
{
	json_decref(sh->cred);
	sh->cred = NULL;
}

/* ---- the badge ---- */

static int
badge_get(struct req *r)
{
	struct shown	 sh;
	struct badge	 b;
	char		*svg, err[256], day[11];
	size_t		 len;
	int		 rc;

	switch (shown_load(r, &sh)) {
	case STORE_OK:
		break;
	case STORE_NOTFOUND:
		shown_free(&sh);
		return reply_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
		    "no label %s", r->params[0]);
	default:
		shown_free(&sh);
		return reply_db_error(r);
	}
	memset(&b, 0, sizeof(b));
	b.label_id = sh.l.id;
	b.product = sh.product;
	b.scheme_title = sh.scheme_title;
	b.tier = sh.l.tier;
	b.ntiers = sh.ntiers;
	b.tier_name = sh.tier_name;
	b.valid_until = html_date(sh.l.valid_until, day);
	b.status = sh.s.status;
	b.successor = sh.successor;
	b.verify_url = sh.verify_url;
	svg = badge_svg(&b, &len, err, sizeof(err));
	shown_free(&sh);
	if (svg == NULL)
		return reply_problem(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "internal", "cannot draw the label: %s", err);
	/* Opened on its own, the SVG is a document: it may run nothing. */
	if (reply_header(r, "Content-Security-Policy", "default-src 'none'") ==
	    -1) {
		free(svg);
		return reply_oom(r);
	}
	rc = reply_raw(r, MHD_HTTP_OK, PUBLIC_SVG_TYPE, svg, len);
	free(svg);
	return rc;
}

/* ---- the verification page ---- */

struct checks {
	json_t		*list;		/* verify_credential's, or NULL */
	char		 why[512];	/* why it could not run */
};

/* b64 of each hash, as GET /v1/labels/{id}/proof answers them. */
static json_t *
proof_json(const struct translog_label_proof *p)
{
	json_t	*h = json_array(), *o = NULL;
	char	*b = NULL;
	size_t	 i;

	for (i = 0; h != NULL && i < p->nproof; i++) {
		if ((b = lc_b64_encode(p->proof[i], TLOG_HASH_LEN, 0)) ==
		    NULL || json_array_append_new(h, json_string(b)) == -1)
			goto done;
		free(b);
		b = NULL;
	}
	if (h == NULL || (b = lc_b64_encode(p->entry, p->len, 0)) == NULL)
		goto done;
	o = json_pack("{s:I, s:I, s:s, s:O, s:s}", "log_index",
	    (json_int_t)p->index, "tree_size", (json_int_t)p->tree_size, "leaf",
	    b, "inclusion", h, "checkpoint", p->note);
done:
	free(b);
	json_decref(h);
	return o;
}

/*
 * Verifies the credential as a partner holding this authority's trust
 * bundle would: keys and log key from the bundle, both status lists, the
 * label's log proof required.  c->list gets the checks, or stays NULL
 * with the reason in c->why.
 */
static void
page_verify(struct req *r, const struct shown *sh, struct checks *c)
{
	static const char *const lists[] = { LABELD_STATUSLIST_REVOCATION,
	    LABELD_STATUSLIST_SUSPENSION };
	struct translog_label_proof	 p;
	struct verify_trust		*t;
	struct verify_opts		 o;
	json_t				*doc, *proofs = NULL;
	char				*buf, err[256];
	size_t				 len, i;
	int				 verified, have_proof = 0;

	c->list = NULL;
	snprintf(c->why, sizeof(c->why), "out of memory");
	if ((t = verify_trust_new()) == NULL)
		return;
	if (trust_bundle_current(r->db, &r->ld->cfg, 0, &buf, &len, NULL,
	    NULL, err, sizeof(err)) != STORE_OK) {
		snprintf(c->why, sizeof(c->why), "the trust bundle is not "
		    "available: %s", err);
		goto done;
	}
	doc = json_loadb(buf, len, 0, NULL);
	free(buf);
	if (doc == NULL || verify_trust_add_bundle(t, doc, err,
	    sizeof(err)) != 0) {
		json_decref(doc);
		snprintf(c->why, sizeof(c->why), "the trust bundle does not "
		    "load: %s", doc == NULL ? "not JSON" : err);
		goto done;
	}
	json_decref(doc);
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		if (statuslist_get(r->db, &r->ld->cfg, lists[i], &buf, &len,
		    err, sizeof(err)) != STORE_OK) {
			snprintf(c->why, sizeof(c->why), "status list %s is "
			    "not available: %s", lists[i], err);
			goto done;
		}
		doc = json_loadb(buf, len, 0, NULL);
		free(buf);
		if (doc == NULL || verify_trust_add_status_list(t, doc, err,
		    sizeof(err)) != 0) {
			json_decref(doc);
			snprintf(c->why, sizeof(c->why), "status list %s does "
			    "not load", lists[i]);
			goto done;
		}
		json_decref(doc);
	}
	if ((proofs = json_array()) == NULL)
		goto done;
	/* No proof (a label from before the log): the log check says so. */
	if (translog_label_proof(r->db, &r->ld->cfg, sh->l.id, &p, err,
	    sizeof(err)) == STORE_OK) {
		have_proof = 1;
		if (json_array_append_new(proofs, proof_json(&p)) == -1) {
			translog_label_proof_free(&p);
			goto done;
		}
		translog_label_proof_free(&p);
	}
	memset(&o, 0, sizeof(o));
	o.at = o.now = clock_now();
	o.log_proofs = proofs;
	o.require_log = have_proof;
	c->list = verify_credential(t, sh->cred, &o, &verified);
done:
	json_decref(proofs);
	verify_trust_free(t);
}

/* One check's line: its name, a plain verdict and verify.c's detail. */
static void
page_check(struct html *h, const struct checks *c, const char *name,
    const char *what)
{
	const json_t	*ck;
	size_t		 i;
	int		 ok;

	html_raw(h, "<dt>");
	html_text(h, what);
	html_raw(h, "</dt><dd>");
	if (c->list == NULL) {
		html_raw(h, "<span class=\"check bad\">Could not be checked"
		    "</span> <span class=\"muted\">");
		html_text(h, c->why);
		html_raw(h, "</span></dd>\n");
		return;
	}
	json_array_foreach(c->list, i, ck) {
		if (strcmp(sub_str(ck, "check", NULL), name) != 0)
			continue;
		ok = json_is_true(json_object_get(ck, "ok"));
		html_raw(h, ok ? "<span class=\"check ok\" data-check=\"" :
		    "<span class=\"check bad\" data-check=\"");
		html_text(h, name);
		html_raw(h, ok ? "\">&#10003; Yes</span>" :
		    "\">&#10007; No</span>");
		html_raw(h, " <span class=\"muted\">");
		html_text(h, sub_str(ck, "detail", NULL));
		html_raw(h, "</span></dd>\n");
		return;
	}
	html_raw(h, "<span class=\"check bad\">Not checked</span></dd>\n");
}

static void
page_fact(struct html *h, const char *term, const char *value)
{
	html_raw(h, "<dt>");
	html_text(h, term);
	html_raw(h, "</dt><dd>");
	html_text(h, *value != '\0' ? value : "(not stated)");
	html_raw(h, "</dd>\n");
}

static void
page_stars(struct html *h, int tier, int ntiers)
{
	int i, n = ntiers > tier ? ntiers : tier;

	html_textf(h, "Tier %d of %d ", tier, n);
	html_raw(h, "<span class=\"stars\" aria-hidden=\"true\">");
	for (i = 0; i < n && i < 9; i++)
		html_raw(h, i < tier ? "&#9733;" : "<span class=\"off\">"
		    "&#9733;</span>");
	html_raw(h, "</span>");
}

/* The vendor's contact as a link: an http(s) URL, or mailto:. */
static void
page_contact(struct html *h, const char *contact)
{
	const char *mail = strncmp(contact, "mailto:", 7) == 0 ? contact + 7 :
	    contact;

	html_raw(h, "<dt>Report a vulnerability</dt><dd>");
	if (*contact == '\0')
		html_raw(h, "<span class=\"muted\">The vendor has not given a "
		    "contact.</span>");
	else if (strncmp(contact, "https://", 8) == 0 ||
	    strncmp(contact, "http://", 7) == 0) {
		html_raw(h, "<a rel=\"nofollow noopener\"");
		html_attr(h, "href", contact);
		html_raw(h, ">");
		html_text(h, contact);
		html_raw(h, "</a>");
	} else {
		html_raw(h, "<a");
		html_raw(h, " href=\"mailto:");
		html_text(h, mail);
		html_raw(h, "\">");
		html_text(h, mail);
		html_raw(h, "</a>");
	}
	html_raw(h, "</dd>\n");
}

/* The friendly page for an id that names no label. */
static int
page_not_found(struct req *r)
{
	struct html h;

	html_init(&h);
	html_begin(&h, "Label not found");
	html_raw(&h, "<div class=\"card\"><h1>No such label</h1>\n<p>There is "
	    "no label <code>");
	html_text(&h, r->params[0]);
	html_raw(&h, "</code> in this registry. Check the id printed on the "
	    "label, or <a href=\"/registry\">search the registry</a>.</p>\n"
	    "<p class=\"muted\">A label that is not listed here was not issued "
	    "by this authority: do not rely on it.</p></div>\n");
	html_end(&h);
	return html_reply(r, MHD_HTTP_NOT_FOUND, &h);
}

static int
verify_page(struct req *r)
{
	struct shown	 sh;
	struct checks	 c;
	struct html	 h;
	const json_t	*v;
	size_t		 i;
	char		 title[LABELD_MAX_NAME + 64], d1[11], d2[11];

	switch (shown_load(r, &sh)) {
	case STORE_OK:
		break;
	case STORE_NOTFOUND:
		shown_free(&sh);
		return page_not_found(r);
	default:
		shown_free(&sh);
		return reply_db_error(r);
	}
	page_verify(r, &sh, &c);
	snprintf(title, sizeof(title), "%s: label %s", sh.product, sh.l.id);
	html_init(&h);
	html_begin(&h, title);

	html_raw(&h, "<div class=\"card\">\n<p class=\"muted\">");
	html_text(&h, sh.scheme_title);
	html_raw(&h, "</p>\n<h1 id=\"product\">");
	html_text(&h, sh.product);
	html_raw(&h, "</h1>\n<p>");
	html_textf(&h, "%s, model %s", sh.vendor, sh.model);
	html_raw(&h, "</p>\n<p>");
	html_status(&h, "status", sh.s.status);
	html_raw(&h, " ");
	html_raw(&h, "<span id=\"tier\">");
	page_stars(&h, sh.l.tier, sh.ntiers);
	html_raw(&h, " ");
	html_text(&h, sh.tier_name);
	html_raw(&h, "</span></p>\n");
	if (strcmp(sh.s.status, "active") != 0) {
		html_raw(&h, "<p id=\"status-detail\">");
		if (strcmp(sh.s.status, "expired") == 0)
			html_textf(&h, "This label expired on %s.",
			    html_date(sh.s.since, d1));
		else
			html_textf(&h, "This label is %s since %s.",
			    sh.s.status, html_date(sh.s.since, d1));
		if (sh.s.reason[0] != '\0')
			html_textf(&h, " Reason: %s", sh.s.reason);
		if (sh.successor[0] != '\0') {
			html_raw(&h, " Superseded by <a");
			html_raw(&h, " href=\"/v/");
			html_text(&h, sh.successor);
			html_raw(&h, "\">");
			html_text(&h, sh.successor);
			html_raw(&h, "</a>.");
		}
		html_raw(&h, "</p>\n");
	}
	html_raw(&h, "</div>\n");

	html_raw(&h, "<div class=\"card\"><h2>The label</h2>\n<dl "
	    "class=\"facts\">\n");
	page_fact(&h, "Label id", sh.l.id);
	page_fact(&h, "Product", sh.product);
	page_fact(&h, "Model", sh.model);
	page_fact(&h, "Category", sh.category);
	html_raw(&h, "<dt>Vendor</dt><dd>");
	html_text(&h, sh.vendor);
	if (*sh.vendor_country != '\0')
		html_textf(&h, " (%s)", sh.vendor_country);
	html_raw(&h, "</dd>\n<dt>Firmware versions covered</dt><dd "
	    "id=\"versions\">");
	json_array_foreach(sh.versions, i, v) {
		if (i > 0)
			html_raw(&h, ", ");
		html_raw(&h, "<code>");
		html_text(&h, json_is_string(v) ? json_string_value(v) : "?");
		html_raw(&h, "</code>");
	}
	html_raw(&h, "</dd>\n<dt>Security updates until</dt><dd "
	    "id=\"support\">");
	html_text(&h, *sh.support_until ? sh.support_until : "(not stated)");
	html_raw(&h, " <span class=\"muted\">(end of the support period the "
	    "vendor committed to)</span></dd>\n");
	page_contact(&h, sh.contact);
	html_raw(&h, "<dt>Valid</dt><dd id=\"validity\">");
	html_textf(&h, "from %s until %s", html_date(sh.valid_from, d1),
	    html_date(sh.valid_until, d2));
	html_raw(&h, "</dd>\n");
	page_fact(&h, "Scheme", sh.scheme_title);
	page_fact(&h, "Issued by", sh.issuer);
	html_raw(&h, "</dl></div>\n");

	html_raw(&h, "<div class=\"card\"><h2>Checked just now</h2>\n<dl "
	    "class=\"facts\">\n");
	page_check(&h, &c, "signature", "The issuer's signature verifies");
	page_check(&h, &c, "log", "The transparency log proof checks");
	page_check(&h, &c, "status", "Not revoked or suspended");
	page_check(&h, &c, "validity", "Within its validity");
	html_raw(&h, "</dl></div>\n");

	html_raw(&h, "<div class=\"card\"><h2>The label image</h2>\n<img "
	    "class=\"badge\"");
	html_raw(&h, " src=\"/v1/labels/");
	html_text(&h, sh.l.id);
	html_raw(&h, "/badge.svg\" alt=\"");
	html_textf(&h, "Label %s, tier %d, %s", sh.l.id, sh.l.tier,
	    html_status_word(sh.s.status));
	html_raw(&h, "\"></div>\n");

	html_raw(&h, "<div class=\"card\"><h2>Verify it yourself</h2>\n<p>The "
	    "signed credential: <a id=\"raw\" href=\"/v1/labels/");
	html_text(&h, sh.l.id);
	html_raw(&h, "\">");
	html_textf(&h, "/v1/labels/%s", sh.l.id);
	html_raw(&h, "</a> (its log proof: <a href=\"/v1/labels/");
	html_text(&h, sh.l.id);
	html_raw(&h, "/proof\">proof</a>). Check it offline with "
	    "<code>labelverify</code> and this authority's <a "
	    "href=\"/v1/trust-bundle\">trust bundle</a>:</p>\n<pre>");
	html_textf(&h, "curl -so label.json %s/v1/labels/%s\n"
	    "curl -so proof.json %s/v1/labels/%s/proof\n"
	    "curl -so bundle.json %s/v1/trust-bundle\n"
	    "curl -so revocation.json %s/v1/status-lists/%s\n"
	    "curl -so suspension.json %s/v1/status-lists/%s\n"
	    "labelverify --trust-bundle bundle.json --status-list "
	    "revocation.json \\\n    --status-list suspension.json --proof "
	    "proof.json --require-log-proof label.json", r->ld->cfg.public_url,
	    sh.l.id, r->ld->cfg.public_url, sh.l.id, r->ld->cfg.public_url,
	    r->ld->cfg.public_url, LABELD_STATUSLIST_REVOCATION,
	    r->ld->cfg.public_url, LABELD_STATUSLIST_SUSPENSION);
	html_raw(&h, "</pre></div>\n");
	html_end(&h);
	json_decref(c.list);
	shown_free(&sh);
	return html_reply(r, MHD_HTTP_OK, &h);
}

const struct route api_public_routes[] = {
	{ "GET", "/v1/labels/{id}/badge.svg", ROLE_PUBLIC, 0, badge_get },
	{ "GET", "/v/{id}", ROLE_PUBLIC, 0, verify_page },
	{ "GET", HTML_CSS_PATH, ROLE_PUBLIC, 0, html_css },
	{ NULL, NULL, 0, 0, NULL }
};

/*
 * verify.c: the checks of one credential against a trust store, see
 * verify.h.  The store itself lives in verify_trust.c, verify_bundle.c
 * and verify_list.c.
 */
#include "verify_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bitstring.h"
#include "crypto.h"
#include "dataint.h"
#include "jcs.h"
#include "note.h"
#include "tlog.h"

/* Longest statusListIndex accepted (digits): lists hold at most
 * BITSTRING_MAX_BYTES * 8 = 2^27 entries, nine digits. */
#define VERIFY_MAX_INDEX_DIGITS	9

/* The contexts labeld issues; any other is unknown_context. */
static const char *const known_contexts[] = {
	VERIFY_VC2_CONTEXT,
};

/* A bounded text buffer that collects "; "-separated phrases. */
struct detail {
	char		 buf[VERIFY_DETAIL_MAX];
	size_t		 len;
	int		 n;
};

/* One verification run. */
struct vrun {
	const struct verify_trust *trust;
	const json_t	*cred;
	const struct verify_opts *o;
	char		 at_s[RFC3339_BUFLEN];
	const char	*issuer;	/* issuer id, NULL when absent */
	const json_t	*proof;		/* a proof object, NULL when none */
	const char	*vm;		/* its verificationMethod */
	const struct vkey *key;		/* the trusted key it names */
	/* the log check, decided before the checks (check_key needs it) */
	const char	*log_code;
	char		 log_detail[VERIFY_DETAIL_MAX];
	int		 has_leaf_time;	/* a leaf naming this credential */
	struct rfc3339_time leaf_time;
	char		 leaf_time_s[RFC3339_BUFLEN];
	json_t		*checks;
	int		 all_ok;
	int		 oom;
};

static void	 detail_add(struct detail *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	 add_check(struct vrun *, const char *, const char *,
		    const char *, ...) __attribute__((format(printf, 4, 5)));
static void	 log_verdict(struct vrun *, const char *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static void
detail_add(struct detail *d, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (d->len + 1 >= sizeof(d->buf))
		return;
	if (d->n++ > 0) {
		n = snprintf(d->buf + d->len, sizeof(d->buf) - d->len, "; ");
		d->len += (size_t)n;
		if (d->len >= sizeof(d->buf)) {
			d->len = sizeof(d->buf) - 1;
			return;
		}
	}
	va_start(ap, fmt);
	n = vsnprintf(d->buf + d->len, sizeof(d->buf) - d->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	d->len += (size_t)n;
	if (d->len >= sizeof(d->buf))
		d->len = sizeof(d->buf) - 1;
}

/*
 * Appends {check: name, code, ok, detail}; ok is code "ok",
 * "status_skipped" or "log_skipped" (the explicit opt-outs).  Anything
 * else fails the run.
 */
static void
add_check(struct vrun *v, const char *name, const char *code,
    const char *fmt, ...)
{
	char	 buf[VERIFY_DETAIL_MAX];
	va_list	 ap;
	json_t	*c;
	int	 ok;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ok = strcmp(code, "ok") == 0 || strcmp(code, "status_skipped") == 0 ||
	    strcmp(code, "log_skipped") == 0;
	if (!ok)
		v->all_ok = 0;
	c = json_pack("{s:s, s:s, s:b, s:s}", "check", name, "code", code,
	    "ok", ok, "detail", buf);
	if (c == NULL || json_array_append_new(v->checks, c) != 0)
		v->oom = 1;
}

static void
check_format(struct vrun *v)
{
	const json_t	*c = v->cred, *subj, *st, *e, *proof;
	struct detail	 d;
	size_t		 i;

	memset(&d, 0, sizeof(d));
	if (!json_is_object(c)) {
		add_check(v, "format", "bad_format", "the credential is not a "
		    "JSON object");
		return;
	}
	if (!vt_has_value(json_object_get(c, "type"), "VerifiableCredential"))
		detail_add(&d, "type does not include VerifiableCredential");
	if (v->issuer == NULL)
		detail_add(&d, "issuer must be a URL or an object with an id");
	subj = json_object_get(c, "credentialSubject");
	if (json_is_array(subj)) {
		if (json_array_size(subj) == 0)
			detail_add(&d, "credentialSubject is an empty array");
		json_array_foreach(subj, i, e)
			if (!json_is_object(e)) {
				detail_add(&d, "credentialSubject[%zu] is not "
				    "an object", i);
				break;
			}
	} else if (!json_is_object(subj))
		detail_add(&d, "credentialSubject is missing or not an object");
	st = json_object_get(c, "credentialStatus");
	if (st != NULL) {
		if (json_is_object(st)) {
			if (!json_is_string(json_object_get(st, "type")))
				detail_add(&d, "credentialStatus has no type");
		} else if (!json_is_array(st))
			detail_add(&d, "credentialStatus must be an object or "
			    "an array of objects");
		else if (json_array_size(st) > VERIFY_MAX_STATUS)
			detail_add(&d, "more than %d credentialStatus entries",
			    VERIFY_MAX_STATUS);
		else
			json_array_foreach(st, i, e)
				if (!json_is_string(json_object_get(e,
				    "type"))) {
					detail_add(&d, "credentialStatus[%zu] "
					    "is not an object with a type", i);
					break;
				}
	}
	proof = json_object_get(c, "proof");
	if (proof == NULL)
		detail_add(&d, "the credential has no proof");
	else if (json_is_array(proof))
		detail_add(&d, "proof sets (an array of proofs) are not "
		    "supported");
	else if (!json_is_object(proof))
		detail_add(&d, "proof is not an object");
	if (d.n > 0)
		add_check(v, "format", "bad_format", "%s", d.buf);
	else
		add_check(v, "format", "ok", "a VC 2.0 credential with a "
		    "Data Integrity proof");
}

/*
 * eddsa-jcs-2022 signs the document's contexts only through the proof's
 * copy of them, and a context can redefine every term: accept exactly the
 * contexts labeld issues, the VC 2.0 one first, each once.
 */
static void
check_context(struct vrun *v)
{
	const json_t	*ctx = json_object_get(v->cred, "@context"), *e;
	size_t		 i, j, k, n = sizeof(known_contexts) /
			    sizeof(known_contexts[0]);

	if (!json_is_array(ctx) || json_array_size(ctx) == 0) {
		add_check(v, "context", "unknown_context", "@context must be "
		    "an array starting with " VERIFY_VC2_CONTEXT);
		return;
	}
	json_array_foreach(ctx, i, e) {
		const char *s = json_string_value(e);

		if (s == NULL) {
			add_check(v, "context", "unknown_context", "@context[%zu] "
			    "is not a URL: embedded contexts are not accepted",
			    i);
			return;
		}
		if (i == 0 && strcmp(s, VERIFY_VC2_CONTEXT) != 0) {
			add_check(v, "context", "unknown_context", "@context "
			    "must start with " VERIFY_VC2_CONTEXT);
			return;
		}
		for (k = 0; k < n && strcmp(s, known_contexts[k]) != 0; k++)
			;
		if (k == n) {
			add_check(v, "context", "unknown_context", "@context "
			    "%.200s is not one labeld issues", s);
			return;
		}
		for (j = 0; j < i; j++)
			if (strcmp(s, json_string_value(json_array_get(ctx,
			    j))) == 0) {
				add_check(v, "context", "unknown_context",
				    "@context lists %.200s twice", s);
				return;
			}
	}
	add_check(v, "context", "ok", "the contexts labeld issues");
}

static void
check_canonical(struct vrun *v)
{
	char	 why[256], *s;
	size_t	 len;

	if ((s = jcs_serialize(v->cred, &len, why, sizeof(why))) == NULL) {
		add_check(v, "canonical", "not_canonical", "no RFC 8785 "
		    "canonical form: %s", why);
		return;
	}
	free(s);
	add_check(v, "canonical", "ok", "RFC 8785 canonical form of %zu bytes",
	    len);
}

/* 1 if some trusted key or pinned bundle belongs to did. */
static int
known_issuer(const struct verify_trust *t, const char *did)
{
	if (t == NULL)
		return 0;
	if (vt_find_issuer(t, did) != NULL)
		return 1;
	for (size_t i = 0; i < t->nkeys; i++)
		if (strcmp(t->keys[i].controller, did) == 0)
			return 1;
	return 0;
}

static void
check_issuer(struct vrun *v)
{
	const struct vissuer	*is;
	struct rfc3339_time	 now = { (int64_t)v->o->now, 0 };

	if (v->issuer == NULL) {
		add_check(v, "issuer", "unknown_issuer", "the credential names "
		    "no issuer");
		return;
	}
	if (v->trust != NULL &&
	    (is = vt_find_issuer(v->trust, v->issuer)) != NULL) {
		if (is->refused != NULL) {
			add_check(v, "issuer", "bundle_refused", "an update of "
			    "the trust bundle of %s was refused: %s",
			    v->issuer, is->refused);
			return;
		}
		if (rfc3339_cmp(&is->expires, &now) <= 0) {
			add_check(v, "issuer", "bundle_expired", "the trust "
			    "bundle of %s (version %lld) expired on %s: give "
			    "its newer versions as updates", v->issuer,
			    (long long)is->version, is->expires_s);
			return;
		}
	}
	if (!known_issuer(v->trust, v->issuer)) {
		add_check(v, "issuer", "unknown_issuer", "issuer %.300s is not "
		    "trusted (give its trust bundle)", v->issuer);
		return;
	}
	if (v->vm == NULL) {
		add_check(v, "issuer", "unknown_key", "the proof names no "
		    "verificationMethod");
		return;
	}
	if (v->key == NULL) {
		add_check(v, "issuer", "unknown_key", "key %.300s is not a "
		    "trusted key of %.300s", v->vm, v->issuer);
		return;
	}
	if (strcmp(v->key->controller, v->issuer) != 0) {
		add_check(v, "issuer", "unknown_key", "key %.300s belongs to "
		    "%.300s, not to the credential's issuer %.300s", v->vm,
		    v->key->controller, v->issuer);
		return;
	}
	add_check(v, "issuer", "ok", "issuer %s, trusted key %s", v->issuer,
	    v->vm);
}

static void
check_signature(struct vrun *v)
{
	struct dataint_result	 res;
	char			 why[VERIFY_DETAIL_MAX];

	if (v->proof == NULL) {
		add_check(v, "signature", "not_checked", "not checked: no "
		    "proof");
		return;
	}
	if (v->key == NULL) {
		add_check(v, "signature", "not_checked", "not checked: no "
		    "trusted key %.300s", v->vm ? v->vm :
		    "(no verificationMethod)");
		return;
	}
	if (dataint_verify(v->cred, v->key->pk, &res, why, sizeof(why)) != 0) {
		add_check(v, "signature", "bad_signature", "%s", why);
		return;
	}
	if (strcmp(res.proof_purpose, DATAINT_PURPOSE) != 0) {
		add_check(v, "signature", "bad_signature", "proofPurpose is "
		    "\"%s\", expected " DATAINT_PURPOSE, res.proof_purpose);
		return;
	}
	add_check(v, "signature", "ok", DATAINT_CRYPTOSUITE " signature by %s "
	    "verifies", v->vm);
}

static void
check_key(struct vrun *v)
{
	char	 why[VERIFY_DETAIL_MAX];
	int	 code;

	if (v->key == NULL) {
		add_check(v, "key", "not_checked", "not checked: no trusted "
		    "key %.300s", v->vm ? v->vm : "(no verificationMethod)");
		return;
	}
	if (vt_key_valid_at(v->key, vt_str(v->proof, "created"), &code, why,
	    sizeof(why)) != 0) {
		add_check(v, "key", code == VT_KEY_COMPROMISED ?
		    "key_compromised" : "key_not_valid", "%s", why);
		return;
	}
	if (v->has_leaf_time && v->key->has_comp &&
	    rfc3339_cmp(&v->leaf_time, &v->key->comp) >= 0) {
		add_check(v, "key", "key_compromised", "logged %s, at or after "
		    "the compromise of key %s on %s (the log fixes when it was "
		    "issued, whatever proof.created claims)", v->leaf_time_s,
		    v->key->vm_id, v->key->comp_s);
		return;
	}
	add_check(v, "key", "ok", "%s", why);
}

static void
check_validity(struct vrun *v)
{
	const json_t		*jf, *ju;
	const char		*from, *until;
	struct rfc3339_time	 f, u, at = { (int64_t)v->o->at, 0 };

	if (!json_is_object(v->cred)) {
		add_check(v, "validity", "not_checked", "not checked: not a "
		    "credential");
		return;
	}
	jf = json_object_get(v->cred, "validFrom");
	ju = json_object_get(v->cred, "validUntil");
	from = json_string_value(jf);
	until = json_string_value(ju);
	if ((jf != NULL && rfc3339_parse(from, &f) != 0) ||
	    (ju != NULL && rfc3339_parse(until, &u) != 0)) {
		add_check(v, "validity", "bad_format", "validFrom and "
		    "validUntil must be RFC 3339 date-times with a time zone");
		return;
	}
	if (jf != NULL && ju != NULL && rfc3339_cmp(&f, &u) > 0) {
		add_check(v, "validity", "bad_format", "validFrom %s is after "
		    "validUntil %s", from, until);
		return;
	}
	if (jf != NULL && rfc3339_cmp(&at, &f) < 0) {
		add_check(v, "validity", "not_yet_valid", "not yet valid: "
		    "validFrom %s is after %s", from, v->at_s);
		return;
	}
	if (ju != NULL && rfc3339_cmp(&at, &u) > 0) {
		add_check(v, "validity", "expired", "expired: validUntil %s is "
		    "before %s", until, v->at_s);
		return;
	}
	add_check(v, "validity", "ok", "valid from %s until %s at %s",
	    from ? from : "(open)", until ? until : "(open)", v->at_s);
}

/* Reads statusListIndex, a decimal string ("0", "94567"); -1 if not. */
static int
parse_index(const json_t *j, size_t *out)
{
	const char	*s = json_string_value(j);
	size_t		 n, v = 0;

	if (s == NULL || (n = strlen(s)) == 0 || n > VERIFY_MAX_INDEX_DIGITS ||
	    (n > 1 && s[0] == '0'))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (size_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/* What one status entry showed, worst last: the status check's code is
 * the worst of its entries'. */
enum sfault {
	SF_OK,
	SF_FORMAT,		/* bad_format */
	SF_UNCHECKED,		/* status_unchecked */
	SF_STALE,		/* status_stale */
	SF_SUSPENDED,		/* suspended */
	SF_REVOKED		/* revoked */
};

static const char *const sfault_code[] = {
	"ok", "bad_format", "status_unchecked", "status_stale", "suspended",
	"revoked"
};

/* Checks one entry against its list l, noting what it saw in good or bad;
 * returns its fault. */
static enum sfault
status_entry(struct vrun *v, const json_t *e, const struct vlist *l,
    struct detail *good, struct detail *bad)
{
	const char		*purpose = vt_str(e, "statusPurpose");
	const json_t		*size = json_object_get(e, "statusSize");
	struct rfc3339_time	 at = { (int64_t)v->o->at, 0 };
	size_t			 index;
	int			 bit;

	if (purpose == NULL) {
		detail_add(bad, "an entry for %s has no statusPurpose", l->id);
		return SF_FORMAT;
	}
	if (!vt_has_value(l->purposes, purpose)) {
		detail_add(bad, "%s entry points at %s, a list of another "
		    "purpose", purpose, l->id);
		return SF_FORMAT;
	}
	if (size != NULL && !(json_is_integer(size) &&
	    json_integer_value(size) == 1)) {
		detail_add(bad, "%s entry: only statusSize 1 is supported",
		    purpose);
		return SF_FORMAT;
	}
	if (parse_index(json_object_get(e, "statusListIndex"), &index) != 0) {
		detail_add(bad, "%s entry: statusListIndex is not a decimal "
		    "string", purpose);
		return SF_FORMAT;
	}
	if ((bit = bitstring_get(l->bits, l->nbytes, index)) < 0) {
		detail_add(bad, "%s index %zu is beyond the %zu entries of %s",
		    purpose, index, l->nbytes * 8, l->id);
		return SF_FORMAT;
	}
	/* Revocation is final: a set bit counts even in a stale list. */
	if (bit == 1 && strcmp(purpose, "revocation") == 0) {
		detail_add(bad, "revoked: revocation bit %zu is set in %s",
		    index, l->id);
		return SF_REVOKED;
	}
	if (!l->has_until || rfc3339_cmp(&at, &l->until) > 0) {
		detail_add(bad, "status list %s %s%s (checked at %s): fetch a "
		    "fresh copy", l->id, l->has_until ? "expired on " :
		    "has no validUntil", l->has_until ? l->until_s : "",
		    v->at_s);
		return SF_STALE;
	}
	if (v->o->max_status_age > 0 && (!l->has_from ||
	    (int64_t)v->o->at - l->from.sec > v->o->max_status_age)) {
		detail_add(bad, "status list %s was signed %s, more than "
		    "%lld s before %s (--max-status-age): fetch a fresh copy",
		    l->id, l->has_from ? l->from_s : "at an unknown time",
		    (long long)v->o->max_status_age, v->at_s);
		return SF_STALE;
	}
	if (bit == 1 && strcmp(purpose, "suspension") == 0) {
		detail_add(bad, "suspended: suspension bit %zu is set in %s",
		    index, l->id);
		return SF_SUSPENDED;
	}
	if (strcmp(purpose, "revocation") != 0 &&
	    strcmp(purpose, "suspension") != 0) {
		detail_add(bad, "%s entry: a status purpose labeld cannot "
		    "judge", purpose);
		return SF_UNCHECKED;
	}
	detail_add(good, "%s bit %zu clear in the list of %s", purpose, index,
	    l->from_s != NULL ? l->from_s : "(no date)");
	return SF_OK;
}

/*
 * Fail closed: the status is known only when every entry's list was
 * given, is the issuer's, and is fresh at `at`.
 */
static void
check_status(struct vrun *v)
{
	const json_t		*st, *e;
	const struct vlist	*l;
	struct detail		 good, bad;
	enum sfault		 worst = SF_OK, f;
	size_t			 i, n;

	memset(&good, 0, sizeof(good));
	memset(&bad, 0, sizeof(bad));
	if (!json_is_object(v->cred)) {
		add_check(v, "status", "not_checked", "not checked: not a "
		    "credential");
		return;
	}
	if (v->o->no_status) {
		add_check(v, "status", "status_skipped", "not checked: status "
		    "skipped on request (--no-status)");
		return;
	}
	st = json_object_get(v->cred, "credentialStatus");
	if (st == NULL) {
		add_check(v, "status", "ok", "the credential has no "
		    "credentialStatus");
		return;
	}
	if (!json_is_array(st) && !json_is_object(st)) {
		add_check(v, "status", "bad_format", "credentialStatus is "
		    "malformed");
		return;
	}
	n = json_is_array(st) ? json_array_size(st) : 1;
	if (n > VERIFY_MAX_STATUS) {
		add_check(v, "status", "bad_format", "more than %d "
		    "credentialStatus entries", VERIFY_MAX_STATUS);
		return;
	}
	for (i = 0; i < n; i++) {
		const char *url;

		e = json_is_array(st) ? json_array_get(st, i) : st;
		url = vt_str(e, "statusListCredential");
		if (!vt_has_value(json_object_get(e, "type"),
		    "BitstringStatusListEntry")) {
			detail_add(&bad, "entry %zu is of a type labeld cannot "
			    "check", i);
			f = SF_UNCHECKED;
		} else if (url == NULL) {
			detail_add(&bad, "entry %zu has no "
			    "statusListCredential", i);
			f = SF_FORMAT;
		} else if (v->trust == NULL || v->issuer == NULL ||
		    (l = vt_find_list(v->trust, url, v->issuer)) == NULL) {
			detail_add(&bad, "status list %.300s of the issuer was "
			    "not given", url);
			f = SF_UNCHECKED;
		} else
			f = status_entry(v, e, l, &good, &bad);
		if (f > worst)
			worst = f;
	}
	if (worst != SF_OK)
		add_check(v, "status", sfault_code[worst], "%s", bad.buf);
	else if (good.n == 0)
		add_check(v, "status", "ok", "credentialStatus is empty");
	else
		add_check(v, "status", "ok", "%s", good.buf);
}

/* The log check's verdict: code and detail, kept for check_log. */
static void
log_verdict(struct vrun *v, const char *code, const char *fmt, ...)
{
	va_list	ap;

	v->log_code = code;
	va_start(ap, fmt);
	vsnprintf(v->log_detail, sizeof(v->log_detail), fmt, ap);
	va_end(ap);
}

/*
 * The leaf of a label proof, decoded and parsed into *leaf (the caller
 * decrefs it), and its bytes into *bytes (free).  0, or -1 when the proof
 * has no base64 leaf of at most VERIFY_MAX_LEAF bytes holding a JSON
 * object.
 */
static int
proof_leaf(const json_t *proof, json_t **leaf, uint8_t **bytes, size_t *len)
{
	const char	*b64 = vt_str(proof, "leaf");

	*leaf = NULL;
	*bytes = NULL;
	if (b64 == NULL || lc_b64_decode(b64, 0, bytes, len) != 0)
		return -1;
	if (*len > VERIFY_MAX_LEAF || (*leaf = json_loadb((const char *)*bytes,
	    *len, JSON_REJECT_DUPLICATES, NULL)) == NULL ||
	    !json_is_object(*leaf)) {
		json_decref(*leaf);
		*leaf = NULL;
		free(*bytes);
		*bytes = NULL;
		return -1;
	}
	return 0;
}

/* The base64 hashes of the array a into out[0..*n); 0 or -1. */
static int
proof_hashes(const json_t *a, uint8_t out[TLOG_MAX_PROOF][TLOG_HASH_LEN],
    size_t *n)
{
	const json_t	*e;
	uint8_t		*b;
	size_t		 i, len;

	*n = 0;
	if (!json_is_array(a) || json_array_size(a) > TLOG_MAX_PROOF)
		return -1;
	json_array_foreach(a, i, e) {
		if (!json_is_string(e) || lc_b64_decode(json_string_value(e), 0,
		    &b, &len) != 0)
			return -1;
		if (len != TLOG_HASH_LEN) {
			free(b);
			return -1;
		}
		memcpy(out[i], b, TLOG_HASH_LEN);
		free(b);
		(*n)++;
	}
	return 0;
}

/*
 * The checkpoint note text of proof, signed by the issuer's log key and of
 * its log origin, into c (cleared by the caller) and the parsed note into
 * *np (note_free by the caller).  0, or -1 with why.
 */
static int
proof_checkpoint(const struct vissuer *is, const char *text,
    struct note_checkpoint *c, struct note **np, char *why, size_t whylen)
{
	struct note	*n = NULL;
	char		 e[VERIFY_DETAIL_MAX];
	int		 rc = -1;

	*np = NULL;
	if (note_parse(text, strlen(text), &n, e, sizeof(e)) != 0) {
		snprintf(why, whylen, "the checkpoint is not a signed note: "
		    "%.300s", e);
		goto done;
	}
	if (note_verify(n, &is->log_vk, 1, NULL, NULL, e, sizeof(e)) != 0) {
		snprintf(why, whylen, "the checkpoint is not signed by the log "
		    "key of %.200s's trust bundle: %.300s", is->did, e);
		goto done;
	}
	if (note_checkpoint_parse(n->text, n->textlen, c, e, sizeof(e)) != 0) {
		snprintf(why, whylen, "the checkpoint: %.300s", e);
		goto done;
	}
	if (strcmp(c->origin, is->log_origin) != 0) {
		snprintf(why, whylen, "the checkpoint is of log %.300s, not of "
		    "the issuer's log %.300s", c->origin, is->log_origin);
		goto done;
	}
	*np = n;
	n = NULL;
	rc = 0;
done:
	note_free(n);
	return rc;
}

/*
 * The consistency proof of opts.log_consistency between the trees of
 * first and second leaves into proof[0..*n).  0, or -1 when none was
 * given (a malformed one counts as none).
 */
static int
consistency_find(const json_t *proofs, uint64_t first, uint64_t second,
    uint8_t proof[TLOG_MAX_PROOF][TLOG_HASH_LEN], size_t *n)
{
	const json_t	*p, *f, *s;
	size_t		 i;

	json_array_foreach(proofs, i, p) {
		f = json_object_get(p, "first");
		s = json_object_get(p, "second");
		if (!json_is_integer(f) || !json_is_integer(s) ||
		    json_integer_value(f) < 0 || json_integer_value(s) < 0 ||
		    (uint64_t)json_integer_value(f) != first ||
		    (uint64_t)json_integer_value(s) != second)
			continue;
		if (proof_hashes(json_object_get(p, "hashes"), proof, n) == 0)
			return 0;
	}
	return -1;
}

/*
 * The checkpoint c of the issuer's log against every --since checkpoint
 * of that log (opts.log_since, the verifier's earlier view): signed by the
 * same log key, and one tree a prefix of the other, by a consistency proof
 * from opts.log_consistency (equal sizes: equal roots).  Checkpoints of
 * other logs are left to their issuers.  0, or -1 with why (fail closed:
 * a missing proof fails too).
 */
static int
log_extends(const struct verify_opts *o, const struct vissuer *is,
    const struct note_checkpoint *c, char *why, size_t whylen)
{
	struct note_checkpoint	 old;
	struct note		*n = NULL;
	uint8_t			 proof[TLOG_MAX_PROOF][TLOG_HASH_LEN];
	const uint8_t		*r1, *r2;
	const json_t		*s;
	const char		*text;
	char			 e[VERIFY_DETAIL_MAX];
	uint64_t		 first, second;
	size_t			 i, np;
	int			 rc = -1;

	memset(&old, 0, sizeof(old));
	json_array_foreach(o->log_since, i, s) {
		memset(&old, 0, sizeof(old));
		note_free(n);
		n = NULL;
		if ((text = json_string_value(s)) == NULL ||
		    note_parse(text, strlen(text), &n, e, sizeof(e)) != 0 ||
		    note_checkpoint_parse(n->text, n->textlen, &old, e,
		    sizeof(e)) != 0) {
			snprintf(why, whylen, "a --since checkpoint is not a "
			    "signed checkpoint: %.300s", e);
			goto done;
		}
		if (strcmp(old.origin, is->log_origin) != 0) {
			note_checkpoint_clear(&old);
			continue;
		}
		if (note_verify(n, &is->log_vk, 1, NULL, NULL, e,
		    sizeof(e)) != 0) {
			snprintf(why, whylen, "the --since checkpoint of size "
			    "%llu is not signed by the log key of %.200s's "
			    "trust bundle: %.300s", (unsigned long long)old.size,
			    is->did, e);
			goto done;
		}
		first = old.size < c->size ? old.size : c->size;
		second = old.size < c->size ? c->size : old.size;
		r1 = old.size < c->size ? old.root : c->root;
		r2 = old.size < c->size ? c->root : old.root;
		if (first == second && !lc_equal(r1, r2, TLOG_HASH_LEN)) {
			snprintf(why, whylen, "split view: the --since "
			    "checkpoint and the proof's both have %llu leaves "
			    "but different roots", (unsigned long long)first);
			goto done;
		}
		if (first != second && consistency_find(o->log_consistency,
		    first, second, proof, &np) != 0) {
			snprintf(why, whylen, "no consistency proof between "
			    "the --since checkpoint and the proof's (first=%llu"
			    "&second=%llu) was given (--consistency)",
			    (unsigned long long)first,
			    (unsigned long long)second);
			goto done;
		}
		if (first != second && tlog_verify_consistency(first, second,
		    r1, r2, (const uint8_t (*)[TLOG_HASH_LEN])proof, np, e,
		    sizeof(e)) != 0) {
			snprintf(why, whylen, "the log did not only grow from "
			    "%llu to %llu leaves: %.300s",
			    (unsigned long long)first,
			    (unsigned long long)second, e);
			goto done;
		}
		note_checkpoint_clear(&old);
	}
	rc = 0;
done:
	note_checkpoint_clear(&old);
	note_free(n);
	return rc;
}

/*
 * The witnesses' cosignatures on the checkpoint note n: at least
 * opts.quorum distinct witnesses of opts.witnesses must have cosigned it.
 * A "witness" holding the log's own key does not count: a log cannot
 * witness itself.  0, or -1 with why.
 */
static int
log_witnessed(const struct verify_opts *o, const struct vissuer *is,
    const struct note *n, char *why, size_t whylen)
{
	const struct note_verifier	*w;
	struct note_result		 r;
	char				 e[VERIFY_DETAIL_MAX];
	size_t				 i, j, good = 0;

	if (o->nwitnesses == 0)
		return 0;
	for (i = 0; i < o->nwitnesses; i++) {
		w = &o->witnesses[i];
		for (j = 0; j < i; j++)
			if (o->witnesses[j].keyid == w->keyid &&
			    strcmp(o->witnesses[j].name, w->name) == 0)
				break;
		if (j < i || w->alg != NOTE_ALG_COSIGNATURE ||
		    lc_equal(w->pk, is->log_vk.pk, sizeof(w->pk)))
			continue;
		memset(&r, 0, sizeof(r));
		if (note_verify(n, w, 1, &r, NULL, e, sizeof(e)) == 0 &&
		    r.verified)
			good++;
	}
	if (good >= o->quorum && good > 0)
		return 0;
	snprintf(why, whylen, "the checkpoint carries valid cosignatures of "
	    "%zu of the %zu witnesses given, %zu required (--quorum)", good,
	    o->nwitnesses, o->quorum > 0 ? o->quorum : 1);
	return -1;
}

/*
 * Checks the proof p, whose leaf (leaf, bytes[0..len)) names the label,
 * against the credential and the issuer's log; sets the verdict.  A leaf
 * that names this very credential also gives its time to check_key.
 */
static void
log_check_proof(struct vrun *v, const json_t *p, const json_t *leaf,
    const uint8_t *bytes, size_t len, const char *label)
{
	const struct vissuer	*is;
	struct note_checkpoint	 c;
	struct note		*cn = NULL;
	uint8_t			 proof[TLOG_MAX_PROOF][TLOG_HASH_LEN];
	uint8_t			 digest[32], lh[TLOG_HASH_LEN];
	const json_t		*ji = json_object_get(p, "log_index");
	const json_t		*js = json_object_get(p, "tree_size");
	const char		*kind = vt_str(leaf, "kind");
	const char		*sha = vt_str(leaf, "credential_sha256");
	const char		*lt = vt_str(leaf, "time");
	const char		*note = vt_str(p, "checkpoint");
	char			 hex[65], why[VERIFY_DETAIL_MAX], *canon;
	size_t			 clen, n;

	memset(&c, 0, sizeof(c));
	if (kind == NULL || strcmp(kind, "issue") != 0) {
		log_verdict(v, "bad_log_proof", "the proof's leaf for %s is of "
		    "kind %.40s, not its issue", label, kind ? kind : "(none)");
		return;
	}
	if ((canon = jcs_serialize(v->cred, &clen, why, sizeof(why))) ==
	    NULL) {
		log_verdict(v, "bad_log_proof", "no RFC 8785 form to digest: "
		    "%s", why);
		return;
	}
	lc_sha256(canon, clen, digest);
	free(canon);
	lc_hex(digest, sizeof(digest), hex);
	if (sha == NULL || strcmp(sha, hex) != 0) {
		log_verdict(v, "bad_log_proof", "the logged credential_sha256 "
		    "%.64s of %s is not this credential's %s", sha ? sha :
		    "(none)", label, hex);
		return;
	}
	if (lt == NULL || rfc3339_parse(lt, &v->leaf_time) != 0) {
		log_verdict(v, "bad_log_proof", "the leaf of %s has no RFC 3339 "
		    "time", label);
		return;
	}
	v->has_leaf_time = 1;
	snprintf(v->leaf_time_s, sizeof(v->leaf_time_s), "%.31s", lt);
	if (v->issuer == NULL || v->trust == NULL || (is =
	    vt_find_issuer(v->trust, v->issuer)) == NULL || !is->has_log) {
		log_verdict(v, "bad_log_proof", "no pinned trust bundle of the "
		    "issuer carries a log key");
		return;
	}
	if (!json_is_integer(ji) || !json_is_integer(js) ||
	    json_integer_value(ji) < 0 || json_integer_value(js) < 1 ||
	    note == NULL) {
		log_verdict(v, "bad_log_proof", "the proof needs integer "
		    "log_index and tree_size and a checkpoint");
		return;
	}
	if (proof_checkpoint(is, note, &c, &cn, why, sizeof(why)) != 0) {
		log_verdict(v, "bad_log_proof", "%s", why);
		goto done;
	}
	if (c.size != (uint64_t)json_integer_value(js)) {
		log_verdict(v, "bad_log_proof", "tree_size %lld is not the "
		    "checkpoint's %llu", (long long)json_integer_value(js),
		    (unsigned long long)c.size);
		goto done;
	}
	if (proof_hashes(json_object_get(p, "inclusion"), proof, &n) != 0) {
		log_verdict(v, "bad_log_proof", "inclusion must be an array of "
		    "at most %d base64 SHA-256 hashes", TLOG_MAX_PROOF);
		goto done;
	}
	if (tlog_leaf_hash(bytes, len, lh, why, sizeof(why)) != 0 ||
	    tlog_verify_inclusion((uint64_t)json_integer_value(ji), c.size, lh,
	    (const uint8_t (*)[TLOG_HASH_LEN])proof, n, c.root, why,
	    sizeof(why)) != 0) {
		log_verdict(v, "bad_log_proof", "the inclusion proof of leaf "
		    "%lld does not reach the checkpoint's root: %s",
		    (long long)json_integer_value(ji), why);
		goto done;
	}
	if (log_extends(v->o, is, &c, why, sizeof(why)) != 0) {
		log_verdict(v, "log_inconsistent", "%s", why);
		goto done;
	}
	if (log_witnessed(v->o, is, cn, why, sizeof(why)) != 0) {
		log_verdict(v, "log_not_witnessed", "%s", why);
		goto done;
	}
	log_verdict(v, "ok", "%s logged %s: leaf %lld of the %llu-leaf "
	    "checkpoint of %s, signed by its log key%s%s%s", label,
	    v->leaf_time_s, (long long)json_integer_value(ji),
	    (unsigned long long)c.size, c.origin,
	    json_array_size(v->o->log_since) > 0 ? ", consistent with the "
	    "--since checkpoints" : "", v->o->nwitnesses > 0 ? ", " : "",
	    v->o->nwitnesses > 0 ? "cosigned by a quorum of witnesses" : "");
done:
	note_checkpoint_clear(&c);
	note_free(cn);
}

/*
 * Decides the log check before the others run: finds the proof whose leaf
 * names the credential's labelId and checks it (log_check_proof).
 */
static void
log_prepare(struct vrun *v)
{
	const json_t	*subj, *p, *leaf = NULL;
	const char	*label, *lid;
	uint8_t		*bytes = NULL;
	json_t		*l;
	size_t		 i, len = 0;

	if (!json_is_object(v->cred)) {
		log_verdict(v, "not_checked", "not checked: not a credential");
		return;
	}
	if (v->o->log_online) {
		log_verdict(v, "log_skipped", "not checked: POST /v1/verify does "
		    "not check log proofs (labelverify --proof does)");
		return;
	}
	subj = json_object_get(v->cred, "credentialSubject");
	label = vt_str(subj, "labelId");
	json_array_foreach(v->o->log_proofs, i, p) {
		if (label == NULL || i >= VERIFY_MAX_PROOFS)
			break;
		if (proof_leaf(p, &l, &bytes, &len) != 0)
			continue;
		lid = vt_str(l, "label_id");
		if (lid != NULL && strcmp(lid, label) == 0) {
			leaf = l;
			break;
		}
		json_decref(l);
		free(bytes);
		bytes = NULL;
	}
	if (leaf == NULL) {
		if (v->o->require_log)
			log_verdict(v, "not_logged", "no log proof of %.300s "
			    "was given (--require-log-proof)", label ? label :
			    "the credential (it has no labelId)");
		else
			log_verdict(v, "log_skipped", "not checked: no log proof "
			    "of %.300s was given", label ? label :
			    "the credential (it has no labelId)");
		return;
	}
	log_check_proof(v, p, leaf, bytes, len, label);
	json_decref((json_t *)leaf);
	free(bytes);
}

static void
check_log(struct vrun *v)
{
	add_check(v, "log", v->log_code, "%s", v->log_detail);
}

json_t *
verify_credential(const struct verify_trust *t, const json_t *cred,
    const struct verify_opts *o, int *verified)
{
	struct vrun	 v;
	const json_t	*proof;

	memset(&v, 0, sizeof(v));
	v.trust = t;
	v.cred = cred;
	v.o = o;
	v.all_ok = 1;
	rfc3339_format(o->at, v.at_s);
	if ((v.checks = json_array()) == NULL)
		return NULL;
	if (json_is_object(cred)) {
		v.issuer = verify_issuer_id(cred);
		if (v.issuer != NULL && strlen(v.issuer) > VERIFY_MAX_ID)
			v.issuer = NULL;
		proof = json_object_get(cred, "proof");
		if (json_is_object(proof)) {
			v.proof = proof;
			v.vm = vt_str(proof, "verificationMethod");
			if (v.vm != NULL && t != NULL)
				v.key = vt_find_key(t, v.vm);
		}
	}
	log_prepare(&v);
	check_format(&v);
	check_context(&v);
	check_canonical(&v);
	check_issuer(&v);
	check_signature(&v);
	check_key(&v);
	check_validity(&v);
	check_status(&v);
	check_log(&v);
	if (v.oom) {
		json_decref(v.checks);
		return NULL;
	}
	if (verified != NULL)
		*verified = v.all_ok;
	return v.checks;
}

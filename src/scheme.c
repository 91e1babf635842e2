/*
 * scheme.c: load and validate labelling scheme documents.
 *
 * Validation is hand-written rather than driven by
 * schemas/scheme.schema.json for two reasons: jansson has no JSON Schema
 * validator, and several rules cross members (requirement tiers against the
 * tier list, condition and evidence-kind references, unique ids, cumulative
 * modes) which JSON Schema cannot say.  The JSON Schema documents the format
 * for scheme authors; this file is the authority, and tests/check_scheme.c
 * keeps the two in step.
 *
 * Every error names the origin, the JSON path of the fault and what was
 * expected, so a regulator editing a 3000-line scheme finds the line at once.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errfmt.h"
#include "scheme.h"
#include "rfc3339.h"

#define PATH_LEN	192

struct tier_info {
	const char		*name;
	enum scheme_mode	 mode;
	int			 lab_review;	/* self-declared, lab-reviewed */
};

struct id_index {
	const char	*id;
	size_t		 idx;
};

struct scheme {
	/* An owned deep copy of the document: all strings point here. */
	json_t				*doc;
	const char			*id, *title, *country;
	int				 version, max_validity_days, ntiers;
	int				 sbom_from_tier;
	/* "critical".."low", NULL when vulnerabilities never block. */
	const char			*vuln_threshold;
	/* Indexed 1..ntiers. */
	struct tier_info		 tiers[LABELD_SCHEME_MAX_TIERS + 1];
	size_t				 nreq;
	struct scheme_requirement	*reqs;
	/* Each requirement's borrowed "conditions" array, NULL when none. */
	const json_t			**req_conditions;
	/* reqs sorted by id, for bsearch. */
	struct id_index			*by_id;
	const json_t			*reassessment_rules;
};

struct vctx {
	const char	*origin;
	char		*err;
	size_t		 errlen;
};

static int	 verr(struct vctx *, const char *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static void	 path_fmt(char *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* ---- error reporting ---- */

/*
 * "origin: path: " and the message into c's error buffer, when there is
 * one.  Always -1, so that a check can return verr(...).
 */
static int
verr(struct vctx *c, const char *path, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (c->err == NULL || c->errlen == 0)
		return -1;
	n = snprintf(c->err, c->errlen, "%s: %s: ", c->origin, path);
	if (n < 0 || (size_t)n >= c->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * snprintf into a path buffer.  Paths are bounded by the document's nesting
 * (five levels) and LABELD_SCHEME_MAX_ID_LEN, so PATH_LEN is not reached;
 * were it reached, the path would merely be cut short.
 */
static void
path_fmt(char *out, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(out, PATH_LEN, fmt, ap);
	va_end(ap);
}

/*
 * Appends ".name" to parent; names that are not plain identifiers (they
 * come from untrusted documents) are shown quoted with odd bytes replaced.
 */
static void
path_member(char *out, const char *parent, const char *name)
{
	char	 safe[LABELD_SCHEME_MAX_ID_LEN + 1];
	size_t	 i;
	int	 plain = name[0] != '\0';

	for (i = 0; i < LABELD_SCHEME_MAX_ID_LEN && name[i] != '\0'; i++) {
		unsigned char	 ch = (unsigned char)name[i];
		int		 ok;

		ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '_' || ch == '$';
		if (!ok)
			plain = 0;
		safe[i] = (ch >= 0x20 && ch < 0x7f && ch != '"' &&
		    ch != '\\') ? (char)ch : '?';
	}
	safe[i] = '\0';
	if (plain)
		path_fmt(out, "%s.%s", parent, safe);
	else
		path_fmt(out, "%s[\"%s\"]", parent, safe);
}

static void
path_index(char *out, const char *parent, size_t i)
{
	path_fmt(out, "%s[%zu]", parent, i);
}

/* ---- primitive checks ---- */

/*
 * Members outside allowed (NULL-terminated) are errors: a typo such as
 * "obligaton" must not silently turn a mandatory requirement into a
 * default.
 */
static int
check_members(struct vctx *c, const json_t *obj, const char *path,
    const char *const *allowed)
{
	const char	*key;
	json_t		*val;

	json_object_foreach((json_t *)obj, key, val) {
		size_t	 i;
		int	 found = 0;

		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(key, allowed[i]) == 0) {
				found = 1;
				break;
			}
		if (!found) {
			char	 p[PATH_LEN];

			path_member(p, path, key);
			return verr(c, p, "unknown member");
		}
	}
	return 0;
}

static int
want_object(struct vctx *c, const json_t *v, const char *path)
{
	if (!json_is_object(v))
		return verr(c, path, "expected object");
	return 0;
}

/*
 * Fetches member name of obj into *out; a missing required member is an
 * error, a missing optional one leaves *out NULL.  p receives the member's
 * path.
 */
static int
member(struct vctx *c, const json_t *obj, const char *path, const char *name,
    int required, const json_t **out, char *p)
{
	path_member(p, path, name);
	*out = json_object_get(obj, name);
	if (*out == NULL && required)
		return verr(c, p, "required member missing");
	return 0;
}

static int
want_int(struct vctx *c, const json_t *v, const char *path, long lo, long hi,
    int *out)
{
	json_int_t	 x;

	if (!json_is_integer(v))
		goto bad;
	x = json_integer_value(v);
	if (x < lo || x > hi)
		goto bad;
	*out = (int)x;
	return 0;
bad:
	return verr(c, path, "expected integer %ld..%ld", lo, hi);
}

/*
 * Prose: a non-blank string without NUL or control characters other than
 * newline, at most LABELD_SCHEME_MAX_TEXT_LEN bytes.
 */
static int
want_text(struct vctx *c, const json_t *v, const char *path,
    const char **out)
{
	const char	*s;
	size_t		 len, i;
	int		 blank = 1;

	if (!json_is_string(v))
		return verr(c, path, "expected non-empty string");
	s = json_string_value(v);
	len = json_string_length(v);
	if (len > LABELD_SCHEME_MAX_TEXT_LEN)
		return verr(c, path, "expected at most %d bytes",
		    LABELD_SCHEME_MAX_TEXT_LEN);
	if (strlen(s) != len)
		return verr(c, path, "expected string without NUL characters");
	for (i = 0; i < len; i++) {
		unsigned char	 ch = (unsigned char)s[i];

		if (ch < 0x20 && ch != '\n')
			return verr(c, path, "expected string without "
			    "control characters");
		if (ch != ' ' && ch != '\n')
			blank = 0;
	}
	if (blank)
		return verr(c, path, "expected non-empty string");
	*out = s;
	return 0;
}

/*
 * Id spellings:
 *   ID_SLUG   lowercase words joined by '-': scheme ids
 *   ID_TOKEN  letters, digits, '.', '_', '-', starting alphanumeric
 *   ID_SNAKE  lowercase letters, digits, '_', starting with a letter
 */
enum id_style {
	ID_SLUG,
	ID_TOKEN,
	ID_SNAKE
};

static int
id_ok(const char *s, size_t len, enum id_style style)
{
	size_t	 i;

	if (len == 0 || len > LABELD_SCHEME_MAX_ID_LEN || strlen(s) != len)
		return 0;
	for (i = 0; i < len; i++) {
		char	 ch = s[i];
		int	 lower = ch >= 'a' && ch <= 'z';
		int	 digit = ch >= '0' && ch <= '9';
		int	 upper = ch >= 'A' && ch <= 'Z';

		switch (style) {
		case ID_SLUG:
			if (ch == '-') {
				if (i == 0 || i + 1 == len || s[i - 1] == '-')
					return 0;
			} else if (!lower && !digit) {
				return 0;
			}
			break;
		case ID_TOKEN:
			if (i == 0 && !lower && !upper && !digit)
				return 0;
			if (!lower && !upper && !digit && ch != '.' &&
			    ch != '_' && ch != '-')
				return 0;
			break;
		case ID_SNAKE:
			if (i == 0 && !lower)
				return 0;
			if (!lower && !digit && ch != '_')
				return 0;
			break;
		}
	}
	return 1;
}

static int
want_id(struct vctx *c, const json_t *v, const char *path,
    enum id_style style, const char **out)
{
	static const char *const what[] = {
		[ID_SLUG] = "lowercase slug such as \"sg-cls-iot\"",
		[ID_TOKEN] = "identifier of letters, digits, '.', '_' or '-'",
		[ID_SNAKE] = "lowercase identifier such as \"test_record\"",
	};

	if (!json_is_string(v) ||
	    !id_ok(json_string_value(v), json_string_length(v), style))
		return verr(c, path, "expected %s of at most %d characters",
		    what[style], LABELD_SCHEME_MAX_ID_LEN);
	*out = json_string_value(v);
	return 0;
}

static int
want_enum(struct vctx *c, const json_t *v, const char *path,
    const char *const *names, int n, int *out)
{
	int	 i;

	if (json_is_string(v))
		for (i = 0; i < n; i++)
			if (strcmp(json_string_value(v), names[i]) == 0) {
				*out = i;
				return 0;
			}
	if (n == 2)
		return verr(c, path, "expected \"%s\" or \"%s\"", names[0],
		    names[1]);
	if (n == 3)
		return verr(c, path, "expected \"%s\", \"%s\" or \"%s\"",
		    names[0], names[1], names[2]);
	return verr(c, path, "expected \"%s\", \"%s\", \"%s\" or \"%s\"",
	    names[0], names[1], names[2], names[3]);
}

static int
want_array(struct vctx *c, const json_t *v, const char *path, size_t min,
    size_t max)
{
	size_t	 n;

	if (!json_is_array(v))
		return verr(c, path, "expected array");
	n = json_array_size(v);
	if (n < min || n > max) {
		if (min == 0)
			return verr(c, path, "expected at most %zu items", max);
		return verr(c, path, "expected %zu..%zu items", min, max);
	}
	return 0;
}

/*
 * Position of id among the key members of the objects in arr (validated
 * earlier), -1 if absent.  Lists are bounded by LABELD_SCHEME_MAX_CONDITIONS
 * or LABELD_SCHEME_MAX_LIST, so a linear scan is fine.
 */
static long
find_id(const json_t *arr, const char *key, const char *id)
{
	const char	*x;
	size_t		 i;

	for (i = 0; i < json_array_size(arr); i++) {
		x = json_string_value(json_object_get(json_array_get(arr, i),
		    key));
		if (x != NULL && strcmp(x, id) == 0)
			return (long)i;
	}
	return -1;
}

/*
 * An array of strings, each an id of style, no repeats; when table_path is
 * given each must be the "id" of one of the objects of table (which may be
 * NULL when the document has no such table: then nothing is defined).
 */
static int
want_id_list(struct vctx *c, const json_t *v, const char *path, size_t min,
    enum id_style style, const json_t *table, const char *table_path)
{
	size_t	 i, j;

	if (want_array(c, v, path, min, LABELD_SCHEME_MAX_LIST) < 0)
		return -1;
	for (i = 0; i < json_array_size(v); i++) {
		char		 p[PATH_LEN];
		const char	*s;

		path_index(p, path, i);
		if (want_id(c, json_array_get(v, i), p, style, &s) < 0)
			return -1;
		for (j = 0; j < i; j++)
			if (strcmp(s,
			    json_string_value(json_array_get(v, j))) == 0)
				return verr(c, p, "duplicate of item %zu", j);
		if (table_path != NULL && find_id(table, "id", s) < 0)
			return verr(c, p, "\"%s\" is not defined in %s", s,
			    table_path);
	}
	return 0;
}

/* ---- the document's parts ---- */

/* Both "conditions" and "evidence_kinds" are tables of {id, <text member>}. */
static int
check_table(struct vctx *c, const json_t *v, const char *path, size_t max,
    enum id_style style, const char *text_member)
{
	const char *const	 allowed[] = { "id", text_member, NULL };
	size_t			 i, j;

	if (want_array(c, v, path, 0, max) < 0)
		return -1;
	for (i = 0; i < json_array_size(v); i++) {
		const json_t	*e = json_array_get(v, i), *m;
		char		 p[PATH_LEN], q[PATH_LEN];
		const char	*id, *text;

		path_index(p, path, i);
		if (want_object(c, e, p) < 0 ||
		    check_members(c, e, p, allowed) < 0)
			return -1;
		if (member(c, e, p, "id", 1, &m, q) < 0 ||
		    want_id(c, m, q, style, &id) < 0)
			return -1;
		for (j = 0; j < i; j++)
			if (strcmp(id, json_string_value(json_object_get(
			    json_array_get(v, j), "id"))) == 0)
				return verr(c, q, "duplicate id \"%s\" "
				    "(first at %s[%zu])", id, path, j);
		if (member(c, e, p, text_member, 1, &m, q) < 0 ||
		    want_text(c, m, q, &text) < 0)
			return -1;
	}
	return 0;
}

static int
check_sources(struct vctx *c, const json_t *v, const char *path)
{
	static const char *const	 allowed[] = { "title", "url", NULL };
	size_t				 i;

	if (want_array(c, v, path, 0, LABELD_SCHEME_MAX_LIST) < 0)
		return -1;
	for (i = 0; i < json_array_size(v); i++) {
		const json_t	*e = json_array_get(v, i), *m;
		char		 p[PATH_LEN], q[PATH_LEN];
		const char	*s;

		path_index(p, path, i);
		if (want_object(c, e, p) < 0 ||
		    check_members(c, e, p, allowed) < 0)
			return -1;
		if (member(c, e, p, "title", 1, &m, q) < 0 ||
		    want_text(c, m, q, &s) < 0)
			return -1;
		if (member(c, e, p, "url", 0, &m, q) < 0)
			return -1;
		if (m != NULL && (want_text(c, m, q, &s) < 0 ||
		    (strncmp(s, "https://", 8) != 0 &&
		    strncmp(s, "http://", 7) != 0) ||
		    strchr(s, ' ') != NULL || strchr(s, '\n') != NULL))
			return verr(c, q, "expected http(s) URL");
	}
	return 0;
}

static int
check_tiers(struct vctx *c, struct scheme *s, const json_t *v,
    const char *path, const json_t *kinds)
{
	static const char *const	 allowed[] = {
		"tier", "name", "mode", "description", "evidence",
		"lab_review", NULL
	};
	static const char *const	 modes[] = {
		"self_declaration", "third_party"
	};
	size_t				 i;

	if (want_array(c, v, path, 1, LABELD_SCHEME_MAX_TIERS) < 0)
		return -1;
	s->ntiers = (int)json_array_size(v);
	for (i = 0; i < json_array_size(v); i++) {
		const json_t	*e = json_array_get(v, i), *m;
		char		 p[PATH_LEN], q[PATH_LEN];
		const char	*text;
		int		 n, mode = 0;

		path_index(p, path, i);
		if (want_object(c, e, p) < 0 ||
		    check_members(c, e, p, allowed) < 0)
			return -1;
		/*
		 * Tiers are listed in order so that "tier N" and $.tiers[N-1]
		 * agree.
		 */
		if (member(c, e, p, "tier", 1, &m, q) < 0)
			return -1;
		if (!json_is_integer(m) ||
		    json_integer_value(m) != (json_int_t)i + 1)
			return verr(c, q, "expected %zu (tiers are listed in "
			    "order from 1)", i + 1);
		n = (int)i + 1;
		if (member(c, e, p, "name", 1, &m, q) < 0 ||
		    want_text(c, m, q, &s->tiers[n].name) < 0)
			return -1;
		if (member(c, e, p, "mode", 1, &m, q) < 0 ||
		    want_enum(c, m, q, modes, 2, &mode) < 0)
			return -1;
		/*
		 * Tiers are cumulative: tier N includes the lab work of a
		 * lower third-party tier, so it cannot be self-declared.
		 */
		if (n > 1 && s->tiers[n - 1].mode == SCHEME_THIRD_PARTY &&
		    mode != SCHEME_THIRD_PARTY)
			return verr(c, q, "expected \"third_party\" (tier %d "
			    "is third_party and tiers are cumulative)", n - 1);
		s->tiers[n].mode = (enum scheme_mode)mode;
		if (member(c, e, p, "description", 1, &m, q) < 0 ||
		    want_text(c, m, q, &text) < 0)
			return -1;
		if (member(c, e, p, "evidence", 1, &m, q) < 0 ||
		    want_id_list(c, m, q, 0, ID_SNAKE, kinds,
		    "$.evidence_kinds") < 0)
			return -1;
		if (member(c, e, p, "lab_review", 0, &m, q) < 0)
			return -1;
		if (m != NULL && !json_is_boolean(m))
			return verr(c, q, "expected true or false");
		/* A lab already judges every requirement of a lab tier. */
		if (json_is_true(m) && mode == SCHEME_THIRD_PARTY)
			return verr(c, q, "allowed only on a self_declaration "
			    "tier (a third_party tier is assessed by a lab)");
		s->tiers[n].lab_review = json_is_true(m);
	}
	return 0;
}

static int
check_requirement(struct vctx *c, struct scheme *s, size_t i, const json_t *e,
    const char *p, const json_t *conds, const json_t *kinds)
{
	static const char *const	 allowed[] = {
		"id", "title", "tier", "mode", "obligation", "conditions",
		"recommended_from", "references", "evidence", "guidance",
		"note", NULL
	};
	static const char *const	 modes[] = {
		"self_declaration", "third_party"
	};
	static const char *const	 obligations[] = {
		"mandatory", "conditional", "recommended"
	};
	struct scheme_requirement	*r = &s->reqs[i];
	const json_t			*m;
	char				 q[PATH_LEN];
	const char			*text;
	size_t				 j;
	int				 mode = 0, obl = 0, from = 0;

	if (want_object(c, e, p) < 0 || check_members(c, e, p, allowed) < 0)
		return -1;
	if (member(c, e, p, "id", 1, &m, q) < 0 ||
	    want_id(c, m, q, ID_TOKEN, &r->id) < 0)
		return -1;
	if (member(c, e, p, "title", 1, &m, q) < 0 ||
	    want_text(c, m, q, &r->title) < 0)
		return -1;
	if (member(c, e, p, "tier", 1, &m, q) < 0 ||
	    want_int(c, m, q, 1, s->ntiers, &r->tier) < 0)
		return -1;
	if (member(c, e, p, "mode", 1, &m, q) < 0 ||
	    want_enum(c, m, q, modes, 2, &mode) < 0)
		return -1;
	r->mode = (enum scheme_mode)mode;
	if (r->mode == SCHEME_THIRD_PARTY &&
	    s->tiers[r->tier].mode != SCHEME_THIRD_PARTY)
		return verr(c, q, "expected \"self_declaration\" (tier %d is "
		    "self-declared; a lab requirement belongs to a third_party "
		    "tier)", r->tier);
	if (member(c, e, p, "obligation", 1, &m, q) < 0 ||
	    want_enum(c, m, q, obligations, 3, &obl) < 0)
		return -1;
	r->obligation = (enum scheme_obligation)obl;

	if (member(c, e, p, "conditions", r->obligation == SCHEME_CONDITIONAL,
	    &m, q) < 0)
		return -1;
	if (m != NULL) {
		if (r->obligation == SCHEME_MANDATORY)
			return verr(c, q, "not allowed for a mandatory "
			    "requirement (use obligation \"conditional\")");
		if (want_id_list(c, m, q, 1, ID_TOKEN, conds,
		    "$.conditions") < 0)
			return -1;
		s->req_conditions[i] = m;
		r->nconditions = json_array_size(m);
	}

	if (member(c, e, p, "recommended_from", 0, &m, q) < 0)
		return -1;
	if (m != NULL) {
		if (r->obligation == SCHEME_RECOMMENDED)
			return verr(c, q, "not allowed for a recommended "
			    "requirement (it says from which lower tier a "
			    "required one is recommended)");
		if (r->tier < 2)
			return verr(c, q, "not allowed for a tier 1 "
			    "requirement");
		if (want_int(c, m, q, 1, r->tier - 1, &from) < 0)
			return -1;
	}

	if (member(c, e, p, "references", 1, &m, q) < 0 ||
	    want_array(c, m, q, 0, LABELD_SCHEME_MAX_LIST) < 0)
		return -1;
	for (j = 0; j < json_array_size(m); j++) {
		char	 pj[PATH_LEN];

		path_index(pj, q, j);
		if (want_text(c, json_array_get(m, j), pj, &text) < 0)
			return -1;
	}
	if (member(c, e, p, "evidence", 1, &m, q) < 0 ||
	    want_id_list(c, m, q, 0, ID_SNAKE, kinds, "$.evidence_kinds") < 0)
		return -1;
	r->nevidence_kinds = json_array_size(m);
	if (member(c, e, p, "guidance", 1, &m, q) < 0 ||
	    want_text(c, m, q, &r->guidance) < 0)
		return -1;
	if (member(c, e, p, "note", 0, &m, q) < 0 ||
	    (m != NULL && want_text(c, m, q, &text) < 0))
		return -1;
	return 0;
}

static int
cmp_index(const void *a, const void *b)
{
	const struct id_index	*x = a, *y = b;
	int			 r = strcmp(x->id, y->id);

	if (r != 0)
		return r;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int
check_requirements(struct vctx *c, struct scheme *s, const json_t *v,
    const char *path, const json_t *conds, const json_t *kinds)
{
	size_t	 i, n;

	if (want_array(c, v, path, 1, LABELD_SCHEME_MAX_REQUIREMENTS) < 0)
		return -1;
	n = json_array_size(v);
	s->reqs = calloc(n, sizeof(*s->reqs));
	s->req_conditions = calloc(n, sizeof(*s->req_conditions));
	s->by_id = calloc(n, sizeof(*s->by_id));
	if (s->reqs == NULL || s->req_conditions == NULL || s->by_id == NULL)
		return verr(c, path, "out of memory");
	s->nreq = n;
	for (i = 0; i < n; i++) {
		char	 p[PATH_LEN];

		path_index(p, path, i);
		if (check_requirement(c, s, i, json_array_get(v, i), p, conds,
		    kinds) < 0)
			return -1;
		s->by_id[i].id = s->reqs[i].id;
		s->by_id[i].idx = i;
	}
	qsort(s->by_id, n, sizeof(*s->by_id), cmp_index);
	for (i = 1; i < n; i++)
		if (strcmp(s->by_id[i - 1].id, s->by_id[i].id) == 0) {
			char	 p[PATH_LEN];

			path_fmt(p, "%s[%zu].id", path, s->by_id[i].idx);
			return verr(c, p, "duplicate requirement id \"%s\" "
			    "(first at %s[%zu])", s->by_id[i].id, path,
			    s->by_id[i - 1].idx);
		}
	return 0;
}

/*
 * Each tier must add something that can block it, and a third-party tier
 * must add lab work: otherwise the tier's name promises an assessment
 * nobody does.
 */
static int
check_tier_contents(struct vctx *c, const struct scheme *s)
{
	int	 t;

	for (t = 1; t <= s->ntiers; t++) {
		size_t	 i;
		int	 blocking = 0, lab = 0;
		char	 p[PATH_LEN];

		for (i = 0; i < s->nreq; i++) {
			const struct scheme_requirement	*r = &s->reqs[i];

			if (r->tier != t || r->obligation == SCHEME_RECOMMENDED)
				continue;
			blocking = 1;
			if (r->mode == SCHEME_THIRD_PARTY)
				lab = 1;
		}
		path_fmt(p, "$.tiers[%d]", t - 1);
		if (!blocking)
			return verr(c, p, "expected at least one mandatory or "
			    "conditional requirement with \"tier\": %d", t);
		if (s->tiers[t].mode == SCHEME_THIRD_PARTY && !lab)
			return verr(c, p, "expected at least one mandatory or "
			    "conditional third_party requirement with "
			    "\"tier\": %d", t);
	}
	return 0;
}

static int
check_reassessment(struct vctx *c, struct scheme *s, const json_t *v,
    const char *path)
{
	static const char *const	 allowed[] = {
		"summary", "sbom_from_tier", "rules", NULL
	};
	static const char *const	 rule_allowed[] = {
		"change", "description", "action", NULL
	};
	static const char *const	 actions[] = {
		"notify", "redeclare", "retest", "new_application"
	};
	const json_t			*m, *rules;
	char				 q[PATH_LEN], rp[PATH_LEN];
	const char			*text;
	size_t				 i;
	int				 x = 0;

	if (want_object(c, v, path) < 0 ||
	    check_members(c, v, path, allowed) < 0)
		return -1;
	if (member(c, v, path, "summary", 1, &m, q) < 0 ||
	    want_text(c, m, q, &text) < 0)
		return -1;
	if (member(c, v, path, "sbom_from_tier", 0, &m, q) < 0 ||
	    (m != NULL && want_int(c, m, q, 1, s->ntiers,
	    &s->sbom_from_tier) < 0))
		return -1;
	if (member(c, v, path, "rules", 1, &rules, rp) < 0 ||
	    want_array(c, rules, rp, 1, LABELD_SCHEME_MAX_LIST) < 0)
		return -1;
	for (i = 0; i < json_array_size(rules); i++) {
		const json_t	*e = json_array_get(rules, i);
		char		 p[PATH_LEN];
		const char	*change;

		path_index(p, rp, i);
		if (want_object(c, e, p) < 0 ||
		    check_members(c, e, p, rule_allowed) < 0)
			return -1;
		if (member(c, e, p, "change", 1, &m, q) < 0 ||
		    want_id(c, m, q, ID_SNAKE, &change) < 0)
			return -1;
		if (find_id(rules, "change", change) != (long)i)
			return verr(c, q, "duplicate change kind \"%s\"",
			    change);
		if (member(c, e, p, "description", 1, &m, q) < 0 ||
		    want_text(c, m, q, &text) < 0)
			return -1;
		if (member(c, e, p, "action", 1, &m, q) < 0 ||
		    want_enum(c, m, q, actions, 4, &x) < 0)
			return -1;
	}
	s->reassessment_rules = rules;
	return 0;
}

static int
check_document(struct vctx *c, struct scheme *s)
{
	static const char *const	 allowed[] = {
		"$schema", "id", "version", "title", "country", "authority",
		"effective_from", "max_validity_days", "model_note", "sources",
		"conditions", "evidence_kinds", "tiers", "requirements",
		"reassessment", "vulnerability_threshold", NULL
	};
	static const char *const	 severities[] = {
		"critical", "high", "medium", "low"
	};
	const json_t			*d = s->doc, *m, *conds, *kinds;
	char				 q[PATH_LEN];
	const char			*text;

	if (want_object(c, d, "$") < 0 || check_members(c, d, "$", allowed) < 0)
		return -1;
	if (member(c, d, "$", "$schema", 0, &m, q) < 0 ||
	    (m != NULL && want_text(c, m, q, &text) < 0))
		return -1;
	if (member(c, d, "$", "id", 1, &m, q) < 0 ||
	    want_id(c, m, q, ID_SLUG, &s->id) < 0)
		return -1;
	if (member(c, d, "$", "version", 1, &m, q) < 0 ||
	    want_int(c, m, q, 1, LABELD_SCHEME_MAX_VERSION, &s->version) < 0)
		return -1;
	if (member(c, d, "$", "title", 1, &m, q) < 0 ||
	    want_text(c, m, q, &s->title) < 0)
		return -1;
	if (member(c, d, "$", "country", 1, &m, q) < 0)
		return -1;
	if (!json_is_string(m) || json_string_length(m) != 2 ||
	    json_string_value(m)[0] < 'A' || json_string_value(m)[0] > 'Z' ||
	    json_string_value(m)[1] < 'A' || json_string_value(m)[1] > 'Z')
		return verr(c, q, "expected ISO 3166-1 alpha-2 code such as "
		    "\"SG\"");
	s->country = json_string_value(m);
	if (member(c, d, "$", "authority", 0, &m, q) < 0 ||
	    (m != NULL && want_text(c, m, q, &text) < 0))
		return -1;
	if (member(c, d, "$", "effective_from", 0, &m, q) < 0)
		return -1;
	if (m != NULL && (!json_is_string(m) ||
	    rfc3339_date_check(json_string_value(m)) != 0))
		return verr(c, q, "expected date YYYY-MM-DD");
	if (member(c, d, "$", "max_validity_days", 1, &m, q) < 0 ||
	    want_int(c, m, q, 1, LABELD_SCHEME_MAX_VALIDITY,
	    &s->max_validity_days) < 0)
		return -1;
	if (member(c, d, "$", "model_note", 0, &m, q) < 0 ||
	    (m != NULL && want_text(c, m, q, &text) < 0))
		return -1;
	if (member(c, d, "$", "sources", 0, &m, q) < 0 ||
	    (m != NULL && check_sources(c, m, q) < 0))
		return -1;
	if (member(c, d, "$", "conditions", 0, &conds, q) < 0 ||
	    (conds != NULL && check_table(c, conds, q,
	    LABELD_SCHEME_MAX_CONDITIONS, ID_TOKEN, "text") < 0))
		return -1;
	if (member(c, d, "$", "evidence_kinds", 1, &kinds, q) < 0 ||
	    check_table(c, kinds, q, LABELD_SCHEME_MAX_LIST, ID_SNAKE,
	    "description") < 0)
		return -1;
	if (member(c, d, "$", "tiers", 1, &m, q) < 0 ||
	    check_tiers(c, s, m, q, kinds) < 0)
		return -1;
	if (member(c, d, "$", "requirements", 1, &m, q) < 0 ||
	    check_requirements(c, s, m, q, conds, kinds) < 0)
		return -1;
	if (check_tier_contents(c, s) < 0)
		return -1;
	if (member(c, d, "$", "reassessment", 1, &m, q) < 0 ||
	    check_reassessment(c, s, m, q) < 0)
		return -1;
	if (member(c, d, "$", "vulnerability_threshold", 0, &m, q) < 0)
		return -1;
	if (m != NULL) {
		int	 sev = 0;

		if (want_enum(c, m, q, severities, 4, &sev) < 0)
			return -1;
		/* Vulnerabilities are those of the SBOM's components. */
		if (s->sbom_from_tier == 0)
			return verr(c, q, "needs $.reassessment.sbom_from_tier, "
			    "the tier from which vulnerabilities are accounted "
			    "for");
		s->vuln_threshold = severities[sev];
	}
	return 0;
}

/* ---- public API ---- */

/*
 * Validates doc (not stolen; the scheme keeps a deep copy) into a new
 * scheme the caller frees with scheme_free(), or NULL with err set.
 */
struct scheme *
scheme_from_json(const json_t *doc, const char *origin, char *err,
    size_t errlen)
{
	struct vctx	 c = {
		origin != NULL ? origin : "scheme", err, errlen
	};
	struct scheme	*s;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (doc == NULL) {
		verr(&c, "$", "expected object");
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		verr(&c, "$", "out of memory");
		return NULL;
	}
	/*
	 * A private copy: the caller may change or free doc afterwards, and
	 * the strings the accessors hand out must not move.
	 */
	s->doc = json_deep_copy(doc);
	if (s->doc == NULL) {
		verr(&c, "$", "out of memory");
		goto fail;
	}
	if (check_document(&c, s) < 0)
		goto fail;
	return s;
fail:
	scheme_free(s);
	return NULL;
}

/*
 * Loads and validates the scheme file at path: a new scheme the caller
 * frees with scheme_free(), or NULL with err set.
 */
struct scheme *
scheme_load_file(const char *path, char *err, size_t errlen)
{
	struct scheme	*s = NULL;
	json_error_t	 jerr;
	json_t		*doc = NULL;
	char		*buf = NULL;
	size_t		 n;
	FILE		*f;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	f = fopen(path, "rb");
	if (f == NULL) {
		errfmt(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	/*
	 * Read at most one byte past the limit, so a huge or endless file (a
	 * FIFO, /dev/zero) is refused without being read whole.
	 */
	buf = malloc((size_t)LABELD_SCHEME_MAX_FILE_BYTES + 1);
	if (buf == NULL) {
		errfmt(err, errlen, "%s: out of memory", path);
		goto done;
	}
	n = fread(buf, 1, (size_t)LABELD_SCHEME_MAX_FILE_BYTES + 1, f);
	if (ferror(f)) {
		errfmt(err, errlen, "%s: read error", path);
		goto done;
	}
	if (n > (size_t)LABELD_SCHEME_MAX_FILE_BYTES) {
		errfmt(err, errlen, "%s: larger than %d bytes", path,
		    LABELD_SCHEME_MAX_FILE_BYTES);
		goto done;
	}
	/*
	 * Duplicate members are refused: which of two "tier" values wins
	 * would otherwise depend on the parser.
	 */
	doc = json_loadb(buf, n, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL) {
		errfmt(err, errlen, "%s:%d:%d: %s", path, jerr.line,
		    jerr.column, jerr.text);
		goto done;
	}
	s = scheme_from_json(doc, path, err, errlen);
done:
	json_decref(doc);
	free(buf);
	fclose(f);
	return s;
}

/* Frees s and everything borrowed from it; NULL is allowed. */
void
scheme_free(struct scheme *s)
{
	if (s == NULL)
		return;
	free(s->reqs);
	free(s->req_conditions);
	free(s->by_id);
	json_decref(s->doc);
	free(s);
}

/* The accessors below borrow from s: valid until scheme_free(s). */

/* The scheme's id ("sg-cls-iot"). */
const char *
scheme_id(const struct scheme *s)
{
	return s->id;
}

/* The version of this scheme document, 1..LABELD_SCHEME_MAX_VERSION. */
int
scheme_version(const struct scheme *s)
{
	return s->version;
}

/* The scheme's title. */
const char *
scheme_title(const struct scheme *s)
{
	return s->title;
}

/* The ISO 3166-1 alpha-2 code of the issuing country. */
const char *
scheme_country(const struct scheme *s)
{
	return s->country;
}

/* The longest validity of a label under this scheme, in days. */
int
scheme_max_validity_days(const struct scheme *s)
{
	return s->max_validity_days;
}

/* The number of tiers, numbered 1..scheme_ntiers(s). */
int
scheme_ntiers(const struct scheme *s)
{
	return s->ntiers;
}

/* The validated document; not to be modified or decref'd. */
const json_t *
scheme_json(const struct scheme *s)
{
	return s->doc;
}

/* The number of requirements. */
size_t
scheme_nrequirements(const struct scheme *s)
{
	return s->nreq;
}

/* The severity from which an open vulnerability blocks, NULL when none. */
const char *
scheme_vulnerability_threshold(const struct scheme *s)
{
	return s->vuln_threshold;
}

/* The tier from which each firmware version needs an SBOM, 0 when never. */
int
scheme_sbom_from_tier(const struct scheme *s)
{
	return s->sbom_from_tier;
}

/* The name of tier, NULL when tier is out of range. */
const char *
scheme_tier_name(const struct scheme *s, int tier)
{
	if (tier < 1 || tier > s->ntiers)
		return NULL;
	return s->tiers[tier].name;
}

/* 1 when tier is third_party, 0 when self-declared, -1 if out of range. */
int
scheme_tier_is_third_party(const struct scheme *s, int tier)
{
	if (tier < 1 || tier > s->ntiers)
		return -1;
	return s->tiers[tier].mode == SCHEME_THIRD_PARTY;
}

/* 1 when tier is self-declared and reviewed by a lab, 0 when not, -1. */
int
scheme_tier_lab_review(const struct scheme *s, int tier)
{
	if (tier < 1 || tier > s->ntiers)
		return -1;
	return s->tiers[tier].lab_review;
}

/*
 * 1 when an approved lab gives verdicts on tier: a third_party tier or a
 * lab-reviewed one; 0 when not; -1 when tier is out of range.
 */
int
scheme_tier_lab_assessed(const struct scheme *s, int tier)
{
	if (tier < 1 || tier > s->ntiers)
		return -1;
	return s->tiers[tier].mode == SCHEME_THIRD_PARTY ||
	    s->tiers[tier].lab_review;
}

/* Requirement i in document order, NULL when i is out of range. */
const struct scheme_requirement *
scheme_requirement_at(const struct scheme *s, size_t i)
{
	if (i >= s->nreq)
		return NULL;
	return &s->reqs[i];
}

static int
cmp_key(const void *key, const void *elem)
{
	return strcmp(key, ((const struct id_index *)elem)->id);
}

/* The index of requirement req_id, -1 when unknown (or req_id is NULL). */
long
scheme_requirement_index(const struct scheme *s, const char *req_id)
{
	const struct id_index	*hit;

	if (req_id == NULL)
		return -1;
	hit = bsearch(req_id, s->by_id, s->nreq, sizeof(*s->by_id), cmp_key);
	return hit != NULL ? (long)hit->idx : -1;
}

/* Condition j of requirement i, NULL when either is out of range. */
const char *
scheme_requirement_condition(const struct scheme *s, size_t i, size_t j)
{
	if (i >= s->nreq || s->req_conditions[i] == NULL)
		return NULL;
	return json_string_value(json_array_get(s->req_conditions[i], j));
}

/*
 * The id of evidence kind j that requirement i asks for, NULL when either
 * is out of range.
 */
const char *
scheme_requirement_evidence(const struct scheme *s, size_t i, size_t j)
{
	const json_t	*r;

	if (i >= s->nreq)
		return NULL;
	r = json_array_get(json_object_get(s->doc, "requirements"), i);
	return json_string_value(json_array_get(json_object_get(r,
	    "evidence"), j));
}

/* The text of condition cond_id of $.conditions, NULL when unknown. */
const char *
scheme_condition_text(const struct scheme *s, const char *cond_id)
{
	const json_t	*conds = json_object_get(s->doc, "conditions");
	long		 k;

	if (cond_id == NULL || conds == NULL ||
	    (k = find_id(conds, "id", cond_id)) < 0)
		return NULL;
	return json_string_value(json_object_get(json_array_get(conds,
	    (size_t)k), "text"));
}

/* The description of evidence kind kind, NULL when s has no such kind. */
const char *
scheme_evidence_kind_description(const struct scheme *s, const char *kind)
{
	const json_t	*kinds = json_object_get(s->doc, "evidence_kinds");
	long		 k;

	if (kind == NULL || (k = find_id(kinds, "id", kind)) < 0)
		return NULL;
	return json_string_value(json_object_get(json_array_get(kinds,
	    (size_t)k), "description"));
}

/* 1 when req_id names a requirement of s, else 0. */
int
scheme_has_requirement(const struct scheme *s, const char *req_id)
{
	return scheme_requirement_index(s, req_id) >= 0;
}

/* The tier from which req_id applies, -1 when unknown. */
int
scheme_requirement_tier(const struct scheme *s, const char *req_id)
{
	long	 i = scheme_requirement_index(s, req_id);

	return i < 0 ? -1 : s->reqs[i].tier;
}

/* 1 when req_id is third_party, 0 when self-declared, -1 when unknown. */
int
scheme_requirement_third_party(const struct scheme *s, const char *req_id)
{
	long	 i = scheme_requirement_index(s, req_id);

	return i < 0 ? -1 : s->reqs[i].mode == SCHEME_THIRD_PARTY;
}

/*
 * The action the reassessment policy asks for a change of kind change,
 * NULL when change is NULL or the policy has no such kind.
 */
const char *
scheme_reassessment_action(const struct scheme *s, const char *change)
{
	long	 i;

	if (change == NULL)
		return NULL;
	i = find_id(s->reassessment_rules, "change", change);
	if (i < 0)
		return NULL;
	return json_string_value(json_object_get(
	    json_array_get(s->reassessment_rules, (size_t)i), "action"));
}

/* The document's name of mode m (a static string). */
const char *
scheme_mode_name(enum scheme_mode m)
{
	return m == SCHEME_THIRD_PARTY ? "third_party" : "self_declaration";
}

/* The document's name of obligation o (a static string), else "unknown". */
const char *
scheme_obligation_name(enum scheme_obligation o)
{
	switch (o) {
	case SCHEME_MANDATORY:
		return "mandatory";
	case SCHEME_CONDITIONAL:
		return "conditional";
	case SCHEME_RECOMMENDED:
		return "recommended";
	}
	return "unknown";
}

/* {member: {from, to}} for every member of a or b whose values differ,
 * skipping skip (may be NULL). */
static json_t *
diff_members(const json_t *a, const json_t *b, const char *const *skip)
{
	json_t		*out = json_object(), *v;
	const char	*k;
	size_t		 i;
	int		 skipped;

	if (out == NULL)
		return NULL;
	for (int pass = 0; pass < 2; pass++) {
		json_object_foreach((json_t *)(pass ? b : a), k, v) {
			if (pass == 1 && json_object_get(a, k) != NULL)
				continue;	/* seen in the first pass */
			for (skipped = 0, i = 0; skip && skip[i]; i++)
				skipped |= strcmp(k, skip[i]) == 0;
			if (skipped || json_equal(json_object_get(a, k),
			    json_object_get(b, k)))
				continue;
			if (json_object_set_new(out, k, json_pack("{s:O?, s:O?}",
			    "from", json_object_get(a, k), "to",
			    json_object_get(b, k))) != 0) {
				json_decref(out);
				return NULL;
			}
		}
	}
	return out;
}

/* The item of array arr whose member key equals want's; NULL if none. */
static const json_t *
keyed(const json_t *arr, const char *key, const json_t *want)
{
	const json_t	*it;
	size_t		 i;

	json_array_foreach(arr, i, it)
		if (json_equal(json_object_get(it, key), want))
			return it;
	return NULL;
}

/* {added, removed, changed} of two arrays of objects keyed by key. */
static json_t *
diff_keyed(const json_t *a, const json_t *b, const char *key)
{
	json_t		*out, *added, *removed, *changed, *d;
	const json_t	*it, *other;
	size_t		 i;

	out = json_pack("{s:[], s:[], s:[]}", "added", "removed", "changed");
	if (out == NULL)
		return NULL;
	added = json_object_get(out, "added");
	removed = json_object_get(out, "removed");
	changed = json_object_get(out, "changed");
	json_array_foreach(a, i, it) {
		if ((other = keyed(b, key, json_object_get(it, key))) == NULL) {
			if (json_array_append(removed, (json_t *)it) != 0)
				goto fail;
			continue;
		}
		if ((d = diff_members(it, other, NULL)) == NULL)
			goto fail;
		if (json_object_size(d) == 0) {
			json_decref(d);
			continue;
		}
		if (json_array_append_new(changed, json_pack("{s:O, s:o}", key,
		    json_object_get(it, key), "changed", d)) != 0)
			goto fail;
	}
	json_array_foreach(b, i, it)
		if (keyed(a, key, json_object_get(it, key)) == NULL &&
		    json_array_append(added, (json_t *)it) != 0)
			goto fail;
	return out;
fail:
	json_decref(out);
	return NULL;
}

json_t *
scheme_diff(const struct scheme *a, const struct scheme *b)
{
	static const char *const own[] = { "version", "tiers", "requirements",
	    NULL };
	const json_t	*da = scheme_json(a), *db = scheme_json(b);
	json_t		*changed, *tiers, *reqs;

	changed = diff_members(da, db, own);
	tiers = diff_keyed(json_object_get(da, "tiers"),
	    json_object_get(db, "tiers"), "tier");
	reqs = diff_keyed(json_object_get(da, "requirements"),
	    json_object_get(db, "requirements"), "id");
	if (changed == NULL || tiers == NULL || reqs == NULL) {
		json_decref(changed);
		json_decref(tiers);
		json_decref(reqs);
		return NULL;
	}
	return json_pack("{s:o, s:o, s:o}", "changed", changed, "tiers", tiers,
	    "requirements", reqs);
}

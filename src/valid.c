/*
 * valid.c: request field checks that collect every fault, so one 422
 * answer names all invalid fields at once (RFC 9457 "errors" member).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "labeld.h"
#include "utf8.h"

/*
 * Starts v with no fault and no prefix.  Its error array is NULL when memory
 * ran out, which valid_check answers; valid_check also releases it.
 */
void
valid_init(struct valid *v)
{
	v->errors = json_array();
	v->faults = 0;
	v->prefix[0] = '\0';
}

/*
 * Records that field is invalid, and why.  The fault counts even when its
 * description cannot be built (out of memory): valid_check still refuses
 * the request.  A detail quoting the client is cut between characters.
 */
void
valid_fail(struct valid *v, const char *field, const char *fmt, ...)
{
	char	 raw[512], detail[512], name[256];
	va_list	 ap;

	v->faults++;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	utf8_clean(raw, detail, sizeof(detail));
	snprintf(raw, sizeof(raw), "%s%s", v->prefix, field);
	utf8_clean(raw, name, sizeof(name));
	if (v->errors != NULL)
		json_array_append_new(v->errors, json_pack("{s:s, s:s}",
		    "field", name, "detail", detail));
}

static const char *
json_type_name(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE: case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

/* A field that is absent or null counts as missing. */
static const json_t *
field_get(struct valid *v, const json_t *obj, const char *field, int required)
{
	const json_t *j = json_object_get(obj, field);

	if (j == NULL || json_is_null(j)) {
		if (required)
			valid_fail(v, field, "is required");
		return NULL;
	}
	return j;
}

/* A string of 1..maxlen bytes without control characters. */
const char *
valid_string(struct valid *v, const json_t *obj, const char *field,
    int required, size_t maxlen)
{
	const json_t	*j = field_get(v, obj, field, required);
	const char	*s;
	size_t		 len;

	if (j == NULL)
		return NULL;
	if (!json_is_string(j)) {
		valid_fail(v, field, "must be a string, not %s",
		    json_type_name(j));
		return NULL;
	}
	s = json_string_value(j);
	len = json_string_length(j);
	if (len == 0 && required) {
		valid_fail(v, field, "must not be empty");
		return NULL;
	}
	if (len > maxlen) {
		valid_fail(v, field, "must be at most %zu bytes, not %zu",
		    maxlen, len);
		return NULL;
	}
	if (strlen(s) != len) {
		valid_fail(v, field, "must not contain NUL characters");
		return NULL;
	}
	/* C0 (but tab and newline), DEL, and C1 (U+0080..U+009F in UTF-8). */
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0';
	    p++)
		if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f ||
		    (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)) {
			valid_fail(v, field, "must not contain control "
			    "characters");
			return NULL;
		}
	return s;
}

/* An integer in [min, max]; 1 when present and valid, 0 otherwise. */
int
valid_int(struct valid *v, const json_t *obj, const char *field, int required,
    json_int_t min, json_int_t max, json_int_t *out)
{
	const json_t	*j = field_get(v, obj, field, required);
	json_int_t	 n;

	if (j == NULL)
		return 0;
	if (!json_is_integer(j)) {
		valid_fail(v, field, "must be an integer, not %s",
		    json_type_name(j));
		return 0;
	}
	n = json_integer_value(j);
	if (n < min || n > max) {
		valid_fail(v, field, "must be between %" JSON_INTEGER_FORMAT
		    " and %" JSON_INTEGER_FORMAT ", not %" JSON_INTEGER_FORMAT,
		    min, max, n);
		return 0;
	}
	*out = n;
	return 1;
}

/* One of the NULL-terminated allowed strings. */
const char *
valid_enum(struct valid *v, const json_t *obj, const char *field,
    int required, const char *const *allowed)
{
	const char	*s = valid_string(v, obj, field, required, 64);
	char		 list[256];
	size_t		 o = 0;

	if (s == NULL)
		return NULL;
	for (const char *const *a = allowed; *a != NULL; a++) {
		int n;

		if (strcmp(s, *a) == 0)
			return *a;
		n = snprintf(list + o, sizeof(list) - o, "%s%s",
		    o ? ", " : "", *a);
		if (n > 0 && (size_t)n < sizeof(list) - o)
			o += (size_t)n;
	}
	valid_fail(v, field, "must be one of %s, not \"%s\"", list, s);
	return NULL;
}

/* YYYY-MM-DD naming a real calendar day. */
int
valid_is_date(const char *s)
{
	struct tm	 tm;
	const char	*end;
	time_t		 t;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return 0;
	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%d", &tm)) == NULL || *end != '\0')
		return 0;
	/* strptime takes 2026-02-31; a round trip through timegm does not. */
	{
		int y = tm.tm_year, m = tm.tm_mon, d = tm.tm_mday;
		tm.tm_hour = 12;
		if ((t = timegm(&tm)) == (time_t)-1)
			return 0;
		gmtime_r(&t, &tm);
		return tm.tm_year == y && tm.tm_mon == m && tm.tm_mday == d;
	}
}

/*
 * The string member field of obj when it is a date YYYY-MM-DD, borrowed from
 * obj; NULL when absent (a fault in v if required) or malformed (a fault in
 * v).
 */
const char *
valid_date(struct valid *v, const json_t *obj, const char *field,
    int required)
{
	const char *s = valid_string(v, obj, field, required, 10);

	if (s == NULL)
		return NULL;
	if (!valid_is_date(s)) {
		valid_fail(v, field, "must be a date YYYY-MM-DD, not \"%s\"",
		    s);
		return NULL;
	}
	return s;
}

/* 64 lowercase hex digits. */
int
valid_is_sha256(const char *s)
{
	if (strlen(s) != 64)
		return 0;
	for (; *s != '\0'; s++)
		if (!isdigit((unsigned char)*s) && (*s < 'a' || *s > 'f'))
			return 0;
	return 1;
}

/*
 * Ends a validation: with faults, answers 422 naming every one that could
 * be described and returns -1; without, returns 0.  A fault that could not
 * be described still fails the request (closed: never a success).  Either
 * way v is released.
 */
int
valid_check(struct req *r, struct valid *v)
{
	int rc = 0;

	if (v->faults > 0 && json_array_size(v->errors) == 0)
		rc = reply_problem(r, MHD_HTTP_UNPROCESSABLE_CONTENT,
		    "validation", "the request is invalid: %zu fault(s) "
		    "could not be described", v->faults);
	else if (v->faults > 0)
		rc = reply_invalid(r, v->errors);
	else if (v->errors == NULL)
		rc = reply_oom(r);
	json_decref(v->errors);
	v->errors = NULL;
	return rc;
}

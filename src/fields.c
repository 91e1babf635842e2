/*
 * fields.c: field rules the resource handlers share beyond valid.c's:
 * JSON merge patch (RFC 7396) checks and optional strings in answers.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "labeld.h"

/* NULL for "", so that absent optional fields serialise as null. */
const char *
fields_opt(const char *s)
{
	return s[0] != '\0' ? s : NULL;
}

/* 1 when s holds white space only (or nothing). */
int
fields_blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

/* 1 when obj has any of the NULL-terminated fields. */
int
fields_any(const json_t *obj, const char *const *fields)
{
	for (; *fields != NULL; fields++)
		if (json_object_get(obj, *fields) != NULL)
			return 1;
	return 0;
}

/* A fault for each of the read-only fields obj tries to set. */
void
fields_readonly(struct valid *v, const json_t *obj,
    const char *const *fields)
{
	for (; *fields != NULL; fields++)
		if (json_object_get(obj, *fields) != NULL)
			valid_fail(v, *fields, "cannot be changed");
}

/* In a merge patch null removes a field; required ones cannot go. */
void
fields_no_null(struct valid *v, const json_t *obj, const char *field)
{
	if (json_is_null(json_object_get(obj, field)))
		valid_fail(v, field, "cannot be removed (null); give a value");
}

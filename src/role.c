/*
 * role.c: the roles a token carries, named once.  Every other file parses
 * a role name with role_byname() where it enters (a stored token, a
 * request, a command line) and compares the enum from then on.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "labeld.h"

static const struct {
	enum role	 bit;
	const char	*name;
} roles[] = {
	{ ROLE_ADMIN,		"admin" },
	{ ROLE_REGULATOR,	"regulator" },
	{ ROLE_VENDOR,		"vendor" },
	{ ROLE_LAB,		"lab" },
};

#define NROLES	(sizeof(roles) / sizeof(roles[0]))

/* The role called name, or ROLE_PUBLIC (none) when name is no role. */
enum role
role_byname(const char *name)
{
	for (size_t i = 0; name != NULL && i < NROLES; i++)
		if (strcmp(name, roles[i].name) == 0)
			return roles[i].bit;
	return ROLE_PUBLIC;
}

/* The name of role bit, or NULL when bit is not exactly one role. */
const char *
role_name(enum role bit)
{
	for (size_t i = 0; i < NROLES; i++)
		if (roles[i].bit == bit)
			return roles[i].name;
	return NULL;
}

/*
 * Writes the names of the roles in mask, in table order and separated by
 * sep, into out ("" for none; truncated to outlen).  Returns out.
 */
char *
role_list(unsigned mask, const char *sep, char *out, size_t outlen)
{
	size_t	o = 0;

	if (outlen > 0)
		out[0] = '\0';
	for (size_t i = 0; i < NROLES; i++) {
		int n;

		if ((mask & roles[i].bit) == 0 || o >= outlen)
			continue;
		n = snprintf(out + o, outlen - o, "%s%s", o ? sep : "",
		    roles[i].name);
		if (n > 0)
			o += (size_t)n;
	}
	return out;
}

/* Which roles an organisation of kind may hold: 1 when role fits, else 0. */
int
role_fits_kind(enum role role, const char *kind)
{
	if (strcmp(kind, "authority") == 0)
		return role == ROLE_ADMIN || role == ROLE_REGULATOR;
	if (strcmp(kind, "vendor") == 0)
		return role == ROLE_VENDOR;
	if (strcmp(kind, "lab") == 0)
		return role == ROLE_LAB;
	return 0;
}

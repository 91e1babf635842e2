/*
 * auth.c: bearer tokens.  A token is 32 random bytes shown once; the store
 * keeps only a BLAKE2b hash keyed with DATA/token.key, so a stolen database
 * alone neither reveals nor lets anyone test candidate tokens.
 */
#include "config.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "labeld.h"
#include "crypto.h"

#define AUTH_MAX_TOKEN	128

static uint8_t	auth_key[32];
static int	auth_key_loaded;

/* Loads the token-hash key from DATA/token.key (0600); -1 with err. */
int
auth_load_key(const char *data_dir, char *err, size_t errlen)
{
	char path[PATH_MAX];

	if (path_join(path, sizeof(path), data_dir, LABELD_TOKEN_KEY_FILE)) {
		snprintf(err, errlen, "data dir path too long");
		return -1;
	}
	if (lc_secretfile_read(path, auth_key, sizeof(auth_key), err,
	    errlen) == -1)
		return -1;
	auth_key_loaded = 1;
	return 0;
}

/*
 * The keyed hash of token, what the tokens table stores, into out.  The
 * token key must be loaded (asserted).
 */
void
auth_hash(const char *token, uint8_t out[32])
{
	assert(auth_key_loaded);
	lc_token_hash(auth_key, token, out);
}

const char *
auth_fault_name(enum auth_fault f)
{
	switch (f) {
	case AUTH_NONE:		return "none";
	case AUTH_MISSING:	return "missing";
	case AUTH_MALFORMED:	return "malformed";
	case AUTH_UNKNOWN:	return "unknown";
	case AUTH_REVOKED:	return "revoked";
	case AUTH_EXPIRED:	return "expired";
	}
	return "unknown";
}

/*
 * Resolves an Authorization header to the live token's principal.
 * STORE_OK; STORE_NOTFOUND for a missing, malformed, unknown, revoked or
 * expired token, *why saying which; STORE_ERR when the database failed.
 */
int
auth_resolve(struct db *db, const char *authorization, struct principal *p,
    enum auth_fault *why)
{
	uint8_t		 h[32];
	char		 now[32];
	const char	*tok;
	int		 rc;

	*why = AUTH_NONE;
	if (authorization == NULL) {
		*why = AUTH_MISSING;
		return STORE_NOTFOUND;
	}
	if (strncasecmp(authorization, "Bearer ", 7)) {
		*why = AUTH_MALFORMED;
		return STORE_NOTFOUND;
	}
	tok = authorization + 7;
	while (*tok == ' ')
		tok++;
	if (*tok == '\0' || strlen(tok) > AUTH_MAX_TOKEN) {
		*why = AUTH_MALFORMED;
		return STORE_NOTFOUND;
	}
	auth_hash(tok, h);
	rc = store_principal_by_hash(db, h, p);
	lc_wipe(h, sizeof(h));
	if (rc == STORE_NOTFOUND)
		*why = AUTH_UNKNOWN;
	if (rc != STORE_OK)
		return rc;
	/* Both are RFC 3339 UTC to the second: they compare as text. */
	store_now(now);
	if (p->revoked_at[0] != '\0')
		*why = AUTH_REVOKED;
	else if (p->expires_at[0] != '\0' && strcmp(p->expires_at, now) <= 0)
		*why = AUTH_EXPIRED;
	return *why == AUTH_NONE ? STORE_OK : STORE_NOTFOUND;
}

/*
 * Makes a token for org_id with role (exactly one role), expiring at
 * expires_at (RFC 3339 UTC; NULL: never), stores its hash, fills t and
 * copies the secret (shown once, never stored) into secret.  Store result
 * codes; STORE_INVALID when role is not one role.
 */
int
auth_issue_token(struct db *db, const char *org_id, enum role role,
    const char *label, const char *expires_at, struct token *t, char *secret,
    size_t secretlen)
{
	const char	*name = role_name(role);
	char		 tok[LC_TOKEN_BUFLEN];
	uint8_t		 h[32];
	int		 rc;

	assert(secretlen >= LC_TOKEN_BUFLEN);
	memset(t, 0, sizeof(*t));
	if (name == NULL)
		return STORE_INVALID;
	store_new_id("tok", t->id, sizeof(t->id));
	snprintf(t->org_id, sizeof(t->org_id), "%s", org_id);
	snprintf(t->role, sizeof(t->role), "%s", name);
	snprintf(t->label, sizeof(t->label), "%s", label ? label : "");
	snprintf(t->expires_at, sizeof(t->expires_at), "%s",
	    expires_at ? expires_at : "");
	store_now(t->created_at);
	lc_token_new(tok);
	auth_hash(tok, h);
	rc = store_token_insert(db, t, h);
	if (rc == STORE_OK)
		snprintf(secret, secretlen, "%s", tok);
	lc_wipe(tok, sizeof(tok));
	lc_wipe(h, sizeof(h));
	return rc;
}

/*
 * verify_int.h: what the files of the verify module share (verify.c the
 * checks, verify_trust.c the trust store and its keys, verify_bundle.c
 * trust bundles and their updates, verify_list.c status lists).  Not for
 * use outside them: verify.h is the module's interface.
 */
#ifndef LABELD_VERIFY_INT_H
#define LABELD_VERIFY_INT_H

#include <stdint.h>

#include <jansson.h>

#include "note.h"
#include "rfc3339.h"
#include "verify.h"

/* A trusted key with the period it may sign in. */
struct vkey {
	char		*vm_id;
	char		*controller;
	uint8_t		 pk[32];
	int		 has_from, has_until, has_comp;
	struct rfc3339_time from, until, comp;
	char		*from_s, *until_s, *comp_s;	/* as given */
};

/* A decoded status list, found by (id, issuer). */
struct vlist {
	char		*id;
	char		*issuer;
	json_t		*purposes;	/* array of strings */
	uint8_t		*bits;
	size_t		 nbytes;
	int		 has_from, has_until;
	struct rfc3339_time from, until;
	char		*from_s, *until_s;
};

/* A key as the last accepted bundle of its issuer lists it. */
struct vbkey {
	char		*vm_id;
	uint8_t		 pk[32];
	int		 usable;	/* active and not compromised */
};

/* An issuer pinned through a trust bundle, at its last accepted version. */
struct vissuer {
	char		*did;
	char		*name, *country;
	int64_t		 version;
	struct rfc3339_time expires;
	char		*expires_s;
	char		 next_digest[65];	/* "" when none is committed */
	struct vbkey	*keys;
	size_t		 nkeys;
	char		*refused;	/* why an update was refused, or NULL */
	/* the bundle's "log": its origin and the key of its checkpoints */
	int		 has_log;
	char		 log_origin[NOTE_MAX_NAME + 1];
	struct note_verifier log_vk;
};

struct verify_trust {
	struct vkey	*keys;
	size_t		 nkeys, capkeys;
	struct vlist	*lists;
	size_t		 nlists, caplists;
	struct vissuer	*issuers;
	size_t		 nissuers, capissuers;
};

/* verify_trust.c */
int		 vt_has_value(const json_t *, const char *);
const char	*vt_str(const json_t *, const char *);
int		 vt_good_id(const char *);
int		 vt_reserve(void **, size_t *, size_t, size_t);
const struct vkey *vt_find_key(const struct verify_trust *, const char *);
struct vissuer	*vt_find_issuer(const struct verify_trust *, const char *);
int		 vt_key_make(struct vkey *, const char *, const char *,
		    const uint8_t[32], const char *, const char *, const char *,
		    char *, size_t);
void		 vt_key_clear(struct vkey *);
int		 vt_key_conflict(const struct verify_trust *,
		    const struct vkey *, char *, size_t);
int		 vt_put_keys(struct verify_trust *, struct vkey *, size_t,
		    char *, size_t);
int		 vt_key_valid_at(const struct vkey *, const char *, int *,
		    char *, size_t);
int		 vt_proof_by_key(const json_t *, const struct vkey *,
		    const char *, char *, size_t);
void		 vt_issuer_clear(struct vissuer *);
void		 vt_list_clear(struct vlist *);

/* Why vt_key_valid_at refused a key (its *why code). */
#define VT_KEY_NOT_VALID	1
#define VT_KEY_COMPROMISED	2

/* verify_list.c */
const struct vlist *vt_find_list(const struct verify_trust *, const char *,
		    const char *);

#endif

/*
 * labelverify: checks labeld credentials offline against pinned trust
 * bundles (updated by continuity) and the issuers' status lists, which
 * are required unless --no-status says otherwise, and their transparency
 * log proofs (--proof, required with --require-log-proof).  Links libverify.a only
 * (jansson, libsodium, zlib), so a foreign authority can build it alone.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "crypto.h"
#include "note.h"
#include "rfc3339.h"
#include "verify.h"

/* Largest file read: credentials, bundles, status lists (bytes). */
#define LABELVERIFY_MAX_FILE	(4 * 1024 * 1024)
/* Files of each kind on one command line. */
#define LABELVERIFY_MAX_FILES	256

#define EXIT_VALID	0
#define EXIT_INVALID	1
#define EXIT_USAGE	2

/* Static so that an early exit (die) leaves them reachable, not leaked. */
static struct verify_trust	*trust;
static json_t			*results, *updates, *proofs;
/* The log options: --since checkpoints, --consistency proofs, witnesses. */
static json_t			*since, *consist;
static struct note_verifier	 witnesses[LABELVERIFY_MAX_FILES];
static size_t			 npinned;	/* --trust-bundle files */

/* A --bundle-update file, read and ordered before it is applied. */
struct update {
	const char	*path;
	json_t		*doc;		/* NULL when not JSON */
	const char	*issuer;
	int64_t		 version;
	char		 err[512];
};
static struct update		 upd[LABELVERIFY_MAX_FILES];
static size_t			 nupd;

static const char usage_text[] =
"usage: labelverify [-hVv] [--trust-bundle FILE]... [--bundle-update FILE]...\n"
"                   [--status-list FILE]... [--no-status]\n"
"                   [--proof FILE]... [--require-log-proof]\n"
"                   [--since FILE]... [--consistency FILE]...\n"
"                   [--witness VKEY]... [--quorum K]\n"
"                   [--max-status-age DURATION] [--at TIME] [--json]\n"
"                   CREDENTIAL...\n";

static void	 die(const char *, ...)
		    __attribute__((format(printf, 1, 2), noreturn));

static void
usage(int status)
{
	fputs(usage_text, status ? stderr : stdout);
	exit(status);
}

/* A usage-level failure (exit 2): something other than a credential's. */
static void
die(const char *fmt, ...)
{
	va_list ap;

	fputs("labelverify: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_USAGE);
}

/*
 * Reads all of path ("-" = standard input), at most LABELVERIFY_MAX_FILE
 * bytes.  Returns malloc'd bytes (*len of them, NUL-terminated), or NULL
 * with a reason in err.
 */
static char *
read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	char	*buf = NULL;
	size_t	 n = 0;
	ssize_t	 r;
	int	 fd;

	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	if ((buf = malloc(LABELVERIFY_MAX_FILE + 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	/* One byte beyond the limit tells "too large" from "exactly full". */
	while (n <= LABELVERIFY_MAX_FILE) {
		r = read(fd, buf + n, LABELVERIFY_MAX_FILE + 1 - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			snprintf(err, errlen, "%s", strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > LABELVERIFY_MAX_FILE) {
		snprintf(err, errlen, "larger than %d bytes",
		    LABELVERIFY_MAX_FILE);
		goto fail;
	}
	buf[n] = '\0';
	*len = n;
	if (fd != STDIN_FILENO)
		close(fd);
	return buf;
fail:
	free(buf);
	if (fd != STDIN_FILENO)
		close(fd);
	return NULL;
}

/* Parses path as JSON; NULL with err (unreadable or malformed). *unreadable
 * tells the two apart. */
static json_t *
load_json(const char *path, int *unreadable, char *err, size_t errlen)
{
	json_error_t	 je;
	json_t		*j;
	size_t		 len;
	char		*buf, why[256];

	*unreadable = 0;
	if ((buf = read_file(path, &len, why, sizeof(why))) == NULL) {
		*unreadable = 1;
		snprintf(err, errlen, "cannot read %s: %s", path, why);
		return NULL;
	}
	/* Duplicate members would let two readers see two documents. */
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	free(buf);
	if (j == NULL)
		snprintf(err, errlen, "not JSON (line %d, column %d: %s)",
		    je.line, je.column, je.text);
	return j;
}

/* Prints s to f with control characters made visible: a credential's
 * text is not the terminal's business. */
static void
put_clean_to(FILE *f, const char *s)
{
	for (; *s != '\0'; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

static void
put_clean(const char *s)
{
	put_clean_to(stdout, s);
}

/* A string member of o, or NULL. */
static const char *
str(const json_t *o, const char *name)
{
	return json_string_value(json_object_get(o, name));
}

/* The check named name in checks, or NULL. */
static const json_t *
find_check(const json_t *checks, const char *name)
{
	size_t		 i;
	const json_t	*c;

	json_array_foreach(checks, i, c)
		if (strcmp(str(c, "check"), name) == 0)
			return c;
	return NULL;
}

/* The label's status as its status check found it, in a word or three. */
static const char *
status_word(const json_t *checks)
{
	static const struct {
		const char *code, *word;
	} words[] = {
		{ "ok", "active" },
		{ "revoked", "REVOKED" },
		{ "suspended", "SUSPENDED" },
		{ "status_stale", "unknown (stale status list)" },
		{ "status_unchecked", "unknown (status list not given)" },
		{ "status_skipped", "not checked (--no-status)" },
	};
	const char *code = str(find_check(checks, "status"), "code");

	for (size_t i = 0; code != NULL && i < sizeof(words) /
	    sizeof(words[0]); i++)
		if (strcmp(words[i].code, code) == 0)
			return words[i].word;
	return "unknown";
}

/*
 * What the credential says it is: {label_id, product, model, vendor,
 * scheme, scheme_version, tier, tier_name, status, valid_until, issuer,
 * issuer_name}, members absent when the credential lacks them.
 */
static json_t *
summary(const json_t *cred, const json_t *checks)
{
	const json_t *subj = json_object_get(cred, "credentialSubject");
	const json_t *prod = json_object_get(subj, "product");
	const json_t *scope = json_object_get(subj, "scope");
	const json_t *iss = json_object_get(cred, "issuer");

	return json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:O?, s:O?, s:s?, "
	    "s:s, s:s?, s:s?, s:s?}",
	    "label_id", str(subj, "labelId"),
	    "product", str(prod, "name"),
	    "model", str(prod, "model"),
	    "vendor", str(json_object_get(subj, "issuedToParty"), "name"),
	    "scheme", str(scope, "scheme"),
	    "scheme_version", json_is_integer(json_object_get(scope,
	    "schemeVersion")) ? json_object_get(scope, "schemeVersion") : NULL,
	    "tier", json_is_integer(json_object_get(subj, "tier")) ?
	    json_object_get(subj, "tier") : NULL,
	    "tier_name", str(subj, "tierName"),
	    "status", status_word(checks),
	    "valid_until", str(cred, "validUntil"),
	    "issuer", json_is_object(iss) ? str(iss, "id") :
	    json_string_value(iss),
	    "issuer_name", str(iss, "name"));
}

/* One member of the summary for people: "?" when absent. */
static const char *
part(const json_t *sum, const char *name)
{
	const char *s = str(sum, name);

	return s != NULL ? s : "?";
}

/* The human lines of one credential: what it is, then the verdict. */
static void
print_human(const char *path, const json_t *sum, const json_t *checks,
    int verified, int verbose)
{
	const json_t	*c;
	size_t		 i;
	char		 line[2048];

	if (str(sum, "label_id") != NULL)
		snprintf(line, sizeof(line), "%s: %s (model %s) by %s; %s v%lld "
		    "%s; status %s; valid until %s; issued by %s",
		    part(sum, "label_id"), part(sum, "product"),
		    part(sum, "model"), part(sum, "vendor"),
		    part(sum, "scheme"), (long long)json_integer_value(
		    json_object_get(sum, "scheme_version")),
		    part(sum, "tier_name"), part(sum, "status"),
		    part(sum, "valid_until"), str(sum, "issuer_name") != NULL ?
		    part(sum, "issuer_name") : part(sum, "issuer"));
	else
		snprintf(line, sizeof(line), "%s: not a labeld label; status "
		    "%s; valid until %s; issued by %s", path,
		    part(sum, "status"), part(sum, "valid_until"),
		    part(sum, "issuer"));
	put_clean(line);
	putchar('\n');
	if (verified) {
		fputs("  VERIFIED", stdout);
		c = find_check(checks, "status");
		if (strcmp(str(c, "code"), "status_skipped") == 0)
			fputs(" (status not checked: --no-status)", stdout);
		putchar('\n');
	} else
		puts("  NOT VERIFIED:");
	json_array_foreach(checks, i, c) {
		int ok = json_is_true(json_object_get(c, "ok"));

		if (ok && !verbose)
			continue;
		snprintf(line, sizeof(line), "    %s %s (%s): %s",
		    str(c, "check"), ok ? "ok" : "FAILED", str(c, "code"),
		    str(c, "detail"));
		put_clean(line);
		putchar('\n');
	}
}

/*
 * The authority of cred among the pinned issuers: {id, name, country,
 * version} of the bundle naming its issuer (new reference), or NULL when
 * no --trust-bundle names it.  With several bundles pinned this says
 * which authority issued each credential.
 */
static json_t *
authority(const struct verify_trust *t, const json_t *cred)
{
	const char	*iss = cred != NULL ? verify_issuer_id(cred) : NULL;
	json_t		*all, *a, *out = NULL;
	size_t		 i;

	if (iss == NULL || (all = verify_trust_issuers(t)) == NULL)
		return NULL;
	json_array_foreach(all, i, a)
		if (str(a, "id") != NULL && strcmp(str(a, "id"), iss) == 0) {
			out = json_pack("{s:O, s:O, s:O, s:O}", "id",
			    json_object_get(a, "id"), "name",
			    json_object_get(a, "name"), "country",
			    json_object_get(a, "country"), "version",
			    json_object_get(a, "version"));
			break;
		}
	json_decref(all);
	return out;
}

/* Verifies one credential file; prints its lines (human mode) or appends
 * its result to out (JSON mode).  1 if verified, 0 if not. */
static int
verify_file(const struct verify_trust *t, const char *path,
    const struct verify_opts *o, json_t *out, int verbose)
{
	json_t		*cred, *checks, *res, *sum, *auth;
	char		 err[512], line[1024];
	int		 unreadable, verified = 0;

	if ((cred = load_json(path, &unreadable, err, sizeof(err))) == NULL) {
		if (unreadable)
			die("%s", err);
		checks = json_pack("[{s:s, s:s, s:b, s:s}]", "check", "format",
		    "code", "bad_format", "ok", 0, "detail", err);
	} else
		checks = verify_credential(t, cred, o, &verified);
	if (checks == NULL || (sum = summary(cred, checks)) == NULL)
		die("out of memory");
	auth = authority(t, cred);
	if (out != NULL) {
		res = json_pack("{s:s, s:b, s:O, s:O, s:O?, s:O?}", "file", path,
		    "verified", verified, "summary", sum, "checks", checks,
		    "label", json_object_get(sum, "label_id"), "authority",
		    auth != NULL ? auth : json_null());
		if (res == NULL || json_array_append_new(out, res) != 0)
			die("out of memory");
	} else {
		print_human(path, sum, checks, verified, verbose);
		/* One bundle: "issued by" says it all; several: which one. */
		if (npinned < 2)
			line[0] = '\0';
		else if (auth != NULL)
			snprintf(line, sizeof(line), "  authority: %s (%s), %s, "
			    "trust bundle version %lld", str(auth, "name") ?
			    str(auth, "name") : "?", str(auth, "country") ?
			    str(auth, "country") : "?", str(auth, "id"),
			    (long long)json_integer_value(json_object_get(auth,
			    "version")));
		else
			snprintf(line, sizeof(line), "  authority: none of the "
			    "pinned trust bundles names the issuer");
		if (line[0] != '\0') {
			put_clean(line);
			putchar('\n');
		}
	}
	json_decref(auth);
	json_decref(sum);
	json_decref(checks);
	json_decref(cred);
	return verified;
}

static int
by_version(const void *a, const void *b)
{
	const struct update *x = a, *y = b;

	return (x->version > y->version) - (x->version < y->version);
}

/*
 * Applies the --bundle-update files in version order.  Each refusal is
 * recorded (JSON) or printed; returns the number refused.
 */
static size_t
apply_updates(time_t now, int json, int verbose)
{
	size_t	 i, refused = 0;
	json_t	*e;
	int	 ok;

	qsort(upd, nupd, sizeof(upd[0]), by_version);
	for (i = 0; i < nupd; i++) {
		struct update *u = &upd[i];

		ok = u->doc != NULL && verify_trust_update_bundle(trust,
		    u->doc, now, u->err, sizeof(u->err)) == 0;
		refused += !ok;
		if (json) {
			e = json_pack("{s:s, s:s?, s:I, s:b, s:s, s:s}", "file",
			    u->path, "issuer", u->issuer, "version",
			    (json_int_t)u->version, "accepted", ok, "code", ok ?
			    "ok" : "bundle_refused", "detail", ok ? "accepted "
			    "by continuity" : u->err);
			if (e == NULL || json_array_append_new(updates, e) != 0)
				die("out of memory");
		} else if (!ok) {
			fprintf(stderr, "labelverify: bundle update %s refused "
			    "(bundle_refused): ", u->path);
			put_clean_to(stderr, u->err);
			fputc('\n', stderr);
		} else if (verbose)
			printf("trust bundle of %s: version %lld accepted by "
			    "continuity\n", u->issuer, (long long)u->version);
	}
	return refused;
}

/* Reads a --bundle-update file; a document that is no bundle at all is
 * kept, to be refused when the updates are applied. */
static void
read_update(const char *path)
{
	struct update	*u = &upd[nupd++];
	int		 unreadable;

	u->path = path;
	u->doc = load_json(path, &unreadable, u->err, sizeof(u->err));
	if (u->doc == NULL && unreadable)
		die("bundle update %s: %s", path, u->err);
	if (u->doc != NULL && verify_bundle_version(u->doc, &u->issuer,
	    &u->version) != 0) {
		snprintf(u->err, sizeof(u->err), "not a trust bundle with an "
		    "issuer and a version");
		json_decref(u->doc);
		u->doc = NULL;
	}
}

/* Reads a --since file: a signed checkpoint note, kept as its text. */
static void
read_since(const char *path)
{
	struct note_checkpoint	 c;
	struct note		*n = NULL;
	size_t			 len;
	char			*buf, err[512];

	if ((buf = read_file(path, &len, err, sizeof(err))) == NULL)
		die("--since %s: %s", path, err);
	memset(&c, 0, sizeof(c));
	if (note_parse(buf, len, &n, err, sizeof(err)) != 0 ||
	    note_checkpoint_parse(n->text, n->textlen, &c, err,
	    sizeof(err)) != 0)
		die("--since %s: not a signed checkpoint: %s", path, err);
	note_checkpoint_clear(&c);
	note_free(n);
	if (strlen(buf) != len ||
	    json_array_append_new(since, json_string(buf)) != 0)
		die("--since %s: not a signed checkpoint", path);
	free(buf);
}

/* Reads a --consistency file: the answer of GET /v1/log/proof/consistency. */
static void
read_consistency(const char *path)
{
	json_t	*j;
	char	 err[512];
	int	 unreadable;

	if ((j = load_json(path, &unreadable, err, sizeof(err))) == NULL)
		die("--consistency %s: %s", path, err);
	if (!json_is_integer(json_object_get(j, "first")) ||
	    !json_is_integer(json_object_get(j, "second")) ||
	    !json_is_array(json_object_get(j, "hashes")))
		die("--consistency %s: expected {first, second, hashes}", path);
	if (json_array_append_new(consist, j) != 0)
		die("out of memory");
}

/* Parses a --witness verifier key (a cosignature key, alg 0x04). */
static void
add_witness(struct verify_opts *o, const char *vkey)
{
	struct note_verifier	*w = &witnesses[o->nwitnesses];
	char			 err[512];
	size_t			 i;

	if (o->nwitnesses == LABELVERIFY_MAX_FILES)
		die("more than %d witnesses", LABELVERIFY_MAX_FILES);
	if (note_vkey_parse(vkey, w, err, sizeof(err)) != 0)
		die("--witness %s: %s", vkey, err);
	if (w->alg != NOTE_ALG_COSIGNATURE)
		die("--witness %s: not a cosignature key (algorithm 0x%02x, "
		    "expected 0x04)", vkey, w->alg);
	for (i = 0; i < o->nwitnesses; i++)
		if (witnesses[i].keyid == w->keyid &&
		    strcmp(witnesses[i].name, w->name) == 0)
			die("--witness %s: given twice", vkey);
	o->nwitnesses++;
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "trust-bundle",	required_argument, NULL, 'b' },
		{ "bundle-update",	required_argument, NULL, 'u' },
		{ "status-list",	required_argument, NULL, 's' },
		{ "no-status",		no_argument,	   NULL, 'n' },
		{ "max-status-age",	required_argument, NULL, 'm' },
		{ "at",			required_argument, NULL, 'a' },
		{ "proof",		required_argument, NULL, 'p' },
		{ "require-log-proof",	no_argument,	   NULL, 'r' },
		{ "since",		required_argument, NULL, 'S' },
		{ "consistency",	required_argument, NULL, 'C' },
		{ "witness",		required_argument, NULL, 'W' },
		{ "quorum",		required_argument, NULL, 'Q' },
		{ "json",		no_argument,	   NULL, 'j' },
		{ "verbose",		no_argument,	   NULL, 'v' },
		{ "help",		no_argument,	   NULL, 'h' },
		{ "version",		no_argument,	   NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char		*bundles[LABELVERIFY_MAX_FILES];
	const char		*lists[LABELVERIFY_MAX_FILES];
	const char		*upaths[LABELVERIFY_MAX_FILES];
	const char		*ppaths[LABELVERIFY_MAX_FILES];
	const char		*spaths[LABELVERIFY_MAX_FILES];
	const char		*cpaths[LABELVERIFY_MAX_FILES];
	const char		*wkeys[LABELVERIFY_MAX_FILES];
	size_t			 nspaths = 0, ncpaths = 0, nwkeys = 0;
	long long		 quorum = 0;
	char			*end;
	struct verify_opts	 o;
	size_t			 nbundles = 0, nlists = 0, nupaths = 0, i;
	size_t			 nproofs = 0;
	size_t			 refused;
	json_t			*j;
	char			 err[1024];
	int			 ch, json = 0, verbose = 0, unreadable, all = 1;
	int			 rc;

	memset(&o, 0, sizeof(o));
	o.now = o.at = time(NULL);
	while ((ch = getopt_long(argc, argv, "hVv", opts, NULL)) != -1) {
		switch (ch) {
		case 'b':
		case 's':
		case 'u':
			if ((ch == 'b' ? nbundles : ch == 's' ? nlists :
			    nupaths) == LABELVERIFY_MAX_FILES)
				die("more than %d files of one kind",
				    LABELVERIFY_MAX_FILES);
			if (ch == 'b')
				bundles[nbundles++] = optarg;
			else if (ch == 's')
				lists[nlists++] = optarg;
			else
				upaths[nupaths++] = optarg;
			break;
		case 'p':
			if (nproofs == LABELVERIFY_MAX_FILES)
				die("more than %d files of one kind",
				    LABELVERIFY_MAX_FILES);
			ppaths[nproofs++] = optarg;
			break;
		case 'r':
			o.require_log = 1;
			break;
		case 'S':
		case 'C':
		case 'W':
			if ((ch == 'S' ? nspaths : ch == 'C' ? ncpaths :
			    nwkeys) == LABELVERIFY_MAX_FILES)
				die("more than %d files of one kind",
				    LABELVERIFY_MAX_FILES);
			if (ch == 'S')
				spaths[nspaths++] = optarg;
			else if (ch == 'C')
				cpaths[ncpaths++] = optarg;
			else
				wkeys[nwkeys++] = optarg;
			break;
		case 'Q':
			errno = 0;
			quorum = strtoll(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    quorum < 1 || quorum > LABELVERIFY_MAX_FILES)
				die("--quorum %s: expected a number of witnesses "
				    "from 1 to %d", optarg,
				    LABELVERIFY_MAX_FILES);
			break;
		case 'n':
			o.no_status = 1;
			break;
		case 'm':
			if (rfc3339_duration(optarg, &o.max_status_age) != 0 ||
			    o.max_status_age == 0)
				die("--max-status-age %s: expected a duration "
				    "such as 90s, 30m, 12h or 7d", optarg);
			break;
		case 'a':
			if (rfc3339_to_time(optarg, 1, &o.at) != 0)
				die("--at %s: expected an RFC 3339 time "
				    "(2026-11-28T06:00:00Z) or a date "
				    "(2026-11-28)", optarg);
			break;
		case 'j':
			json = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			usage(EXIT_VALID);
			break;
		case 'V':
			puts("labelverify " PACKAGE_VERSION);
			return EXIT_VALID;
		default:
			usage(EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		usage(EXIT_USAGE);
	if (o.no_status && (nlists > 0 || o.max_status_age > 0))
		die("--no-status contradicts --status-list and "
		    "--max-status-age");
	if (ncpaths > 0 && nspaths == 0)
		die("--consistency needs the --since checkpoint it starts from");
	if (quorum > 0 && (size_t)quorum > nwkeys)
		die("--quorum %lld: only %zu --witness given", quorum, nwkeys);
	if (lc_init() != 0)
		die("libsodium cannot be initialised");
	if ((trust = verify_trust_new()) == NULL ||
	    (updates = json_array()) == NULL || (proofs = json_array()) ==
	    NULL || (since = json_array()) == NULL || (consist = json_array()) ==
	    NULL)
		die("out of memory");
	/* Log options: an older view of the log, and who must have seen it. */
	for (i = 0; i < nspaths; i++)
		read_since(spaths[i]);
	for (i = 0; i < ncpaths; i++)
		read_consistency(cpaths[i]);
	for (i = 0; i < nwkeys; i++)
		add_witness(&o, wkeys[i]);
	o.log_since = since;
	o.log_consistency = consist;
	o.witnesses = witnesses;
	o.quorum = quorum > 0 ? (size_t)quorum : 1;
	/* Each proof finds its credential by the label id in its leaf. */
	for (i = 0; i < nproofs; i++) {
		if ((j = load_json(ppaths[i], &unreadable, err,
		    sizeof(err))) == NULL)
			die("log proof %s: %s", ppaths[i], err);
		if (!json_is_object(j) || json_array_append_new(proofs, j) != 0)
			die("log proof %s: not a JSON object", ppaths[i]);
	}
	o.log_proofs = proofs;

	for (i = 0; i < nbundles; i++) {
		if ((j = load_json(bundles[i], &unreadable, err,
		    sizeof(err))) == NULL)
			die("trust bundle %s: %s", bundles[i], err);
		rc = verify_trust_add_bundle(trust, j, err, sizeof(err));
		json_decref(j);
		if (rc != 0)
			die("trust bundle %s: %s", bundles[i], err);
	}
	for (i = 0; i < nupaths; i++)
		read_update(upaths[i]);
	refused = apply_updates(o.now, json, verbose);
	/* Lists after bundles: a list is accepted only from a trusted key. */
	for (i = 0; i < nlists; i++) {
		if ((j = load_json(lists[i], &unreadable, err,
		    sizeof(err))) == NULL)
			die("status list %s: %s", lists[i], err);
		rc = verify_trust_add_status_list(trust, j, err, sizeof(err));
		json_decref(j);
		if (rc != 0)
			die("status list %s: %s", lists[i], err);
	}
	npinned = nbundles;
	if (nbundles == 0)
		fputs("labelverify: no --trust-bundle given: no issuer is "
		    "trusted\n", stderr);

	if (json && (results = json_array()) == NULL)
		die("out of memory");
	for (i = 0; i < (size_t)argc; i++)
		if (!verify_file(trust, argv[i], &o, results, verbose))
			all = 0;
	if (json) {
		json_t *doc = json_pack("{s:O, s:{s:o, s:O}}", "credentials",
		    results, "trust", "issuers", verify_trust_issuers(trust),
		    "updates", updates);

		if (doc == NULL || json_dumpf(doc, stdout, JSON_INDENT(2)) != 0)
			die("out of memory");
		putchar('\n');
		json_decref(doc);
	}
	for (i = 0; i < nupd; i++)
		json_decref(upd[i].doc);
	verify_trust_free(trust);
	json_decref(results);
	json_decref(updates);
	json_decref(proofs);
	json_decref(since);
	json_decref(consist);
	if (fflush(stdout) != 0)
		die("cannot write the result: %s", strerror(errno));
	return all && refused == 0 ? EXIT_VALID : EXIT_INVALID;
}

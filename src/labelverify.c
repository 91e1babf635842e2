/*
 * labelverify: checks labeld credentials offline against pinned trust
 * bundles and, when given, status lists.  Links libverify.a only
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
static json_t			*results;

static const char usage_text[] =
"usage: labelverify [--trust-bundle FILE]... [--status-list FILE]... "
"[--at TIME] [--json] CREDENTIAL...\n";

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

/* Prints s with control characters made visible: a credential's text is
 * not the terminal's business. */
static void
put_clean(const char *s)
{
	for (; *s != '\0'; s++)
		putchar((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

/* The label id of a labeld credential, or NULL for anything else. */
static const char *
label_id(const json_t *cred)
{
	const json_t *subj = json_object_get(cred, "credentialSubject");

	return json_string_value(json_object_get(subj, "labelId"));
}

/* Verifies one credential file; prints its lines (human mode) or appends
 * its result to out (JSON mode).  1 if verified, 0 if not. */
static int
verify_file(const struct verify_trust *t, const char *path, time_t at,
    json_t *out)
{
	json_t		*cred, *checks, *res;
	const char	*label = NULL;
	char		 err[512], name[600];
	int		 unreadable, verified = 0;
	size_t		 i;

	if ((cred = load_json(path, &unreadable, err, sizeof(err))) == NULL) {
		if (unreadable)
			die("%s", err);
		checks = json_pack("[{s:s, s:b, s:s}]", "check", "format",
		    "ok", 0, "detail", err);
	} else {
		label = label_id(cred);
		checks = verify_credential(t, cred, at, &verified);
	}
	if (checks == NULL)
		die("out of memory");
	if (label != NULL)
		snprintf(name, sizeof(name), "label %s", label);
	else
		snprintf(name, sizeof(name), "%s", path);
	if (out != NULL) {
		res = json_pack("{s:s, s:b, s:O, s:s?}", "file", path,
		    "verified", verified, "checks", checks, "label", label);
		if (res == NULL || json_array_append_new(out, res) != 0)
			die("out of memory");
	} else {
		for (i = 0; i < json_array_size(checks); i++) {
			const json_t *c = json_array_get(checks, i);

			put_clean(name);
			printf(": %s %s: ", json_string_value(json_object_get(c,
			    "check")), json_is_true(json_object_get(c, "ok")) ?
			    "ok" : "FAILED");
			put_clean(json_string_value(json_object_get(c,
			    "detail")));
			putchar('\n');
		}
		put_clean(name);
		printf(": %s\n", verified ? "verified" : "NOT verified");
	}
	json_decref(checks);
	json_decref(cred);
	return verified;
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "trust-bundle",	required_argument, NULL, 'b' },
		{ "status-list",	required_argument, NULL, 's' },
		{ "at",			required_argument, NULL, 'a' },
		{ "json",		no_argument,	   NULL, 'j' },
		{ "help",		no_argument,	   NULL, 'h' },
		{ "version",		no_argument,	   NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char		*bundles[LABELVERIFY_MAX_FILES];
	const char		*lists[LABELVERIFY_MAX_FILES];
	size_t			 nbundles = 0, nlists = 0, i;
	json_t			*j;
	time_t			 at = time(NULL);
	char			 err[1024];
	int			 ch, json = 0, unreadable, all = 1, rc;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'b':
		case 's':
			if ((ch == 'b' ? nbundles : nlists) ==
			    LABELVERIFY_MAX_FILES)
				die("more than %d files of one kind",
				    LABELVERIFY_MAX_FILES);
			if (ch == 'b')
				bundles[nbundles++] = optarg;
			else
				lists[nlists++] = optarg;
			break;
		case 'a':
			if (rfc3339_to_time(optarg, 1, &at) != 0)
				die("--at %s: expected an RFC 3339 time "
				    "(2026-11-28T06:00:00Z) or a date "
				    "(2026-11-28)", optarg);
			break;
		case 'j':
			json = 1;
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
	if (lc_init() != 0)
		die("libsodium cannot be initialised");
	if ((trust = verify_trust_new()) == NULL)
		die("out of memory");

	for (i = 0; i < nbundles; i++) {
		if ((j = load_json(bundles[i], &unreadable, err,
		    sizeof(err))) == NULL)
			die("trust bundle %s: %s", bundles[i], err);
		rc = verify_trust_add_bundle(trust, j, err, sizeof(err));
		json_decref(j);
		if (rc != 0)
			die("trust bundle %s: %s", bundles[i], err);
	}
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
	if (nbundles == 0)
		fputs("labelverify: no --trust-bundle given: no issuer is "
		    "trusted\n", stderr);

	if (json && (results = json_array()) == NULL)
		die("out of memory");
	for (i = 0; i < (size_t)argc; i++)
		if (!verify_file(trust, argv[i], at, results))
			all = 0;
	if (json) {
		json_t *doc = json_pack("{s:O}", "credentials", results);

		if (doc == NULL || json_dumpf(doc, stdout, JSON_INDENT(2)) != 0)
			die("out of memory");
		putchar('\n');
		json_decref(doc);
	}
	verify_trust_free(trust);
	json_decref(results);
	if (fflush(stdout) != 0)
		die("cannot write the result: %s", strerror(errno));
	return all ? EXIT_VALID : EXIT_INVALID;
}

/*
 * config.c: labeld.conf(5) and command-line settings.  Both go through
 * config_set() so a key means the same thing in the file and as a flag;
 * labeld applies the file first and the flags after, so flags win.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "labeld.h"
#include "rfc3339.h"

#define CONFIG_MAX_LINE	1024

void
config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->data_dir, sizeof(c->data_dir), "%s", LABELD_LOCALSTATEDIR);
	snprintf(c->listen_host, sizeof(c->listen_host), "127.0.0.1");
	c->listen_port = 8080;
	snprintf(c->issuer_name, sizeof(c->issuer_name),
	    "labeld development authority");
	snprintf(c->country, sizeof(c->country), "SG");
	c->threads = LABELD_THREADS_DEFAULT;
	c->max_body = LABELD_MAX_BODY_DEFAULT;
	c->max_upload = LABELD_MAX_UPLOAD_DEFAULT;
	c->log_level = LOG_INFO;
	c->status_list_validity = LABELD_STATUSLIST_VALIDITY_DEFAULT;
	c->trust_bundle_validity = LABELD_TRUST_BUNDLE_VALIDITY_DEFAULT;
	c->partner_status_max_age = LABELD_PARTNER_STATUS_MAX_AGE_DEFAULT;
}

/*
 * Parses a DURATION: an integer followed by s, m, h or d (seconds,
 * minutes, hours, days), e.g. 7d, into seconds in *out.  -1 when
 * malformed or outside [min, max] seconds.  Every duration setting and
 * LABELD_TEST_CLOCK_OFFSET go through here.
 */
int
config_parse_duration(const char *s, int64_t min, int64_t max, int64_t *out)
{
	int64_t	 v;

	/* The grammar is rfc3339_duration's, labelverify's too. */
	if (rfc3339_duration(s, &v) == -1 || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* The largest unit that divides secs exactly: "7d", "90m", "45s". */
static void
format_duration(int64_t secs, char *out, size_t outlen)
{
	static const struct { int64_t mult; char unit; } units[] = {
		{ 86400, 'd' }, { 3600, 'h' }, { 60, 'm' }, { 1, 's' }
	};
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]) - 1; i++)
		if (secs % units[i].mult == 0)
			break;
	snprintf(out, outlen, "%lld%c", (long long)(secs / units[i].mult),
	    units[i].unit);
}

/* One duration setting: its value in [min, max] or a precise message. */
static int
set_duration(const char *key, const char *value, int64_t min, int64_t max,
    int64_t *out, char *err, size_t errlen)
{
	char lo[32], hi[32];

	if (config_parse_duration(value, min, max, out) == 0)
		return 0;
	format_duration(min, lo, sizeof(lo));
	format_duration(max, hi, sizeof(hi));
	snprintf(err, errlen, "%s: expected a duration from %s to %s (an "
	    "integer followed by s, m, h or d, such as 7d), got \"%s\"", key,
	    lo, hi, value);
	return -1;
}

/*
 * Parses a byte count with an optional K, M or G suffix (powers of 1024)
 * into *out; -1 when malformed or outside [min, max].
 */
int
config_parse_size(const char *s, size_t min, size_t max, size_t *out)
{
	char			*end;
	unsigned long long	 v, mult = 1;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	switch (*end) {
	case '\0':
		break;
	case 'k': case 'K':
		mult = 1024ULL;
		end++;
		break;
	case 'm': case 'M':
		mult = 1024ULL * 1024;
		end++;
		break;
	case 'g': case 'G':
		mult = 1024ULL * 1024 * 1024;
		end++;
		break;
	default:
		return -1;
	}
	if (*end != '\0' || v > max / mult)
		return -1;
	v *= mult;
	if (v < min || v > max)
		return -1;
	*out = (size_t)v;
	return 0;
}

static int
parse_uint(const char *s, unsigned long min, unsigned long max,
    unsigned long *out)
{
	char		*end;
	unsigned long	 v;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* HOST:PORT, with [v6]:PORT accepted; port 0 asks the kernel for one. */
int
config_parse_listen(const char *s, char *host, size_t hostlen, uint16_t *port)
{
	const char	*colon, *h = s;
	size_t		 hl;
	unsigned long	 p;

	if (s == NULL)
		return -1;
	if (*s == '[') {
		const char *rb = strchr(s, ']');
		if (rb == NULL || rb[1] != ':')
			return -1;
		h = s + 1;
		hl = (size_t)(rb - h);
		colon = rb + 1;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL)
			return -1;
		hl = (size_t)(colon - s);
	}
	if (hl == 0 || hl >= hostlen)
		return -1;
	if (parse_uint(colon + 1, 0, 65535, &p) == -1)
		return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	*port = (uint16_t)p;
	return 0;
}

static int
copy_value(char *dst, size_t dstlen, const char *v)
{
	int n = snprintf(dst, dstlen, "%s", v);
	return (n < 0 || (size_t)n >= dstlen) ? -1 : 0;
}

#define OPT_FIELD(f)	offsetof(struct config, f), sizeof(((struct config *)0)->f)

/*
 * Every setting, once: its labeld.conf key, its flag, how its value is
 * parsed and printed, its bounds and its help line.  getopt's long
 * options, labeld --help, labeld -n and labeld.conf parsing all come from
 * here; tests/e2e/operator.sh holds labeld(8) and labeld.conf(5) to it.
 * For CONFIG_TEXT, min is the shortest value accepted.
 */
const struct config_option config_options[] = {
	{ "data_dir", "data-dir", "dir", CONFIG_TEXT, OPT_FIELD(data_dir),
	    1, 0, "database, keys and evidence" },
	{ "share_dir", "share-dir", "dir", CONFIG_TEXT, OPT_FIELD(share_dir),
	    0, 0, "migrations/ and schemas/ (default: found)" },
	{ "listen", "listen", "host:port", CONFIG_LISTEN, 0, 0,
	    0, 0, "address to listen on (port 0: any free one)" },
	{ "public_url", "public-url", "url", CONFIG_URL, OPT_FIELD(public_url),
	    0, 0, "URL clients use (default: from listen)" },
	{ "issuer_did", "issuer-did", "did", CONFIG_DID, OPT_FIELD(issuer_did),
	    0, 0, "the authority's DID (default: did:web of public_url)" },
	{ "issuer_name", "issuer-name", "name", CONFIG_TEXT,
	    OPT_FIELD(issuer_name), 1, 0, "the authority's name" },
	{ "country", "country", "code", CONFIG_COUNTRY, OPT_FIELD(country),
	    0, 0, "the authority's ISO 3166 alpha-2 code" },
	{ "threads", "threads", "n", CONFIG_COUNT, OPT_FIELD(threads),
	    1, LABELD_THREADS_MAX, "server threads" },
	{ "max_body", "max-body", "size", CONFIG_SIZE, OPT_FIELD(max_body),
	    1024, LABELD_MAX_BODY_LIMIT, "largest JSON request body" },
	{ "max_upload", "max-upload", "size", CONFIG_SIZE,
	    OPT_FIELD(max_upload), 1024, LABELD_MAX_UPLOAD_LIMIT,
	    "largest evidence upload" },
	{ "log_level", "log-level", "level", CONFIG_LEVEL, OPT_FIELD(log_level),
	    0, 0, "error, warn, info or debug" },
	{ "status_list_validity", "status-list-validity", "duration",
	    CONFIG_DURATION, OPT_FIELD(status_list_validity),
	    LABELD_STATUSLIST_VALIDITY_MIN, LABELD_STATUSLIST_VALIDITY_MAX,
	    "how long a signed status list is valid" },
	{ "trust_bundle_validity", "trust-bundle-validity", "duration",
	    CONFIG_DURATION, OPT_FIELD(trust_bundle_validity),
	    LABELD_TRUST_BUNDLE_VALIDITY_MIN, LABELD_TRUST_BUNDLE_VALIDITY_MAX,
	    "how long a trust bundle version is valid" },
	{ "partner_status_max_age", "partner-status-max-age", "duration",
	    CONFIG_DURATION, OPT_FIELD(partner_status_max_age),
	    LABELD_PARTNER_STATUS_MAX_AGE_MIN,
	    LABELD_PARTNER_STATUS_MAX_AGE_MAX,
	    "age of a partner's lists that suspends its recognised labels" },
	{ "key_passphrase_file", "key-passphrase-file", "file", CONFIG_TEXT,
	    OPT_FIELD(key_passphrase_file), 0, 0,
	    "first line: a sealed key's passphrase (default: none)" },
	{ NULL, NULL, NULL, 0, 0, 0, 0, 0, NULL }
};

static const char *const config_levels[] = {
	[LOG_ERROR] = "error", [LOG_WARN] = "warn", [LOG_INFO] = "info",
	[LOG_DEBUG] = "debug"
};

/* The largest unit of 1024 that divides n exactly: "1M", "32M", "1500". */
static void
format_size(size_t n, char *out, size_t outlen)
{
	static const char units[] = "GMK";
	size_t i, mult = 1024UL * 1024 * 1024;

	for (i = 0; units[i] != '\0'; i++, mult /= 1024)
		if (n >= mult && n % mult == 0) {
			snprintf(out, outlen, "%zu%c", n / mult, units[i]);
			return;
		}
	snprintf(out, outlen, "%zu", n);
}

/*
 * The option of key, in its file ("max_body") or flag ("max-body")
 * spelling; NULL when there is none.
 */
const struct config_option *
config_option(const char *key)
{
	const struct config_option *o;

	for (o = config_options; o->key != NULL; o++)
		if (strcmp(key, o->key) == 0 || strcmp(key, o->flag) == 0)
			return o;
	return NULL;
}

/*
 * Sets one key (file spelling "max_body" or flag spelling "max-body") to a
 * textual value.  On error returns -1 with a message naming the key.
 */
int
config_set(struct config *c, const char *key, const char *value, char *err,
    size_t errlen)
{
	const struct config_option	*o;
	char				*field, lo[32], hi[32];
	unsigned long			 u;
	size_t				 n;

	if ((o = config_option(key)) == NULL) {
		snprintf(err, errlen, "unknown setting \"%s\"", key);
		return -1;
	}
	field = (char *)c + o->off;
	switch (o->type) {
	case CONFIG_TEXT:
		if (strlen(value) < (size_t)o->min ||
		    copy_value(field, o->size, value) == -1) {
			snprintf(err, errlen, "%s: value \"%s\" is empty or "
			    "too long", o->key, value);
			return -1;
		}
		break;
	case CONFIG_LISTEN:
		if (config_parse_listen(value, c->listen_host,
		    sizeof(c->listen_host), &c->listen_port) == -1) {
			snprintf(err, errlen, "listen: expected HOST:PORT, "
			    "got \"%s\"", value);
			return -1;
		}
		break;
	case CONFIG_URL:
		if ((strncmp(value, "http://", 7) != 0 &&
		    strncmp(value, "https://", 8) != 0) ||
		    copy_value(field, o->size, value) == -1) {
			snprintf(err, errlen, "public_url: expected an http:// "
			    "or https:// URL, got \"%s\"", value);
			return -1;
		}
		n = strlen(field);
		while (n > 0 && field[n - 1] == '/')
			field[--n] = '\0';
		c->public_url_set = 1;
		break;
	case CONFIG_DID:
		if (strncmp(value, "did:", 4) != 0 ||
		    copy_value(field, o->size, value) == -1) {
			snprintf(err, errlen, "issuer_did: expected a DID, "
			    "got \"%s\"", value);
			return -1;
		}
		c->issuer_did_set = 1;
		break;
	case CONFIG_COUNTRY:
		if (strlen(value) != 2 || !isupper((unsigned char)value[0]) ||
		    !isupper((unsigned char)value[1])) {
			snprintf(err, errlen, "country: expected an ISO 3166 "
			    "alpha-2 code such as SG, got \"%s\"", value);
			return -1;
		}
		memcpy(field, value, 3);
		break;
	case CONFIG_COUNT:
		if (parse_uint(value, (unsigned long)o->min,
		    (unsigned long)o->max, &u) == -1) {
			snprintf(err, errlen, "%s: expected %lld..%lld, got "
			    "\"%s\"", o->key, (long long)o->min,
			    (long long)o->max, value);
			return -1;
		}
		*(unsigned *)(void *)field = (unsigned)u;
		break;
	case CONFIG_SIZE:
		if (config_parse_size(value, (size_t)o->min, (size_t)o->max,
		    (size_t *)(void *)field) == -1) {
			format_size((size_t)o->min, lo, sizeof(lo));
			format_size((size_t)o->max, hi, sizeof(hi));
			snprintf(err, errlen, "%s: expected a size from %s to "
			    "%s, got \"%s\"", o->key, lo, hi, value);
			return -1;
		}
		break;
	case CONFIG_DURATION:
		if (set_duration(o->key, value, o->min, o->max,
		    (int64_t *)(void *)field, err, errlen) == -1)
			return -1;
		break;
	case CONFIG_LEVEL:
		if (log_level_parse(value, (int *)(void *)field) == -1) {
			snprintf(err, errlen, "log_level: expected error, warn, "
			    "info or debug, got \"%s\"", value);
			return -1;
		}
		break;
	}
	return 0;
}

/*
 * The value of option o in c as labeld.conf spells it, into out (cut to
 * outlen); config_set(c, o->key, out) gives it back.
 */
void
config_format(const struct config *c, const struct config_option *o,
    char *out, size_t outlen)
{
	const char *field = (const char *)c + o->off;

	switch (o->type) {
	case CONFIG_TEXT:
	case CONFIG_URL:
	case CONFIG_DID:
	case CONFIG_COUNTRY:
		snprintf(out, outlen, "%s", field);
		break;
	case CONFIG_LISTEN:
		snprintf(out, outlen, strchr(c->listen_host, ':') ? "[%s]:%u" :
		    "%s:%u", c->listen_host, c->listen_port);
		break;
	case CONFIG_COUNT:
		snprintf(out, outlen, "%u", *(const unsigned *)(const void *)field);
		break;
	case CONFIG_SIZE:
		format_size(*(const size_t *)(const void *)field, out, outlen);
		break;
	case CONFIG_DURATION:
		format_duration(*(const int64_t *)(const void *)field, out,
		    outlen);
		break;
	case CONFIG_LEVEL:
		snprintf(out, outlen, "%s",
		    config_levels[*(const int *)(const void *)field]);
		break;
	}
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/*
 * Reads "key = value" lines; '#' starts a comment line.  A missing file is
 * fine when missing_ok (the default /etc path); errors name file and line.
 */
int
config_load_file(struct config *c, const char *path, int missing_ok,
    char *err, size_t errlen)
{
	FILE		*f;
	char		 line[CONFIG_MAX_LINE], msg[256];
	int		 lineno = 0, rc = 0;

	if ((f = fopen(path, "r")) == NULL) {
		if (missing_ok && errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *k, *v, *eq;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(err, errlen, "%s:%d: line too long", path,
			    lineno);
			rc = -1;
			break;
		}
		k = trim(line);
		if (*k == '\0' || *k == '#')
			continue;
		if ((eq = strchr(k, '=')) == NULL) {
			snprintf(err, errlen, "%s:%d: expected key = value",
			    path, lineno);
			rc = -1;
			break;
		}
		*eq = '\0';
		k = trim(k);
		v = trim(eq + 1);
		if (config_set(c, k, v, msg, sizeof(msg)) == -1) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, msg);
			rc = -1;
			break;
		}
	}
	fclose(f);
	return rc;
}

/* did:web of a URL: host (port colon percent-encoded), path segments as ':'. */
static int
did_web_from_url(const char *url, char *out, size_t outlen)
{
	const char	*p = strstr(url, "://");
	size_t		 o;
	int		 n;

	if (p == NULL)
		return -1;
	p += 3;
	n = snprintf(out, outlen, "did:web:");
	if (n < 0 || (size_t)n >= outlen)
		return -1;
	o = (size_t)n;
	for (; *p != '\0'; p++) {
		const char *piece;
		char one[2] = { *p, '\0' };

		if (*p == ':')
			piece = "%3A";
		else if (*p == '/')
			piece = ":";
		else
			piece = one;
		n = snprintf(out + o, outlen - o, "%s", piece);
		if (n < 0 || (size_t)n >= outlen - o)
			return -1;
		o += (size_t)n;
	}
	/* "http://h/" would leave a trailing ':' */
	if (o > 0 && out[o - 1] == ':')
		out[o - 1] = '\0';
	return 0;
}

/* Derives what was not given: the public URL from listen, the DID from it. */
int
config_finish(struct config *c, char *err, size_t errlen)
{
	if (!c->public_url_set) {
		int n;
		if (strchr(c->listen_host, ':') != NULL)
			n = snprintf(c->public_url, sizeof(c->public_url),
			    "http://[%s]:%u", c->listen_host, c->listen_port);
		else
			n = snprintf(c->public_url, sizeof(c->public_url),
			    "http://%s:%u", c->listen_host, c->listen_port);
		if (n < 0 || (size_t)n >= sizeof(c->public_url)) {
			snprintf(err, errlen, "listen host too long");
			return -1;
		}
	}
	if (!c->issuer_did_set && did_web_from_url(c->public_url,
	    c->issuer_did, sizeof(c->issuer_did)) == -1) {
		snprintf(err, errlen, "cannot derive a did:web from %s",
		    c->public_url);
		return -1;
	}
	config_find_share_dir(c);
	return 0;
}

static int
has_migrations(const char *dir)
{
	char		 p[PATH_MAX];
	struct stat	 st;

	if (snprintf(p, sizeof(p), "%s/migrations", dir) >= (int)sizeof(p))
		return 0;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * Where migrations/ and schemas/ live: the setting, else $LABELD_SHARE_DIR,
 * else the installed location, else the source tree this binary was built
 * from (so a labeld run from the build tree works without installing).
 */
void
config_find_share_dir(struct config *c)
{
	const char *env;

	if (c->share_dir[0] != '\0')
		return;
	if ((env = getenv("LABELD_SHARE_DIR")) != NULL && *env != '\0')
		snprintf(c->share_dir, sizeof(c->share_dir), "%s", env);
	else if (has_migrations(LABELD_DATADIR))
		snprintf(c->share_dir, sizeof(c->share_dir), "%s",
		    LABELD_DATADIR);
	else
		snprintf(c->share_dir, sizeof(c->share_dir), "%s",
		    LABELD_SRCDIR);
}

/* dir/name into out; -1 (and out empty) when it does not fit. */
int
path_join(char *out, size_t outlen, const char *dir, const char *name)
{
	int n = snprintf(out, outlen, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= outlen) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

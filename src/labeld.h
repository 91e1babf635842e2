/*
 * labeld.h: the daemon's internal interfaces, one section per file.
 * Self-contained modules (jcs, crypto, dataint, bitstring, scheme, assess)
 * have their own headers so that tests and labelverify can build them alone.
 */
#ifndef LABELD_H
#define LABELD_H

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <sqlite3.h>

#include "clock.h"
#include "strbuf.h"
#include "tlog.h"

/* Limits; labeld(8) and labeld.conf(5) state these defaults. */
#define LABELD_MAX_BODY_DEFAULT		(1024 * 1024)
#define LABELD_MAX_UPLOAD_DEFAULT	(32 * 1024 * 1024)
#define LABELD_MAX_BODY_LIMIT		(64 * 1024 * 1024)
#define LABELD_MAX_UPLOAD_LIMIT		(1024LL * 1024 * 1024)
#define LABELD_THREADS_DEFAULT		4
#define LABELD_THREADS_MAX		64
/* Seconds of idle before close, also while headers are awaited: a
 * half-open client holds its slot no longer than that. */
#define LABELD_CONN_TIMEOUT		10
#define LABELD_CONN_LIMIT		1024
#define LABELD_CONN_MEMORY		(64 * 1024)
/* A refused request with a declared body up to this is read and dropped,
 * a larger or chunked one cut off unread (labeld(8) LIMITS). */
#define LABELD_DROP_BODY_MAX		(1024 * 1024)
#define LABELD_CONN_PER_IP_DEFAULT	128
#define LABELD_CONN_PER_IP_MAX		LABELD_CONN_LIMIT
/* Requests per second per client (0: off) and the burst a bucket holds,
 * in seconds of its rate (labeld.conf(5) rate_limit_write). */
#define LABELD_RATE_WRITE_DEFAULT	20
#define LABELD_RATE_VERIFY_DEFAULT	100
#define LABELD_RATE_MAX			1000000
#define RATELIMIT_BURST			5
#define LABELD_RATELIMIT_SLOTS		16384
#define LABELD_TLS_FILE_MAX		(1024 * 1024)	/* PEM certificate or key */
/* TLS 1.2 and 1.3 only (GnuTLS priority string). */
#define LABELD_TLS_PRIORITIES	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"
#define LABELD_LOG_LIMIT_PERIOD		10	/* seconds between refused-connection lines */
#define LABELD_SHUTDOWN_GRACE		30	/* seconds for in-flight requests */
#define LABELD_MAX_URL			2048
#define LABELD_MAX_PARAMS		4
#define LABELD_MAX_NAME			200	/* names, models, titles */
#define LABELD_MAX_TEXT			4000	/* reasons, justifications, notes */
#define LABELD_MAX_CONTACT		512	/* a product's vulnerability_contact */
#define LABELD_PAGE_DEFAULT		50
#define LABELD_PAGE_MAX			500

/* Durations (seconds); labeld.conf(5) states them. */
#define LABELD_STATUSLIST_VALIDITY_DEFAULT	(7 * 86400)
#define LABELD_STATUSLIST_VALIDITY_MIN		(10 * 60)
#define LABELD_STATUSLIST_VALIDITY_MAX		(366 * 86400)
#define LABELD_TRUST_BUNDLE_VALIDITY_DEFAULT	(365 * 86400)
#define LABELD_TRUST_BUNDLE_VALIDITY_MIN	(31 * 86400)
#define LABELD_TRUST_BUNDLE_VALIDITY_MAX	(3650 * 86400)
#define LABELD_EXPIRY_WITHIN_MAX		3650	/* ?expiring_within= days */
#define LABELD_EXPIRY_WINDOW_DEFAULT		(90 * 86400)
#define LABELD_EXPIRY_WINDOW_MIN		86400
#define LABELD_EXPIRY_WINDOW_MAX		(3650 * 86400)
#define LABELD_BALLOT_VALIDITY		(7 * 86400)	/* to decide a ballot */
#define LABELD_QUORUM_MAX		9
#define LABELD_TRUST_BUNDLE_RENEW		(30 * 86400)	/* before expires */
#define LABELD_TRUST_BUNDLE_MAX_VERSION	1000000000LL	/* URL parsing bound */
#define LABELD_SCHEDULER_PERIOD			60	/* seconds between rounds */
#define LABELD_PARTNER_REFRESH_DEFAULT		3600
#define LABELD_PARTNER_REFRESH_MIN		1
#define LABELD_PARTNER_REFRESH_MAX		(30 * 86400)
#define LABELD_PARTNER_MAX_AGE_DEFAULT		(7 * 86400)
#define LABELD_PARTNER_MAX_AGE_MIN		60
#define LABELD_PARTNER_MAX_AGE_MAX		(366 * 86400)

#define LABELD_DB_FILE			"labeld.db"
#define LABELD_TOKEN_KEY_FILE		"token.key"
#define LABELD_ADMIN_TOKEN_FILE		"admin.token"

/*
 * Result codes: the one list every layer returns from (store_*, workflow_*,
 * keys_*, lifecycle_*, issue_*).  0 is success, each failure a negative
 * value of its own; the api_*.c handlers map them to HTTP answers.
 */
enum result {
	STORE_OK		=   0,
	STORE_ERR		=  -1,	/* database, memory or I/O failure */
	STORE_NOTFOUND		=  -2,	/* a lookup found nothing */
	STORE_CONFLICT		=  -3,	/* unique clash, or a stale revision */
	STORE_INVALID		=  -4,	/* the data offered was rejected; see err */
	WF_BADSTATE		= -10,	/* not allowed in the submission's state */
	WF_UNMET		= -11,	/* submit: the target tier is not met */
	WF_ABOVE		= -12,	/* approve: tier above the achieved one */
	WF_INVALID		= -13,	/* stored answers the engine refuses */
	WF_ABOVE_TARGET		= -14,	/* approve: tier above the target tier */
	WF_SUPPORT_ENDED	= -15,	/* approve: the product's support ended */
	WF_LAB_UNAPPROVED	= -16,	/* report: the lab's approval is not in force */
	WF_LAB_REFUSED		= -17,	/* the lab's approval does not cover this */
	WF_LAB_LOCKED		= -18,	/* a vendor's lab change after a fail */
	WF_LABEL_IN_FORCE	= -19,	/* approve: a label of that tier or higher */
	/* no active signing key, or it cannot be loaded (sealed without the
	 * right passphrase, file missing); HTTP 503 */
	KEYS_NOKEY		= -20,
	LIFECYCLE_BADSTATE	= -30,	/* not allowed from the label's status */
	/* a partner's bundle update does not follow by continuity; HTTP 409 */
	PARTNER_REFUSED		= -40,
	/* a partner refresh could not fetch or use a URL; HTTP 502 */
	PARTNER_FETCH_FAILED	= -41,
	/* a vote on a ballot that is no longer open; HTTP 409 */
	BALLOT_CLOSED		= -50,
};

/* log.c: one line per event on stderr, journald priorities under systemd */
enum log_level { LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };
void	 log_init(const char *progname, int level);
void	 log_set_level(int level);
int	 log_level_parse(const char *s, int *level);
void	 log_msg(int level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 log_vmsg(int level, const char *fmt, va_list ap);
#define log_error(...)	log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)

/* role.c: the roles a token carries, one bit each (route tables OR them) */
enum role {
	ROLE_PUBLIC	= 0,		/* no token; also "no such role" */
	ROLE_ADMIN	= 1 << 0,
	ROLE_REGULATOR	= 1 << 1,
	ROLE_VENDOR	= 1 << 2,
	ROLE_LAB	= 1 << 3,
};
#define ROLE_ANY_AUTH	(ROLE_ADMIN | ROLE_REGULATOR | ROLE_VENDOR | ROLE_LAB)
/* Who may see a submission and what hangs off it. */
#define ROLES_VIEW	(ROLE_VENDOR | ROLE_LAB | ROLE_REGULATOR)
enum role	 role_byname(const char *name);
const char	*role_name(enum role);
char		*role_list(unsigned mask, const char *sep, char *out,
		    size_t outlen);
int		 role_fits_kind(enum role, const char *kind);

/* config.c: labeld.conf(5) and command-line settings, one key set */
struct config {
	char		 data_dir[PATH_MAX];
	char		 share_dir[PATH_MAX];	/* migrations/, schemas/ */
	char		 listen_host[256];
	uint16_t	 listen_port;
	char		 public_url[512];
	char		 issuer_did[512];
	char		 issuer_name[LABELD_MAX_NAME + 1];
	char		 country[3];
	unsigned	 threads;
	size_t		 max_body;
	size_t		 max_upload;
	int		 log_level;
	int		 public_url_set;	/* else derived from listen */
	int		 issuer_did_set;	/* else derived from public_url */
	char		 key_passphrase_file[PATH_MAX];	/* "": none */
	int64_t		 status_list_validity;	/* seconds */
	int64_t		 trust_bundle_validity;	/* seconds */
	int64_t		 expiry_warning_window;	/* seconds */
	unsigned	 rate_limit_write;	/* per token per second; 0 off */
	unsigned	 rate_limit_verify;	/* per address per second; 0 off */
	unsigned	 max_conns_per_ip;
	unsigned	 quorum;	/* regulators an act of trust needs; 1 off */
	char		 tls_cert[PATH_MAX];	/* "": plain HTTP */
	char		 tls_key[PATH_MAX];
	char		 user[64];		/* run as, when started as root */
	int64_t		 partner_refresh_interval;	/* seconds */
	int64_t		 partner_status_max_age;	/* seconds */
};
/* How a setting's value is parsed and printed (config.c). */
enum config_type {
	CONFIG_TEXT,		/* a string, min bytes at least */
	CONFIG_LISTEN,		/* host:port into listen_host, listen_port */
	CONFIG_URL,		/* http(s) URL, sets public_url_set */
	CONFIG_DID,		/* a DID, sets issuer_did_set */
	CONFIG_COUNTRY,		/* ISO 3166 alpha-2 */
	CONFIG_COUNT,		/* unsigned in [min, max] */
	CONFIG_SIZE,		/* size_t, K/M/G, in [min, max] */
	CONFIG_DURATION,	/* int64_t seconds, DURATION, in [min, max] */
	CONFIG_LEVEL,		/* log level */
};
struct config_option {
	const char	*key;	/* labeld.conf key */
	const char	*flag;	/* labeld's long option */
	const char	*arg;	/* the value's name in usage */
	enum config_type type;
	size_t		 off;	/* offsetof(struct config, field) */
	size_t		 size;	/* sizeof that field */
	int64_t		 min, max;
	const char	*help;	/* one line of labeld --help */
};
extern const struct config_option config_options[];	/* NULL key ends */
const struct config_option *config_option(const char *key);
void	 config_format(const struct config *, const struct config_option *,
	    char *out, size_t outlen);
/*
 * Fills every member of c with its default (labeld.conf(5) states them),
 * overwriting what it held.  Cannot fail.
 */
void	 config_defaults(struct config *);
int	 config_set(struct config *, const char *key, const char *value,
	    char *err, size_t errlen);
int	 config_load_file(struct config *, const char *path, int missing_ok,
	    char *err, size_t errlen);
int	 config_finish(struct config *, char *err, size_t errlen);
int	 config_parse_size(const char *s, size_t min, size_t max, size_t *out);
int	 config_parse_duration(const char *s, int64_t min, int64_t max,
	    int64_t *out);
int	 config_parse_listen(const char *s, char *host, size_t hostlen,
	    uint16_t *port);
void	 config_find_share_dir(struct config *);
int	 path_join(char *out, size_t outlen, const char *dir,
	    const char *name);

/* store.c: connections, pragmas, migrations, transactions */
struct store;
struct db {
	sqlite3		*conn;
	struct stmt_cache *cache;
	struct store	*store;
	int		 last_rc;	/* the last failed call's result code
					   since store_acquire; 0 none */
};
struct store	*store_open(const char *path, const char *migrations_dir,
		    unsigned nconn, char *err, size_t errlen);
void		 store_close(struct store *);
struct db	*store_acquire(struct store *);
void		 store_release(struct db *);
int		 store_migrate(sqlite3 *, const char *dir, char *err,
		    size_t errlen);
int		 store_schema_version(sqlite3 *, int *version);
sqlite3_stmt	*db_prepare(struct db *, const char *sql);
int		 db_step(struct db *, sqlite3_stmt *);
int		 db_step_done(struct db *, sqlite3_stmt *);
int		 db_get_one(struct db *, sqlite3_stmt *,
		    void (*fill)(sqlite3_stmt *, void *), void *out,
		    const char *where);
int		 db_walk_done(struct db *, sqlite3_stmt *, int rc,
		    const char *where);
int		 db_get_text(struct db *, sqlite3_stmt *, char **buf, size_t *len,
		    const char *where);
int		 db_col_dup(sqlite3_stmt *, int i, char **buf, size_t *len);
void		 db_col_copy(sqlite3_stmt *, int i, char *dst, size_t dstlen);
const char	*db_col_text(sqlite3_stmt *, int i);
void		 db_bind_opt(sqlite3_stmt *, int i, const char *s);
int		 db_begin(struct db *);
int		 db_begin_read(struct db *);
int		 db_in_transaction(struct db *);
int		 db_commit(struct db *);
void		 db_rollback(struct db *);
void		 db_error(struct db *, const char *where);
unsigned long	 store_errors(void);
int		 store_integrity_check(struct db *, char *out, size_t outlen);
int		 store_backup(struct db *, const char *dest, char *err,
		    size_t errlen);
void		 store_now(char out[32]);
int		 store_fault_init(void);
void		 store_fault_set(int n, int rc);
int		 store_fault_fired(const char **site);
void		 store_today(char out[11]);
void		 store_new_id(const char *prefix, char *out, size_t outlen);
int		 store_ping(struct db *);

/* store_orgs.c: organisations and tokens */
struct org {
	char		 id[40];
	char		 name[LABELD_MAX_NAME + 1];
	char		 kind[16];
	char		 country[3];
	char		 created_at[32];
	int64_t		 seq;
};
struct token {
	char		 id[40];
	char		 org_id[40];
	char		 role[16];
	char		 label[LABELD_MAX_NAME + 1];
	char		 created_at[32];
	char		 revoked_at[32];
	char		 expires_at[32];	/* "": never */
};
struct principal {
	char		 token_id[40];
	char		 org_id[40];
	char		 org_kind[16];
	enum role	 role;
	char		 revoked_at[32];	/* "": live */
	char		 expires_at[32];	/* "": never */
};
int	 store_org_insert(struct db *, struct org *);
int	 store_org_get(struct db *, const char *id, struct org *);
int	 store_org_list(struct db *, const char *kind, int64_t after, int limit,
	    int (*cb)(const struct org *, void *), void *arg);
int	 store_token_insert(struct db *, const struct token *,
	    const uint8_t hash[32]);
int	 store_token_list(struct db *, const char *org_id,
	    int (*cb)(const struct token *, void *), void *arg);
int	 store_token_revoke(struct db *, const char *id);
int	 store_token_get(struct db *, const char *id, struct token *);
int	 store_principal_by_hash(struct db *, const uint8_t hash[32],
	    struct principal *);
int	 store_principal_by_id(struct db *, const char *id,
	    struct principal *);
int	 store_first_authority(struct db *, struct org *);

/* auth.c: bearer tokens */
int	 auth_load_key(const char *data_dir, char *err, size_t errlen);
void	 auth_hash(const char *token, uint8_t out[32]);
/* Why auth_resolve refused a request (the 401's detail, the audit log). */
enum auth_fault {
	AUTH_NONE = 0,
	AUTH_MISSING,		/* no Authorization header */
	AUTH_MALFORMED,		/* not "Bearer <token>", or too long */
	AUTH_UNKNOWN,		/* no such token */
	AUTH_REVOKED,
	AUTH_EXPIRED,
};
const char *auth_fault_name(enum auth_fault);
int	 auth_resolve(struct db *, const char *authorization,
	    struct principal *, enum auth_fault *);
int	 auth_issue_token(struct db *, const char *org_id, enum role,
	    const char *label, const char *expires_at, struct token *,
	    char *secret, size_t secretlen);

/* bootstrap.c: what a first start on an empty data dir does */
int	 bootstrap_data_dir(const struct config *, struct store **,
	    char *err, size_t errlen);

/* ratelimit.c: token buckets per client in a bounded table */
struct ratelimit;
struct ratelimit *ratelimit_new(size_t nslots);
void	 ratelimit_free(struct ratelimit *);
unsigned ratelimit_take(struct ratelimit *, const char *key, unsigned rate,
	    double now);

/* http.c: the request context seen by handlers */
struct route;
/* What router_admit decided from the request line and headers. */
enum admit {
	ADMIT_OK = 0,
	ADMIT_URL_TOO_LONG,	/* 414 */
	ADMIT_BAD_PATH,		/* 400: a control byte in the path */
	ADMIT_NO_ROUTE,		/* 404, or 405 when allow[] is set */
	ADMIT_DB_ERROR,		/* 500: the token could not be looked up */
	ADMIT_UNAUTHORIZED,	/* 401 */
	ADMIT_FORBIDDEN,	/* 403 */
	ADMIT_TOO_LARGE,	/* 413: the declared length is over the limit */
	ADMIT_RATE_LIMITED,	/* 429: the client's bucket is empty */
};
/* An answer reply.c keeps instead of sending (a ballot's act). */
struct reply_capture {
	unsigned	 status;
	char		 ctype[64];
	char		*body;		/* malloc'd, NUL-terminated */
	size_t		 len;
};

struct req {
	struct labeld		*ld;
	struct MHD_Connection	*conn;
	const char		*method;
	char			 path[LABELD_MAX_URL];
	const struct route	*route;
	int			 begun;		/* set up by the first callback */
	int			 url_too_long;
	int			 path_ctl;	/* raw path decodes to a control byte */
	enum admit		 admit;
	char			 allow[128];	/* other methods, for 405 */
	const struct route	*near;		/* a route of the path, for 405 */
	const char		*params[LABELD_MAX_PARAMS];
	char			 pathbuf[LABELD_MAX_URL];
	struct principal	 who;
	int			 authed;
	enum auth_fault		 auth_fault;	/* why a 401 */
	struct reply_capture	*capture;	/* answer kept, not sent */
	unsigned		 retry_after;	/* seconds, for a 429 */
	struct db		*db;

	/* request body */
	char			*body;
	size_t			 body_len;
	size_t			 body_cap;
	size_t			 body_limit;
	int			 body_too_large;
	size_t			 body_drained;
	int			 drop_body;	/* refused: read, not kept */
	json_t			*json;

	/* response */
	unsigned		 status;
	size_t			 resp_bytes;
	struct hdr		*hdrs;
	int			 queued;
	struct timespec		 start;
};
struct labeld {
	struct config		 cfg;
	struct store		*store;
	struct MHD_Daemon	*mhd;
	struct ratelimit	*limits;	/* NULL: no rate limits */
	char			*tls_cert;	/* PEM in memory; NULL: plain */
	char			*tls_key;
	json_t			*openapi;	/* api_openapi_load, or NULL */
};
int	 http_bind(struct config *, char *err, size_t errlen);
int	 http_tls_load(struct labeld *, char *err, size_t errlen);
int	 http_start(struct labeld *, char *err, size_t errlen);
int	 http_reload(struct labeld *, char *err, size_t errlen);
void	 http_stop(struct labeld *);
unsigned long http_active(void);
const char *req_query(struct req *, const char *key);
const char *req_header(struct req *, const char *name);
int	 req_client_addr(struct req *, char *buf, size_t len);

/* router.c: the route table walk, auth and role checks before a handler */
enum route_flags {
	ROUTE_JSON	= 1 << 0,	/* body must be a JSON object */
	ROUTE_UPLOAD	= 1 << 1,	/* raw body up to max_upload */
	ROUTE_JSON_OPT	= 1 << 2,	/* no body, or a JSON object */
	ROUTE_QUORUM	= 1 << 3,	/* an act of trust: a ballot when
					   quorum > 1 (dual control) */
};
struct route {
	const char	*method;
	const char	*pattern;	/* "/v1/products/{id}" */
	unsigned	 roles;		/* ROLE_* bits; ROLE_PUBLIC for none */
	unsigned	 flags;
	int		(*handler)(struct req *);
};
const struct route *router_match(const char *method, const char *path,
	    const char **params, char *pathbuf, size_t pathlen, char *allow,
	    size_t allowlen, const struct route **near);
int	 router_admit(struct req *);
void	 router_dispatch(struct req *);
void	 router_walk(void (*cb)(const struct route *, void *), void *arg);
size_t	 router_body_limit(const struct config *, const struct route *);

/* reply.c: the only place that builds responses */
int	 reply_json(struct req *, unsigned status, json_t *body);
int	 reply_raw(struct req *, unsigned status, const char *ctype,
	    const void *buf, size_t len);
int	 reply_problem(struct req *, unsigned status, const char *type,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int	 reply_problem_extra(struct req *, unsigned status, const char *type,
	    json_t *extra, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
int	 reply_invalid(struct req *, json_t *errors);
int	 reply_header(struct req *, const char *name, const char *value);
int	 reply_oom(struct req *);
int	 reply_db_error(struct req *);
void	 reply_free_headers(struct req *);

/* valid.c: request field validation that collects every fault */
struct valid {
	json_t		*errors;	/* [{field, detail}] */
	size_t		 faults;	/* valid_fail calls, listed or not */
	char		 prefix[128];	/* "items[3]." inside arrays */
};
void	 valid_init(struct valid *);
void	 valid_fail(struct valid *, const char *field, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
const char *valid_string(struct valid *, const json_t *obj, const char *field,
	    int required, size_t maxlen);
int	 valid_int(struct valid *, const json_t *obj, const char *field,
	    int required, json_int_t min, json_int_t max, json_int_t *out);
const char *valid_enum(struct valid *, const json_t *obj, const char *field,
	    int required, const char *const *allowed);
const char *valid_date(struct valid *, const json_t *obj, const char *field,
	    int required);
int	 valid_is_date(const char *s);
int	 valid_is_sha256(const char *s);
int	 valid_check(struct req *, struct valid *);

/* metrics.c: Prometheus counters of requests, latency and errors */
void	 metrics_observe(const char *route, unsigned status, uint64_t usec);
char	*metrics_render(struct db *, int64_t window, size_t *len,
	    int *dberr);

/* page.c: cursor pagination helpers shared by listings */
struct page {
	json_t		*items;
	int		 limit;
	int		 n;
	int64_t		 last;	/* seq of the last item kept */
	int		 more;	/* a row beyond the page exists */
	int		 failed;	/* an item could not be built */
};
int	 page_parse(struct req *, int64_t *after, int *limit);
void	 page_init(struct page *, int limit);
int	 page_add(struct page *, json_t *item, int64_t seq);
int	 page_reply(struct req *, struct page *);
int	 page_finish(struct req *, struct page *, int rc);
void	 page_free(struct page *);

/* catalog.c: scheme versions (published ones never change) */
struct scheme;
int	 catalog_import_dir(struct db *, const char *dir, char *err,
	    size_t errlen);
int	 catalog_publish(struct db *, const json_t *doc, const char *by_org,
	    char *err, size_t errlen);
const struct scheme *catalog_get(struct db *, const char *id, int version);
int	 catalog_current_version(struct db *, const char *id);

/* store_schemes.c: published scheme versions */
struct scheme_row {
	char		 id[65];
	int		 version;
	char		 title[LABELD_MAX_NAME + 1];
	char		 published_at[32];
	char		 sha256[65];
};
int	 store_scheme_insert(struct db *, const char *id, int version,
	    const char *title, const char *doc, const char *sha256,
	    const char *by_org);
int	 store_scheme_doc(struct db *, const char *id, int version,
	    char **doc);
int	 store_scheme_latest(struct db *, const char *id, int *version);
int	 store_scheme_list(struct db *, const char *id,
	    int (*cb)(const struct scheme_row *, void *), void *arg);

/* api_products.c, api_vulns.c, store_products.c: the limits they share */
/* Limits of product, version, vulnerability and evidence fields (bytes). */
#define LABELD_MAX_CATEGORY		64
#define LABELD_MAX_VERSION		64	/* firmware version strings */
#define LABELD_MAX_VULN_ID		64	/* CVE-2024-1234, GHSA-... */
#define LABELD_MAX_MEDIA_TYPE		127
#define LABELD_MAX_FILENAME		255
#define LABELD_SBOM_MAX_COMPONENTS	100000	/* nested ones included */
#define LABELD_SBOM_MAX_DEPTH		32	/* components inside components */

/* store_products.c: products, firmware versions, vulnerabilities */
struct product {
	char		 id[40];
	char		 vendor_id[40];
	char		 name[LABELD_MAX_NAME + 1];
	char		 model[LABELD_MAX_NAME + 1];
	char		 category[65];
	char		 support_until[11];	/* YYYY-MM-DD */
	/* https:// or http:// URL, or an e-mail address (api_products.c) */
	char		 vulnerability_contact[LABELD_MAX_CONTACT + 1];
	char		 created_at[32];
	char		 updated_at[32];
	int64_t		 seq;
};
/* sbom_sha256 "" (and sbom_components 0) when the version has no SBOM. */
struct product_version {
	char		 product_id[40];
	char		 version[65];
	char		 sbom_sha256[65];
	int		 sbom_components;
	char		 created_at[32];
};
/* A row of the products' audit trail (product_events). */
struct product_event {
	const char	*product_id;
	const char	*version;	/* NULL: the product itself */
	const char	*at;		/* NULL: now */
	const char	*action;	/* sbom_attached */
	const char	*org_id;
	const char	*token_id;
	const char	*detail;	/* JSON object text, or NULL */
};
int	 store_product_event_append(struct db *,
	    const struct product_event *);
struct vuln {
	char		 product_id[40];
	char		 id[LABELD_MAX_VULN_ID + 1];	/* CVE-2024-1234 */
	char		 component[LABELD_MAX_NAME + 1];	/* "" none */
	char		 severity[16];		/* "" when not given */
	char		 status[16];	/* open fixed not_affected mitigated */
	char		 fixed_in_version[LABELD_MAX_VERSION + 1];
	char		 justification[LABELD_MAX_TEXT + 1];
	char		 created_at[32];
	char		 updated_at[32];
	int64_t		 seq;
};
/* All return STORE_OK, STORE_NOTFOUND (lookups), STORE_CONFLICT or STORE_ERR. */
int	 store_product_insert(struct db *, struct product *);
int	 store_product_get(struct db *, const char *id, struct product *);
int	 store_product_update(struct db *, struct product *);
int	 store_product_list(struct db *, const char *vendor_id,
	    const char *category, int64_t after, int limit,
	    int (*cb)(const struct product *, void *), void *arg);
int	 store_product_version_insert(struct db *, struct product_version *,
	    const char *sbom, size_t sbom_len);
int	 store_product_version_get(struct db *, const char *product_id,
	    const char *version, struct product_version *);
int	 store_product_version_sbom(struct db *, const char *product_id,
	    const char *version, char **sbom, size_t *len);
int	 store_product_version_set_sbom(struct db *, struct product_version *,
	    const char *sbom, size_t sbom_len);
int	 store_product_version_list(struct db *, const char *product_id,
	    int64_t after, int limit,
	    int (*cb)(const struct product_version *, int64_t seq, void *),
	    void *arg);
int	 store_vuln_insert(struct db *, struct vuln *);
int	 store_vuln_get(struct db *, const char *product_id, const char *id,
	    struct vuln *);
int	 store_vuln_update(struct db *, struct vuln *);
int	 store_vuln_list(struct db *, const char *product_id,
	    const char *status, int64_t after, int limit,
	    int (*cb)(const struct vuln *, void *), void *arg);

/* store_labs.c: lab approvals (the newest row of a lab is in force) */
struct lab_approval {
	char		 lab_id[40];
	unsigned	 tiers;		/* bit (1u << tier) per approved tier */
	char		 valid_until[11];	/* YYYY-MM-DD, inclusive */
	char		 scheme[65];	/* "" = every scheme */
	char		 approved_by[40];
	char		 approved_at[32];
	int64_t		 seq;
};
int	 store_lab_approval_put(struct db *, struct lab_approval *);
/* The lab's newest approval, expired or not; STORE_NOTFOUND if never. */
int	 store_lab_approval_get(struct db *, const char *lab_org_id,
	    struct lab_approval *);
int	 store_lab_list_approved(struct db *, const char *day, int64_t after,
	    int limit, int (*cb)(const struct org *,
	    const struct lab_approval *, void *), void *arg);

/* store_evidence.c: metadata of uploaded evidence files */
struct evidence {
	char		 submission_id[40];
	char		 sha256[65];
	int64_t		 size;
	char		 media_type[LABELD_MAX_MEDIA_TYPE + 1];
	char		 filename[LABELD_MAX_FILENAME + 1];	/* "" none */
	char		 kind[65];	/* an evidence kind of the scheme */
	char		 uploaded_by[40];	/* organisation id */
	char		 created_at[32];
	int64_t		 seq;
};
/*
 * Insert: the caller sets every field but created_at and seq (filled);
 * STORE_CONFLICT when the submission already has that sha256.  Get:
 * STORE_NOTFOUND when the submission has no such evidence.
 */
int	 store_evidence_insert(struct db *, struct evidence *);
int	 store_evidence_get(struct db *, const char *submission_id,
	    const char *sha256, struct evidence *);
int	 store_evidence_list(struct db *, const char *submission_id,
	    int64_t after, int limit,
	    int (*cb)(const struct evidence *, void *), void *arg);

/*
 * evidence.c: content-addressed files DATA/evidence/ab/abcdef... (sha256
 * hex).  put: buf is the whole upload (the caller enforced max_upload);
 * written atomically (tmp, fsync, rename, fsync dir), existing intact
 * content not rewritten; 0 with the hex digest, or -1 with err (the
 * content must then be taken as not stored).  open: *fd (caller closes) and *size, -1 when absent or
 * sha256_hex is not 64 lowercase hex digits.
 */
int	 evidence_put(const char *data_dir, const void *buf, size_t len,
	    char sha256_hex[65], char *err, size_t errlen);
int	 evidence_open(const char *data_dir, const char *sha256_hex, int *fd,
	    size_t *size);
int	 evidence_digest_ok(const char *sha256_hex);

/* api_submissions*.c, workflow*.c, store_submissions.c: shared limits */
#define LABELD_MAX_DECL_EVIDENCE	64	/* evidence digests per declaration */
#define LABELD_MAX_ITEMS		1024	/* declarations or lab results per request */

/* store_submissions.c: submissions, declarations, lab reports, events */
struct submission {
	char		 id[40];
	char		 vendor_id[40];
	char		 product_id[40];
	char		 product_version[65];
	char		 scheme[65];
	int		 scheme_version;	/* pinned at creation */
	int		 target_tier;
	char		 state[24];		/* workflow_state_name() */
	char		 lab_id[40];		/* "" when none assigned */
	int64_t		 revision;		/* the ETag: bumped by every change */
	int		 approved_tier;		/* 0 unless approved */
	char		 label_id[40];		/* "" unless approved */
	char		 decision[24];		/* the last decision, "" none */
	char		 decision_reason[LABELD_MAX_TEXT + 1];
	char		 decided_at[32];
	char		 decided_by[40];	/* organisation id */
	char		 submitted_at[32];	/* the last submit */
	char		 created_at[32];
	char		 updated_at[32];
	int64_t		 seq;
};
/* Listing filters; NULL (or 0 for tier) means no restriction. */
struct submission_filter {
	const char	*vendor_id;
	const char	*lab_id;
	const char	*state;
	const char	*product_id;
	const char	*scheme;
	int		 tier;			/* target tier */
};
/* Strings are borrowed: from the caller on writes, from the row on reads. */
struct declaration {
	const char	*requirement;
	const char	*status;	/* conformant not_applicable non_conformant */
	const char	*justification;	/* "" none */
	const char	*evidence;	/* sha256 hex digests, space-separated */
	const char	*updated_at;
	const char	*updated_by;	/* organisation id */
};
struct lab_report {
	char		 id[40];
	char		 submission_id[40];
	char		 lab_id[40];
	int		 tier;
	char		 report_sha256[65];
	char		 created_at[32];
	char		 created_by[40];	/* token id */
};
struct lab_result {
	const char	*requirement;
	const char	*verdict;	/* pass fail not_applicable */
	const char	*notes;		/* "" none */
};
/* One audit-trail entry; strings borrowed as for struct declaration. */
struct sub_event {
	int64_t		 seq;
	const char	*submission_id;
	const char	*at;
	const char	*org_id;
	const char	*role;
	const char	*token_id;
	const char	*action;	/* created, declared, evidence_uploaded, ... */
	const char	*from_state;	/* "" / NULL unless the state changed */
	const char	*to_state;
	const char	*reason;
	const char	*detail;	/* JSON object text, "" / NULL none */
};
int	 store_submission_count_by_state(struct db *,
	    int (*cb)(const char *, int64_t, void *), void *arg);
int	 store_submission_insert(struct db *, struct submission *);
int	 store_submission_get(struct db *, const char *id, struct submission *);
int	 store_submission_update(struct db *, struct submission *);
int	 store_submission_list(struct db *, const struct submission_filter *,
	    int64_t after, int limit,
	    int (*cb)(const struct submission *, void *), void *arg);
int	 store_declaration_put(struct db *, const char *submission_id,
	    const struct declaration *);
int	 store_declaration_list(struct db *, const char *submission_id,
	    int (*cb)(const struct declaration *, void *), void *arg);
int	 store_lab_report_insert(struct db *, struct lab_report *,
	    const struct lab_result *, size_t n);
int	 store_lab_report_list(struct db *, const char *submission_id,
	    int (*cb)(const struct lab_report *, void *), void *arg);
int	 store_lab_result_list(struct db *, const char *report_id,
	    int (*cb)(const struct lab_result *, void *), void *arg);
int	 store_lab_results_current(struct db *, const char *submission_id,
	    const char *lab_id, int (*cb)(const struct lab_result *,
	    const struct lab_report *, void *), void *arg);
int	 store_lab_fail_first(struct db *, const char *submission_id,
	    char *report_id);
int	 store_submission_lab_covers(struct db *, const char *lab_id,
	    const char *product_id, const char *version);
int	 store_version_not_after(struct db *, const char *product_id,
	    const char *version, const char *than, int *yes);
int	 store_sub_event_append(struct db *, struct sub_event *);
int	 store_sub_event_list(struct db *, const char *submission_id,
	    int64_t after, int limit,
	    int (*cb)(const struct sub_event *, void *), void *arg);
int	 store_label_seq_next(struct db *, const char *prefix, int64_t *seq);

/* workflow.c: the submission state machine and decision rules (no HTTP) */
enum wf_state {
	WF_DRAFT, WF_SUBMITTED, WF_UNDER_REVIEW, WF_CHANGES_REQUESTED,
	WF_APPROVED, WF_REJECTED, WF_WITHDRAWN, WF_NSTATES
};
enum wf_action {
	WF_SUBMIT, WF_REVIEW, WF_REQUEST_CHANGES, WF_APPROVE, WF_REJECT,
	WF_WITHDRAW, WF_NACTIONS
};
/* Why a workflow_* change was refused: the input at fault and a sentence. */
struct wf_why {
	char		 field[48];	/* "lab_id", "results[2].requirement"; "" */
	char		 text[512];
};
struct assess_result;
const char *workflow_state_name(enum wf_state);
int	 workflow_state_parse(const char *, enum wf_state *);
const char *workflow_action_name(enum wf_action);
int	 workflow_action_parse(const char *, enum wf_action *);
int	 workflow_next(enum wf_state, enum wf_action, enum wf_state *next);
unsigned workflow_action_roles(enum wf_action);
const char *workflow_action_event(enum wf_action);
enum wf_state workflow_state_of(const struct submission *);
json_t	*workflow_digests_json(const char *list);
int	 workflow_is_final(enum wf_state);
int	 workflow_may_declare(enum wf_state);
int	 workflow_may_report(enum wf_state);
int	 workflow_may_upload(enum wf_state);
int	 workflow_may_assign_lab(enum wf_state, enum role);
int	 workflow_check_approval(int tier, int achieved, char *err,
	    size_t errlen);
/* workflow_assess.c: the engine on the stored answers */
struct assess_result *workflow_assess(struct db *, const struct submission *,
	    const struct scheme *, char *err, size_t errlen);
/* workflow_lab.c: the lab rules (inside a change's transaction) */
int	 workflow_lab_may_assess(struct db *, const struct submission *,
	    const char *lab_id, struct wf_why *);
int	 workflow_lab_may_report(struct db *, const struct principal *,
	    const struct submission *, const struct lab_report *,
	    const struct lab_result *, size_t n, struct wf_why *);
/* workflow_change.c: the changes, one transaction each */
int	 workflow_refuse(struct wf_why *, int rc, const char *field,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
const struct scheme *workflow_pinned_scheme(struct db *,
	    const struct submission *);
int	 workflow_open(struct db *, const struct principal *,
	    struct submission *);
int	 workflow_declare(struct db *, const struct principal *,
	    struct submission *, int64_t if_revision,
	    const struct declaration *items, size_t n);
int	 workflow_add_evidence(struct db *, const struct principal *,
	    const struct submission *, struct evidence *);
int	 workflow_assign_lab(struct db *, const struct principal *,
	    struct submission *, int64_t if_revision, const char *lab_id,
	    struct wf_why *);
int	 workflow_file_report(struct db *, const struct principal *,
	    struct submission *, int64_t if_revision, struct lab_report *,
	    const struct lab_result *, size_t n, struct wf_why *);
int	 workflow_submit(struct db *, const struct principal *,
	    struct submission *, int64_t if_revision, json_t **gaps,
	    int *achieved);
int	 workflow_withdraw(struct db *, const struct principal *,
	    struct submission *, int64_t if_revision);
int	 workflow_review(struct db *, const struct principal *,
	    struct submission *, int64_t if_revision);
int	 workflow_decide(struct db *, const struct config *,
	    const struct principal *,
	    struct submission *, int64_t if_revision, enum wf_action,
	    int tier, const char *reason, int *achieved, struct wf_why *);
int	 workflow_approve(struct db *, const struct config *,
	    const struct principal *,
	    struct submission *, int64_t if_revision, int tier,
	    const char *reason, int *achieved, struct wf_why *);

/* api_submissions_access.c: visibility, ETags, shared answers (HTTP) */
#define SUBMISSIONS_ETAG_MAX	32
void	 submissions_etag(const struct submission *,
	    char out[SUBMISSIONS_ETAG_MAX]);
int	 submissions_set_etag(struct req *, const struct submission *);
int	 submissions_load_visible(struct req *, struct submission *);
const struct scheme *submissions_scheme(struct req *,
	    const struct submission *);
int	 submissions_if_match(struct req *, const struct submission *,
	    int required, int64_t *rev);
int	 submissions_reply_bad_state(struct req *, const struct submission *,
	    const char *what, const char *allowed);
int	 submissions_reply_refused(struct req *, const struct wf_why *);
int	 submissions_reply_stale(struct req *, const struct submission *);
int	 submissions_reply_change(struct req *, const struct submission *,
	    int rc, const char *what, const char *allowed);

/* api_submissions_view.c: submissions as answered (HTTP) */
json_t	*submissions_json(const struct submission *);
json_t	*submissions_full_json(struct db *, const struct submission *);
int	 submissions_reply(struct req *, unsigned status,
	    const struct submission *);
json_t	*submissions_report_results(struct db *, const char *report_id);
json_t	*submissions_report_json(const struct lab_report *, json_t *results);
json_t	*submissions_event_json(const struct sub_event *);

/* api_submissions_check.c: request bodies of submission changes (HTTP) */
struct sub_decl_items {
	struct declaration	*d;
	char			**evidence;	/* joined digests per item */
	size_t			 n;
};
struct sub_report_items {
	struct lab_result	*res;
	size_t			 n;
};
void	 submissions_decl_free(struct sub_decl_items *);
int	 submissions_check_declarations(struct req *,
	    const struct submission *, const struct scheme *,
	    struct sub_decl_items *);
int	 submissions_check_report(struct req *, const struct submission *,
	    const struct scheme *, struct lab_report *,
	    struct sub_report_items *);

/* keys.c, issue.c, statuslist.c, store_*.c, api_labels.c: label constants */
/*
 * Also lifecycle.c (suspend, revoke, reinstate), trust_bundle.c and
 * labelctl_key.c (labelctl key ...; linked into labelctl only).
 */
#define LABELD_KEYS_DIR			"keys"	/* DATA/keys/<kid>.key, 0600 */
#define LABELD_KID_BUFLEN		16	/* "key-" + 8 hex digits + NUL */
#define LABELD_MAX_PASSPHRASE		1024	/* bytes of a key passphrase */
#define LABELD_KEY_PASSPHRASE_ENV	"LABELD_KEY_PASSPHRASE"
#define LABELD_LABEL_ID_MAX		40
#define LABELD_MAX_FIRMWARE_VERSIONS	256	/* versions one label covers */
#define LABELD_MAX_LAB_REPORTS		64	/* lab report digests per label */
#define LABELD_STATUSLIST_BITS		131072	/* entries per status list */
#define LABELD_STATUSLIST_REVOCATION	"revocation-1"
#define LABELD_STATUSLIST_SUSPENSION	"suspension-1"
#define LABELD_VC_MEDIA_TYPE		"application/vc"

/* store_keys.c: the signing_keys table (public halves and metadata only) */
struct signing_key {
	char		 kid[LABELD_KID_BUFLEN];
	uint8_t		 pk[32];
	char		 file[64];		/* relative to the data dir */
	int		 sealed;
	char		 status[16];		/* active retired compromised */
	char		 created_at[32];
	char		 retired_at[32];	/* "" while active */
	char		 compromised_at[32];	/* "" unless compromised */
	int64_t		 seq;
};
int	 store_key_insert(struct db *, struct signing_key *);
int	 store_key_get(struct db *, const char *kid, struct signing_key *);
int	 store_key_active(struct db *, struct signing_key *);
int	 store_key_count(struct db *, int64_t *n);
int	 store_key_list(struct db *,
	    int (*cb)(const struct signing_key *, void *), void *arg);
int	 store_key_retire(struct db *, const char *kid, const char *at);
int	 store_key_compromise(struct db *, const char *kid, const char *since,
	    const char *at);
/* The committed next key: public half, digest and file only. */
struct next_key {
	char		 kid[LABELD_KID_BUFLEN];
	uint8_t		 pk[32];
	char		 digest[65];		/* hex SHA-256 of pk */
	char		 file[64];		/* relative to the data dir */
	int		 sealed;
	char		 created_at[32];
	char		 promoted_at[32];	/* "" while committed */
	int64_t		 seq;
};
int	 store_next_key_insert(struct db *, struct next_key *);
int	 store_next_key_committed(struct db *, struct next_key *);
int	 store_next_key_promote(struct db *, const char *kid, const char *at);

/* store_trust.c: trust bundle versions, the exact bytes issued */
struct trust_bundle_row {
	int64_t		 version;
	char		 content_sha256[65];
	char		 kid[LABELD_KID_BUFLEN];	/* the signer */
	char		 issued_at[32];
	char		 expires_at[32];
};
int	 store_trust_bundle_latest(struct db *, struct trust_bundle_row *,
	    char **bundle, size_t *len);
int	 store_trust_bundle_get(struct db *, int64_t version,
	    struct trust_bundle_row *, char **bundle, size_t *len);
int	 store_trust_bundle_insert(struct db *, const struct trust_bundle_row *,
	    const char *bundle, size_t len);

/* keys.c: Ed25519 signing keys; the private halves never leave this file */
void	 keys_kid(const uint8_t pk[32], char kid[LABELD_KID_BUFLEN]);
int	 keys_install(struct db *, const char *data_dir, const uint8_t sk[64],
	    const char *passphrase, int rotate, struct signing_key *added,
	    struct signing_key *retired, char *err, size_t errlen);
int	 keys_generate(struct db *, const char *data_dir,
	    const char *passphrase, struct signing_key *added,
	    struct next_key *next, char *err, size_t errlen);
int	 keys_rotate(struct db *, const char *data_dir, const char *passphrase,
	    struct signing_key *added, struct signing_key *retired,
	    struct next_key *next, int *continuity, char *err, size_t errlen);
void	 keys_digest(const uint8_t pk[32], char hex[65]);
int	 keys_rotate_ready(const char *data_dir, const struct next_key *,
	    char *err, size_t errlen);
int	 keys_compromise(struct db *, const char *kid, const char *since,
	    struct signing_key *out, char *err, size_t errlen);
int	 keys_ensure(struct store *, const struct config *, char *err,
	    size_t errlen);
int	 keys_sign(struct db *, const struct config *, json_t *doc,
	    const char *created, char kid[LABELD_KID_BUFLEN], char *err,
	    size_t errlen);
void	 keys_forget(void);
int	 keys_read_passphrase_file(const char *path, char *buf, size_t buflen,
	    char *err, size_t errlen);
int	 keys_parse_time(const char *rfc3339, char out[32]);
json_t	*keys_multikey_json(const struct config *, const struct signing_key *);
json_t	*keys_did_document(struct db *, const struct config *);

/* store_labels.c: issued labels, their history, cached status lists */
struct label {
	char		 id[LABELD_LABEL_ID_MAX + 1];
	char		 submission_id[40];	/* "" none */
	char		 vendor_id[40];
	char		 product_id[40];
	char		 scheme[65];
	int		 scheme_version;
	int		 tier;
	char		 kid[LABELD_KID_BUFLEN];
	char		 issued_at[32];
	char		 valid_until[32];
	char		 status[16];	/* active suspended revoked superseded */
	char		 status_reason[LABELD_MAX_TEXT + 1];	/* "" none */
	char		 status_since[32];
	char		 revocation_list[32];
	int		 revocation_index;
	char		 suspension_list[32];
	int		 suspension_index;
	char		 credential_sha256[65];
	int64_t		 seq;
	char		 superseded_by[LABELD_LABEL_ID_MAX + 1];	/* "" */
};
/* One history entry; strings borrowed, NULL (or "") for none. */
struct label_event {
	const char	*label_id;
	const char	*at;
	const char	*action;	/* issued suspended reinstated revoked */
	const char	*from_status;
	const char	*to_status;
	const char	*reason;
	const char	*org_id;
	const char	*token_id;
};
int	 store_label_insert(struct db *, struct label *, const char *credential,
	    size_t len);
/* What GET /v1/labels selects; NULL members select everything. */
struct label_filter {
	const char	*now;		/* RFC 3339: the live status's time */
	const char	*vendor_id;
	const char	*product_id;
	const char	*status;	/* live: active ... expired */
	const char	*expiring_before; /* lapsing in (now, this] */
};
int	 store_label_list(struct db *, const struct label_filter *,
	    int64_t after, int limit, int (*cb)(const struct label *, void *),
	    void *arg);
int	 store_label_expiry_due(struct db *, const char *now, int limit,
	    int (*cb)(const struct label *, void *), void *arg);
int	 store_label_expiry_logged(struct db *, const char *id);
int	 store_label_expiry_warn_due(struct db *, const char *now,
	    const char *before, int limit,
	    int (*cb)(const struct label *, void *), void *arg);
int	 store_label_expiry_warned(struct db *, const char *id);
int	 store_label_count_expiring(struct db *, const char *now,
	    const char *before, int64_t *n);
int	 store_label_count_by_status(struct db *, const char *now,
	    int (*cb)(const char *, int64_t, void *), void *arg);
int	 store_label_get(struct db *, const char *id, struct label *);
int	 store_label_supersede(struct db *, const char *id, const char *by,
	    const char *reason, const char *since);
int	 store_label_in_force(struct db *, const char *product_id,
	    const char *version, const char *scheme, const char *now,
	    struct label *);
int	 store_label_credential(struct db *, const char *id, char **buf,
	    size_t *len);
int	 store_label_set_status(struct db *, const char *id,
	    const char *status, const char *reason, const char *since);
int	 store_label_index_used(struct db *, const char *purpose,
	    const char *list, int index, int *used);
int	 store_label_set_bits(struct db *, const char *purpose,
	    const char *list, int (*cb)(int index, void *), void *arg);
int	 store_label_event_append(struct db *, const struct label_event *);
int	 store_label_event_list(struct db *, const char *label_id,
	    int (*cb)(const struct label_event *, void *), void *arg);
int	 store_status_list_get(struct db *, const char *id, int *stale,
	    char generated_at[32], char kid[LABELD_KID_BUFLEN],
	    char **credential, size_t *len);
int	 store_status_list_put(struct db *, const char *id,
	    const char *purpose, const char *credential, size_t len,
	    const char *generated_at, const char *kid);
int	 store_status_list_mark_stale(struct db *, const char *id,
	    const char *purpose);

/* issue.c: build and sign a label credential from C structs (no HTTP) */
struct issue_lab_report {
	int		 tier;
	const char	*sha256;	/* hex of the lab's report */
};
/* Everything borrowed for the duration of the call. */
struct issue_input {
	const char		*label_id;	/* issue_label_id() */
	const char		*submission_id;	/* NULL: none */
	const struct scheme	*scheme;	/* the pinned version */
	int			 tier;
	const struct org	*vendor;
	const struct product	*product;	/* its support_until bounds */
	const char *const	*versions;	/* firmware versions covered */
	size_t			 nversions;
	const json_t		*requirements_met; /* assess_requirements_met */
	const struct issue_lab_report *lab_reports;
	size_t			 nlab_reports;
	const char		*sbom_sha256;	/* NULL or "": none */
	int			 sbom_components;
	const char		*issued_by;	/* organisation id, NULL none */
	const char		*token_id;	/* for the history, NULL none */
	time_t			 now;		/* 0: the clock */
	/* recognitions (recognition.c): NULL / 0 for a label of our own */
	const json_t		*recognition_of; /* {id, issuer, digest} */
	const char		*agreement_id;
	time_t			 valid_until_max; /* caps validUntil; 0 none */
};
int	 issue_label_prefix(const char *country, const char *scheme_id,
	    int year, char *out, size_t outlen);
int	 issue_label_format(const char *prefix, int64_t seq, char *out,
	    size_t outlen);
int	 issue_label_id(struct db *, const struct scheme *, time_t when,
	    char *out, size_t outlen);
int	 issue_valid_until(const struct scheme *, const char *support_until,
	    time_t from, char out[32]);
json_t	*issue_build(const struct config *, const struct issue_input *,
	    const char *valid_from, const char *valid_until,
	    int revocation_index, int suspension_index, char *err,
	    size_t errlen);
int	 issue_label(struct db *, const struct config *,
	    const struct issue_input *, char **credential, size_t *len,
	    char *err, size_t errlen);
int	 issue_for_submission(struct db *, const struct config *,
	    const struct principal *, const struct submission *,
	    const struct scheme *, int tier, const json_t *requirements_met,
	    char **credential, size_t *len, char *err, size_t errlen);

/* statuslist.c: Bitstring Status List credentials, cached and re-signed */
const char *statuslist_purpose(const char *list);
int	 statuslist_url(const struct config *, const char *list, char *out,
	    size_t outlen);
json_t	*statuslist_build(struct db *, const struct config *,
	    const char *list, time_t now, char *err, size_t errlen);
int	 statuslist_get(struct db *, const struct config *, const char *list,
	    char **credential, size_t *len, char *err, size_t errlen);
int	 statuslist_refresh(struct db *, const struct config *,
	    const char *list, int *resigned, char valid_until[32], char *err,
	    size_t errlen);

/* lifecycle.c: label status (suspend, revoke, reinstate; expiry at read) */
enum label_action { LABEL_SUSPEND, LABEL_REVOKE, LABEL_REINSTATE,
	LABEL_WITHDRAW };
/* A vendor's withdrawal: its status reason is this, then ": " and the text. */
#define LIFECYCLE_WITHDRAWN		"withdrawn_by_vendor"
#define LABELD_MAX_WITHDRAW_TEXT	(LABELD_MAX_TEXT - \
	    (int)sizeof(LIFECYCLE_WITHDRAWN ": ") + 1)
struct label_state {
	char		 label_id[LABELD_LABEL_ID_MAX + 1];
	char		 status[16];	/* + expired, computed at read time */
	char		 reason[LABELD_MAX_TEXT + 1];	/* "" none */
	char		 since[32];
	char		 superseded_by[LABELD_LABEL_ID_MAX + 1];	/* "" */
};
void	 lifecycle_state_of(const struct label *, time_t now,
	    struct label_state *);
int	 lifecycle_status(struct db *, const char *label_id, time_t now,
	    struct label_state *);
int	 lifecycle_change(struct db *, const struct config *,
	    const struct principal *, const char *label_id, enum label_action,
	    const char *reason, struct label_state *out, char *err,
	    size_t errlen);
int	 lifecycle_withdraw(struct db *, const struct config *,
	    const struct principal *, const char *label_id, const char *text,
	    struct label_state *, char *err, size_t errlen);
#define LIFECYCLE_EXPIRY_BATCH	100	/* expiries per transaction */
#define LIFECYCLE_EXPIRY_MAX	1000	/* per scheduler round */
int	 lifecycle_expiry_round(struct db *, int64_t window, int *warned,
	    int *expired, char *err, size_t errlen);
int	 lifecycle_supersede(struct db *, const struct principal *,
	    const char *label_id, const char *by, char *err, size_t errlen);

/* store_tlog.c: the transparency log's tables (0008), append-only */
#define LABELD_LOG_ORIGIN_NAME		"labeld"  /* origin: <host>/labeld */
#define LABELD_LOG_PAGE_MAX		1000	/* GET /v1/log/entries page */
#define LABELD_LOG_MAX_KEYS		16	/* log keys a verify accepts */
#define LABELD_LOG_ORIGIN_BUFLEN	256	/* NOTE_MAX_NAME + 1 */
/* One leaf; strings and entry borrowed. */
struct tlog_leaf {
	uint64_t	 idx;
	const void	*entry;		/* the exact bytes hashed */
	size_t		 len;
	uint8_t		 hash[TLOG_HASH_LEN];	/* SHA-256(0x00 || entry) */
	const char	*kind;
	const char	*label_id;	/* NULL or "": none */
	const char	*appended_at;
};
/* The log key's public half (DATA/<file> holds the private one). */
struct log_key {
	char		 kid[LABELD_KID_BUFLEN];
	char		 origin[LABELD_LOG_ORIGIN_BUFLEN];
	uint8_t		 pk[32];
	char		 file[64];		/* relative to the data dir */
	char		 created_at[32];
	char		 retired_at[32];	/* "": still signs */
	int		 compromised;
};
/* One signed checkpoint; note borrowed. */
struct tlog_checkpoint {
	uint64_t	 size;
	uint8_t		 root[TLOG_HASH_LEN];
	char		 kid[LABELD_KID_BUFLEN];	/* the log key */
	char		 created_at[32];
	const char	*note;		/* the signed note text */
	size_t		 notelen;
};
int	 store_tlog_size(struct db *, uint64_t *size);
int	 store_tlog_leaf_insert(struct db *, const struct tlog_leaf *);
int	 store_tlog_leaf_walk(struct db *, uint64_t start, uint64_t end,
	    int64_t limit, int (*cb)(const struct tlog_leaf *, void *),
	    void *arg);
int	 store_tlog_leaf_of_label(struct db *, const char *label_id,
	    const char *kind, uint64_t *idx);
int	 store_tlog_hash_get(struct db *, unsigned level, uint64_t idx,
	    uint8_t out[TLOG_HASH_LEN]);
int	 store_tlog_hash_insert(struct db *, unsigned level, uint64_t idx,
	    const uint8_t hash[TLOG_HASH_LEN]);
int	 store_tlog_hash_count(struct db *, uint64_t *n);
int	 store_log_key_get(struct db *, struct log_key *);
int	 store_log_key_insert(struct db *, const struct log_key *);
int	 store_log_key_retire(struct db *, const char *kid, const char *at,
	    int compromised);
int	 store_log_key_list(struct db *,
	    int (*cb)(const struct log_key *, void *), void *arg);
int	 store_tlog_checkpoint_latest(struct db *, struct tlog_checkpoint *,
	    char **note);
int	 store_tlog_checkpoint_insert(struct db *,
	    const struct tlog_checkpoint *);
int	 store_tlog_checkpoint_walk(struct db *,
	    int (*cb)(const struct tlog_checkpoint *, void *), void *arg);
/* Witnesses (0015): cosignatures of our checkpoints, incidents, and the
 * partners' checkpoints we cosigned.  Strings borrowed. */
#define LABELD_LOG_INCIDENTS_MAX	1000	/* GET /v1/log/incidents page */
struct log_cosig {
	uint64_t	 size;
	const char	*witness;	/* the witness key's name */
	uint32_t	 keyid;
	const char	*partner_id;
	const char	*line;		/* "\u2014 name base64" without LF */
	const char	*cosigned_at;
	const char	*received_at;
};
struct log_incident {
	int64_t		 id;
	const char	*kind;		/* split_view beyond_log inconsistent */
	const char	*origin;
	uint64_t	 size;
	const char	*partner_id;	/* NULL: none */
	const char	*witness;	/* NULL: none */
	int		 log_signed;
	const char	*detail;
	const char	*evidence;	/* the note as received */
	const char	*recorded_at;
};
struct log_witnessed {
	char		 partner_id[40];
	uint64_t	 size;
	uint8_t		 root[TLOG_HASH_LEN];
	char		 cosigned_at[32];
};
int	 store_tlog_checkpoint_get(struct db *, uint64_t size,
	    struct tlog_checkpoint *, char **note);
int	 store_log_cosig_insert(struct db *, const struct log_cosig *);
int	 store_log_cosig_walk(struct db *, uint64_t size,
	    int (*cb)(const struct log_cosig *, void *), void *arg);
int	 store_log_incident_insert(struct db *, struct log_incident *);
int	 store_log_incident_count(struct db *, int64_t *n);
int	 store_log_incident_walk(struct db *, int64_t after, int limit,
	    int (*cb)(const struct log_incident *, void *), void *arg);
int	 store_log_witnessed_get(struct db *, const char *origin,
	    struct log_witnessed *, char **note);
int	 store_log_witnessed_put(struct db *, const char *origin,
	    const struct log_witnessed *, const char *note);

/* translog.c: the transparency log: appends, log key, checkpoints, proofs */
/* One leaf to append; strings borrowed, NULL for none (null in the entry). */
struct translog_entry {
	const char	*kind;	/* issue suspend reinstate revoke supersede
				   recognise key */
	const char	*label_id;
	const char	*credential_sha256;	/* hex of the credential bytes */
	const char	*reason;
	time_t		 time;	/* 0: the clock */
};
/* What GET /v1/labels/{id}/proof answers. */
struct translog_label_proof {
	uint64_t		 index;
	uint64_t		 tree_size;
	char			*entry;		/* the leaf bytes */
	size_t			 len;
	uint8_t			 proof[TLOG_MAX_PROOF][TLOG_HASH_LEN];
	size_t			 nproof;
	struct tlog_checkpoint	 checkpoint;
	char			*note;		/* checkpoint.note */
};
int	 translog_read(void *db, unsigned level, uint64_t idx,
	    uint8_t out[TLOG_HASH_LEN], char *err, size_t errlen);
int	 translog_entry_bytes(const struct translog_entry *, const char *time,
	    char **out, size_t *len, char *err, size_t errlen);
int	 translog_append(struct db *, const struct translog_entry *,
	    uint64_t *index, char *err, size_t errlen);
int	 translog_origin(const struct config *, char *out, size_t outlen);
int	 translog_key_ensure(struct store *, const struct config *, char *err,
	    size_t errlen);
int	 translog_vkey(struct db *, char *origin, size_t originlen,
	    char **vkey);
int	 translog_checkpoint(struct db *, const struct config *,
	    struct tlog_checkpoint *, char **note, char *err, size_t errlen);
int	 translog_inclusion(struct db *, uint64_t index, uint64_t size,
	    uint8_t proof[TLOG_MAX_PROOF][TLOG_HASH_LEN], size_t *n,
	    char *err, size_t errlen);
int	 translog_consistency(struct db *, uint64_t first, uint64_t second,
	    uint8_t proof[TLOG_MAX_PROOF][TLOG_HASH_LEN], size_t *n,
	    char *err, size_t errlen);
int	 translog_label_proof(struct db *, const struct config *,
	    const char *label_id, struct translog_label_proof *, char *err,
	    size_t errlen);
void	 translog_label_proof_free(struct translog_label_proof *);
int	 translog_verify(struct db *, uint64_t *leaves, uint64_t *checkpoints,
	    char *err, size_t errlen);
/* What translog_cosignature did with a POST /v1/log/cosignatures body. */
struct translog_cosig_result {
	uint64_t	 size;
	char		 partner_id[40];
	char		 witness[LABELD_LOG_ORIGIN_BUFLEN];
	char		 cosigned_at[32];
	int		 stored;	/* 0: that cosignature was kept already */
	int64_t		 incident;	/* STORE_CONFLICT: the incident id */
};
int	 translog_cosignature(struct db *, const char *body, size_t len,
	    struct translog_cosig_result *, char *err, size_t errlen);
int	 translog_witness_vkey(struct db *, char **vkey);
int	 translog_key_rotate(struct store *, const struct config *,
	    int compromised, struct log_key *added, char *err, size_t errlen);
int	 translog_key_retire(struct db *, const char *kid, char *err,
	    size_t errlen);
int	 translog_cosign(struct db *, const struct config *,
	    const char *partner_id, const char *note, size_t len,
	    const char *consistency, size_t clen, char **out, size_t *outlen,
	    char *err, size_t errlen);

/* trust_bundle.c: the signed, versioned document a partner pins */
int	 trust_bundle_current(struct db *, const struct config *, time_t now,
	    char **bundle, size_t *len, struct trust_bundle_row *row,
	    int *made, char *err, size_t errlen);
int	 trust_bundle_identity(struct db *, struct config *);

/* scheduler.c: the thread that keeps signed documents from lapsing */
int	 scheduler_start(struct store *, const struct config *, char *err,
	    size_t errlen);
void	 scheduler_stop(void);
void	 scheduler_round(struct store *, const struct config *);
int	 scheduler_workers_start(struct store *, const struct config *,
	    char *err, size_t errlen);
void	 scheduler_workers_stop(void);

/* labelctl.c, labelctl_key.c, labelctl_log.c: the operator tool (in labelctl only) */
struct store *labelctl_open_store(const struct config *, int migrate);
/*
 * Runs "labelctl key <command> [...]" (argv[0] is "key") on cfg's data
 * dir, printing its results to stdout and its errors to stderr.  The exit
 * status: 0, 1 when the command failed, 2 for a usage error.
 */
int	 labelctl_key(const struct config *, int argc, char **argv);
void	 labelctl_usage(const char *word, const char *sub)
	    __attribute__((noreturn));
int	 labelctl_log(const struct config *, int argc, char **argv);

/* ---- section: partners (partner.c, store_partners.c, api_partners.c) ---- */
#define LABELD_PARTNER_MAX_BUNDLE	(512 * 1024)	/* a bundle, RFC 8785 bytes */
#define LABELD_PARTNER_MAX_LIST		(256 * 1024)	/* a status list, RFC 8785 */
#define LABELD_PARTNER_MAX_ID		2048	/* issuer DID, URL, list id */
#define LABELD_PARTNER_MAX_SCHEME	64	/* partner_scheme, local_scheme */
#define LABELD_PARTNER_MAX_CROSSWALK	1024	/* crosswalk entries */
#define LABELD_PARTNER_MAX_MAPPED	64	/* local ids per crosswalk entry */
#define LABELD_PARTNER_MAX_REQ_ID	128	/* a partner requirement id */
#define LABELD_PARTNER_MAX_AGREEMENTS	256	/* agreements of one partner */

/* store_partners.c: partners, their bundles, agreements, lists, events */
struct partner {
	char		 id[40];
	char		 issuer[LABELD_PARTNER_MAX_ID + 1];
	char		 name[LABELD_MAX_NAME + 1];
	char		 country[3];
	char		 url[LABELD_PARTNER_MAX_ID + 1];	/* "" none */
	int64_t		 bundle_version;
	char		 bundle_expires[32];	/* of the pinned version */
	char		 refreshed_at[32];	/* its acceptance */
	char		 created_at[32];
	char		 created_by[40];
	int64_t		 seq;
};
/*
 * tier_map and crosswalk are JSON object text (crosswalk NULL: none).
 * Written: borrowed from the caller.  Read by store_agreement_get: malloc'd,
 * released by store_agreement_clear; in a list walk: borrowed for the call.
 */
struct agreement {
	char		 id[40];
	char		 partner_id[40];
	char		 partner_scheme[LABELD_PARTNER_MAX_SCHEME + 1];
	char		 local_scheme[LABELD_PARTNER_MAX_SCHEME + 1];
	char		*tier_map;
	char		*crosswalk;
	char		 valid_from[11];	/* YYYY-MM-DD, inclusive */
	char		 valid_until[11];
	char		 created_at[32];
	char		 created_by[40];
	char		 updated_at[32];
	char		 ended_at[32];		/* "" unless ended */
	int64_t		 seq;
};
struct partner_list {
	char		 partner_id[40];
	char		 list_id[LABELD_PARTNER_MAX_ID + 1];
	char		 status_purpose[32];
	char		 sha256[65];
	char		 valid_from[32];
	char		 valid_until[32];	/* "" none */
	char		 received_at[32];
};
/* One audit-trail entry; strings borrowed, NULL for none. */
struct partner_event {
	const char	*partner_id;
	const char	*at;		/* NULL: now */
	const char	*action;	/* pinned agreement_added ... */
	const char	*agreement_id;
	const char	*org_id;
	const char	*token_id;
	const char	*detail;	/* JSON object text */
};
int	 store_partner_insert(struct db *, struct partner *);
int	 store_partner_get(struct db *, const char *id, struct partner *);
int	 store_partner_by_issuer(struct db *, const char *issuer,
	    struct partner *);
int	 store_partner_set_bundle(struct db *, const struct partner *);
int	 store_partner_list(struct db *, int64_t after, int limit,
	    int (*cb)(const struct partner *, void *), void *arg);
int	 store_partner_bundle_insert(struct db *, const char *partner_id,
	    int64_t version, const char *bundle, size_t len,
	    const char *expires_at, const char *received_at,
	    const char *received_by);
int	 store_partner_bundle_get(struct db *, const char *partner_id,
	    int64_t version, char **bundle, size_t *len);
int	 store_agreement_insert(struct db *, struct agreement *);
int	 store_agreement_get(struct db *, const char *partner_id,
	    const char *id, struct agreement *);
int	 store_agreement_update(struct db *, const struct agreement *);
void	 store_agreement_clear(struct agreement *);
int	 store_agreement_list(struct db *, const char *partner_id,
	    int (*cb)(const struct agreement *, void *), void *arg);
int	 store_partner_list_insert(struct db *, const struct partner_list *,
	    const char *credential, size_t len, const char *received_by);
int	 store_partner_list_latest(struct db *, const char *partner_id,
	    const char *list_id, struct partner_list *);
int	 store_partner_lists(struct db *, const char *partner_id,
	    int (*cb)(const struct partner_list *, void *), void *arg);
int	 store_partner_event_append(struct db *, const struct partner_event *);

/* partner.c: pinning partners, bundle updates, status lists (no HTTP) */
void	 partner_fault(json_t *errors, const char *prefix, const char *field,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int	 partner_event(struct db *, const struct principal *,
	    const char *partner_id, const char *action,
	    const char *agreement_id, json_t *detail);
int	 partner_pin(struct db *, const struct config *,
	    const struct principal *, const json_t *bundle,
	    const json_t *agreement, time_t now, struct partner *out,
	    json_t *errors, struct wf_why *);
int	 partner_update_bundle(struct db *, const struct principal *,
	    const char *partner_id, const json_t *bundle, time_t now,
	    struct partner *out, int *unchanged, struct wf_why *);
int	 partner_add_status_list(struct db *, const struct principal *,
	    const char *partner_id, const json_t *list, time_t now,
	    struct partner_list *out, int *unchanged, struct wf_why *);

/* partner_agreement.c: agreements as data (no HTTP) */
json_t	*partner_agreement_detail(const struct agreement *);
int	 partner_agreement_check(struct db *, const json_t *obj,
	    const struct agreement *old, struct agreement *out,
	    const char *prefix, json_t *errors);
int	 partner_agreement_add(struct db *, const struct principal *,
	    const char *partner_id, const json_t *obj, struct agreement *out,
	    json_t *errors);
int	 partner_agreement_amend(struct db *, const struct principal *,
	    const char *partner_id, const char *agreement_id,
	    const json_t *patch, struct agreement *out, json_t *errors,
	    struct wf_why *);

/* ---- section: recognitions (recognition.c, store_recognitions.c,
 * api_recognitions.c) ---- */
#define LABELD_RECOGNITION_MAX_CRED	(256 * 1024)	/* RFC 8785 bytes */
struct recognition {
	char		 id[40];
	char		 label_id[LABELD_LABEL_ID_MAX + 1];
	char		 partner_id[40];
	char		 agreement_id[40];
	char		 foreign_id[LABELD_PARTNER_MAX_ID + 1];
	char		 foreign_issuer[LABELD_PARTNER_MAX_ID + 1];
	int		 foreign_tier;
	char		 foreign_valid_until[32];
	char		 digest[65];	/* SHA-256 hex of the foreign RFC 8785 */
	char		 foreign_vendor[LABELD_PARTNER_MAX_REQ_ID + 1];
	char		 foreign_product[LABELD_PARTNER_MAX_REQ_ID + 1];
	char		 vendor_id[40];
	char		 product_id[40];
	int		 tier;
	char		 follow[16];	/* none partner stale */
	char		 created_at[32];
	char		 created_by[40];
	int64_t		 seq;
};
int	 store_recognition_insert(struct db *, struct recognition *,
	    const char *credential, size_t len);
int	 store_recognition_get(struct db *, const char *id,
	    struct recognition *);
int	 store_recognition_by_foreign(struct db *, const char *partner_id,
	    const char *foreign_id, struct recognition *);
int	 store_recognition_list(struct db *, const char *partner_id,
	    int64_t after, int limit,
	    int (*cb)(const struct recognition *, void *), void *arg);
int	 store_recognition_credential(struct db *, const char *id,
	    char **buf, size_t *len);
int	 store_recognition_set_follow(struct db *, const char *id,
	    const char *follow);
int	 store_recognition_local_party(struct db *, const char *partner_id,
	    const char *foreign_vendor, const char *foreign_product,
	    char vendor_id[40], char product_id[40]);
int	 store_partner_list_copies(struct db *, const char *partner_id,
	    int (*cb)(const char *credential, size_t len, void *), void *arg);

/* recognition.c: recognised labels and what follows a partner's lists */
/* Why a recognition was refused: the check at fault, its code, a sentence. */
struct recognition_why {
	char		 check[32];
	char		 code[40];
	char		 text[1024];
};
struct verify_trust;
int	 recognition_trust_add(struct db *, struct verify_trust *,
	    const struct partner *);
int	 recognition_tier(const struct scheme *local, const json_t *tier_map,
	    const json_t *crosswalk, int foreign_tier, const json_t *met,
	    int *tier, json_t **local_met, struct recognition_why *);
int	 recognition_agreement_for(struct db *, const char *partner_id,
	    const char *scheme, const char *today, struct agreement *out,
	    struct recognition_why *);
int	 recognition_create(struct db *, const struct config *,
	    const struct principal *, const json_t *credential, time_t now,
	    struct recognition *out, char **label, size_t *len,
	    struct recognition_why *);
int	 recognition_sweep(struct db *, const struct config *,
	    const char *partner_id, time_t now);

/* api_products.c: shared with api_vulns.c */
int	 api_products_load(struct req *, struct product *);
int	 api_products_is_version(const char *);
/* The product fields of obj into p (creating: all required), faults in v. */
void	 api_products_fields_check(struct valid *, const json_t *obj,
	    struct product *, int creating);
/*
 * The "sbom" field checked as a CycloneDX JSON document: its RFC 8785
 * form (malloc'd, *len bytes), digest and component count set in pv; NULL
 * with the faults in v.
 */
char	*api_products_sbom_prepare(struct valid *, const json_t *field,
	    struct product_version *, size_t *len);

/* fields.c: merge-patch rules and optional strings for the handlers */
const char *fields_opt(const char *s);
int	 fields_blank(const char *s);
int	 fields_any(const json_t *obj, const char *const *fields);
void	 fields_readonly(struct valid *, const json_t *obj,
	    const char *const *fields);
void	 fields_no_null(struct valid *, const json_t *obj, const char *field);

/* api_orgs.c: shared with api_labs.c */
int	 api_orgs_load(struct req *, struct org *);

/* api_log.c: the log's routes, and a label's proof for api_labels.c */
int	 api_log_label_proof(struct req *);

/* badge.c: the label as an SVG picture with the QR code of its page */
struct badge {				/* strings borrowed */
	const char	*label_id;
	const char	*product;	/* named in the title only */
	const char	*scheme_title;
	int		 tier;
	int		 ntiers;	/* stars drawn; 0: 4 */
	const char	*tier_name;
	const char	*valid_until;	/* as shown: a date */
	const char	*status;	/* active suspended revoked expired
					   superseded */
	const char	*successor;	/* superseded: the newer label, or NULL */
	const char	*verify_url;	/* what the QR code encodes */
};
char	*badge_svg(const struct badge *, size_t *len, char *err,
	    size_t errlen);

/* html.c: the escaping HTML builder of the public pages */
struct html {
	struct strbuf	 sb;	/* sb.failed: out of memory, html_reply
				   answers 500 */
};
#define HTML_CSS_PATH	"/static/labeld.css"
void	 html_init(struct html *);
void	 html_free(struct html *);
void	 html_raw(struct html *, const char *markup);
void	 html_text(struct html *, const char *text);
void	 html_textf(struct html *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 html_attr(struct html *, const char *name, const char *value);
const char *html_status_word(const char *status);
void	 html_status(struct html *, const char *id, const char *status);
const char *html_date(const char *ts, char out[11]);
void	 html_begin(struct html *, const char *title);
void	 html_end(struct html *);
int	 html_reply(struct req *, unsigned status, struct html *);
int	 html_css(struct req *);

/* store_registry.c: the public registry's search over issued labels */
#define LABELD_REGISTRY_MAX_Q		200	/* bytes of ?q= */
#define LABELD_REGISTRY_MAX_TERMS	16
struct registry_row {
	char		 label_id[LABELD_LABEL_ID_MAX + 1];
	char		 product[LABELD_MAX_NAME + 1];
	char		 model[LABELD_MAX_NAME + 1];
	char		 vendor[LABELD_MAX_NAME + 1];
	char		 vendor_id[40];
	char		 category[65];
	char		 scheme[65];
	int		 scheme_version;
	int		 tier;
	char		 status[16];	/* as stored; expiry is the caller's */
	char		 valid_from[32];
	char		 valid_until[32];
	char		 support_until[11];
	int64_t		 seq;
};
struct registry_query {			/* NULL or 0: no filter */
	const char	*match;		/* store_registry_match() text */
	const char	*vendor_id;
	const char	*category;
	const char	*status;	/* expired is computed against now */
	int		 tier;
	const char	*now;		/* RFC 3339 */
	int64_t		 after;
	int		 limit;
};
int	 store_registry_match(const char *q, char *out, size_t outlen);
int	 store_registry_sync(struct db *);
int	 store_registry_search(struct db *, const struct registry_query *,
	    int (*cb)(const struct registry_row *, void *), void *arg);
int	 store_registry_successor(struct db *, const struct label *,
	    char out[LABELD_LABEL_ID_MAX + 1]);

/* api_*.c: the route tables, one per file */
extern const struct route api_ops_routes[];
json_t	*api_openapi_load(const char *share_dir, char *err, size_t errlen);
extern const struct route api_orgs_routes[];
extern const struct route api_schemes_routes[];
extern const struct route api_submissions_routes[];
extern const struct route api_evidence_routes[];
extern const struct route api_products_routes[];
extern const struct route api_vulns_routes[];
extern const struct route api_labs_routes[];
extern const struct route api_labels_routes[];
extern const struct route api_verify_routes[];
extern const struct route api_log_routes[];
extern const struct route api_partners_routes[];
extern const struct route api_ballots_routes[];

/* ---- section: outbound HTTP (fetch.c, libcurl) ---- */
#define LABELD_FETCH_MAX_BODY		(4 * 1024 * 1024)	/* bytes answered */
#define LABELD_FETCH_TIMEOUT		10	/* seconds, whole transfer */
#define LABELD_FETCH_CONNECT_TIMEOUT	5	/* seconds */
#define LABELD_FETCH_MAX_URL		2048
struct fetch_result {
	long		 status;	/* HTTP status */
	char		*body;		/* NUL-terminated, malloc'd */
	size_t		 len;
};
int	 fetch_global_init(char *err, size_t errlen);
void	 fetch_global_cleanup(void);
int	 fetch_url_ok(const char *url);
int	 fetch_url(const char *method, const char *url,
	    const char *const *headers, const char *body, size_t bodylen,
	    size_t max, struct fetch_result *, char *err, size_t errlen);
void	 fetch_result_free(struct fetch_result *);

/* ---- section: partner refresh (partner_refresh.c, store_refresh.c) ---- */
#define LABELD_REFRESH_MAX_LISTS	16	/* status lists fetched per refresh */
#define LABELD_REFRESH_MAX_STEPS	32	/* bundle versions walked per refresh */
struct partner_refresh_row {
	char		 partner_id[40];
	char		 at[32];
	char		 outcome[16];	/* ok failed refused */
	char		*report;	/* JSON object text, malloc'd */
};
int	 store_refresh_put(struct db *, const char *partner_id,
	    const char *at, const char *outcome, const char *report);
int	 store_refresh_get(struct db *, const char *partner_id,
	    struct partner_refresh_row *);
void	 store_refresh_clear(struct partner_refresh_row *);
int	 partner_refresh(struct db *, const struct config *,
	    const struct principal *, const char *partner_id,
	    const json_t *only, time_t now,
	    json_t **report, struct wf_why *);
void	 partner_refresh_all(struct store *, const struct config *, time_t now,
	    int (*stop)(void));

/* ---- section: witnessing partners' logs (witness.c) ---- */
#define LABELD_WITNESS_MAX_NOTE	(64 * 1024)	/* checkpoint, proof bytes */
int	 witness_partner(struct db *, const struct config *,
	    const struct partner *, const json_t *pinned, json_t **report);

/* ---- section: webhooks (webhook.c, store_webhooks.c, api_webhooks.c) ---- */
#define LABELD_WEBHOOK_MAX_PER_ORG	32
#define LABELD_WEBHOOK_MAX_ATTEMPTS	6	/* then the delivery failed */
#define LABELD_WEBHOOK_BACKOFF		2	/* seconds, doubled each retry */
#define LABELD_WEBHOOK_MAX_ANSWER	(64 * 1024)	/* answer bytes read */
#define LABELD_WEBHOOK_PERIOD		1	/* seconds between rounds */
#define LABELD_WEBHOOK_BATCH		32	/* deliveries per round */
struct webhook {
	char		 id[40];
	char		 org_id[40];
	char		 url[LABELD_FETCH_MAX_URL + 1];
	char		*events;	/* JSON array text; malloc'd when read */
	char		 secret[65];	/* hex */
	char		 created_at[32];
	int64_t		 seq;
};
struct webhook_delivery {
	char		 id[40];
	char		 webhook_id[40];
	char		 event_id[40];
	char		 event_type[32];
	char		 state[16];	/* pending delivered failed */
	int		 attempts;
	char		 next_attempt_at[32];
	long		 last_status;	/* 0 none */
	char		 last_error[256];
	char		 created_at[32];
	char		 updated_at[32];
	int64_t		 seq;
};
struct webhook_attempt {
	char		 at[32];
	long		 status;	/* 0 none */
	char		 error[256];
};
int	 store_webhook_insert(struct db *, struct webhook *,
	    const char *created_by);
int	 store_webhook_get(struct db *, const char *id, struct webhook *);
void	 store_webhook_clear(struct webhook *);
int	 store_webhook_count(struct db *, const char *org_id, int *n);
int	 store_webhook_list(struct db *, const char *org_id, int64_t after,
	    int limit, int (*cb)(const struct webhook *, void *), void *arg);
int	 store_webhook_delete(struct db *, const char *id, const char *at);
int	 store_outbox_append(struct db *, const char *id, const char *type,
	    const char *org_id, const char *lab_id, const char *at,
	    const char *payload);
int	 store_outbox_fan_out(struct db *, int limit, int *events);
int	 store_delivery_due(struct db *, const char *now, int limit,
	    int (*cb)(const struct webhook_delivery *, void *), void *arg);
int	 store_delivery_payload(struct db *, const char *delivery_id,
	    struct webhook *, char **payload);
int	 store_delivery_record(struct db *, const char *delivery_id,
	    const char *at, long status, const char *error, const char *state,
	    const char *next_at);
int	 store_delivery_list(struct db *, const char *webhook_id,
	    int64_t after, int limit,
	    int (*cb)(const struct webhook_delivery *, void *), void *arg);
int	 store_attempt_list(struct db *, const char *delivery_id,
	    int (*cb)(const struct webhook_attempt *, void *), void *arg);
extern const char *const webhook_event_names[];	/* NULL ends */
int	 webhook_event_known(const char *name);
int	 webhook_emit(struct db *, const char *type, const char *org_id,
	    const char *lab_id, json_t *data);
int	 webhook_create(struct db *, const struct principal *, const char *url,
	    const json_t *events, struct webhook *out, char *secret_hex,
	    json_t *errors);
int	 webhook_sign(const char *secret_hex, time_t t, const char *body,
	    size_t len, char *out, size_t outlen);
void	 webhook_deliver_round(struct store *, time_t now, int (*stop)(void));
extern const struct route api_webhooks_routes[];
extern const struct route api_public_routes[];
extern const struct route api_registry_routes[];
extern const struct route api_recognitions_routes[];

#endif /* LABELD_H */

/* store_ballots.c, ballot.c: dual control (0019) */
struct ballot {
	char		 id[40];
	char		 state[16];	/* open approved rejected executed
					   failed expired */
	char		 method[8];
	char		 path[LABELD_MAX_URL];
	char		*body;		/* the act's JSON text; "" none */
	int		 quorum;
	char		 proposer_org[40];
	char		 proposer_token[40];
	char		 created_at[32];
	char		 expires_at[32];
	char		 decided_at[32];	/* "" open */
	int		 result_status;		/* 0: not run */
	char		 result_type[64];
	char		*result_body;
	int64_t		 seq;
};
/* One vote; strings borrowed. */
struct ballot_vote {
	const char	*ballot_id;
	const char	*token_id;
	const char	*org_id;
	const char	*vote;		/* approve reject */
	const char	*reason;
	const char	*at;
};
void	 store_ballot_clear(struct ballot *);
int	 store_ballot_insert(struct db *, struct ballot *);
int	 store_ballot_get(struct db *, const char *id, struct ballot *);
int	 store_ballot_list(struct db *, const char *state, int64_t after,
	    int limit, int (*cb)(const struct ballot *, void *), void *arg);
int	 store_ballot_set_state(struct db *, const char *id, const char *from,
	    const char *to, const char *decided_at, int result_status,
	    const char *result_type, const char *result_body);
int	 store_ballot_vote_insert(struct db *, const struct ballot_vote *);
int	 store_ballot_vote_list(struct db *, const char *ballot_id,
	    int (*cb)(const struct ballot_vote *, void *), void *arg);
int	 store_ballot_approvals(struct db *, const char *ballot_id, int *n);
int	 ballot_propose(struct db *, const struct principal *,
	    const char *method, const char *path, const char *body, int quorum,
	    const char *reason, struct ballot *);
int	 ballot_vote(struct db *, const struct principal *, const char *id,
	    const char *vote, const char *reason, struct ballot *, char *err,
	    size_t errlen);
int	 ballot_record_result(struct db *, const char *id, int status,
	    const char *type, const char *body);

/* api_ballots.c: dual control over HTTP (the router proposes) */
int	 api_ballots_propose(struct req *);

/* backup.c: a complete copy of the data dir (labelctl backup) */
int	 backup_data_dir(struct db *, const char *data_dir, const char *dest,
	    int force, int *nfiles, char *err, size_t errlen);

/* api_submissions_oscal.c: an assessment as NIST OSCAL assessment-results */
json_t	*api_submissions_oscal(struct req *, const struct submission *,
	    const struct scheme *, const json_t *assessment);
/* store_audit.c, api_audit.c: the regulator's audit listing (0021) */
#define AUDIT_AUTH_FAIL_RATE	5	/* refusals kept a second per address */
struct auth_failure {
	const char	*addr;
	const char	*reason;	/* auth_fault_name, or "forbidden" */
	const char	*token_id;	/* NULL: the token did not resolve */
	const char	*method;
	const char	*route;		/* the route's pattern */
	uint64_t	 suppressed;	/* refusals unrecorded before this */
};
struct audit_row {
	const char	*at;
	const char	*kind;
	int64_t		 seq;
	const char	*action;
	const char	*subject;
	const char	*org_id;	/* each may be NULL */
	const char	*token_id;
	const char	*reason;
	const char	*detail;	/* JSON object text, or plain text */
};
/* Where a listing resumes: after (at, kind, seq); at "" for the start. */
struct audit_cursor {
	char		 at[32];
	char		 kind[16];
	int64_t		 seq;
};
extern const char *const audit_kinds[];
int	 store_auth_failure_insert(struct db *, const struct auth_failure *);
int	 store_audit_list(struct db *, const char *kind, const char *since,
	    const struct audit_cursor *after, int limit,
	    int (*cb)(const struct audit_row *, void *), void *arg);
extern const struct route api_audit_routes[];

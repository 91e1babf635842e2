/*
 * labeld: the labelling scheme daemon.  main() reads the configuration
 * (file first, flags win), binds, drops root for the configured user,
 * brings up the data dir, serves until SIGTERM or SIGINT (SIGHUP reloads
 * the TLS certificate), then stops gracefully: no new connections,
 * in-flight requests finish, the database is closed cleanly.
 */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "labeld.h"
#include "crypto.h"

/* Options of labeld itself; every setting's flag comes from config_options. */
#define OPT_CONFIG	256
#define OPT_SETTING	257	/* + index in config_options */
#define LABELD_USAGE_WIDTH	79
#define LABELD_MAX_OPTS		64

static const struct option own_opts[] = {
	{ "config",	required_argument, NULL, OPT_CONFIG },
	{ "check-config", no_argument,	   NULL, 'n' },
	{ "help",	no_argument,	   NULL, 'h' },
	{ "version",	no_argument,	   NULL, 'V' },
};

static struct option	long_opts[LABELD_MAX_OPTS];

/* labeld's own options, then one per setting, for getopt_long. */
static void
opts_build(void)
{
	size_t i, n = 0;

	for (i = 0; i < sizeof(own_opts) / sizeof(own_opts[0]); i++)
		long_opts[n++] = own_opts[i];
	for (i = 0; config_options[i].key != NULL; i++) {
		assert(n < LABELD_MAX_OPTS - 1);
		long_opts[n].name = config_options[i].flag;
		long_opts[n].has_arg = required_argument;
		long_opts[n].flag = NULL;
		long_opts[n++].val = OPT_SETTING + (int)i;
	}
	memset(&long_opts[n], 0, sizeof(long_opts[n]));
}

/* One "[--flag arg]" of the synopsis, wrapped under "usage: labeld ". */
static void
usage_word(FILE *f, const char *word, size_t *col)
{
	static const char indent[] = "              ";

	if (*col + 1 + strlen(word) > LABELD_USAGE_WIDTH) {
		fprintf(f, "\n%s", indent);
		*col = sizeof(indent) - 1;
	} else {
		fputc(' ', f);
		(*col)++;
	}
	fputs(word, f);
	*col += strlen(word);
}

/*
 * The synopsis (labeld(8) states it word for word), then with long set a
 * line per setting with its default; exits with status.
 */
static void
usage(FILE *f, int status, int lng)
{
	const struct config_option	*o;
	struct config			 def;
	char				 w[128], v[PATH_MAX];
	size_t				 col;

	fputs("usage: labeld", f);
	col = strlen("usage: labeld");
	usage_word(f, "[-hnV]", &col);
	usage_word(f, "[--config file]", &col);
	for (o = config_options; o->key != NULL; o++) {
		snprintf(w, sizeof(w), "[--%s %s]", o->flag, o->arg);
		usage_word(f, w, &col);
	}
	fputc('\n', f);
	if (lng) {
		config_defaults(&def);
		fputs("settings (labeld.conf key; default):\n", f);
		for (o = config_options; o->key != NULL; o++) {
			snprintf(w, sizeof(w), "--%s %s", o->flag, o->arg);
			config_format(&def, o, v, sizeof(v));
			fprintf(f, "  %-32s %s\n  %-32s (%s%s%s)\n", w, o->help,
			    "", o->key, v[0] ? "; default " : "", v);
		}
	}
	exit(status);
}

/*
 * labeld -n: the settings as resolved, one "key = value" line each, after
 * comment lines (OK, which file), so that the output is a labeld.conf.
 */
static void
print_settings(const struct config *c, const char *path, int read)
{
	const struct config_option	*o;
	char				 v[PATH_MAX];

	printf("# labeld %s: configuration OK%s\n", PACKAGE_VERSION,
	    clock_test_enabled() ? " (test clock compiled in: "
	    LABELD_TEST_CLOCK_ENV " is honoured)" : "");
	printf("# %s %s\n", read ? "read" : "absent, defaults:", path);
	for (o = config_options; o->key != NULL; o++) {
		config_format(c, o, v, sizeof(v));
		printf("%s =%s%s\n", o->key, v[0] ? " " : "", v);
	}
}

/*
 * Started as root with a user set: becomes that user (its groups too) for
 * good, before a file of the data dir is touched.  Not root: the user, if
 * set, must be the one labeld already runs as.  0, or -1 with err.
 */
static int
drop_privileges(const struct config *cfg, char *err, size_t errlen)
{
	struct passwd *pw;

	if (cfg->user[0] == '\0') {
		if (geteuid() == 0)
			log_warn("running as root: set user in labeld.conf so "
			    "that labeld drops it once listening");
		return 0;
	}
	errno = 0;
	if ((pw = getpwnam(cfg->user)) == NULL) {
		snprintf(err, errlen, "user %s: %s", cfg->user,
		    errno ? strerror(errno) : "no such user");
		return -1;
	}
	if (geteuid() != 0) {
		if (pw->pw_uid == geteuid())
			return 0;
		snprintf(err, errlen, "user %s: labeld runs as uid %u and, "
		    "not started as root, cannot become it", cfg->user,
		    (unsigned)geteuid());
		return -1;
	}
	if (pw->pw_uid == 0) {
		snprintf(err, errlen, "user %s is root: name an unprivileged "
		    "user", cfg->user);
		return -1;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) == -1 ||
	    setgid(pw->pw_gid) == -1 || setuid(pw->pw_uid) == -1) {
		snprintf(err, errlen, "cannot become user %s: %s", cfg->user,
		    strerror(errno));
		return -1;
	}
	/* For good: root must not come back. */
	if (setuid(0) != -1 || seteuid(0) != -1) {
		snprintf(err, errlen, "user %s: root could be regained",
		    cfg->user);
		return -1;
	}
	log_info("running as user %s (uid %u)", cfg->user,
	    (unsigned)pw->pw_uid);
	return 0;
}

int
main(int argc, char **argv)
{
	struct labeld	 ld;
	const char	*config_path = LABELD_SYSCONFDIR "/labeld.conf";
	char		 err[512];
	int		 ch, explicit_config = 0, check_only = 0, sig;
	sigset_t	 set;

	memset(&ld, 0, sizeof(ld));
	config_defaults(&ld.cfg);
	opts_build();
	log_init("labeld", LOG_INFO);

	/* First pass: only --config, --help and --version. */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "hnV", long_opts, NULL)) != -1) {
		if (ch == OPT_CONFIG) {
			config_path = optarg;
			explicit_config = 1;
		} else if (ch == 'h')
			usage(stdout, 0, 1);
		else if (ch == 'V') {
			printf("labeld %s%s\n", PACKAGE_VERSION,
			    clock_test_enabled() ? " (test clock: honours "
			    LABELD_TEST_CLOCK_ENV ")" : "");
			return 0;
		}
	}
	if (config_load_file(&ld.cfg, config_path, !explicit_config, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "labeld: %s\n", err);
		return 1;
	}
	/* Second pass: flags override the file. */
	opterr = 1;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "hnV", long_opts, NULL)) != -1) {
		const struct config_option *o;

		switch (ch) {
		case OPT_CONFIG: case 'h': case 'V':
			continue;
		case 'n':
			check_only = 1;
			continue;
		case '?':
			usage(stderr, 2, 0);
			break;
		}
		assert(ch >= OPT_SETTING);
		o = &config_options[ch - OPT_SETTING];
		if (config_set(&ld.cfg, o->flag, optarg, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "labeld: --%s\n", err);
			return 2;
		}
	}
	if (optind != argc)
		usage(stderr, 2, 0);
	if (config_finish(&ld.cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "labeld: %s\n", err);
		return 1;
	}
	if (clock_init(err, sizeof(err)) == -1) {
		fprintf(stderr, "labeld: %s\n", err);
		return 1;
	}
	if (check_only) {
		print_settings(&ld.cfg, config_path,
		    explicit_config || access(config_path, F_OK) == 0);
		return 0;
	}
	log_set_level(ld.cfg.log_level);
	if (lc_init() == -1) {
		log_error("libsodium failed to initialise");
		return 1;
	}
	/* Once, before any thread fetches (partner refresh, webhooks). */
	if (fetch_global_init(err, sizeof(err)) == -1) {
		log_error("%s", err);
		return 1;
	}

	/* Server threads inherit this mask: only main() takes the signals. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* The data dir holds keys and the database: nobody else reads it. */
	umask(077);

	/* Before the bootstrap: a busy port leaves an empty data dir empty. */
	if (http_bind(&ld.cfg, err, sizeof(err)) == -1) {
		log_error("%s", err);
		return 1;
	}
	/* Bound (a port under 1024 needs root); nothing else does. */
	if (drop_privileges(&ld.cfg, err, sizeof(err)) == -1 ||
	    http_tls_load(&ld, err, sizeof(err)) == -1) {
		log_error("%s", err);
		return 1;
	}
	/* After http_bind: the public URL is known (port 0 resolved). */
	if (bootstrap_data_dir(&ld.cfg, &ld.store, err, sizeof(err)) == -1) {
		log_error("%s", err);
		return 1;
	}
	if ((ld.cfg.rate_limit_write > 0 || ld.cfg.rate_limit_verify > 0) &&
	    (ld.limits = ratelimit_new(LABELD_RATELIMIT_SLOTS)) == NULL) {
		log_error("out of memory for the rate limits");
		store_close(ld.store);
		return 1;
	}
	/* Not fatal: only GET /openapi.json needs it (503 without). */
	if ((ld.openapi = api_openapi_load(ld.cfg.share_dir, err,
	    sizeof(err))) == NULL)
		log_warn("openapi: %s", err);
	if (http_start(&ld, err, sizeof(err)) == -1) {
		log_error("%s", err);
		ratelimit_free(ld.limits);
		json_decref(ld.openapi);
		store_close(ld.store);
		return 1;
	}
	/*
	 * After http_start: the public URL is known (port 0 resolved), and
	 * with it the log's origin, fixed when the log key is made (first
	 * start, or the first start of an older data dir).
	 */
	if (translog_key_ensure(ld.store, &ld.cfg, err, sizeof(err)) == -1 ||
	    scheduler_start(ld.store, &ld.cfg, err, sizeof(err)) == -1 ||
	    scheduler_workers_start(ld.store, &ld.cfg, err, sizeof(err)) ==
	    -1) {
		log_error("%s", err);
		scheduler_stop();
		http_stop(&ld);
		ratelimit_free(ld.limits);
		json_decref(ld.openapi);
		store_close(ld.store);
		return 1;
	}
	/* Tests started on port 0 read the kernel's choice from this line. */
	log_info("listening on %s port %u (public URL %s, data dir %s, "
	    "%u threads)", ld.cfg.listen_host, ld.cfg.listen_port,
	    ld.cfg.public_url, ld.cfg.data_dir, ld.cfg.threads);

	for (;;) {
		if (sigwait(&set, &sig) != 0)
			sig = SIGTERM;
		if (sig != SIGHUP)
			break;
		if (ld.cfg.tls_cert[0] == '\0') {
			log_info("SIGHUP: no TLS certificate to reload");
			continue;
		}
		if (http_reload(&ld, err, sizeof(err)) == -1)
			log_error("SIGHUP: %s", err);
		else
			log_info("SIGHUP: serving %s", ld.cfg.tls_cert);
		if (ld.mhd == NULL) {
			log_error("no longer serving: stopping");
			scheduler_stop();
			ratelimit_free(ld.limits);
			json_decref(ld.openapi);
			store_close(ld.store);
			return 1;
		}
	}
	log_info("signal %d: stopping", sig);
	scheduler_workers_stop();
	scheduler_stop();
	http_stop(&ld);
	ratelimit_free(ld.limits);
	store_close(ld.store);
	fetch_global_cleanup();
	json_decref(ld.openapi);
	log_info("stopped");
	return 0;
}

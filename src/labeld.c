/*
 * labeld: the labelling scheme daemon.  main() reads the configuration
 * (file first, flags win), brings up the data dir, serves until SIGTERM or
 * SIGINT, then stops gracefully: no new connections, in-flight requests
 * finish, the database is closed cleanly.
 */
#include "config.h"

#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "labeld.h"
#include "crypto.h"

static const char usage_text[] =
"usage: labeld [-hnV] [--config FILE] [--data-dir DIR] [--listen HOST:PORT]\n"
"              [--public-url URL] [--threads N] [--max-body SIZE]\n"
"              [--max-upload SIZE] [--log-level LEVEL] [--share-dir DIR]\n";

static const struct option long_opts[] = {
	{ "config",	required_argument, NULL, 'c' },
	{ "data-dir",	required_argument, NULL, 'd' },
	{ "listen",	required_argument, NULL, 'l' },
	{ "public-url",	required_argument, NULL, 'u' },
	{ "threads",	required_argument, NULL, 't' },
	{ "max-body",	required_argument, NULL, 'b' },
	{ "max-upload",	required_argument, NULL, 'U' },
	{ "log-level",	required_argument, NULL, 'L' },
	{ "share-dir",	required_argument, NULL, 's' },
	{ "check-config", no_argument,	   NULL, 'n' },
	{ "help",	no_argument,	   NULL, 'h' },
	{ "version",	no_argument,	   NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *f, int status)
{
	fputs(usage_text, f);
	exit(status);
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
	log_init("labeld", LOG_INFO);

	/* First pass: only --config, --help and --version. */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "hnV", long_opts, NULL)) != -1) {
		if (ch == 'c') {
			config_path = optarg;
			explicit_config = 1;
		} else if (ch == 'h')
			usage(stdout, 0);
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
		const char *key = NULL;

		switch (ch) {
		case 'c': case 'h': case 'V':
			continue;
		case 'n':
			check_only = 1;
			continue;
		case '?':
			usage(stderr, 2);
			break;
		default:
			for (const struct option *o = long_opts; o->name; o++)
				if (o->val == ch)
					key = o->name;
		}
		if (key != NULL && config_set(&ld.cfg, key, optarg, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "labeld: --%s\n", err);
			return 2;
		}
	}
	if (optind != argc)
		usage(stderr, 2);
	if (config_finish(&ld.cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "labeld: %s\n", err);
		return 1;
	}
	if (clock_init(err, sizeof(err)) == -1) {
		fprintf(stderr, "labeld: %s\n", err);
		return 1;
	}
	if (check_only) {
		printf("configuration OK%s\n", clock_test_enabled() ?
		    " (test clock compiled in: " LABELD_TEST_CLOCK_ENV
		    " is honoured)" : "");
		return 0;
	}
	log_set_level(ld.cfg.log_level);
	if (lc_init() == -1) {
		log_error("libsodium failed to initialise");
		return 1;
	}

	/* Server threads inherit this mask: only main() takes the signals. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* The data dir holds keys and the database: nobody else reads it. */
	umask(077);

	if (bootstrap_data_dir(&ld.cfg, &ld.store, err, sizeof(err)) == -1) {
		log_error("%s", err);
		return 1;
	}
	if (http_start(&ld, err, sizeof(err)) == -1) {
		log_error("%s", err);
		store_close(ld.store);
		return 1;
	}
	/*
	 * After http_start: the public URL is known (port 0 resolved), and
	 * with it the log's origin, fixed when the log key is made (first
	 * start, or the first start of an older data dir).
	 */
	if (translog_key_ensure(ld.store, &ld.cfg, err, sizeof(err)) == -1 ||
	    scheduler_start(ld.store, &ld.cfg, err, sizeof(err)) == -1) {
		log_error("%s", err);
		http_stop(&ld);
		store_close(ld.store);
		return 1;
	}
	/* Tests started on port 0 read the kernel's choice from this line. */
	log_info("listening on %s port %u (public URL %s, data dir %s, "
	    "%u threads)", ld.cfg.listen_host, ld.cfg.listen_port,
	    ld.cfg.public_url, ld.cfg.data_dir, ld.cfg.threads);

	if (sigwait(&set, &sig) != 0)
		sig = SIGTERM;
	log_info("signal %d: stopping", sig);
	scheduler_stop();
	http_stop(&ld);
	store_close(ld.store);
	log_info("stopped");
	return 0;
}

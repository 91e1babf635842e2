/*
 * labelctl: offline administration of a labeld data dir.  It works on the
 * SQLite file directly (safe beside a running labeld: WAL mode, busy
 * timeout), so an operator can recover access or take a backup without
 * the HTTP API.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "labeld.h"
#include "crypto.h"
#include "scheme.h"

/*
 * A command: its name (one or two words), what follows the name in its
 * usage line, and the function that runs it, given argv from the
 * command's first word.  The usage lines labelctl prints are these, and
 * labelctl(8)'s SYNOPSIS states them word for word (tests/e2e/operator.sh).
 */
struct labelctl_cmd {
	const char	*name;
	const char	*usage;
	int		(*exec)(int argc, char **argv);
};

static int	cmd_init(int, char **);
static int	cmd_token(int, char **);
static int	cmd_scheme(int, char **);
static int	cmd_check(int, char **);
static int	cmd_backup(int, char **);
static int	cmd_key(int, char **);
static int	cmd_log(int, char **);

static const struct labelctl_cmd commands[] = {
	{ "init", "", cmd_init },
	{ "token create", "--role role [--org id] [--label text]", cmd_token },
	{ "token list", "[--org id]", cmd_token },
	{ "token revoke", "id", cmd_token },
	{ "scheme validate", "file ...", cmd_scheme },
	{ "scheme import", "file ...", cmd_scheme },
	{ "check", "", cmd_check },
	{ "backup", "[--force] dir", cmd_backup },
	{ "key generate", "[--passphrase-file file]", cmd_key },
	{ "key rotate", "[--passphrase-file file]", cmd_key },
	{ "key list", "", cmd_key },
	{ "key export", "[kid]", cmd_key },
	{ "key compromise", "kid --since time", cmd_key },
	{ "log verify", "", cmd_log },
	{ "log witness-key", "", cmd_log },
	{ "log cosign", "partner checkpoint [--consistency file]", cmd_log },
	{ "log rotate", "[--compromised]", cmd_log },
	{ "log retire", "kid", cmd_log },
};
#define LABELCTL_NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

static const char labelctl_synopsis[] =
    "[--config file] [--data-dir dir] command [arg ...]";

static struct config	 cfg;

/* 1 when the command's name begins with the word group. */
static int
cmd_in(const struct labelctl_cmd *c, const char *group)
{
	size_t n = strlen(group);

	return strncmp(c->name, group, n) == 0 &&
	    (c->name[n] == '\0' || c->name[n] == ' ');
}

/* The usage lines of the commands in group (all when NULL) to f. */
static void
print_usage(FILE *f, const char *group)
{
	const char *lead = "usage:";

	if (group == NULL) {
		fprintf(f, "%s labelctl %s\n", lead, labelctl_synopsis);
		lead = "      ";
	}
	for (size_t i = 0; i < LABELCTL_NCOMMANDS; i++) {
		if (group != NULL && !cmd_in(&commands[i], group))
			continue;
		fprintf(f, "%s labelctl %s%s%s\n", lead, commands[i].name,
		    commands[i].usage[0] ? " " : "", commands[i].usage);
		lead = "      ";
	}
}

/* 1 when some command's name begins with the words of group. */
static int
group_known(const char *group)
{
	for (size_t i = 0; i < LABELCTL_NCOMMANDS; i++)
		if (cmd_in(&commands[i], group))
			return 1;
	return 0;
}

/*
 * A usage error of "word sub" (sub may be NULL): the usage lines of that
 * command, else of the commands of word, else of every command, on
 * stderr; exits with status 2.
 */
void
labelctl_usage(const char *word, const char *sub)
{
	char		 group[64];
	const char	*g = word;

	if (word != NULL && sub != NULL) {
		snprintf(group, sizeof(group), "%s %s", word, sub);
		if (group_known(group))
			g = group;
	}
	if (g != NULL && !group_known(g))
		g = NULL;
	print_usage(stderr, g);
	exit(2);
}

static void
usage(int status)
{
	if (status != 0)
		labelctl_usage(NULL, NULL);
	print_usage(stdout, NULL);
	exit(0);
}

/*
 * Opens the database of an existing data dir (one connection), applying
 * pending migrations when migrate is set.  NULL, after saying why on
 * stderr, when there is none or it cannot be opened.
 */
struct store *
labelctl_open_store(const struct config *c, int migrate)
{
	char		 dbpath[PATH_MAX], migdir[PATH_MAX], err[512];
	struct stat	 st;
	struct store	*s;

	if (path_join(dbpath, sizeof(dbpath), c->data_dir, LABELD_DB_FILE) ||
	    path_join(migdir, sizeof(migdir), c->share_dir, "migrations")) {
		fprintf(stderr, "labelctl: data dir path too long\n");
		return NULL;
	}
	if (stat(dbpath, &st) == -1) {
		fprintf(stderr, "labelctl: %s: no database (run labelctl init "
		    "or start labeld first)\n", dbpath);
		return NULL;
	}
	if ((s = store_open(dbpath, migrate ? migdir : NULL, 1, err,
	    sizeof(err))) == NULL)
		fprintf(stderr, "labelctl: %s\n", err);
	return s;
}

static int
cmd_init(int argc, char **argv)
{
	struct store	*s;
	char		 err[512];

	(void)argv;
	if (argc != 1)
		labelctl_usage("init", NULL);
	if (bootstrap_data_dir(&cfg, &s, err, sizeof(err)) == -1) {
		fprintf(stderr, "labelctl: %s\n", err);
		return 1;
	}
	store_close(s);
	printf("data dir %s ready\n", cfg.data_dir);
	return 0;
}

static int
print_token(const struct token *t, void *arg)
{
	(void)arg;
	printf("%s\t%s\t%s\t%s\t%s\t%s\n", t->id, t->org_id, t->role,
	    t->created_at, t->revoked_at[0] ? t->revoked_at : "active",
	    t->label);
	return 0;
}

static int
cmd_token(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "org", required_argument, NULL, 'o' },
		{ "role", required_argument, NULL, 'r' },
		{ "label", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*org = NULL, *rname = NULL, *label = "labelctl";
	const char	*sub;
	struct store	*s;
	struct db	*db;
	struct org	 o;
	struct token	 t;
	char		 secret[LC_TOKEN_BUFLEN], err[512], list[64];
	enum role	 role;
	int		 ch, rc = 1;

	if (argc < 2)
		labelctl_usage("token", NULL);
	/*
	 * Parse argv[1..] (the subcommand stands as argv[0] of that); optind
	 * 0 re-initialises getopt after main()'s "+" (stop at the command)
	 * parse, so options may also follow a positional argument.
	 */
	argc--;
	argv++;
	sub = argv[0];
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'o')
			org = optarg;
		else if (ch == 'r')
			rname = optarg;
		else if (ch == 'l')
			label = optarg;
		else
			labelctl_usage("token", sub);
	}
	if (!((strcmp(sub, "create") == 0 && optind == argc) ||
	    (strcmp(sub, "list") == 0 && optind == argc && rname == NULL) ||
	    (strcmp(sub, "revoke") == 0 && optind == argc - 1 &&
	    org == NULL && rname == NULL)))
		labelctl_usage("token", sub);
	if (auth_load_key(cfg.data_dir, err, sizeof(err)) == -1) {
		fprintf(stderr, "labelctl: %s\n", err);
		return 1;
	}
	if ((s = labelctl_open_store(&cfg, 1)) == NULL)
		return 1;
	db = store_acquire(s);
	if (strcmp(sub, "create") == 0) {
		if ((role = role_byname(rname)) == ROLE_PUBLIC) {
			fprintf(stderr, "labelctl: token create needs --role "
			    "%s\n", role_list(ROLE_ANY_AUTH, "|", list,
			    sizeof(list)));
			goto done;
		}
		rc = org ? store_org_get(db, org, &o) :
		    store_first_authority(db, &o);
		if (rc != STORE_OK) {
			fprintf(stderr, "labelctl: no organisation %s\n",
			    org ? org : "of kind authority");
			rc = 1;
			goto done;
		}
		rc = 1;
		if (!role_fits_kind(role, o.kind)) {
			fprintf(stderr, "labelctl: an organisation of kind %s "
			    "cannot hold role %s\n", o.kind, rname);
			goto done;
		}
		if (auth_issue_token(db, o.id, role, label, NULL, &t, secret,
		    sizeof(secret)) != STORE_OK) {
			fprintf(stderr, "labelctl: cannot store the token\n");
			goto done;
		}
		printf("id %s\ntoken %s\n", t.id, secret);
		lc_wipe(secret, sizeof(secret));
		rc = 0;
	} else if (strcmp(sub, "list") == 0) {
		rc = store_token_list(db, org, print_token, NULL) == STORE_OK ?
		    0 : 1;
	} else {
		switch (store_token_revoke(db, argv[optind])) {
		case STORE_OK:
			printf("revoked %s\n", argv[optind]);
			rc = 0;
			break;
		case STORE_NOTFOUND:
			fprintf(stderr, "labelctl: no live token %s\n",
			    argv[optind]);
			break;
		default:
			fprintf(stderr, "labelctl: database error\n");
		}
	}
done:
	store_release(db);
	store_close(s);
	return rc;
}

/* Validates scheme files (no data dir needed) or publishes them. */
static int
cmd_scheme(int argc, char **argv)
{
	struct store	*s = NULL;
	struct db	*db = NULL;
	int		 import, rc = 0;

	if (argc < 3)
		labelctl_usage("scheme", argc > 1 ? argv[1] : NULL);
	if (strcmp(argv[1], "validate") == 0)
		import = 0;
	else if (strcmp(argv[1], "import") == 0)
		import = 1;
	else
		labelctl_usage("scheme", argv[1]);
	if (import) {
		if ((s = labelctl_open_store(&cfg, 1)) == NULL)
			return 1;
		db = store_acquire(s);
	}
	for (int i = 2; i < argc; i++) {
		char		 err[LABELD_SCHEME_ERRLEN];
		struct scheme	*sc = scheme_load_file(argv[i], err,
		    sizeof(err));

		if (sc == NULL) {
			fprintf(stderr, "%s\n", err);
			rc = 1;
			continue;
		}
		if (import) {
			json_t *doc = json_deep_copy(scheme_json(sc));
			int r = catalog_publish(db, doc, NULL, err,
			    sizeof(err));

			json_decref(doc);
			if (r != STORE_OK) {
				fprintf(stderr, "%s: %s\n", argv[i], err);
				rc = 1;
				scheme_free(sc);
				continue;
			}
		}
		printf("%s: ok: %s version %d, %d tiers, %zu requirements%s\n",
		    argv[i], scheme_id(sc), scheme_version(sc),
		    scheme_ntiers(sc), scheme_nrequirements(sc),
		    import ? ", published" : "");
		scheme_free(sc);
	}
	if (import) {
		store_release(db);
		store_close(s);
	}
	return rc;
}

static int
cmd_check(int argc, char **argv)
{
	struct store	*s;
	struct db	*db;
	char		 out[4096];
	int		 rc;

	(void)argv;
	if (argc != 1)
		labelctl_usage("check", NULL);
	if ((s = labelctl_open_store(&cfg, 0)) == NULL)
		return 1;
	db = store_acquire(s);
	rc = store_integrity_check(db, out, sizeof(out));
	printf("%s\n", out[0] ? out : "integrity check failed to run");
	store_release(db);
	store_close(s);
	return rc == 0 ? 0 : 1;
}

/*
 * Copies the whole data dir, the database as an online snapshot, to a
 * directory no one else may read (backup.c); an existing one is refused
 * unless --force.
 */
static int
cmd_backup(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	struct store	*s;
	struct db	*db;
	const char	*dest;
	char		 err[512];
	int		 ch, force = 0, rc, n;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'f')
			force = 1;
		else
			labelctl_usage("backup", NULL);
	}
	if (optind != argc - 1)
		labelctl_usage("backup", NULL);
	dest = argv[optind];
	if ((s = labelctl_open_store(&cfg, 0)) == NULL)
		return 1;
	db = store_acquire(s);
	rc = backup_data_dir(db, cfg.data_dir, dest, force, &n, err,
	    sizeof(err));
	if (rc == -1)
		fprintf(stderr, "labelctl: %s\n", err);
	else
		printf("backup written to %s (the database and %d files)\n",
		    dest, n);
	store_release(db);
	store_close(s);
	return rc == 0 ? 0 : 1;
}

/* key generate|rotate|list|export|compromise: labelctl_key.c */
static int
cmd_key(int argc, char **argv)
{
	return labelctl_key(&cfg, argc, argv);
}

/* log verify|witness-key|cosign|rotate|retire: labelctl_log.c */
static int
cmd_log(int argc, char **argv)
{
	return labelctl_log(&cfg, argc, argv);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "data-dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*config_path = LABELD_SYSCONFDIR "/labeld.conf";
	const char	*data_dir = NULL;
	char		 err[512];
	int		 ch, explicit_config = 0;

	config_defaults(&cfg);
	log_init("labelctl", LOG_WARN);
	/* Stop at the command: its own options follow it. */
	while ((ch = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config_path = optarg;
			explicit_config = 1;
			break;
		case 'd':
			data_dir = optarg;
			break;
		case 'h':
			usage(0);
			break;
		case 'V':
			printf("labelctl %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(2);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage(2);
	if (config_load_file(&cfg, config_path, !explicit_config, err,
	    sizeof(err)) == -1 || (data_dir != NULL && config_set(&cfg,
	    "data_dir", data_dir, err, sizeof(err)) == -1) ||
	    config_finish(&cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "labelctl: %s\n", err);
		return 2;
	}
	if (clock_init(err, sizeof(err)) == -1) {
		fprintf(stderr, "labelctl: %s\n", err);
		return 2;
	}
	if (lc_init() == -1) {
		fprintf(stderr, "labelctl: libsodium failed to initialise\n");
		return 1;
	}
	/* Keys, tokens, the database and its backups: for the operator only. */
	umask(077);
	for (size_t i = 0; i < LABELCTL_NCOMMANDS; i++)
		if (strchr(argv[0], ' ') == NULL &&
		    cmd_in(&commands[i], argv[0])) {
			optind = 1;
			return commands[i].exec(argc, argv);
		}
	fprintf(stderr, "labelctl: unknown command %s\n", argv[0]);
	usage(2);
	return 2;
}

/*
 * bench_seed: fills a labeld data dir with N real labels for the
 * benchmark (contrib/bench/run).  Each label goes through issue_label,
 * the call the approval path ends in: a credential built and signed with
 * the active key, its row, its "issued" event and its transparency log
 * leaf, so labelverify accepts it and GET /v1/labels/{id} serves it.
 * Labels are committed in batches (one transaction per --batch labels)
 * instead of one approval each: the benchmark needs the data, not the
 * workflow.  Run it with labeld stopped, as contrib/bench/run does (the
 * only way it was tried), so the next start is the cold start measured.
 *
 *   bench_seed --config file [--labels n] [--batch n] [--ids file]
 *	[--export dir] [--export-count n]
 *
 * The data dir must exist (a first labeld start made it).  Prints the
 * vendor organisation it created ("vendor ORG-ID") and the time taken.
 * --ids writes every label id, one a line; --export writes the first
 * --export-count (default 10000) credentials, read back from the
 * database, as dir/ID.json.
 */
#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "labeld.h"
#include "crypto.h"
#include "scheme.h"

#define SEED_SCHEME		"sg-cls-iot"
#define SEED_TIER		1
#define SEED_PER_PRODUCT	100	/* labels sharing one product */

static struct config	 cfg;

static void
usage(void)
{
	fprintf(stderr, "usage: bench_seed --config file [--labels n] "
	    "[--batch n] [--ids file] [--export dir] [--export-count n]\n");
	exit(2);
}

static void __attribute__((format(printf, 1, 2), noreturn))
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "bench_seed: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long
number(const char *s, long min, long max)
{
	char	*end;
	long	 v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < min || v > max)
		die("bad number: %s", s);
	return v;
}

/* What a tier-1 approval meets: the requirements tier 1 asks for. */
static json_t *
requirements_met(const struct scheme *s)
{
	json_t	*a = json_array();

	if (a == NULL)
		return NULL;
	for (size_t i = 0; i < scheme_nrequirements(s); i++) {
		const struct scheme_requirement *r = scheme_requirement_at(s, i);

		if (r->tier <= SEED_TIER &&
		    json_array_append_new(a, json_string(r->id)) == -1) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static void
new_product(struct db *db, const struct org *vendor, long n,
    struct product *p)
{
	struct product_version	 v;

	memset(p, 0, sizeof(*p));
	snprintf(p->vendor_id, sizeof(p->vendor_id), "%s", vendor->id);
	snprintf(p->name, sizeof(p->name), "Bench hub %ld", n);
	snprintf(p->model, sizeof(p->model), "BH-%ld", n);
	snprintf(p->category, sizeof(p->category), "hub");
	snprintf(p->support_until, sizeof(p->support_until), "2035-12-31");
	if (store_product_insert(db, p) != STORE_OK)
		die("cannot insert product %s", p->name);
	memset(&v, 0, sizeof(v));
	snprintf(v.product_id, sizeof(v.product_id), "%s", p->id);
	snprintf(v.version, sizeof(v.version), "1.0");
	if (store_product_version_insert(db, &v, NULL, 0) != STORE_OK)
		die("cannot insert a version of %s", p->id);
}

static void
export(struct db *db, const char *idsfile, const char *dir, long count)
{
	FILE	*in, *out;
	char	 id[LABELD_LABEL_ID_MAX + 2], path[PATH_MAX], *buf;
	size_t	 len;
	long	 n = 0;

	if ((in = fopen(idsfile, "r")) == NULL)
		die("%s: cannot read", idsfile);
	while (n < count && fgets(id, sizeof(id), in) != NULL) {
		id[strcspn(id, "\n")] = '\0';
		if (store_label_credential(db, id, &buf, &len) != STORE_OK)
			die("cannot read back label %s", id);
		snprintf(path, sizeof(path), "%s/%s.json", dir, id);
		if ((out = fopen(path, "w")) == NULL ||
		    fwrite(buf, 1, len, out) != len || fclose(out) != 0)
			die("%s: cannot write", path);
		free(buf);
		n++;
	}
	fclose(in);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "labels", required_argument, NULL, 'n' },
		{ "batch", required_argument, NULL, 'b' },
		{ "ids", required_argument, NULL, 'i' },
		{ "export", required_argument, NULL, 'e' },
		{ "export-count", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 }
	};
	const char		*conf = NULL, *idsfile = NULL, *expdir = NULL;
	const struct scheme	*s;
	struct store		*st;
	struct db		*db;
	struct org		 vendor;
	struct product		 p;
	struct issue_input	 in;
	const char		*versions[1] = { "1.0" };
	json_t			*met;
	FILE			*ids = NULL;
	char			 err[512], dbpath[PATH_MAX];
	char			 label_id[LABELD_LABEL_ID_MAX + 1];
	long			 labels = 10000, batch = 1000, nexport = 10000;
	long			 i, j;
	double			 t0;
	int			 ch, rc;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': conf = optarg; break;
		case 'n': labels = number(optarg, 1, 100000000); break;
		case 'b': batch = number(optarg, 1, 1000000); break;
		case 'i': idsfile = optarg; break;
		case 'e': expdir = optarg; break;
		case 'k': nexport = number(optarg, 0, 100000000); break;
		default: usage();
		}
	}
	if (conf == NULL || optind != argc || (expdir != NULL &&
	    idsfile == NULL))
		usage();
	/*
	 * Every label takes its own index in the one revocation and one
	 * suspension list labeld has: say so before seeding, not after.
	 */
	if (labels > LABELD_STATUSLIST_BITS) {
		fprintf(stderr, "bench_seed: %ld labels: labeld's status lists "
		    "hold %d labels each and it issues into one list of each "
		    "purpose\n", labels, LABELD_STATUSLIST_BITS);
		return 1;
	}
	log_init("bench_seed", LOG_WARN);
	config_defaults(&cfg);
	if (config_load_file(&cfg, conf, 0, err, sizeof(err)) == -1 ||
	    config_finish(&cfg, err, sizeof(err)) == -1 ||
	    clock_init(err, sizeof(err)) == -1)
		die("%s", err);
	if (lc_init() == -1)
		die("%s", "libsodium failed to initialise");
	if (path_join(dbpath, sizeof(dbpath), cfg.data_dir, LABELD_DB_FILE))
		die("%s: path too long", cfg.data_dir);
	if ((st = store_open(dbpath, NULL, 1, err, sizeof(err))) == NULL)
		die("%s", err);
	db = store_acquire(st);
	if ((s = catalog_get(db, SEED_SCHEME, 0)) == NULL)
		die("scheme %s is not in the data dir", SEED_SCHEME);
	if ((met = requirements_met(s)) == NULL)
		die("%s", "out of memory");
	if (idsfile != NULL && (ids = fopen(idsfile, "w")) == NULL)
		die("%s: cannot write", idsfile);

	t0 = now_s();
	memset(&vendor, 0, sizeof(vendor));
	snprintf(vendor.name, sizeof(vendor.name), "Bench Devices");
	snprintf(vendor.kind, sizeof(vendor.kind), "vendor");
	snprintf(vendor.country, sizeof(vendor.country), "SG");
	if (db_begin(db) == -1 || store_org_insert(db, &vendor) != STORE_OK ||
	    db_commit(db) == -1)
		die("%s", "cannot create the vendor");

	memset(&in, 0, sizeof(in));
	in.scheme = s;
	in.tier = SEED_TIER;
	in.vendor = &vendor;
	in.product = &p;
	in.versions = versions;
	in.nversions = 1;
	in.requirements_met = met;
	in.label_id = label_id;
	for (i = 0; i < labels; i += batch) {
		if (db_begin(db) == -1)
			die("%s", "cannot begin a transaction");
		for (j = i; j < labels && j < i + batch; j++) {
			if (j % SEED_PER_PRODUCT == 0)
				new_product(db, &vendor, j / SEED_PER_PRODUCT,
				    &p);
			if (issue_label_id(db, s, clock_now(), label_id,
			    sizeof(label_id)) != STORE_OK)
				die("%s", "cannot allocate a label id");
			rc = issue_label(db, &cfg, &in, NULL, NULL, err,
			    sizeof(err));
			if (rc != STORE_OK)
				die("%s", err);
			if (ids != NULL)
				fprintf(ids, "%s\n", label_id);
		}
		if (db_commit(db) == -1)
			die("%s", "cannot commit a batch");
	}
	if (ids != NULL && fclose(ids) != 0)
		die("%s: cannot write", idsfile);
	printf("vendor %s\nseeded %ld labels in %.1f s (%.0f /s)\n",
	    vendor.id, labels, now_s() - t0, (double)labels / (now_s() - t0));
	if (expdir != NULL)
		export(db, idsfile, expdir, nexport);
	json_decref(met);
	store_release(db);
	store_close(st);
	return 0;
}

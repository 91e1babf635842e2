/*
 * issue_artifacts: fixture step of tests/interop/labels-verify.sh, not a
 * test (it asserts nothing about what it makes: the Node verifier does).
 *
 *   issue_artifacts DIR
 *
 * Builds a fresh database in DIR/db (migrations and schemes of the source
 * tree: $top_srcdir, else the configured one), installs a fixed Ed25519
 * key (seed bytes 0x01..0x20) and writes what labeld's issuer makes, signed
 * now so that a verifier's clock finds it valid:
 *   label.json		an active Level 4 label
 *   label-suspended.json	a second one, then suspended
 *   revocation-1.json, suspension-1.json	both status lists after that
 *   did.json		the DID document
 *   trust-bundle.json	the trust bundle
 * Exit 0, 1 on any failure (with a message), 2 on a usage error.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "labeld.h"
#include "crypto.h"
#include "scheme.h"

static const char *const versions[] = { "1.0.0", "1.0.1" };
static const struct issue_lab_report reports[] = {
	{ 3, "1111111111111111111111111111111111111111111111111111111111111111" },
	{ 4, "2222222222222222222222222222222222222222222222222222222222222222" },
};

static void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("issue_artifacts: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void
write_artifact(const char *dir, const char *name, const char *text,
    size_t len)
{
	char	 path[4096];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL ||
	    fwrite(text, 1, len, f) != len || fclose(f) != 0)
		die("%s: cannot write", path);
}

static void
write_json(const char *dir, const char *name, json_t *doc)
{
	char *t;

	if (doc == NULL || (t = json_dumps(doc, JSON_COMPACT)) == NULL)
		die("%s: no document", name);
	write_artifact(dir, name, t, strlen(t));
	free(t);
	json_decref(doc);
}

/* Inserts an organisation of kind; its id in o->id. */
static void
add_org(struct db *db, struct org *o, const char *name, const char *kind)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "%s", name);
	snprintf(o->kind, sizeof(o->kind), "%s", kind);
	snprintf(o->country, sizeof(o->country), "SG");
	if (store_org_insert(db, o) != STORE_OK)
		die("cannot insert organisation %s", name);
}

static void
issue(struct db *db, const struct config *cfg, struct issue_input *in,
    const char *label_id, const char *dir, const char *name)
{
	char	*bytes, err[512];
	size_t	 len;

	in->label_id = label_id;
	if (issue_label(db, cfg, in, &bytes, &len, err, sizeof(err)) !=
	    STORE_OK)
		die("issue %s: %s", label_id, err);
	write_artifact(dir, name, bytes, len);
	free(bytes);
}

static void
status_list(struct db *db, const struct config *cfg, const char *list,
    const char *dir, const char *name)
{
	char	*bytes, err[512];
	size_t	 len;

	if (statuslist_get(db, cfg, list, &bytes, &len, err, sizeof(err)) !=
	    STORE_OK)
		die("status list %s: %s", list, err);
	write_artifact(dir, name, bytes, len);
	free(bytes);
}

int
main(int argc, char **argv)
{
	const char		*src = getenv("top_srcdir") ?
	    getenv("top_srcdir") : LABELD_SRCDIR, *dir;
	char			 data[2048], path[4096], mig[4096];
	char			 schemes[4096], err[512];
	uint8_t			 seed[32], pk[32], sk[64];
	struct store		*st;
	struct db		*db;
	struct config		 cfg;
	struct signing_key	 key;
	struct org		 auth, vendor;
	struct principal	 regulator;
	struct product		 product;
	struct issue_input	 in;
	struct label_state	 ls;
	const struct scheme	*sc;
	json_t			*met, *tb;
	char			*tbuf;
	size_t			 tlen;
	int			 rc;

	if (argc != 2) {
		fputs("usage: issue_artifacts DIR\n", stderr);
		return 2;
	}
	dir = argv[1];
	if (lc_init() != 0)
		die("libsodium does not initialise");
	log_init("issue_artifacts", LOG_ERROR);
	if ((size_t)snprintf(data, sizeof(data), "%s/db", dir) >= sizeof(data))
		die("%s: path too long", dir);
	if (mkdir(data, 0700) == -1)
		die("%s: cannot create", data);
	snprintf(path, sizeof(path), "%s/t.db", data);
	snprintf(mig, sizeof(mig), "%s/migrations", src);
	snprintf(schemes, sizeof(schemes), "%s/schemas/schemes", src);
	if ((st = store_open(path, mig, 1, err, sizeof(err))) == NULL)
		die("%s", err);
	db = store_acquire(st);
	if (catalog_import_dir(db, schemes, err, sizeof(err)) != 0)
		die("%s", err);
	if ((sc = catalog_get(db, "sg-cls-iot", 1)) == NULL)
		die("no sg-cls-iot version 1");

	config_defaults(&cfg);
	snprintf(cfg.data_dir, sizeof(cfg.data_dir), "%s", data);
	snprintf(cfg.public_url, sizeof(cfg.public_url),
	    "https://labels.example.sg");
	snprintf(cfg.issuer_did, sizeof(cfg.issuer_did),
	    "did:web:labels.example.sg");
	for (int i = 0; i < 32; i++)
		seed[i] = (uint8_t)(i + 1);
	lc_ed25519_seed_keypair(seed, pk, sk);
	rc = keys_install(db, data, sk, NULL, 0, &key, NULL, err, sizeof(err));
	lc_wipe(sk, sizeof(sk));
	if (rc != STORE_OK)
		die("key: %s", err);

	add_org(db, &auth, "Authority", "authority");
	add_org(db, &vendor, "Acme Devices", "vendor");
	memset(&regulator, 0, sizeof(regulator));
	snprintf(regulator.org_id, sizeof(regulator.org_id), "%s", auth.id);
	regulator.role = ROLE_REGULATOR;
	snprintf(regulator.token_id, sizeof(regulator.token_id), "tok_reg");
	memset(&product, 0, sizeof(product));
	snprintf(product.vendor_id, sizeof(product.vendor_id), "%s", vendor.id);
	snprintf(product.name, sizeof(product.name), "Acme Cam");
	snprintf(product.model, sizeof(product.model), "AC-1");
	snprintf(product.category, sizeof(product.category), "camera");
	snprintf(product.support_until, sizeof(product.support_until),
	    "2099-12-31");
	if (store_product_insert(db, &product) != STORE_OK)
		die("cannot insert the product");

	if ((met = json_pack("[s, s, s]", "ETSI-5.1-1", "ETSI-5.2-1",
	    "CLS-L4-PENTEST")) == NULL)
		die("out of memory");
	memset(&in, 0, sizeof(in));
	in.scheme = sc;
	in.tier = 4;
	in.vendor = &vendor;
	in.product = &product;
	in.versions = versions;
	in.nversions = 2;
	in.requirements_met = met;
	in.lab_reports = reports;
	in.nlab_reports = 2;
	in.sbom_sha256 =
	    "3333333333333333333333333333333333333333333333333333333333333333";
	in.sbom_components = 12;
	in.issued_by = regulator.org_id;
	in.now = 0;
	issue(db, &cfg, &in, "SG-CLS-2026-000900", dir, "label.json");
	issue(db, &cfg, &in, "SG-CLS-2026-000901", dir,
	    "label-suspended.json");
	json_decref(met);
	if (lifecycle_change(db, &cfg, &regulator, "SG-CLS-2026-000901",
	    LABEL_SUSPEND, "interop", &ls, err, sizeof(err)) != STORE_OK)
		die("suspend: %s", err);
	status_list(db, &cfg, LABELD_STATUSLIST_REVOCATION, dir,
	    "revocation-1.json");
	status_list(db, &cfg, LABELD_STATUSLIST_SUSPENSION, dir,
	    "suspension-1.json");
	write_json(dir, "did.json", keys_did_document(db, &cfg));
	err[0] = '\0';
	if (trust_bundle_current(db, &cfg, time(NULL), &tbuf, &tlen, NULL,
	    NULL, err, sizeof(err)) != STORE_OK)
		die("trust bundle: %s", err);
	if ((tb = json_loadb(tbuf, tlen, 0, NULL)) == NULL)
		die("trust bundle: not JSON");
	free(tbuf);
	write_json(dir, "trust-bundle.json", tb);

	keys_forget();
	store_release(db);
	store_close(st);
	return 0;
}

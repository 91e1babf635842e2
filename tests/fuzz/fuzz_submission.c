/*
 * fuzz_submission: the bodies of PUT /v1/submissions/{id}/declarations and
 * POST .../lab-reports checked against the pinned scheme
 * (api_submissions_check.c), as the handlers call them: a request holding
 * the parsed body, a database (evidence digests are looked up in it, a
 * fresh one in a temporary directory, the shipped schemes imported), the
 * sg-cls-iot scheme.  The answer is not sent (no connection): what
 * matters is that every body is either accepted with its items filled or
 * refused, and nothing leaks.  The same body is also checked as a
 * recognition agreement (POST /v1/partners/{id}/agreements,
 * partner_agreement_check), and when accepted, as an amendment of itself.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "labeld.h"
#include "fuzz.h"
#include "scheme.h"

static char		 dir[] = "/tmp/labeld-fuzz.XXXXXX";
static struct store	*store;
static struct db	*db;
static struct scheme	*sc;

static void
done(void)
{
	static const char *const files[] = { "/fuzz.db", "/fuzz.db-wal",
	    "/fuzz.db-shm", NULL };
	char path[sizeof(dir) + 16];

	scheme_free(sc);
	if (db != NULL)
		store_release(db);
	store_close(store);
	for (const char *const *f = files; *f != NULL; f++) {
		snprintf(path, sizeof(path), "%s%s", dir, *f);
		unlink(path);
	}
	rmdir(dir);
}

static void
setup(void)
{
	char path[sizeof(dir) + 16], err[LABELD_SCHEME_ERRLEN];

	if (mkdtemp(dir) == NULL) {
		perror("fuzz_submission: mkdtemp");
		abort();
	}
	atexit(done);
	snprintf(path, sizeof(path), "%s/fuzz.db", dir);
	if ((store = store_open(path, LABELD_SRCDIR "/migrations", 1, err,
	    sizeof(err))) == NULL || (db = store_acquire(store)) == NULL) {
		fprintf(stderr, "fuzz_submission: %s\n", err);
		abort();
	}
	if (catalog_import_dir(db, LABELD_SRCDIR "/schemas/schemes", err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "fuzz_submission: %s\n", err);
		abort();
	}
	if ((sc = scheme_load_file(LABELD_SRCDIR
	    "/schemas/schemes/sg-cls-iot-1.json", err, sizeof(err))) == NULL) {
		fprintf(stderr, "fuzz_submission: %s\n", err);
		abort();
	}
}

/* body as an agreement, and as an amendment of the one it makes. */
static void
agreement(const json_t *body)
{
	struct agreement	 a, b;
	json_t			*errors;
	int			 rc;

	if ((errors = json_array()) == NULL)
		return;
	rc = partner_agreement_check(db, body, NULL, &a, "", errors);
	FUZZ_ASSERT(rc != STORE_OK || json_array_size(errors) == 0);
	FUZZ_ASSERT(rc != STORE_INVALID || json_array_size(errors) > 0);
	if (rc == STORE_OK) {
		FUZZ_ASSERT(partner_agreement_check(db, body, &a, &b, "",
		    errors) == STORE_OK);
		store_agreement_clear(&b);
	}
	store_agreement_clear(&a);
	json_decref(errors);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct req		 r;
	struct submission	 s;
	struct sub_decl_items	 d;
	struct sub_report_items	 it;
	struct lab_report	 rep;
	json_t			*body;

	if (store == NULL)
		setup();
	if ((body = fuzz_json(data, size)) == NULL)
		return 0;
	memset(&s, 0, sizeof(s));
	snprintf(s.id, sizeof(s.id), "sub_fuzz");
	snprintf(s.scheme, sizeof(s.scheme), "%s", scheme_id(sc));
	s.scheme_version = scheme_version(sc);

	memset(&r, 0, sizeof(r));
	r.db = db;
	r.json = body;
	memset(&d, 0, sizeof(d));
	if (submissions_check_declarations(&r, &s, sc, &d) == 0) {
		FUZZ_ASSERT(d.n >= 1);
		for (size_t i = 0; i < d.n; i++)
			FUZZ_ASSERT(d.d[i].requirement != NULL &&
			    scheme_has_requirement(sc, d.d[i].requirement));
	}
	submissions_decl_free(&d);

	memset(&r, 0, sizeof(r));
	r.db = db;
	r.json = body;
	memset(&it, 0, sizeof(it));
	memset(&rep, 0, sizeof(rep));
	if (submissions_check_report(&r, &s, sc, &rep, &it) == 0) {
		FUZZ_ASSERT(rep.tier >= 1 && rep.tier <= scheme_ntiers(sc));
		for (size_t i = 0; i < it.n; i++)
			FUZZ_ASSERT(scheme_requirement_third_party(sc,
			    it.res[i].requirement) == 1);
	}
	free(it.res);
	reply_free_headers(&r);
	agreement(body);
	json_decref(body);
	return 0;
}

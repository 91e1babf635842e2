/*
 * check_webhook.c: webhook.c and store_webhooks.c on a real store: the
 * signature, the subscription's faults, events written only inside a
 * change's transaction (a rolled-back change leaves none), the fan-out
 * to the webhooks that may see each event, and a failed attempt's
 * backoff; fetch.c's URL rule and its refusals.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "labeld.h"
#include "crypto.h"
#include "rfc3339.h"

static char		 tmpdir[64];
static struct store	*st;
static struct db	*db;
static struct org	 auth, acme, other;

static void
org(struct org *o, const char *name, const char *kind)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "%s", name);
	snprintf(o->kind, sizeof(o->kind), "%s", kind);
	snprintf(o->country, sizeof(o->country), "SG");
	ck_assert_int_eq(store_org_insert(db, o), STORE_OK);
}

static void
setup(void)
{
	const char	*src = getenv("top_srcdir") ? getenv("top_srcdir") :
	    LABELD_SRCDIR;
	char		 path[256], mig[256], err[512];

	ck_assert_int_eq(lc_init(), 0);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check-webhook.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/t.db", tmpdir);
	snprintf(mig, sizeof(mig), "%s/migrations", src);
	st = store_open(path, mig, 1, err, sizeof(err));
	ck_assert_msg(st != NULL, "%s", err);
	db = store_acquire(st);
	org(&auth, "Authority", "authority");
	org(&acme, "Acme", "vendor");
	org(&other, "Other", "vendor");
}

static void
teardown(void)
{
	char cmd[128];

	store_release(db);
	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static struct principal
as(const struct org *o, enum role r)
{
	struct principal p;

	memset(&p, 0, sizeof(p));
	snprintf(p.org_id, sizeof(p.org_id), "%s", o->id);
	snprintf(p.org_kind, sizeof(p.org_kind), "%s", o->kind);
	p.role = r;
	return p;
}

/* Subscribes o to the events (a JSON array text); the webhook's id. */
static void
subscribe(const struct org *o, enum role r, const char *events, char *id,
    char *secret)
{
	struct principal	 p = as(o, r);
	struct webhook		 w;
	json_t			*ev = json_loads(events, 0, NULL), *errors =
				    json_array();

	ck_assert_int_eq(webhook_create(db, &p, "http://127.0.0.1:1/hook", ev,
	    &w, secret, errors), STORE_OK);
	ck_assert_int_eq(strlen(secret), 64);
	ck_assert_str_eq(w.secret, "");	/* wiped: shown once by the caller */
	snprintf(id, 40, "%s", w.id);
	store_webhook_clear(&w);
	json_decref(ev);
	json_decref(errors);
}

static int
count_one(const struct webhook_delivery *d, void *arg)
{
	(void)d;
	(*(int *)arg)++;
	return 0;
}

static int
deliveries(const char *webhook_id)
{
	int n = 0;

	ck_assert_int_eq(store_delivery_list(db, webhook_id, 0, 100,
	    count_one, &n), STORE_OK);
	return n;
}

START_TEST(signature)
{
	char	 sig[128];

	/* printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac KEY */
	ck_assert_int_eq(webhook_sign("00112233445566778899aabbccddeeff"
	    "00112233445566778899aabbccddeeff", 1700000000, "{\"a\":1}", 7, sig,
	    sizeof(sig)), 0);
	ck_assert_str_eq(sig, "t=1700000000,v1=79b6366b226747b346bd60c93370c6"
	    "2ef4aab9b9cf429c132aea8b457ee1cc09");
	ck_assert_int_eq(webhook_sign("k", 1, "x", 1, sig, 20), -1);
}
END_TEST

START_TEST(create_faults)
{
	struct principal	 p = as(&acme, ROLE_VENDOR);
	struct webhook		 w;
	json_t			*errors = json_array(), *ev;
	char			 secret[65];

	ev = json_pack("[s, s, s]", "decision", "nope", "decision");
	ck_assert_int_eq(webhook_create(db, &p, "ftp://x/y", ev, &w, secret,
	    errors), STORE_INVALID);
	ck_assert_int_eq(json_array_size(errors), 3);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
	    errors, 0), "field")), "url");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(
	    json_array_get(errors, 1), "detail")), "\"nope\" is not an event"));
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(
	    json_array_get(errors, 2), "detail")), "twice"));
	json_decref(ev);
	json_array_clear(errors);
	ev = json_array();
	ck_assert_int_eq(webhook_create(db, &p, NULL, ev, &w, secret, errors),
	    STORE_INVALID);
	ck_assert_int_eq(json_array_size(errors), 2);
	json_decref(ev);
	json_decref(errors);
	ck_assert_int_eq(webhook_event_known("partner_change"), 1);
	ck_assert_int_eq(webhook_event_known("partner"), 0);
	ck_assert_int_eq(webhook_event_known(NULL), 0);
}
END_TEST

START_TEST(emit_and_fan_out)
{
	char	 wa[40], wo[40], wr[40], wl[40], secret[65];
	int	 n;

	subscribe(&acme, ROLE_VENDOR, "[\"decision\", \"suspension\"]", wa,
	    secret);
	subscribe(&other, ROLE_VENDOR, "[\"decision\", \"suspension\"]", wo,
	    secret);
	subscribe(&auth, ROLE_REGULATOR, "[\"suspension\"]", wr, secret);
	subscribe(&acme, ROLE_VENDOR, "[\"revocation\"]", wl, secret);

	/* Outside a change: refused. */
	ck_assert_int_eq(webhook_emit(db, "decision", acme.id, NULL,
	    json_object()), STORE_ERR);
	/* A change rolled back leaves no event. */
	ck_assert_int_eq(db_begin(db), 0);
	ck_assert_int_eq(webhook_emit(db, "decision", acme.id, NULL,
	    json_pack("{s:s}", "submission_id", "sub_x")), STORE_OK);
	db_rollback(db);
	ck_assert_int_eq(store_outbox_fan_out(db, 10, &n), STORE_OK);
	ck_assert_int_eq(n, 0);

	ck_assert_int_eq(db_begin(db), 0);
	ck_assert_int_eq(webhook_emit(db, "decision", acme.id, NULL,
	    json_pack("{s:s}", "submission_id", "sub_a")), STORE_OK);
	ck_assert_int_eq(webhook_emit(db, "suspension", acme.id, NULL,
	    json_pack("{s:s}", "label_id", "SG-1")), STORE_OK);
	ck_assert_int_eq(webhook_emit(db, "nonsense", acme.id, NULL,
	    json_object()), STORE_ERR);
	ck_assert_int_eq(db_commit(db), 0);
	ck_assert_int_eq(store_outbox_fan_out(db, 10, &n), STORE_OK);
	ck_assert_int_eq(n, 2);
	/* Acme: both; the other vendor: none; the authority: the suspension. */
	ck_assert_int_eq(deliveries(wa), 2);
	ck_assert_int_eq(deliveries(wo), 0);
	ck_assert_int_eq(deliveries(wr), 1);
	ck_assert_int_eq(deliveries(wl), 0);
	/* Fanned out once. */
	ck_assert_int_eq(store_outbox_fan_out(db, 10, &n), STORE_OK);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(deliveries(wa), 2);
}
END_TEST

static int
first(const struct webhook_delivery *d, void *arg)
{
	*(struct webhook_delivery *)arg = *d;
	return -1;
}

START_TEST(failed_attempt_backs_off)
{
	struct webhook_delivery	 d;
	char			 wa[40], secret[65], at[32], later[32];
	time_t			 now = clock_now();

	subscribe(&acme, ROLE_VENDOR, "[\"revocation\"]", wa, secret);
	ck_assert_int_eq(db_begin(db), 0);
	ck_assert_int_eq(webhook_emit(db, "revocation", acme.id, NULL,
	    json_pack("{s:s}", "label_id", "SG-2")), STORE_OK);
	ck_assert_int_eq(db_commit(db), 0);
	store_release(db);
	/* 127.0.0.1:1 refuses the connection: one failed attempt. */
	webhook_deliver_round(st, now, NULL);
	db = store_acquire(st);
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(store_delivery_list(db, wa, 0, 10, first, &d),
	    STORE_OK);
	ck_assert_str_eq(d.state, "pending");
	ck_assert_int_eq(d.attempts, 1);
	ck_assert_int_eq(d.last_status, 0);
	ck_assert_ptr_nonnull(strstr(d.last_error, "127.0.0.1:1"));
	rfc3339_format(now + LABELD_WEBHOOK_BACKOFF, later);
	ck_assert_str_eq(d.next_attempt_at, later);
	/* Not due before then. */
	rfc3339_format(now + 1, at);
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(store_delivery_due(db, at, 10, first, &d), STORE_OK);
	ck_assert_str_eq(d.id, "");
	ck_assert_int_eq(store_delivery_due(db, later, 10, first, &d),
	    STORE_OK);
	ck_assert_str_ne(d.id, "");
}
END_TEST

START_TEST(fetch_refusals)
{
	struct fetch_result	 res;
	char			 err[512];

	ck_assert_int_eq(fetch_url_ok("https://a.example/x"), 1);
	ck_assert_int_eq(fetch_url_ok("HTTP://a.example"), 1);
	ck_assert_int_eq(fetch_url_ok("file:///etc/passwd"), 0);
	ck_assert_int_eq(fetch_url_ok("gopher://a.example/"), 0);
	ck_assert_int_eq(fetch_url_ok("http:///x"), 0);
	ck_assert_int_eq(fetch_url_ok("http://a b/"), 0);
	ck_assert_int_eq(fetch_url_ok(NULL), 0);
	ck_assert_int_eq(fetch_url("GET", "file:///etc/passwd", NULL, NULL, 0,
	    1024, &res, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not an http or https URL"));
	ck_assert_int_eq(fetch_url("GET", "http://127.0.0.1:1/", NULL, NULL, 0,
	    1024, &res, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "http://127.0.0.1:1/"));
	fetch_result_free(&res);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("webhook");
	TCase	*tc = tcase_create("webhook");
	SRunner	*sr;
	char	 err[256];
	int	 failed;

	if (fetch_global_init(err, sizeof(err)) == -1)
		return EXIT_FAILURE;
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, signature);
	tcase_add_test(tc, create_faults);
	tcase_add_test(tc, emit_and_fan_out);
	tcase_add_test(tc, failed_attempt_backs_off);
	tcase_add_test(tc, fetch_refusals);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	fetch_global_cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

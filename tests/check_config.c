/*
 * check_config: labeld.conf(5) parsing, flag values and derived settings.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "labeld.h"

static char *
write_tmp(const char *text)
{
	static char	 path[64];
	FILE		*f;
	int		 fd;

	snprintf(path, sizeof(path), "/tmp/labeld-conf.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

START_TEST(defaults)
{
	struct config c;

	config_defaults(&c);
	ck_assert_str_eq(c.listen_host, "127.0.0.1");
	ck_assert_uint_eq(c.listen_port, 8080);
	ck_assert_uint_eq(c.max_body, 1024 * 1024);
	ck_assert_uint_eq(c.max_upload, 32 * 1024 * 1024);
	ck_assert_uint_eq(c.threads, LABELD_THREADS_DEFAULT);
}
END_TEST

START_TEST(durations)
{
	struct config	 c;
	int64_t		 v;
	char		 err[256];

	ck_assert_int_eq(config_parse_duration("45s", 1, 86400, &v), 0);
	ck_assert_int_eq(v, 45);
	ck_assert_int_eq(config_parse_duration("90m", 1, 86400, &v), 0);
	ck_assert_int_eq(v, 5400);
	ck_assert_int_eq(config_parse_duration("2h", 1, 86400, &v), 0);
	ck_assert_int_eq(v, 7200);
	ck_assert_int_eq(config_parse_duration("1d", 1, 86400, &v), 0);
	ck_assert_int_eq(v, 86400);
	ck_assert_int_eq(config_parse_duration("2d", 1, 86400, &v), -1);
	ck_assert_int_eq(config_parse_duration("0s", 1, 86400, &v), -1);
	ck_assert_int_eq(config_parse_duration("7", 1, 86400, &v), -1);
	ck_assert_int_eq(config_parse_duration("7D", 1, 86400, &v), -1);
	ck_assert_int_eq(config_parse_duration("7dd", 1, 86400, &v), -1);
	ck_assert_int_eq(config_parse_duration("-7d", 1, 86400, &v), -1);
	ck_assert_int_eq(config_parse_duration(" 7d", 1, 86400, &v), -1);
	ck_assert_int_eq(config_parse_duration("", 1, 86400, &v), -1);
	ck_assert_int_eq(config_parse_duration("99999999999999999999d", 1,
	    86400, &v), -1);
	ck_assert_int_eq(config_parse_duration("9999999999999999d", 1,
	    INT64_MAX, &v), -1);

	config_defaults(&c);
	ck_assert_int_eq(c.status_list_validity, 7 * 86400);
	ck_assert_int_eq(c.trust_bundle_validity, 365 * 86400);
	ck_assert_int_eq(config_set(&c, "status_list_validity", "36h", err,
	    sizeof(err)), 0);
	ck_assert_int_eq(c.status_list_validity, 36 * 3600);
	ck_assert_int_eq(config_set(&c, "trust-bundle-validity", "90d", err,
	    sizeof(err)), 0);
	ck_assert_int_eq(c.trust_bundle_validity, 90 * 86400);
	ck_assert_int_eq(config_set(&c, "status_list_validity", "7 days", err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "status_list_validity: expected a duration "
	    "from 10m to 366d (an integer followed by s, m, h or d, such as "
	    "7d), got \"7 days\"");
	ck_assert_int_eq(config_set(&c, "trust_bundle_validity", "30d", err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "from 31d to 3650d"));
	ck_assert_int_eq(c.status_list_validity, 36 * 3600);
}
END_TEST

/* Each test runs in its own process (CK_FORK): the offset is read once. */
START_TEST(test_clock_offset)
{
	char	 err[256];
	time_t	 before = time(NULL), now;

	setenv(LABELD_TEST_CLOCK_ENV, "-2h", 1);
	ck_assert_int_eq(clock_init(err, sizeof(err)), 0);
	now = clock_now();
	if (clock_test_enabled()) {
		ck_assert_int_eq(clock_offset(), -7200);
		ck_assert(now >= before - 7200 && now <= time(NULL) - 7200);
	} else {
		ck_assert_int_eq(clock_offset(), 0);
		ck_assert(now >= before && now <= time(NULL));
	}
}
END_TEST

START_TEST(test_clock_bad_offset)
{
	char err[256] = "";

	setenv(LABELD_TEST_CLOCK_ENV, "40 days", 1);
	if (clock_test_enabled()) {
		ck_assert_int_eq(clock_init(err, sizeof(err)), -1);
		ck_assert_ptr_nonnull(strstr(err, "got \"40 days\""));
	} else
		ck_assert_int_eq(clock_init(err, sizeof(err)), 0);
	ck_assert_int_eq(clock_offset(), 0);
}
END_TEST

START_TEST(sizes)
{
	size_t v;

	ck_assert_int_eq(config_parse_size("2048", 1, 1 << 30, &v), 0);
	ck_assert_uint_eq(v, 2048);
	ck_assert_int_eq(config_parse_size("4K", 1, 1 << 30, &v), 0);
	ck_assert_uint_eq(v, 4096);
	ck_assert_int_eq(config_parse_size("3M", 1, 1 << 30, &v), 0);
	ck_assert_uint_eq(v, 3 * 1024 * 1024);
	ck_assert_int_eq(config_parse_size("1G", 1, 1 << 30, &v), 0);
	ck_assert_int_eq(config_parse_size("2G", 1, 1 << 30, &v), -1);
	ck_assert_int_eq(config_parse_size("", 1, 100, &v), -1);
	ck_assert_int_eq(config_parse_size("-1", 1, 100, &v), -1);
	ck_assert_int_eq(config_parse_size("10X", 1, 100, &v), -1);
	ck_assert_int_eq(config_parse_size("1KB", 1, 1 << 30, &v), -1);
	ck_assert_int_eq(config_parse_size("99999999999999999999", 1,
	    1 << 30, &v), -1);
	ck_assert_int_eq(config_parse_size("0", 1, 100, &v), -1);
}
END_TEST

START_TEST(listen)
{
	char		 host[64];
	uint16_t	 port;

	ck_assert_int_eq(config_parse_listen("127.0.0.1:8080", host,
	    sizeof(host), &port), 0);
	ck_assert_str_eq(host, "127.0.0.1");
	ck_assert_uint_eq(port, 8080);
	ck_assert_int_eq(config_parse_listen("[::1]:0", host, sizeof(host),
	    &port), 0);
	ck_assert_str_eq(host, "::1");
	ck_assert_uint_eq(port, 0);
	ck_assert_int_eq(config_parse_listen("localhost", host, sizeof(host),
	    &port), -1);
	ck_assert_int_eq(config_parse_listen(":80", host, sizeof(host),
	    &port), -1);
	ck_assert_int_eq(config_parse_listen("h:65536", host, sizeof(host),
	    &port), -1);
	ck_assert_int_eq(config_parse_listen("h:8x", host, sizeof(host),
	    &port), -1);
	ck_assert_int_eq(config_parse_listen("[::1:80", host, sizeof(host),
	    &port), -1);
}
END_TEST

START_TEST(set_and_errors)
{
	struct config	 c;
	char		 err[256];

	config_defaults(&c);
	ck_assert_int_eq(config_set(&c, "max-body", "2M", err, sizeof(err)),
	    0);
	ck_assert_uint_eq(c.max_body, 2 * 1024 * 1024);
	ck_assert_int_eq(config_set(&c, "max_upload", "64M", err,
	    sizeof(err)), 0);
	ck_assert_int_eq(config_set(&c, "threads", "0", err, sizeof(err)),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, "threads"));
	ck_assert_int_eq(config_set(&c, "colour", "blue", err, sizeof(err)),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, "colour"));
	ck_assert_int_eq(config_set(&c, "country", "sg", err, sizeof(err)),
	    -1);
	ck_assert_int_eq(config_set(&c, "public-url", "ftp://x", err,
	    sizeof(err)), -1);
	ck_assert_int_eq(config_set(&c, "log-level", "debug", err,
	    sizeof(err)), 0);
	ck_assert_int_eq(c.log_level, LOG_DEBUG);
	ck_assert_int_eq(config_set(&c, "log-level", "loud", err,
	    sizeof(err)), -1);
}
END_TEST

START_TEST(file)
{
	struct config	 c;
	char		 err[256], *path;

	config_defaults(&c);
	path = write_tmp("# labeld\n\n  data_dir = /srv/labeld  \n"
	    "listen=0.0.0.0:9000\nthreads = 8\nissuer_name = Cyber Agency\n");
	ck_assert_int_eq(config_load_file(&c, path, 0, err, sizeof(err)), 0);
	unlink(path);
	ck_assert_str_eq(c.data_dir, "/srv/labeld");
	ck_assert_str_eq(c.listen_host, "0.0.0.0");
	ck_assert_uint_eq(c.listen_port, 9000);
	ck_assert_uint_eq(c.threads, 8);
	ck_assert_str_eq(c.issuer_name, "Cyber Agency");

	path = write_tmp("threads = 2\nnonsense\n");
	ck_assert_int_eq(config_load_file(&c, path, 0, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, ":2:"));
	unlink(path);
	path = write_tmp("threads = 2\nmax_body = lots\n");
	ck_assert_int_eq(config_load_file(&c, path, 0, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, ":2: max_body"));
	unlink(path);

	ck_assert_int_eq(config_load_file(&c, "/nonexistent/labeld.conf", 1,
	    err, sizeof(err)), 0);
	ck_assert_int_eq(config_load_file(&c, "/nonexistent/labeld.conf", 0,
	    err, sizeof(err)), -1);
}
END_TEST

START_TEST(derived_did)
{
	struct config	 c;
	char		 err[256];

	config_defaults(&c);
	ck_assert_int_eq(config_finish(&c, err, sizeof(err)), 0);
	ck_assert_str_eq(c.public_url, "http://127.0.0.1:8080");
	ck_assert_str_eq(c.issuer_did, "did:web:127.0.0.1%3A8080");

	config_defaults(&c);
	ck_assert_int_eq(config_set(&c, "public_url",
	    "https://labels.example.sg/cls/", err, sizeof(err)), 0);
	ck_assert_int_eq(config_finish(&c, err, sizeof(err)), 0);
	ck_assert_str_eq(c.public_url, "https://labels.example.sg/cls");
	ck_assert_str_eq(c.issuer_did, "did:web:labels.example.sg:cls");
}
END_TEST

/*
 * Every setting of the table prints in a form it reads back unchanged,
 * by its key and by its flag; the four flags labeld(8) once documented
 * but refused are settings.
 */
START_TEST(table_round_trip)
{
	const struct config_option	*o;
	struct config			 c, d;
	char				 err[256], v[PATH_MAX], w[PATH_MAX];

	config_defaults(&c);
	ck_assert_int_eq(config_finish(&c, err, sizeof(err)), 0);
	for (o = config_options; o->key != NULL; o++) {
		ck_assert_ptr_eq(config_option(o->key), o);
		ck_assert_ptr_eq(config_option(o->flag), o);
		config_format(&c, o, v, sizeof(v));
		config_defaults(&d);
		ck_assert_msg(config_set(&d, o->flag, v, err, sizeof(err)) == 0,
		    "%s: %s", o->key, err);
		config_format(&d, o, w, sizeof(w));
		ck_assert_str_eq(v, w);
	}
	ck_assert_ptr_nonnull(config_option("issuer-name"));
	ck_assert_ptr_nonnull(config_option("country"));
	ck_assert_ptr_nonnull(config_option("issuer-did"));
	ck_assert_ptr_nonnull(config_option("key-passphrase-file"));
	ck_assert_ptr_null(config_option("colour"));
	config_defaults(&d);
	ck_assert_int_eq(config_set(&d, "max-upload", "1536", err,
	    sizeof(err)), 0);
	config_format(&d, config_option("max_upload"), w, sizeof(w));
	ck_assert_str_eq(w, "1536");
	ck_assert_int_eq(config_set(&d, "max-upload", "1G", err,
	    sizeof(err)), 0);
	config_format(&d, config_option("max_upload"), w, sizeof(w));
	ck_assert_str_eq(w, "1G");
	ck_assert_int_eq(config_set(&d, "max_body", "65M", err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "max_body: expected a size from 1K to 64M, got "
	    "\"65M\"");
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("config");
	TCase	*tc = tcase_create("parse");
	SRunner	*sr;
	int	 failed;

	tcase_add_test(tc, defaults);
	tcase_add_test(tc, sizes);
	tcase_add_test(tc, durations);
	tcase_add_test(tc, test_clock_offset);
	tcase_add_test(tc, test_clock_bad_offset);
	tcase_add_test(tc, listen);
	tcase_add_test(tc, set_and_errors);
	tcase_add_test(tc, file);
	tcase_add_test(tc, derived_did);
	tcase_add_test(tc, table_round_trip);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/*
 * check_openapi: the OpenAPI document's data (schemas/openapi/) joined
 * with the route tables: the shipped files give every route an operation
 * and name no other, and a missing or surplus entry is refused by name.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "labeld.h"

static char	 tmpdir[256];

static const char *
share_dir(void)
{
	const char *s = getenv("LABELD_SHARE_DIR");

	return s != NULL && *s != '\0' ? s : LABELD_SRCDIR;
}

static json_t *
shipped(const char *name)
{
	char		 path[1024];
	json_error_t	 jerr;
	json_t		*j;

	snprintf(path, sizeof(path), "%s/schemas/openapi/%s", share_dir(),
	    name);
	j = json_load_file(path, 0, &jerr);
	ck_assert_msg(j != NULL, "%s: %s", path, jerr.text);
	return j;
}

/* A share dir of our own with document.json and the given operations. */
static void
make_share(json_t *ops)
{
	char	 dir[512], path[600];
	json_t	*doc = shipped("document.json");

	snprintf(tmpdir, sizeof(tmpdir), "%s/check_openapi.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(dir, sizeof(dir), "%s/schemas", tmpdir);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	snprintf(dir, sizeof(dir), "%s/schemas/openapi", tmpdir);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/document.json", dir);
	ck_assert_int_eq(json_dump_file(doc, path, 0), 0);
	snprintf(path, sizeof(path), "%s/operations.json", dir);
	if (ops != NULL)
		ck_assert_int_eq(json_dump_file(ops, path, 0), 0);
	else {
		FILE *f = fopen(path, "w");

		ck_assert_ptr_nonnull(f);
		fputs("{\"GET /healthz\": ", f);
		fclose(f);
	}
	json_decref(doc);
}

static void
drop_share(void)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/schemas/openapi/document.json",
	    tmpdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/schemas/openapi/operations.json",
	    tmpdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/schemas/openapi", tmpdir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/schemas", tmpdir);
	rmdir(path);
	rmdir(tmpdir);
}

struct walk {
	json_t	*paths;
	int	 n;
};

static void
check_route(const struct route *rt, void *arg)
{
	struct walk	*w = arg;
	char		 m[8];
	size_t		 i;
	json_t		*op, *sec;

	for (i = 0; rt->method[i] != '\0' && i < sizeof(m) - 1; i++)
		m[i] = (char)(rt->method[i] | 0x20);
	m[i] = '\0';
	op = json_object_get(json_object_get(w->paths, rt->pattern), m);
	ck_assert_msg(json_is_object(op), "%s %s has no operation",
	    rt->method, rt->pattern);
	ck_assert_msg(json_is_string(json_object_get(op, "summary")),
	    "%s %s has no summary", rt->method, rt->pattern);
	ck_assert_msg(json_object_size(json_object_get(op, "responses")) > 0,
	    "%s %s has no responses", rt->method, rt->pattern);
	sec = json_object_get(op, "security");
	ck_assert(json_is_array(sec));
	/* Public routes say so with an empty list; the others need bearer. */
	if (rt->roles == ROLE_PUBLIC) {
		ck_assert_uint_eq(json_array_size(sec), 0);
		ck_assert_uint_eq(json_array_size(json_object_get(op,
		    "x-labeld-roles")), 0);
	} else {
		ck_assert_ptr_nonnull(json_object_get(json_array_get(sec, 0),
		    "bearer"));
		ck_assert_uint_gt(json_array_size(json_object_get(op,
		    "x-labeld-roles")), 0);
	}
	w->n++;
}

START_TEST(shipped_document_matches_routes)
{
	char		 err[512] = "";
	json_t		*doc;
	struct walk	 w = { NULL, 0 };
	const char	*path;
	json_t		*item;
	size_t		 nops = 0;

	doc = api_openapi_load(share_dir(), err, sizeof(err));
	ck_assert_msg(doc != NULL, "%s", err);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "openapi")),
	    "3.1.0");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(doc,
	    "info"), "version")), PACKAGE_VERSION);
	w.paths = json_object_get(doc, "paths");
	router_walk(check_route, &w);
	json_object_foreach(w.paths, path, item)
		nops += json_object_size(item);
	ck_assert_int_eq((int)nops, w.n);
	json_decref(doc);
}
END_TEST

START_TEST(missing_entry_is_named)
{
	char	 err[512] = "";
	json_t	*ops = shipped("operations.json");

	ck_assert_int_eq(json_object_del(ops, "GET /v1/labs"), 0);
	make_share(ops);
	ck_assert_ptr_null(api_openapi_load(tmpdir, err, sizeof(err)));
	ck_assert_msg(strstr(err, "route GET /v1/labs has no entry") != NULL,
	    "%s", err);
	drop_share();
	json_decref(ops);
}
END_TEST

START_TEST(surplus_entry_is_named)
{
	char	 err[512] = "";
	json_t	*ops = shipped("operations.json");

	json_object_set(ops, "GET /v1/nowhere",
	    json_object_get(ops, "GET /v1/labs"));
	make_share(ops);
	ck_assert_ptr_null(api_openapi_load(tmpdir, err, sizeof(err)));
	ck_assert_msg(strstr(err, "\"GET /v1/nowhere\" names no route") !=
	    NULL, "%s", err);
	drop_share();
	json_decref(ops);
}
END_TEST

START_TEST(entry_without_responses_is_refused)
{
	char	 err[512] = "";
	json_t	*ops = shipped("operations.json");

	json_object_del(json_object_get(ops, "GET /healthz"), "responses");
	make_share(ops);
	ck_assert_ptr_null(api_openapi_load(tmpdir, err, sizeof(err)));
	ck_assert_msg(strstr(err, "GET /healthz") != NULL, "%s", err);
	drop_share();
	json_decref(ops);
}
END_TEST

START_TEST(malformed_file_is_refused)
{
	char err[512] = "";

	make_share(NULL);
	ck_assert_ptr_null(api_openapi_load(tmpdir, err, sizeof(err)));
	ck_assert_msg(strstr(err, "operations.json") != NULL, "%s", err);
	drop_share();
	ck_assert_ptr_null(api_openapi_load("/nonexistent", err,
	    sizeof(err)));
	ck_assert_msg(strstr(err, "document.json") != NULL, "%s", err);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("openapi");
	TCase	*tc = tcase_create("load");
	SRunner	*sr;
	int	 failed;

	tcase_add_test(tc, shipped_document_matches_routes);
	tcase_add_test(tc, missing_entry_is_named);
	tcase_add_test(tc, surplus_entry_is_named);
	tcase_add_test(tc, entry_without_responses_is_refused);
	tcase_add_test(tc, malformed_file_is_refused);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

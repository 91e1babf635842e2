/*
 * check_router: route matching against the real route tables, 405 Allow
 * lists, role bits and body limits.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "labeld.h"

static const struct route *
match(const char *method, const char *path, const char **params, char *allow)
{
	static char buf[LABELD_MAX_URL];

	return router_match(method, path, params, buf, sizeof(buf), allow, 128,
	    NULL);
}

START_TEST(literal_routes)
{
	const char		*p[LABELD_MAX_PARAMS];
	char			 allow[128];
	const struct route	*rt;

	rt = match("GET", "/healthz", p, allow);
	ck_assert_ptr_nonnull(rt);
	ck_assert_str_eq(rt->pattern, "/healthz");
	rt = match("POST", "/v1/organizations", p, allow);
	ck_assert_ptr_nonnull(rt);
	ck_assert_uint_eq(rt->roles, ROLE_ADMIN);
	ck_assert(rt->flags & ROUTE_JSON);
}
END_TEST

START_TEST(params_are_captured)
{
	const char		*p[LABELD_MAX_PARAMS] = { 0 };
	char			 allow[128];
	const struct route	*rt;

	rt = match("POST", "/v1/organizations/org_abc/tokens", p, allow);
	ck_assert_ptr_nonnull(rt);
	ck_assert_str_eq(rt->pattern, "/v1/organizations/{id}/tokens");
	ck_assert_str_eq(p[0], "org_abc");
	rt = match("GET", "/v1/schemes/sg-cls-iot/versions/2", p, allow);
	ck_assert_ptr_nonnull(rt);
	ck_assert_str_eq(p[0], "sg-cls-iot");
	ck_assert_str_eq(p[1], "2");
}
END_TEST

START_TEST(unknown_paths)
{
	const char	*p[LABELD_MAX_PARAMS];
	char		 allow[128];
	static const char *const paths[] = {
		"/", "", "/nope", "/healthz/", "/v1/organizations/",
		"/v1/organizations//tokens", "//v1/organizations",
		"/v1/organizations/a/tokens/b", "/V1/organizations",
		"/v1/schemes/x/versions", "healthz",
		"/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t",
	};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		ck_assert_msg(match("GET", paths[i], p, allow) == NULL,
		    "%s matched", paths[i]);
		ck_assert_msg(allow[0] == '\0', "%s: allow %s", paths[i],
		    allow);
	}
}
END_TEST

START_TEST(wrong_method_lists_allowed)
{
	const char	*p[LABELD_MAX_PARAMS];
	char		 allow[128];

	ck_assert_ptr_null(match("PUT", "/v1/organizations", p, allow));
	ck_assert_ptr_nonnull(strstr(allow, "GET"));
	ck_assert_ptr_nonnull(strstr(allow, "POST"));
	ck_assert_ptr_null(match("DELETE", "/healthz", p, allow));
	ck_assert_str_eq(allow, "GET");
	ck_assert_ptr_null(match("GET", "/v1/tokens/tok_x", p, allow));
	ck_assert_str_eq(allow, "DELETE");
}
END_TEST

START_TEST(role_bits)
{
	char list[64];

	ck_assert_uint_eq(role_byname("admin"), ROLE_ADMIN);
	ck_assert_uint_eq(role_byname("regulator"), ROLE_REGULATOR);
	ck_assert_uint_eq(role_byname("vendor"), ROLE_VENDOR);
	ck_assert_uint_eq(role_byname("lab"), ROLE_LAB);
	ck_assert_uint_eq(role_byname("root"), ROLE_PUBLIC);
	ck_assert_uint_eq(role_byname(""), ROLE_PUBLIC);
	ck_assert_uint_eq(role_byname(NULL), ROLE_PUBLIC);
	for (unsigned bit = 1; bit & ROLE_ANY_AUTH; bit <<= 1)
		ck_assert_uint_eq(role_byname(role_name((enum role)bit)), bit);
	ck_assert_ptr_null(role_name(ROLE_ADMIN | ROLE_LAB));
	ck_assert_str_eq(role_list(ROLE_ANY_AUTH, ", ", list, sizeof(list)),
	    "admin, regulator, vendor, lab");
}
END_TEST

START_TEST(body_limits)
{
	struct config	 c;
	struct route	 up = { "POST", "/x", ROLE_VENDOR, ROUTE_UPLOAD, NULL };
	struct route	 js = { "POST", "/x", ROLE_VENDOR, ROUTE_JSON, NULL };

	config_defaults(&c);
	ck_assert_uint_eq(router_body_limit(&c, &up), LABELD_MAX_UPLOAD_DEFAULT);
	ck_assert_uint_eq(router_body_limit(&c, &js), LABELD_MAX_BODY_DEFAULT);
	ck_assert_uint_eq(router_body_limit(&c, NULL), LABELD_MAX_BODY_DEFAULT);
}
END_TEST

/* Every table entry is well formed: its own path matches it. */
static void
self_match(const struct route *rt, void *arg)
{
	char		 path[256], *o = path, allow[128];
	const char	*p[LABELD_MAX_PARAMS];
	int		*n = arg;

	for (const char *s = rt->pattern; *s != '\0'; s++) {
		if (*s == '{') {
			o += sprintf(o, "x%d", *n);
			s = strchr(s, '}');
		} else
			*o++ = *s;
	}
	*o = '\0';
	ck_assert_msg(match(rt->method, path, p, allow) == rt,
	    "%s %s does not match its own route", rt->method, path);
	ck_assert_msg(rt->handler != NULL, "%s has no handler", rt->pattern);
	(*n)++;
}

START_TEST(tables_are_consistent)
{
	int n = 0;

	router_walk(self_match, &n);
	ck_assert_int_gt(n, 5);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("router");
	TCase	*tc = tcase_create("match");
	SRunner	*sr;
	int	 failed;

	tcase_add_test(tc, literal_routes);
	tcase_add_test(tc, params_are_captured);
	tcase_add_test(tc, unknown_paths);
	tcase_add_test(tc, wrong_method_lists_allowed);
	tcase_add_test(tc, role_bits);
	tcase_add_test(tc, body_limits);
	tcase_add_test(tc, tables_are_consistent);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

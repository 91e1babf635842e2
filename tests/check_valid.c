/*
 * check_valid: field validation never loses a fault.  A detail that quotes
 * the client is cut between UTF-8 characters, and a fault whose description
 * cannot be built (out of memory) still fails the request.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "labeld.h"
#include "utf8.h"

/* jansson allocations fail while this is set. */
static int alloc_fails;

static void *
test_malloc(size_t n)
{
	return alloc_fails ? NULL : malloc(n);
}

/* "a" followed by n copies of s. */
static char *
repeat(const char *s, int n)
{
	char *out = malloc(1 + strlen(s) * (size_t)n + 1);

	ck_assert_ptr_nonnull(out);
	strcpy(out, "a");
	while (n-- > 0)
		strcat(out, s);
	return out;
}

START_TEST(utf8_cuts_between_characters)
{
	char out[8];

	ck_assert_uint_eq(utf8_prefix("a\xc3\xa9", 3, 2), 1);
	ck_assert_uint_eq(utf8_prefix("a\xc3\xa9", 3, 3), 3);
	ck_assert_uint_eq(utf8_prefix("\xe2\x82\xac\xe2\x82\xac", 6, 5), 3);
	ck_assert_uint_eq(utf8_prefix("abc", 3, 64), 3);
	utf8_clean("a\xc3", out, sizeof(out));
	ck_assert_str_eq(out, "a?");
	utf8_clean("\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac", out, sizeof(out));
	ck_assert_str_eq(out, "\xe2\x82\xac\xe2\x82\xac");
}
END_TEST

/* A "%.64s" of the client's string ends inside a character. */
START_TEST(quoted_detail_is_kept)
{
	static const char *const chars[] = { "\xc3\xa9", "\xe2\x82\xac",
	    "\xf0\x9f\x98\x80" };
	struct valid	 v;
	const char	*d;

	for (size_t i = 0; i < sizeof(chars) / sizeof(chars[0]); i++) {
		char *s = repeat(chars[i], 40);

		valid_init(&v);
		valid_fail(&v, "sbom.bomFormat", "must be \"CycloneDX\", not "
		    "\"%.64s\"", s);
		ck_assert_uint_eq(v.faults, 1);
		ck_assert_uint_eq(json_array_size(v.errors), 1);
		d = json_string_value(json_object_get(json_array_get(v.errors,
		    0), "detail"));
		ck_assert_ptr_nonnull(d);
		ck_assert(utf8_valid(d, strlen(d)));
		ck_assert(strncmp(d, "must be \"CycloneDX\", not \"a", 27) == 0);
		json_decref(v.errors);
		free(s);
	}
}
END_TEST

/* A fault whose description cannot be built fails the request closed. */
START_TEST(lost_fault_fails_closed)
{
	struct valid	 v;
	struct req	 r;

	memset(&r, 0, sizeof(r));
	valid_init(&v);
	ck_assert_ptr_nonnull(v.errors);
	alloc_fails = 1;
	valid_fail(&v, "name", "must not be blank");
	alloc_fails = 0;
	ck_assert_uint_eq(json_array_size(v.errors), 0);
	ck_assert_uint_eq(v.faults, 1);
	/* No connection here: the 422 cannot be queued, but the answer
	   is a refusal (-1), never "valid" (0). */
	ck_assert_int_eq(valid_check(&r, &v), -1);
	ck_assert_ptr_null(v.errors);

	valid_init(&v);
	ck_assert_int_eq(valid_check(&r, &v), 0);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("valid");
	TCase	*tc = tcase_create("core");
	SRunner	*sr;
	int	 failed;

	json_set_alloc_funcs(test_malloc, free);
	tcase_add_test(tc, utf8_cuts_between_characters);
	tcase_add_test(tc, quoted_detail_is_kept);
	tcase_add_test(tc, lost_fault_fails_closed);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}

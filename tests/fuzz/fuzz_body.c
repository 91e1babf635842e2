/*
 * fuzz_body: request bodies through the field validators the routes use
 * (src/valid.c, src/fields.c) and the product fields of POST and PATCH
 * /v1/products (api_products_fields_check).  Every member of the body is
 * also checked as a string, an integer, an enum and a date.  However
 * hostile the body, every fault is described in valid UTF-8 (what
 * reply_invalid sends back) and none is lost.
 */
#include <string.h>

#include "labeld.h"
#include "fuzz.h"
#include "utf8.h"

static const char *const kinds[] = { "conformant", "not_applicable",
	"non_conformant", NULL };
static const char *const fixed[] = { "id", "created_at", "updated_at",
	NULL };

static void
faults_described(struct valid *v)
{
	json_t	*e;
	size_t	 i;

	if (v->errors == NULL)
		return;
	FUZZ_ASSERT(json_array_size(v->errors) == v->faults);
	json_array_foreach(v->errors, i, e) {
		const char *f = json_string_value(json_object_get(e, "field"));
		const char *d = json_string_value(json_object_get(e,
		    "detail"));

		FUZZ_ASSERT(f != NULL && d != NULL);
		FUZZ_ASSERT(utf8_valid(f, strlen(f)) && utf8_valid(d,
		    strlen(d)));
	}
	json_decref(v->errors);
	v->errors = NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct valid	 v;
	struct product	 p;
	json_t		*body, *x;
	const char	*key, *s;
	json_int_t	 n;

	if ((body = fuzz_json(data, size)) == NULL)
		return 0;
	for (int creating = 0; creating <= 1; creating++) {
		memset(&p, 0, sizeof(p));
		valid_init(&v);
		api_products_fields_check(&v, body, &p, creating);
		if (v.faults == 0 && creating) {
			FUZZ_ASSERT(p.name[0] != '\0' && p.model[0] != '\0');
			FUZZ_ASSERT(valid_is_date(p.support_until));
		}
		faults_described(&v);
	}
	valid_init(&v);
	fields_readonly(&v, body, fixed);
	(void)fields_any(body, fixed);
	json_object_foreach(body, key, x) {
		if ((s = valid_string(&v, body, key, 1, 64)) != NULL) {
			FUZZ_ASSERT(strlen(s) <= 64);
			(void)valid_is_sha256(s);
			(void)fields_blank(s);
		}
		if (valid_int(&v, body, key, 1, -5, 1000, &n))
			FUZZ_ASSERT(n >= -5 && n <= 1000);
		(void)valid_enum(&v, body, key, 1, kinds);
		if ((s = valid_date(&v, body, key, 0)) != NULL)
			FUZZ_ASSERT(valid_is_date(s));
		fields_no_null(&v, body, key);
	}
	faults_described(&v);
	json_decref(body);
	return 0;
}

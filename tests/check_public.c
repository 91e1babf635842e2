/*
 * check_public: the pieces of the public face that must never let text
 * become markup or syntax.  The registry's words reach FTS5 only as
 * quoted prefixes (proved on a real FTS5 table); html.c escapes every
 * text; badge.c escapes every text, draws the tier and status it is
 * given, and merges each row's dark QR modules into maximal runs.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "labeld.h"

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

START_TEST(match_quotes_every_word)
{
	char	 out[(LABELD_REGISTRY_MAX_Q * 2 + LABELD_REGISTRY_MAX_TERMS * 8 + 1)];

	ck_assert_int_eq(store_registry_match("smart cam", out, sizeof(out)),
	    0);
	ck_assert_str_eq(out, "\"smart\"* AND \"cam\"*");
	ck_assert_int_eq(store_registry_match("  a\"b\t", out, sizeof(out)),
	    0);
	ck_assert_str_eq(out, "\"a\"\"b\"*");
	ck_assert_int_eq(store_registry_match("NEAR(x y) OR product:cam",
	    out, sizeof(out)), 0);
	ck_assert_str_eq(out, "\"NEAR(x\"* AND \"y)\"* AND \"OR\"* AND "
	    "\"product:cam\"*");
	ck_assert_int_eq(store_registry_match(" \t\n", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(store_registry_match("", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(match_refuses_too_much)
{
	char	 out[(LABELD_REGISTRY_MAX_Q * 2 + LABELD_REGISTRY_MAX_TERMS * 8 + 1)], small[8];
	char	 many[64] = "";

	for (int i = 0; i <= LABELD_REGISTRY_MAX_TERMS; i++)
		strcat(many, "a ");
	ck_assert_int_eq(store_registry_match(many, out, sizeof(out)), -1);
	many[strlen(many) - 2] = '\0';	/* exactly the maximum */
	ck_assert_int_eq(store_registry_match(many, out, sizeof(out)), 0);
	ck_assert_int_eq(store_registry_match("abcdefgh", small,
	    sizeof(small)), -1);
	ck_assert_int_eq(store_registry_match("\"\"\"", small,
	    sizeof(small)), -1);
}
END_TEST

/* Every hostile q is a valid FTS5 query matching as words, never syntax. */
START_TEST(match_is_valid_fts5)
{
	static const char *const qs[] = { "\"", "\"\"", "*", "-cam", "^x",
	    "a OR b", "NEAR(a b)", "product:smart", "(", ")", "a AND",
	    "{product model}: x", "'; DROP TABLE t; --", "smart",
	    "<script>", "SMART sc", NULL };
	sqlite3		*db;
	sqlite3_stmt	*st;
	char		 out[(LABELD_REGISTRY_MAX_Q * 2 + LABELD_REGISTRY_MAX_TERMS * 8 + 1)];
	int		 rc, hits;

	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING "
	    "fts5(product, model, tokenize = 'unicode61 remove_diacritics 2');"
	    "INSERT INTO t VALUES ('<script>alert(1)</script> SmartCam', "
	    "'SC-1')", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT count(*) FROM t "
	    "WHERE t MATCH ?", -1, &st, NULL), SQLITE_OK);
	for (int i = 0; qs[i] != NULL; i++) {
		ck_assert_int_eq(store_registry_match(qs[i], out, sizeof(out)),
		    0);
		if (out[0] == '\0')
			continue;
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, out, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		ck_assert_msg(rc == SQLITE_ROW, "q %s (%s): %s", qs[i], out,
		    sqlite3_errmsg(db));
		hits = sqlite3_column_int(st, 0);
		if (strcmp(qs[i], "smart") == 0 ||
		    strcmp(qs[i], "<script>") == 0 ||
		    strcmp(qs[i], "SMART sc") == 0)
			ck_assert_int_eq(hits, 1);
		else if (strcmp(qs[i], "a OR b") == 0 ||
		    strcmp(qs[i], "product:smart") == 0)
			ck_assert_int_eq(hits, 0);	/* words, not operators */
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
}
END_TEST

START_TEST(html_escapes_text)
{
	struct html h;

	html_init(&h);
	html_raw(&h, "<p");
	html_attr(&h, "title", "\"><script>x</script>");
	html_raw(&h, ">");
	html_text(&h, "<script>alert('1')</script> & co");
	html_textf(&h, " %s|%d", "<b>", 4);
	html_raw(&h, "</p>");
	ck_assert(!h.sb.failed);
	ck_assert_str_eq(h.sb.p, "<p title=\"&quot;&gt;&lt;script&gt;x&lt;/"
	    "script&gt;\">&lt;script&gt;alert(&#39;1&#39;)&lt;/script&gt; "
	    "&amp; co &lt;b&gt;|4</p>");
	html_free(&h);
	html_free(&h);	/* twice is fine */
}
END_TEST

START_TEST(html_page_frame)
{
	struct html h;

	html_init(&h);
	html_begin(&h, "A <title>");
	html_end(&h);
	ck_assert(!h.sb.failed);
	ck_assert_ptr_nonnull(strstr(h.sb.p, "<title>A &lt;title&gt;</title>"));
	ck_assert_ptr_nonnull(strstr(h.sb.p, "href=\"" HTML_CSS_PATH "\""));
	ck_assert_ptr_nonnull(strstr(h.sb.p, "name=\"viewport\""));
	ck_assert_int_eq(count(h.sb.p, "<script"), 0);
	html_free(&h);
}
END_TEST

START_TEST(html_status_and_date)
{
	struct html	 h;
	char		 d[11];

	html_init(&h);
	html_status(&h, "status", "active");
	html_status(&h, NULL, "suspended");
	ck_assert(!h.sb.failed);
	ck_assert_str_eq(h.sb.p, "<span id=\"status\" class=\"status active\">"
	    "VALID</span><span class=\"status suspended\">SUSPENDED</span>");
	html_free(&h);
	ck_assert_str_eq(html_status_word("revoked"), "REVOKED");
	ck_assert_str_eq(html_status_word("expired"), "EXPIRED");
	ck_assert_str_eq(html_status_word("superseded"), "SUPERSEDED");
	ck_assert_str_eq(html_date("2029-12-01T12:41:49Z", d), "2029-12-01");
	ck_assert_str_eq(html_date("2029", d), "2029");
}
END_TEST

static struct badge
badge_of(const char *status, int tier)
{
	struct badge b;

	memset(&b, 0, sizeof(b));
	b.label_id = "SG-CLS-2026-000007";
	b.product = "<script>alert(1)</script> Cam";
	b.scheme_title = "Scheme & \"Co\"";
	b.tier = tier;
	b.ntiers = 4;
	b.tier_name = "Level <4>";
	b.valid_until = "2029-12-01";
	b.status = status;
	b.verify_url = "https://labels.example/v/SG-CLS-2026-000007";
	return b;
}

START_TEST(badge_escapes_and_draws)
{
	struct badge	 b = badge_of("active", 3);
	char		*svg, err[128];
	size_t		 len;

	svg = badge_svg(&b, &len, err, sizeof(err));
	ck_assert_ptr_nonnull(svg);
	ck_assert_uint_eq(len, strlen(svg));
	ck_assert_int_eq(count(svg, "<script"), 0);
	ck_assert_ptr_nonnull(strstr(svg, "&lt;script&gt;alert(1)&lt;/script"
	    "&gt; Cam - Scheme &amp; &quot;Co&quot;: tier 3, Level &lt;4&gt;"
	    "</title>"));
	ck_assert_ptr_nonnull(strstr(svg, "role=\"img\""));
	ck_assert_ptr_nonnull(strstr(svg, "<desc id=\"badge-desc\">Label "
	    "SG-CLS-2026-000007, valid until 2029-12-01, status active. Verify "
	    "at https://labels.example/v/SG-CLS-2026-000007</desc>"));
	ck_assert_int_eq(count(svg, "<polygon"), 4);
	ck_assert_int_eq(count(svg, "fill=\"#f2a900\""), 3);
	ck_assert_int_eq(count(svg, ">Tier 3<"), 1);
	ck_assert_int_eq(count(svg, "SUSPENDED"), 0);
	free(svg);
}
END_TEST

/* Each row's dark modules are maximal runs: no rect touches the next. */
START_TEST(badge_qr_runs_are_merged)
{
	struct badge	 b = badge_of("active", 1);
	char		*svg, err[128];
	const char	*p;
	size_t		 len;
	int		 x, y, w, px = -10, py = -1, pw = 0, n = 0;

	svg = badge_svg(&b, &len, err, sizeof(err));
	ck_assert_ptr_nonnull(svg);
	/* the code's modules: the group after its white square */
	ck_assert_ptr_nonnull(p = strstr(svg, "<g fill=\"#000000\""));
	for (; (p = strstr(p, "<rect x=\"")) != NULL; p++) {
		if (sscanf(p, "<rect x=\"%d\" y=\"%d\" width=\"%d\" "
		    "height=\"1\"/>", &x, &y, &w) != 3)
			continue;
		n++;
		ck_assert_int_gt(w, 0);
		if (y == py)
			ck_assert_int_gt(x, px + pw);	/* a light gap */
		else
			ck_assert_int_gt(y, py);
		px = x;
		py = y;
		pw = w;
	}
	ck_assert_int_gt(n, 21);	/* at least a row per module of v1 */
	free(svg);
}
END_TEST

START_TEST(badge_banners)
{
	static const char *const st[] = { "suspended", "revoked", "expired",
	    "superseded" };
	static const char *const word[] = { ">SUSPENDED<", ">REVOKED<",
	    ">EXPIRED<", ">SUPERSEDED<" };
	struct badge	 b;
	char		*svg, err[128];
	size_t		 len;

	for (int i = 0; i < 4; i++) {
		b = badge_of(st[i], 2);
		b.successor = i == 3 ? "SG-<CLS>-9" : NULL;
		svg = badge_svg(&b, &len, err, sizeof(err));
		ck_assert_ptr_nonnull(svg);
		ck_assert_int_eq(count(svg, word[i]), 1);
		if (i == 3) {
			ck_assert_ptr_nonnull(strstr(svg, ">by SG-&lt;CLS&gt;-9<"));
			ck_assert_ptr_nonnull(strstr(svg, "(superseded by "
			    "SG-&lt;CLS&gt;-9)"));
		}
		free(svg);
	}
}
END_TEST

START_TEST(badge_long_scheme_wraps)
{
	struct badge	 b = badge_of("active", 4);
	char		*svg, err[128];
	size_t		 len;

	b.scheme_title = "Cybersecurity Labelling Scheme for consumer smart "
	    "devices (model of Singapore CLS(IoT))";
	svg = badge_svg(&b, &len, err, sizeof(err));
	ck_assert_ptr_nonnull(svg);
	ck_assert_ptr_nonnull(strstr(svg, ">Cybersecurity Labelling Scheme "
	    "for consumer</tspan><tspan x=\"20\" y=\"36\">smart devices"));
	free(svg);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("public");
	TCase	*tc = tcase_create("core");
	SRunner	*sr;
	int	 failed;

	tcase_add_test(tc, match_quotes_every_word);
	tcase_add_test(tc, match_refuses_too_much);
	tcase_add_test(tc, match_is_valid_fts5);
	tcase_add_test(tc, html_escapes_text);
	tcase_add_test(tc, html_page_frame);
	tcase_add_test(tc, html_status_and_date);
	tcase_add_test(tc, badge_escapes_and_draws);
	tcase_add_test(tc, badge_qr_runs_are_merged);
	tcase_add_test(tc, badge_banners);
	tcase_add_test(tc, badge_long_scheme_wraps);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}

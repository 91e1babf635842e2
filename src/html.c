/*
 * html.c: the HTML of the public pages (/v/{id}, /registry) is built here
 * and nowhere else.  Text goes in through html_text/html_textf/html_attr,
 * which escape it; only fixed markup from the program goes through
 * html_raw.  Product names, vendor names and reasons are vendor or
 * regulator input: they always arrive as text.
 *
 * Pages are answered with a strict Content-Security-Policy (no scripts,
 * nothing from elsewhere, the one stylesheet served here), nosniff and no
 * referrer, so that even a mistake in escaping could run nothing.
 */
#include "config.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "labeld.h"

#define HTML_CSP	"default-src 'none'; style-src 'self'; " \
	"img-src 'self'; form-action 'self'; base-uri 'none'; " \
	"frame-ancestors 'none'"

/* The one stylesheet: small, readable on a phone, no web fonts. */
static const char html_stylesheet[] =
	":root{--ink:#12355b;--muted:#4b5563;--line:#d6dde6;--ok:#1b6e3a;"
	"--bad:#b3261e;--warn:#b45309}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;font:16px/1.5 system-ui,-apple-system,\"Segoe UI\","
	"Roboto,\"DejaVu Sans\",sans-serif;color:#1f2933;background:#f4f6f9}\n"
	"header.site{background:var(--ink);color:#fff;padding:.75rem 1rem}\n"
	"header.site a{color:#fff;text-decoration:none;font-weight:600}\n"
	"header.site nav{display:flex;gap:1rem;flex-wrap:wrap;"
	"align-items:baseline;max-width:60rem;margin:0 auto}\n"
	"main{max-width:60rem;margin:0 auto;padding:1rem}\n"
	"h1{font-size:1.5rem;margin:.25rem 0 .5rem;overflow-wrap:anywhere}\n"
	"h2{font-size:1.1rem;margin:1.5rem 0 .5rem}\n"
	".card{background:#fff;border:1px solid var(--line);border-radius:10px;"
	"padding:1rem;margin:0 0 1rem}\n"
	".status{display:inline-block;font-weight:700;letter-spacing:.05em;"
	"padding:.2rem .6rem;border-radius:6px;color:#fff;background:var(--ok)}\n"
	".status.suspended,.status.expired,.status.superseded{"
	"background:var(--warn)}\n"
	".status.revoked{background:var(--bad)}\n"
	".stars{color:#f2a900;font-size:1.4rem;letter-spacing:.1em}\n"
	".stars .off{color:#c5ccd6}\n"
	"dl.facts{display:grid;grid-template-columns:minmax(8rem,14rem) 1fr;"
	"gap:.35rem 1rem;margin:0}\n"
	"dl.facts dt{color:var(--muted)}\n"
	"dl.facts dd{margin:0;overflow-wrap:anywhere}\n"
	"@media (max-width:40rem){dl.facts{grid-template-columns:1fr}"
	"dl.facts dd{margin-bottom:.5rem}}\n"
	".check.ok{color:var(--ok)}.check.bad{color:var(--bad)}\n"
	"img.badge{width:100%;max-width:440px;height:auto}\n"
	"code,pre{font-family:\"DejaVu Sans Mono\",Menlo,monospace;"
	"font-size:.9em}\n"
	"pre{background:#eef2f6;padding:.75rem;border-radius:6px;"
	"overflow-x:auto}\n"
	"form.search{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}\n"
	"form.search label{display:flex;flex-direction:column;font-size:.85rem;"
	"color:var(--muted)}\n"
	"form.search input,form.search select,form.search button{"
	"font:inherit;padding:.4rem .5rem;border:1px solid var(--line);"
	"border-radius:6px;min-height:2.5rem}\n"
	"form.search button{background:var(--ink);color:#fff;border:0;"
	"padding:.4rem 1rem}\n"
	"ul.results{list-style:none;padding:0;margin:0}\n"
	"ul.results li{background:#fff;border:1px solid var(--line);"
	"border-radius:8px;padding:.75rem;margin:.5rem 0}\n"
	"ul.results a{font-weight:600;color:var(--ink)}\n"
	".muted{color:var(--muted)}\n";

void
html_init(struct html *h)
{
	memset(h, 0, sizeof(*h));
}

void
html_free(struct html *h)
{
	strbuf_free(&h->sb);
}

/* Fixed markup written by the program: never data. */
void
html_raw(struct html *h, const char *markup)
{
	strbuf_puts(&h->sb, markup);
}

/* text as character data (and fit for a quoted attribute value). */
void
html_text(struct html *h, const char *text)
{
	strbuf_put_xml(&h->sb, text);
}

/* The formatted text, escaped as a whole. */
void
html_textf(struct html *h, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		h->sb.failed = 1;
		return;
	}
	html_text(h, s);
	free(s);
}

/* " name=\"value\"", the value escaped; name is the program's. */
void
html_attr(struct html *h, const char *name, const char *value)
{
	html_raw(h, " ");
	html_raw(h, name);
	html_raw(h, "=\"");
	html_text(h, value);
	html_raw(h, "\"");
}

/* What a person reads for a label status. */
const char *
html_status_word(const char *status)
{
	static const struct {
		const char	*status;
		const char	*word;
	} words[] = {
		{ "active", "VALID" },
		{ "suspended", "SUSPENDED" },
		{ "revoked", "REVOKED" },
		{ "expired", "EXPIRED" },
		{ "superseded", "SUPERSEDED" },
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(status, words[i].status) == 0)
			return words[i].word;
	return status;
}

/* A label status as a badge: <span [id] class="status STATUS">WORD</span>. */
void
html_status(struct html *h, const char *id, const char *status)
{
	char cls[48];

	snprintf(cls, sizeof(cls), "status %s", status);
	html_raw(h, "<span");
	if (id != NULL)
		html_attr(h, "id", id);
	html_attr(h, "class", cls);
	html_raw(h, ">");
	html_text(h, html_status_word(status));
	html_raw(h, "</span>");
}

/* The date part (YYYY-MM-DD) of an RFC 3339 time stamp, in out. */
const char *
html_date(const char *ts, char out[11])
{
	size_t n = strnlen(ts, 10);

	memcpy(out, ts, n);
	out[n] = '\0';
	return out;
}

/* The document up to the opening of <main>, with its title. */
void
html_begin(struct html *h, const char *title)
{
	html_raw(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n"
	    "<meta name=\"referrer\" content=\"no-referrer\">\n<title>");
	html_text(h, title);
	html_raw(h, "</title>\n<link rel=\"stylesheet\" href=\""
	    HTML_CSS_PATH "\">\n</head>\n<body>\n<header class=\"site\">"
	    "<nav><a href=\"/registry\">Label registry</a>"
	    "<span>Cybersecurity labels, verified</span></nav></header>\n"
	    "<main>\n");
}

void
html_end(struct html *h)
{
	html_raw(h, "</main>\n</body>\n</html>\n");
}

/*
 * Answers the page in h (released either way) as text/html with the
 * headers every page carries.
 */
int
html_reply(struct req *r, unsigned status, struct html *h)
{
	int	 rc;

	if (h->sb.failed || h->sb.p == NULL) {
		html_free(h);
		return reply_oom(r);
	}
	if (reply_header(r, "Content-Security-Policy", HTML_CSP) == -1 ||
	    reply_header(r, "Referrer-Policy", "no-referrer") == -1 ||
	    reply_header(r, "X-Frame-Options", "DENY") == -1) {
		html_free(h);
		return reply_oom(r);
	}
	rc = reply_raw(r, status, "text/html; charset=utf-8", h->sb.p,
	    h->sb.len);
	html_free(h);
	return rc;
}

/* GET /static/labeld.css */
int
html_css(struct req *r)
{
	return reply_raw(r, MHD_HTTP_OK, "text/css; charset=utf-8",
	    html_stylesheet, sizeof(html_stylesheet) - 1);
}

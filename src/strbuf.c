/*
 * strbuf.c: the one growing text buffer of labeld (see strbuf.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* Room for n more bytes and a NUL; 0, or -1 with sb failed. */
static int
grow(struct strbuf *sb, size_t n)
{
	size_t	 cap;
	char	*np;

	if (sb->failed)
		return -1;
	if (n > (size_t)-1 / 2 - sb->len) {
		sb->failed = 1;
		return -1;
	}
	if (sb->len + n + 1 <= sb->cap)
		return 0;
	for (cap = sb->cap ? sb->cap : 1024; cap < sb->len + n + 1; cap *= 2)
		;
	if ((np = realloc(sb->p, cap)) == NULL) {
		sb->failed = 1;
		return -1;
	}
	sb->p = np;
	sb->cap = cap;
	return 0;
}

void
strbuf_put(struct strbuf *sb, const char *s, size_t n)
{
	if (grow(sb, n) == -1)
		return;
	memcpy(sb->p + sb->len, s, n);
	sb->len += n;
	sb->p[sb->len] = '\0';
}

void
strbuf_puts(struct strbuf *sb, const char *s)
{
	strbuf_put(sb, s, strlen(s));
}

void
strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		sb->failed = 1;
		return;
	}
	if (grow(sb, (size_t)n) == -1)
		return;
	va_start(ap, fmt);
	vsnprintf(sb->p + sb->len, sb->cap - sb->len, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void
strbuf_put_xml(struct strbuf *sb, const char *s)
{
	const char *run = s, *rep;

	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		strbuf_put(sb, run, (size_t)(s - run));
		strbuf_puts(sb, rep);
		run = s + 1;
	}
	strbuf_put(sb, run, (size_t)(s - run));
}

void
strbuf_free(struct strbuf *sb)
{
	free(sb->p);
	memset(sb, 0, sizeof(*sb));
}

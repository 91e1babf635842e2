/*
 * strbuf.h: a growing NUL-terminated byte buffer for the text labeld
 * composes (the /metrics exposition, HTML pages, the SVG label).  An
 * allocation failure marks the buffer failed; later appends do nothing,
 * so a builder checks once, at the end.
 */
#ifndef LABELD_STRBUF_H
#define LABELD_STRBUF_H

#include <stddef.h>

struct strbuf {
	char	*p;		/* NUL-terminated once anything is appended */
	size_t	 len, cap;
	int	 failed;	/* out of memory: the text is incomplete */
};

#define STRBUF_INIT	{ NULL, 0, 0, 0 }

void	 strbuf_put(struct strbuf *, const char *s, size_t n);
void	 strbuf_puts(struct strbuf *, const char *s);
void	 strbuf_printf(struct strbuf *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* s as XML/HTML character data, fit for a quoted attribute value too. */
void	 strbuf_put_xml(struct strbuf *, const char *s);
void	 strbuf_free(struct strbuf *);

#endif /* LABELD_STRBUF_H */

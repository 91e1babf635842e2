/*
 * badge.c: the label as a picture (GET /v1/labels/{id}/badge.svg), in the
 * spirit of Singapore's CLS label: the scheme's name in a band, the tier
 * as stars with its name, the label id, the end of its validity, and a QR
 * code of the public verification URL.  A label that is not active gets
 * a banner across its text (SUSPENDED, REVOKED, EXPIRED, SUPERSEDED by
 * the successor), leaving the QR code readable so that whoever scans it
 * still reaches the page that says why.
 *
 * Accessible (role="img" with <title> and <desc>), self-contained (no
 * fonts, images or scripts), every text XML-escaped: the scheme, tier
 * names and ids are data, never markup.  No HTTP, no SQL.
 */
#include "config.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "labeld.h"
#include "errfmt.h"
#include "strbuf.h"

#define BADGE_W		440
#define BADGE_H		210
#define BADGE_QR_X	298	/* the QR code's box, quiet zone included */
#define BADGE_QR_Y	56
#define BADGE_QR_SIZE	134
#define BADGE_QR_QUIET	4	/* modules of white around the code */
#define BADGE_MAX_STARS	9
#define BADGE_INK	"#12355b"
#define BADGE_TITLE_ONE	44	/* bytes of scheme name on one line */
#define BADGE_TITLE_LINE 60	/* bytes that fit a line at 12px */

/* A literal, its length counted by the compiler. */
#define PUTL(b, lit)	strbuf_put((b), (lit), sizeof(lit) - 1)

static void	 star(struct strbuf *, int x, int y, int filled);
static int	 qr(struct strbuf *, const char *url, char *err,
		    size_t errlen);
static void	 banner(struct strbuf *, const struct badge *);
static void	 title(struct strbuf *, const char *);

/* A five-pointed star of radius 11 centred on x, y. */
static void
star(struct strbuf *b, int x, int y, int filled)
{
	strbuf_printf(b,
	    "<polygon transform=\"translate(%d %d)\" points=\"0,-11 "
	    "2.6,-3.6 10.5,-3.4 4.2,1.4 6.5,8.9 0,4.5 -6.5,8.9 -4.2,1.4 "
	    "-10.5,-3.4 -2.6,-3.6\" fill=\"%s\" stroke=\"%s\" "
	    "stroke-width=\"1.2\"/>\n", x, y, filled ? "#f2a900" : "#ffffff",
	    filled ? "#b07a00" : "#9aa5b1");
}

/*
 * The QR code of url (error correction M, byte mode) on a white square
 * with its quiet zone, one rect per run of dark modules in a row, in
 * module units scaled into the box.  0, or -1 with the reason in err.
 */
static int
qr(struct strbuf *b, const char *url, char *err, size_t errlen)
{
	QRcode		*q;
	int		 n, x, y, run;
	double		 scale;

	if ((q = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) ==
	    NULL) {
		errfmt(err, errlen, "cannot encode %zu bytes as a QR code",
		    strlen(url));
		return -1;
	}
	n = q->width;
	scale = (double)BADGE_QR_SIZE / (n + 2 * BADGE_QR_QUIET);
	strbuf_printf(b, "<g transform=\"translate(%d %d) scale(%.5f)\" "
	    "shape-rendering=\"crispEdges\">\n<rect width=\"%d\" "
	    "height=\"%d\" fill=\"#ffffff\"/>\n<g fill=\"#000000\" "
	    "transform=\"translate(%d %d)\">\n", BADGE_QR_X, BADGE_QR_Y,
	    scale, n + 2 * BADGE_QR_QUIET, n + 2 * BADGE_QR_QUIET,
	    BADGE_QR_QUIET, BADGE_QR_QUIET);
	for (y = 0; y < n; y++)
		for (x = 0; x < n; x += run > 0 ? run : 1) {
			/* bit 0 of each byte: the module is dark */
			for (run = 0; x + run < n &&
			    (q->data[y * n + x + run] & 1); run++)
				;
			if (run > 0)
				strbuf_printf(b,
				    "<rect x=\"%d\" y=\"%d\" width=\"%d\" "
				    "height=\"1\"/>", x, y, run);
		}
	PUTL(b, "\n</g>\n</g>\n");
	QRcode_free(q);
	return 0;
}

/*
 * The scheme's name in the band: one line when short, else two lines
 * broken at the space nearest the middle, squeezed to the band's width
 * when still too long (textLength) rather than cut off.
 */
static void
title(struct strbuf *b, const char *t)
{
	size_t		 n = strlen(t), i, cut = 0;
	char		*line;

	if (n <= BADGE_TITLE_ONE) {
		strbuf_printf(b, "<text x=\"20\" y=\"30\" font-size=\"15\" "
		    "font-weight=\"700\" fill=\"#ffffff\">");
		strbuf_put_xml(b, t);
		PUTL(b, "</text>\n");
		return;
	}
	for (i = 1; i < n; i++)
		if (t[i] == ' ' && (cut == 0 || (i > n / 2 ? i - n / 2 :
		    n / 2 - i) < (cut > n / 2 ? cut - n / 2 : n / 2 - cut)))
			cut = i;
	if (cut == 0)
		cut = n / 2;
	if ((line = strndup(t, cut)) == NULL) {
		b->failed = 1;
		return;
	}
	strbuf_printf(b, "<text x=\"20\" font-size=\"12\" font-weight=\"700\" "
	    "fill=\"#ffffff\"><tspan x=\"20\" y=\"20\"%s>", cut >
	    BADGE_TITLE_LINE ? " textLength=\"400\" "
	    "lengthAdjust=\"spacingAndGlyphs\"" : "");
	strbuf_put_xml(b, line);
	free(line);
	t += cut + (t[cut] == ' ');
	strbuf_printf(b, "</tspan><tspan x=\"20\" y=\"36\"%s>", strlen(t) >
	    BADGE_TITLE_LINE ? " textLength=\"400\" "
	    "lengthAdjust=\"spacingAndGlyphs\"" : "");
	strbuf_put_xml(b, t);
	PUTL(b, "</tspan></text>\n");
}

/* The banner across the label's text when it is not active. */
static void
banner(struct strbuf *b, const struct badge *in)
{
	const char	*word, *fill;
	int		 superseded = 0;

	if (strcmp(in->status, "suspended") == 0) {
		word = "SUSPENDED";
		fill = "#b45309";
	} else if (strcmp(in->status, "revoked") == 0) {
		word = "REVOKED";
		fill = "#b3261e";
	} else if (strcmp(in->status, "expired") == 0) {
		word = "EXPIRED";
		fill = "#4b5563";
	} else if (strcmp(in->status, "superseded") == 0) {
		word = "SUPERSEDED";
		fill = "#1d4ed8";
		superseded = 1;
	} else
		return;
	strbuf_printf(b, "<g transform=\"rotate(-9 148 122)\">\n<rect x=\"6\" "
	    "y=\"%d\" width=\"284\" height=\"%d\" rx=\"4\" fill=\"%s\" "
	    "fill-opacity=\"0.93\"/>\n<text x=\"148\" y=\"%d\" "
	    "text-anchor=\"middle\" font-size=\"24\" font-weight=\"700\" "
	    "letter-spacing=\"3\" fill=\"#ffffff\">%s</text>\n",
	    superseded ? 94 : 100, superseded ? 56 : 44, fill,
	    superseded ? 120 : 130, word);
	if (superseded && in->successor != NULL && in->successor[0] != '\0') {
		PUTL(b, "<text x=\"148\" y=\"141\" text-anchor=\"middle\" "
		    "font-size=\"12\" fill=\"#ffffff\">by ");
		strbuf_put_xml(b, in->successor);
		PUTL(b, "</text>\n");
	}
	PUTL(b, "</g>\n");
}

/*
 * The SVG of the label in (strings borrowed).  Returns it malloc'd with
 * its length in *len (the caller frees it), or NULL with the reason in
 * err (out of memory, a URL too long for a QR code).
 */
char *
badge_svg(const struct badge *in, size_t *len, char *err, size_t errlen)
{
	struct strbuf	 b = STRBUF_INIT;
	int		 i, nstars;

	assert(in->label_id != NULL && in->scheme_title != NULL &&
	    in->tier_name != NULL && in->valid_until != NULL &&
	    in->status != NULL && in->verify_url != NULL);
	nstars = in->ntiers > 0 ? in->ntiers : 4;
	if (in->tier > nstars)
		nstars = in->tier;
	if (nstars > BADGE_MAX_STARS)
		nstars = BADGE_MAX_STARS;

	strbuf_printf(&b,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
	    "aria-labelledby=\"badge-title badge-desc\" "
	    "font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\">\n",
	    BADGE_W, BADGE_H, BADGE_W, BADGE_H);
	PUTL(&b, "<title id=\"badge-title\">");
	if (in->product != NULL && in->product[0] != '\0') {
		strbuf_put_xml(&b, in->product);
		PUTL(&b, " - ");
	}
	strbuf_put_xml(&b, in->scheme_title);
	strbuf_printf(&b, ": tier %d, ", in->tier);
	strbuf_put_xml(&b, in->tier_name);
	PUTL(&b, "</title>\n<desc id=\"badge-desc\">Label ");
	strbuf_put_xml(&b, in->label_id);
	PUTL(&b, ", valid until ");
	strbuf_put_xml(&b, in->valid_until);
	PUTL(&b, ", status ");
	strbuf_put_xml(&b, in->status);
	if (in->successor != NULL && in->successor[0] != '\0') {
		PUTL(&b, " (superseded by ");
		strbuf_put_xml(&b, in->successor);
		PUTL(&b, ")");
	}
	PUTL(&b, ". Verify at ");
	strbuf_put_xml(&b, in->verify_url);
	PUTL(&b, "</desc>\n");

	/* the card and the scheme's band */
	strbuf_printf(&b,
	    "<rect x=\"2\" y=\"2\" width=\"%d\" height=\"%d\" rx=\"14\" "
	    "fill=\"#ffffff\" stroke=\"%s\" stroke-width=\"4\"/>\n"
	    "<path d=\"M2 16a14 14 0 0 1 14-14h%dA14 14 0 0 1 %d 16v28H2z\" "
	    "fill=\"%s\"/>\n", BADGE_W - 4, BADGE_H - 4, BADGE_INK,
	    BADGE_W - 32, BADGE_W - 2, BADGE_INK);
	title(&b, in->scheme_title);

	/* the tier: stars, then its number and name */
	for (i = 0; i < nstars; i++)
		star(&b, 34 + i * 28, 74, i < in->tier);
	strbuf_printf(&b,
	    "<text x=\"20\" y=\"112\" font-size=\"17\" font-weight=\"700\" "
	    "fill=\"%s\">Tier %d</text>\n<text x=\"20\" y=\"132\" "
	    "font-size=\"13\" fill=\"%s\">", BADGE_INK, in->tier, BADGE_INK);
	strbuf_put_xml(&b, in->tier_name);
	PUTL(&b, "</text>\n");

	/* the label's id and validity */
	strbuf_printf(&b,
	    "<text x=\"20\" y=\"164\" font-size=\"11\" fill=\"#4b5563\">"
	    "LABEL</text>\n<text x=\"20\" y=\"180\" font-size=\"14\" "
	    "font-family=\"DejaVu Sans Mono, Menlo, monospace\" "
	    "fill=\"%s\">", BADGE_INK);
	strbuf_put_xml(&b, in->label_id);
	strbuf_printf(&b, "</text>\n<text x=\"20\" y=\"198\" font-size=\"11\" "
	    "fill=\"#4b5563\">Valid until ");
	strbuf_put_xml(&b, in->valid_until);
	PUTL(&b, "</text>\n");

	/* the QR code and what it is for */
	if (qr(&b, in->verify_url, err, errlen) == -1)
		goto fail;
	strbuf_printf(&b, "<text x=\"%d\" y=\"202\" text-anchor=\"middle\" "
	    "font-size=\"10\" fill=\"#4b5563\">Scan to verify</text>\n",
	    BADGE_QR_X + BADGE_QR_SIZE / 2);

	banner(&b, in);
	PUTL(&b, "</svg>\n");
	if (b.failed) {
		errfmt(err, errlen, "out of memory");
		goto fail;
	}
	*len = b.len;
	return b.p;
fail:
	free(b.p);
	return NULL;
}

/* jcs_canon - test helper: RFC 8785 canonical form of JSON read from stdin.
 *
 *   jcs_canon        whole stdin is one JSON value; prints its canonical form
 *                    (no trailing newline); exit 1 with a message on error.
 *   jcs_canon -l     one JSON value per input line; one output line each:
 *                    the canonical form, or "!" + reason when jansson or JCS
 *                    refuses it (canonical JSON never holds a raw LF, so the
 *                    framing is unambiguous).  Used by tests/interop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jcs.h"

#define FLAGS (JSON_DECODE_ANY | JSON_ALLOW_NUL)

static int one_line(const char *line, size_t n)
{
	json_error_t jerr;
	char err[256];
	size_t len;
	char *out;
	json_t *v = json_loadb(line, n, FLAGS, &jerr);

	if (v == NULL) {
		printf("!parse: %s\n", jerr.text);
		return 0;
	}
	out = jcs_serialize(v, &len, err, sizeof err);
	json_decref(v);
	if (out == NULL) {
		printf("!jcs: %s\n", err);
		return 0;
	}
	fwrite(out, 1, len, stdout);
	putchar('\n');
	free(out);
	return 0;
}

int main(int argc, char **argv)
{
	json_error_t jerr;
	char err[256];
	size_t len;
	char *out;
	json_t *v;

	if (argc == 2 && strcmp(argv[1], "-l") == 0) {
		char *line = NULL;
		size_t cap = 0;
		ssize_t n;
		while ((n = getline(&line, &cap, stdin)) >= 0) {
			if (n > 0 && line[n - 1] == '\n')
				n--;
			one_line(line, (size_t)n);
		}
		free(line);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if (argc != 1) {
		fprintf(stderr, "usage: jcs_canon [-l] < json\n");
		return 2;
	}
	v = json_loadf(stdin, FLAGS, &jerr);
	if (v == NULL) {
		fprintf(stderr, "jcs_canon: parse error: %s (line %d)\n", jerr.text, jerr.line);
		return 1;
	}
	out = jcs_serialize(v, &len, err, sizeof err);
	json_decref(v);
	if (out == NULL) {
		fprintf(stderr, "jcs_canon: %s\n", err);
		return 1;
	}
	fwrite(out, 1, len, stdout);
	free(out);
	return fflush(stdout) == 0 ? 0 : 1;
}

/*
 * replay: the plain driver of a fuzz harness, built with the ordinary
 * compiler for `make check` (and so under the sanitizers of CI's ASan
 * pass).  With arguments, feeds each file named; without, every file of
 * $top_srcdir/tests/fuzz/corpus/FUZZ_TARGET.  Exit 0 when every input ran
 * (a crash aborts), 1 when a corpus file cannot be read or none is found.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#ifndef FUZZ_TARGET
#error "FUZZ_TARGET names the corpus directory"
#endif

/* Larger than any seed and than libFuzzer's default -max_len. */
#define REPLAY_MAX	(8u * 1024u * 1024u)

static int
replay(const char *path)
{
	FILE	*f;
	uint8_t	*buf;
	size_t	 n;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if ((buf = malloc(REPLAY_MAX)) == NULL) {
		fclose(f);
		fprintf(stderr, "replay: out of memory\n");
		return -1;
	}
	n = fread(buf, 1, REPLAY_MAX, f);
	if (ferror(f) || !feof(f)) {
		fprintf(stderr, "replay: %s: unreadable or larger than %u "
		    "bytes\n", path, REPLAY_MAX);
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	/* An exact-size copy, so that ASan sees any read past the input. */
	{
		uint8_t *in = malloc(n ? n : 1);

		if (in == NULL) {
			free(buf);
			return -1;
		}
		memcpy(in, buf, n);
		free(buf);
		LLVMFuzzerTestOneInput(in, n);
		free(in);
	}
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char *argv[])
{
	char		 dir[PATH_MAX], path[PATH_MAX];
	const char	*top;
	DIR		*d;
	struct dirent	*de;
	char		**names = NULL;
	size_t		 n = 0, cap = 0, i;
	int		 rc = 0;

	if (argc > 1) {
		for (int k = 1; k < argc; k++)
			if (replay(argv[k]) == -1)
				rc = 1;
		return rc;
	}
	if ((top = getenv("top_srcdir")) == NULL)
		top = ".";
	if ((size_t)snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s", top,
	    FUZZ_TARGET) >= sizeof(dir) || (d = opendir(dir)) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? 2 * cap : 64) *
			    sizeof(*names));

			if (nn == NULL)
				return 1;
			names = nn;
		}
		if ((names[n++] = strdup(de->d_name)) == NULL)
			return 1;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    names[i]) >= sizeof(path) || replay(path) == -1)
			rc = 1;
		free(names[i]);
	}
	free(names);
	if (n == 0) {
		fprintf(stderr, "replay: %s: no corpus files\n", dir);
		return 1;
	}
	printf("replay %s: %zu inputs\n", FUZZ_TARGET, n);
	return rc;
}

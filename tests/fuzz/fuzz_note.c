/*
 * fuzz_note: the C2SP signed-note and checkpoint parser (src/note.c), as
 * a partner reads the checkpoints a log serves.  A note that parses is
 * checked against a fixed key, formatted back (it must parse again to the
 * same text), and its text parsed as a checkpoint; the first line is also
 * tried as a verifier key.
 */
#include <ctype.h>
#include <string.h>

#include "fuzz.h"
#include "note.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t	 pk[32] = { 1, 2, 3, 4 };
	struct note		*n = NULL, *n2 = NULL;
	struct note_verifier	 v, vk;
	struct note_result	 res;
	struct note_checkpoint	 cp;
	char			 err[256], *out = NULL, *line;
	size_t			 outlen, unknown, l;

	if (note_parse((const char *)data, size, &n, err, sizeof(err)) == 0) {
		FUZZ_ASSERT(n != NULL && n->nsigs > 0);
		if (note_verifier_init(&v, n->sigs[0].name, NOTE_ALG_ED25519,
		    pk, err, sizeof(err)) == 0)
			(void)note_verify(n, &v, 1, &res, &unknown, err,
			    sizeof(err));
		if (note_format(n, &out, &outlen, err, sizeof(err)) == 0) {
			FUZZ_ASSERT(note_parse(out, outlen, &n2, err,
			    sizeof(err)) == 0);
			FUZZ_ASSERT(n2->textlen == n->textlen &&
			    memcmp(n2->text, n->text, n->textlen) == 0);
			FUZZ_ASSERT(n2->nsigs == n->nsigs);
			note_free(n2);
			free(out);
		}
		if (note_checkpoint_parse(n->text, n->textlen, &cp, err,
		    sizeof(err)) == 0) {
			char	*txt;
			size_t	 tlen;

			FUZZ_ASSERT(note_checkpoint_format(&cp, &txt, &tlen,
			    err, sizeof(err)) == 0);
			FUZZ_ASSERT(tlen == n->textlen &&
			    memcmp(txt, n->text, tlen) == 0);
			free(txt);
			note_checkpoint_clear(&cp);
		}
		note_free(n);
	}
	/* A vkey is one line of text. */
	for (l = 0; l < size && data[l] != '\n'; l++)
		;
	if ((line = malloc(l + 1)) == NULL)
		return 0;
	memcpy(line, data, l);
	line[l] = '\0';
	if (strlen(line) == l && note_vkey_parse(line, &vk, err,
	    sizeof(err)) == 0) {
		char *hex = strchr(line, '+');

		FUZZ_ASSERT(note_vkey_format(&vk, &out, err, sizeof(err)) ==
		    0);
		/* The key id's hex may come in either case (as Go's reads it). */
		FUZZ_ASSERT(hex != NULL && strlen(hex) > 9);
		for (int k = 1; k <= 8; k++)
			hex[k] = (char)tolower((unsigned char)hex[k]);
		FUZZ_ASSERT(strcmp(out, line) == 0);
		free(out);
	}
	free(line);
	return 0;
}

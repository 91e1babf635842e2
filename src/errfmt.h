/*
 * errfmt.h: the one way libverify's modules fill a caller's error buffer.
 * Part of libverify.a: libc only.
 */
#ifndef LABELD_ERRFMT_H
#define LABELD_ERRFMT_H

#include <stddef.h>

/*
 * Formats a message into err (errlen bytes, always NUL-terminated when
 * errlen > 0; truncated to fit).  A NULL err or a zero errlen is allowed
 * and ignores the message.
 */
void	 errfmt(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#endif

/*
 * errfmt.c: error messages into caller buffers, see errfmt.h.
 */
#include "errfmt.h"

#include <stdarg.h>
#include <stdio.h>

void
errfmt(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

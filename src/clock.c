/*
 * clock.c: clock_now(), the one source of "now" for the daemon's
 * business paths (see clock.h).  Logging keeps the real time.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "labeld.h"
#include "clock.h"

/* The largest offset a test may ask for: about ten years either way. */
#define CLOCK_MAX_OFFSET	(3660LL * 86400)

static pthread_once_t	 once = PTHREAD_ONCE_INIT;
static int64_t		 offset;
static int		 failed;
static char		 failure[256];

static void
read_offset(void)
{
	const char	*v = getenv(LABELD_TEST_CLOCK_ENV);
	int64_t		 d;
	int		 neg = 0;

	if (v == NULL || *v == '\0')
		return;
#ifdef LABELD_TEST_CLOCK
	if (*v == '-') {
		neg = 1;
		v++;
	}
	if (config_parse_duration(v, 0, CLOCK_MAX_OFFSET, &d) == -1) {
		failed = 1;
		snprintf(failure, sizeof(failure), LABELD_TEST_CLOCK_ENV
		    ": expected a duration such as 40d or -2h (an integer "
		    "followed by s, m, h or d, at most %lldd), got \"%s%s\"",
		    CLOCK_MAX_OFFSET / 86400, neg ? "-" : "", v);
		return;
	}
	offset = neg ? -d : d;
#else
	(void)d;
	(void)neg;
	snprintf(failure, sizeof(failure), LABELD_TEST_CLOCK_ENV " is set "
	    "but this build was configured without --enable-test-clock: "
	    "ignored");
#endif
}

int
clock_init(char *err, size_t errlen)
{
	pthread_once(&once, read_offset);
	if (failed) {
		snprintf(err, errlen, "%s", failure);
		return -1;
	}
	if (failure[0] != '\0')
		log_warn("%s", failure);
	else if (offset != 0)
		log_warn("test clock: now is moved by %lld seconds",
		    (long long)offset);
	return 0;
}

time_t
clock_now(void)
{
	pthread_once(&once, read_offset);
	return time(NULL) + (time_t)offset;
}

int
clock_test_enabled(void)
{
#ifdef LABELD_TEST_CLOCK
	return 1;
#else
	return 0;
#endif
}

int64_t
clock_offset(void)
{
	pthread_once(&once, read_offset);
	return offset;
}

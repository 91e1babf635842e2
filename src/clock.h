/*
 * clock.h: the daemon's notion of now.  Business paths (issuing,
 * signing, expiry, status lists, trust bundles) read the time through
 * clock_now() so that tests can move it: a build configured with
 * --enable-test-clock adds LABELD_TEST_CLOCK_OFFSET (a DURATION such as
 * 40d or -2h) to the system clock; any other build ignores the variable.
 */
#ifndef LABELD_CLOCK_H
#define LABELD_CLOCK_H

#include <stdint.h>
#include <time.h>

#define LABELD_TEST_CLOCK_ENV	"LABELD_TEST_CLOCK_OFFSET"

/* time(NULL) plus the test offset (read once; 0 in a normal build). */
time_t	 clock_now(void);

/*
 * Reads LABELD_TEST_CLOCK_OFFSET now rather than at the first
 * clock_now().  0; -1 with a message in err when a test-clock build is
 * given a malformed offset.  A normal build with the variable set logs
 * a warning that it is ignored, and returns 0.
 */
int	 clock_init(char *err, size_t errlen);

/* 1 when built with --enable-test-clock. */
int	 clock_test_enabled(void);

/* The offset in force, in seconds (0 in a normal build). */
int64_t	 clock_offset(void);

#endif /* LABELD_CLOCK_H */

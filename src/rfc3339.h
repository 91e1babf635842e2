/*
 * rfc3339.h: the project's RFC 3339 time stamps, and its durations.  Every time labeld writes
 * is "YYYY-MM-DDThh:mm:ssZ"; what it reads may carry a fraction and an
 * offset (credentials from elsewhere do).  Part of libverify.a: libc only.
 */
#ifndef LABELD_RFC3339_H
#define LABELD_RFC3339_H

#include <stdint.h>
#include <time.h>

/* Buffer that holds any rfc3339_format() result. */
#define RFC3339_BUFLEN	32

/* A point in time with the fraction kept, so that comparisons of
 * sub-second stamps are exact. */
struct rfc3339_time {
	int64_t		 sec;
	int32_t		 nsec;
};

/*
 * 0 when s is an RFC 3339 date-time ("2026-11-28T06:00:00Z", optional
 * fraction, "Z" or "+hh:mm"/"-hh:mm"), with a real calendar date; else -1.
 */
int	 rfc3339_check(const char *s);

/* 0 when s is a full-date "YYYY-MM-DD" naming a real calendar day; else -1. */
int	 rfc3339_date_check(const char *s);

/* Reads a date-time that rfc3339_check accepts into *t.  0 or -1. */
int	 rfc3339_parse(const char *s, struct rfc3339_time *t);

/* -1, 0 or 1 as a is before, equal to or after b. */
int	 rfc3339_cmp(const struct rfc3339_time *a, const struct rfc3339_time *b);

/*
 * Reads a date-time or, when date_ok, a date "YYYY-MM-DD" (its start,
 * 00:00:00Z) into whole seconds; the fraction is dropped.  0, or -1 when
 * malformed or out of time_t's range.
 */
int	 rfc3339_to_time(const char *s, int date_ok, time_t *out);

/* t as "YYYY-MM-DDThh:mm:ssZ" into out; "" for a time out of range. */
void	 rfc3339_format(time_t t, char out[RFC3339_BUFLEN]);

/* Longest duration accepted (seconds): about 1000 years. */
#define RFC3339_MAX_DURATION	((int64_t)1000 * 366 * 86400)

/*
 * Reads a duration, the project's one form: an unsigned integer followed
 * by s, m, h or d ("90s", "7d"), at most RFC3339_MAX_DURATION, into
 * *secs.  0, or -1 when malformed or too long.
 */
int	 rfc3339_duration(const char *s, int64_t *secs);

#endif

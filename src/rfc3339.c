/*
 * rfc3339.c: RFC 3339 time stamps, see rfc3339.h.
 */
#include "rfc3339.h"

#include <stdio.h>
#include <string.h>

/* Reads n decimal digits of s into *v; -1 at the first non-digit. */
static int
digits(const char *s, int n, int *v)
{
	int	 i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

int
rfc3339_check(const char *s)
{
	static const int mdays[12] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int		 y, mo, d, h, mi, sec, oh, om;
	const char	*p;

	if (s == NULL || strlen(s) < 20)
		return -1;
	if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
	    s[7] != '-' || digits(s + 8, 2, &d) || s[10] != 'T' ||
	    digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi) ||
	    s[16] != ':' || digits(s + 17, 2, &sec))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 ||
	    mi > 59 || sec > 60)
		return -1;
	if (mo == 2 && d == 29 &&
	    !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return -1;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (p[0] == 'Z' && p[1] == '\0')
		return 0;
	if ((p[0] == '+' || p[0] == '-') && strlen(p) == 6 &&
	    !digits(p + 1, 2, &oh) && p[3] == ':' && !digits(p + 4, 2, &om) &&
	    oh <= 23 && om <= 59)
		return 0;
	return -1;
}

int
rfc3339_date_check(const char *s)
{
	char	 buf[24];

	/* A date is a date-time's first ten characters: one calendar check. */
	if (s == NULL || strlen(s) != 10)
		return -1;
	snprintf(buf, sizeof(buf), "%sT00:00:00Z", s);
	return rfc3339_check(buf);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (civil calendar
 * arithmetic with March-based years, so leap days fall at year end). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t	 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* n digits already checked by rfc3339_check. */
static int
num(const char *s, int n)
{
	int	 v = 0;

	while (n-- > 0)
		v = v * 10 + (*s++ - '0');
	return v;
}

int
rfc3339_parse(const char *s, struct rfc3339_time *t)
{
	const char	*p;
	int64_t		 sec;
	int32_t		 ns = 0;
	int		 nd = 0, off;

	if (rfc3339_check(s) != 0)
		return -1;
	sec = days_from_civil(num(s, 4), num(s + 5, 2), num(s + 8, 2)) *
	    86400 + num(s + 11, 2) * 3600 + num(s + 14, 2) * 60 +
	    num(s + 17, 2);
	p = s + 19;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (nd < 9) {
				ns = ns * 10 + (*p - '0');
				nd++;
			}
		for (; nd < 9; nd++)
			ns *= 10;
	}
	if (*p == '+' || *p == '-') {
		off = num(p + 1, 2) * 3600 + num(p + 4, 2) * 60;
		sec += *p == '+' ? -off : off;
	}
	t->sec = sec;
	t->nsec = ns;
	return 0;
}

int
rfc3339_cmp(const struct rfc3339_time *a, const struct rfc3339_time *b)
{
	if (a->sec != b->sec)
		return a->sec < b->sec ? -1 : 1;
	if (a->nsec != b->nsec)
		return a->nsec < b->nsec ? -1 : 1;
	return 0;
}

int
rfc3339_to_time(const char *s, int date_ok, time_t *out)
{
	struct rfc3339_time	 t;
	char			 buf[24];

	if (s == NULL)
		return -1;
	if (date_ok && strlen(s) == 10) {
		/* A date is its first instant: reuse the date-time checks. */
		snprintf(buf, sizeof(buf), "%sT00:00:00Z", s);
		s = buf;
	}
	if (rfc3339_parse(s, &t) != 0)
		return -1;
	if ((int64_t)(time_t)t.sec != t.sec)
		return -1;
	*out = (time_t)t.sec;
	return 0;
}

void
rfc3339_format(time_t t, char out[RFC3339_BUFLEN])
{
	struct tm	 tm;

	out[0] = '\0';
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, RFC3339_BUFLEN, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		out[0] = '\0';
}

int
rfc3339_duration(const char *s, int64_t *secs)
{
	int64_t	 v = 0, unit;
	size_t	 i = 0;

	if (s == NULL || s[0] < '0' || s[0] > '9')
		return -1;
	for (; s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	switch (s[i]) {
	case 's':
		unit = 1;
		break;
	case 'm':
		unit = 60;
		break;
	case 'h':
		unit = 3600;
		break;
	case 'd':
		unit = 86400;
		break;
	default:
		return -1;
	}
	/* Bounded so that adding it to any time_t of this era cannot wrap. */
	if (s[i + 1] != '\0' || v > RFC3339_MAX_DURATION / unit)
		return -1;
	*secs = v * unit;
	return 0;
}

/*
 * log.c: one line per event on stderr.  Under systemd (JOURNAL_STREAM set)
 * each line carries an sd-daemon priority prefix so journald files it at
 * the right level; on a terminal it carries a timestamp instead.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "labeld.h"
#include "rfc3339.h"

static const char	*log_prog = "labeld";
static int		 log_level = LOG_INFO;
static int		 log_journal;

static const struct {
	const char	*name;
	int		 syslog;	/* sd-daemon(3) priority */
} log_levels[] = {
	[LOG_ERROR] = { "error", 3 },
	[LOG_WARN] = { "warn", 4 },
	[LOG_INFO] = { "info", 6 },
	[LOG_DEBUG] = { "debug", 7 },
};

/*
 * Sets the program name (borrowed: it must outlive logging) and the level;
 * under systemd (JOURNAL_STREAM set) lines carry journald priorities.
 */
void
log_init(const char *progname, int level)
{
	log_prog = progname;
	log_level = level;
	log_journal = getenv("JOURNAL_STREAM") != NULL;
}

/* Logs events up to level (LOG_ERROR..LOG_DEBUG) from now on. */
void
log_set_level(int level)
{
	log_level = level;
}

/*
 * The level named s (error, warn, info, debug; any case) into *level: 0, or
 * -1 for an unknown name (*level unchanged).
 */
int
log_level_parse(const char *s, int *level)
{
	for (size_t i = 0; i < sizeof(log_levels) / sizeof(log_levels[0]); i++)
		if (strcasecmp(s, log_levels[i].name) == 0) {
			*level = (int)i;
			return 0;
		}
	return -1;
}

/*
 * Formats and logs one event at level, when the level is enabled, as one
 * line on stderr (newlines become spaces, longer than 2 KiB is cut).  Never
 * fails the caller.
 */
void
log_vmsg(int level, const char *fmt, va_list ap)
{
	char		 line[2048];
	int		 n;

	if (level > log_level)
		return;
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		return;
	/* Keep each event on one line whatever the message holds. */
	for (char *p = line; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (log_journal) {
		fprintf(stderr, "<%d>%s: %s\n", log_levels[level].syslog,
		    log_levels[level].name, line);
	} else {
		char ts[RFC3339_BUFLEN];

		rfc3339_format(time(NULL), ts);
		fprintf(stderr, "%s %s[%d]: %s: %s\n", ts, log_prog,
		    (int)getpid(), log_levels[level].name, line);
	}
}

/* Formats and logs one event at level (see log_vmsg). */
void
log_msg(int level, const char *fmt, ...)
{
	va_list		 ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

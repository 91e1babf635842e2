/*
 * metrics.c: Prometheus text exposition of request counts by route and
 * status, a latency histogram, in-flight requests and database errors.
 */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labeld.h"
#include "rfc3339.h"
#include "strbuf.h"

#define METRICS_MAX_SERIES	512

static const double bucket_le[] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
	2.5, 5, 10
};
#define NBUCKETS (sizeof(bucket_le) / sizeof(bucket_le[0]))

static pthread_mutex_t	 metrics_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	const char	*route;		/* a route pattern: static storage */
	unsigned	 status;
	unsigned long	 count;
} series[METRICS_MAX_SERIES];
static size_t		 nseries;
static unsigned long	 buckets[NBUCKETS];
static unsigned long	 total_count;
static double		 total_seconds;

/*
 * Counts one answered request: route (a route pattern or a literal, kept
 * and compared by address), status and latency in microseconds.  Past
 * METRICS_MAX_SERIES series a new one counts in the histogram only.
 * Thread-safe.
 */
void
metrics_observe(const char *route, unsigned status, uint64_t usec)
{
	double	 s = (double)usec / 1e6;
	size_t	 i;

	pthread_mutex_lock(&metrics_lock);
	for (i = 0; i < nseries; i++)
		if (series[i].route == route && series[i].status == status)
			break;
	if (i == nseries && nseries < METRICS_MAX_SERIES) {
		series[i].route = route;
		series[i].status = status;
		nseries++;
	}
	if (i < nseries)
		series[i].count++;
	for (size_t b = 0; b < NBUCKETS; b++)
		if (s <= bucket_le[b])
			buckets[b]++;
	total_count++;
	total_seconds += s;
	pthread_mutex_unlock(&metrics_lock);
}

static int
label_figure(const char *status, int64_t n, void *arg)
{
	strbuf_printf(arg,
	    "labeld_labels{status=\"%s\"} %lld\n", status, (long long)n);
	return 0;
}

static int
submission_figure(const char *state, int64_t n, void *arg)
{
	strbuf_printf(arg, "labeld_submissions{state=\"%s\"} %lld\n", state,
	    (long long)n);
	return 0;
}

/*
 * Labels by status, those lapsing within the expiry warning window,
 * submissions by state and the active signing key's age, read now from db
 * (gauges: what a regulator watches).  0, or -1 on a database fault.
 */
static int
domain_figures(struct db *db, int64_t window, struct strbuf *b)
{
	struct signing_key	 k;
	char			 now[RFC3339_BUFLEN], before[RFC3339_BUFLEN];
	time_t			 t = clock_now();
	int64_t			 n;

	rfc3339_format(t, now);
	rfc3339_format(t + (time_t)window, before);
	strbuf_printf(b,
	    "# HELP labeld_labels Labels by status (expired: not revoked, "
	    "past validUntil).\n# TYPE labeld_labels gauge\n");
	if (store_label_count_by_status(db, now, label_figure, b) != STORE_OK)
		return -1;
	if (store_label_count_expiring(db, now, before, &n) != STORE_OK)
		return -1;
	strbuf_printf(b,
	    "# HELP labeld_labels_expiring Active or suspended labels "
	    "lapsing within expiry_warning_window.\n"
	    "# TYPE labeld_labels_expiring gauge\n"
	    "labeld_labels_expiring %lld\n", (long long)n);
	strbuf_printf(b, "# HELP labeld_submissions Submissions by state.\n"
	    "# TYPE labeld_submissions gauge\n");
	if (store_submission_count_by_state(db, submission_figure, b) !=
	    STORE_OK)
		return -1;
	if (store_log_incident_count(db, &n) != STORE_OK)
		return -1;
	strbuf_printf(b,
	    "# HELP labeld_log_incidents Transparency log incidents "
	    "recorded (split views, inconsistent partner logs).\n"
	    "# TYPE labeld_log_incidents gauge\n"
	    "labeld_log_incidents %lld\n", (long long)n);
	switch (store_key_active(db, &k)) {
	case STORE_OK:
		if (rfc3339_to_time(k.created_at, 0, &t) == 0)
			strbuf_printf(b,
			    "# HELP labeld_signing_key_age_seconds Age of "
			    "the active signing key.\n# TYPE "
			    "labeld_signing_key_age_seconds gauge\n"
			    "labeld_signing_key_age_seconds %lld\n",
			    (long long)(clock_now() - t));
		return 0;
	case STORE_NOTFOUND:
		return 0;
	default:
		return -1;
	}
}

/*
 * The exposition text, malloc'd: the request counters, then the gauges
 * read from db (window: the expiry warning window, seconds).  NULL on
 * allocation failure, or with *dberr set on a database fault.
 */
char *
metrics_render(struct db *db, int64_t window, size_t *len, int *dberr)
{
	struct strbuf	 b = STRBUF_INIT;

	pthread_mutex_lock(&metrics_lock);
	strbuf_printf(&b,
	    "# HELP labeld_http_requests_total Requests answered, by route "
	    "pattern and status.\n# TYPE labeld_http_requests_total counter\n");
	for (size_t i = 0; i < nseries; i++)
		strbuf_printf(&b,
		    "labeld_http_requests_total{route=\"%s\",status=\"%u\"} "
		    "%lu\n", series[i].route, series[i].status,
		    series[i].count);
	strbuf_printf(&b,
	    "# HELP labeld_http_request_duration_seconds Time from first "
	    "byte to response completion.\n"
	    "# TYPE labeld_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i < NBUCKETS; i++)
		strbuf_printf(&b,
		    "labeld_http_request_duration_seconds_bucket{le=\"%g\"} "
		    "%lu\n", bucket_le[i], buckets[i]);
	strbuf_printf(&b,
	    "labeld_http_request_duration_seconds_bucket{le=\"+Inf\"} %lu\n"
	    "labeld_http_request_duration_seconds_sum %.6f\n"
	    "labeld_http_request_duration_seconds_count %lu\n",
	    total_count, total_seconds, total_count);
	pthread_mutex_unlock(&metrics_lock);
	strbuf_printf(&b,
	    "# HELP labeld_http_requests_in_flight Requests being "
	    "answered.\n# TYPE labeld_http_requests_in_flight gauge\n"
	    "labeld_http_requests_in_flight %lu\n", http_active());
	strbuf_printf(&b, "# HELP labeld_db_errors_total SQLite errors seen.\n"
	    "# TYPE labeld_db_errors_total counter\nlabeld_db_errors_total %lu\n",
	    store_errors());
	if (domain_figures(db, window, &b) == -1) {
		*dberr = 1;
		free(b.p);
		return NULL;
	}
	if (b.failed) {
		free(b.p);
		return NULL;
	}
	*len = b.len;
	return b.p;
}

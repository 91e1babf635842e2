/*
 * scheduler.c: one thread of labeld that re-signs what would otherwise
 * lapse while nobody fetches it: each status list once half its validity
 * has passed (status_list_validity), and the trust bundle 30 days before
 * its expiry (or when its content changed); and it writes down, once, the
 * expiry of each label whose validUntil passed; and it keeps recognised
 * labels in line with their partners' lists and their age
 * (recognition_sweep).  A round runs at start and
 * every LABELD_SCHEDULER_PERIOD seconds; it waits on a condition variable,
 * so scheduler_stop() (SIGTERM) ends it at once, and joins it.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "labeld.h"

static struct {
	pthread_mutex_t		 lock;
	pthread_cond_t		 wake;
	pthread_t		 thread;
	int			 running;
	int			 stop;
	struct store		*store;
	const struct config	*cfg;
	char			 last_fault[512];	/* logged once */
} sched = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* A failure seen at every round is logged once, until it changes. */
static void
fault(const char *what, const char *err)
{
	char msg[sizeof(sched.last_fault)];

	snprintf(msg, sizeof(msg), "scheduler: %s: %s", what, err);
	if (strcmp(msg, sched.last_fault) == 0)
		return;
	snprintf(sched.last_fault, sizeof(sched.last_fault), "%s", msg);
	log_warn("%s", msg);
}

/*
 * One round: re-signs the status lists that need it, issues a trust
 * bundle version when one is due and sweeps the recognised labels.  Logs
 * what it did at info level.
 */
void
scheduler_round(struct store *s, const struct config *cfg)
{
	static const char *const lists[] = {
		LABELD_STATUSLIST_REVOCATION, LABELD_STATUSLIST_SUSPENSION
	};
	struct trust_bundle_row	 row;
	struct db		*db = store_acquire(s);
	char			 err[512], until[32], *buf;
	size_t			 len, i;
	int			 resigned, made, faults = 0, warned, expired;

	/* Recognised labels follow their partners' lists and their age;
	 * first, so that the lists re-signed below carry their changes. */
	if (recognition_sweep(db, cfg, NULL, clock_now()) != STORE_OK) {
		fault("recognitions", "not every recognised label could follow "
		    "its partner's status lists");
		faults++;
	}
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		if (statuslist_refresh(db, cfg, lists[i], &resigned, until, err,
		    sizeof(err)) != STORE_OK) {
			fault(lists[i], err);
			faults++;
		} else if (resigned)
			log_info("scheduler: status list %s re-signed (valid "
			    "until %s)", lists[i], until);
	}
	if (trust_bundle_current(db, cfg, 0, &buf, &len, &row, &made, err,
	    sizeof(err)) != STORE_OK) {
		fault("trust bundle", err);
		faults++;
	} else {
		free(buf);
		if (made)
			log_info("scheduler: trust bundle version %lld issued "
			    "(signed by %s, expires %s)", (long long)row.version,
			    row.kid, row.expires_at);
	}
	if (lifecycle_expiry_round(db, cfg->expiry_warning_window, &warned,
	    &expired, err, sizeof(err)) != STORE_OK) {
		fault("expiries", err);
		faults++;
	} else if (warned > 0 || expired > 0)
		log_info("scheduler: %d labels entered the expiry warning "
		    "window, %d expiries recorded", warned, expired);
	if (faults == 0)
		sched.last_fault[0] = '\0';
	store_release(db);
}

static void *
run(void *arg)
{
	struct timespec	 until;

	(void)arg;
	pthread_mutex_lock(&sched.lock);
	while (!sched.stop) {
		pthread_mutex_unlock(&sched.lock);
		scheduler_round(sched.store, sched.cfg);
		pthread_mutex_lock(&sched.lock);
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += LABELD_SCHEDULER_PERIOD;
		while (!sched.stop && pthread_cond_timedwait(&sched.wake,
		    &sched.lock, &until) == 0)
			;
	}
	pthread_mutex_unlock(&sched.lock);
	return NULL;
}

/*
 * Starts the scheduler thread on store and cfg (both borrowed until
 * scheduler_stop).  Its first round runs at once.  0, or -1 with err.
 */
int
scheduler_start(struct store *s, const struct config *cfg, char *err,
    size_t errlen)
{
	pthread_condattr_t	 ca;
	int			 rc;

	if (sched.running) {
		snprintf(err, errlen, "scheduler already running");
		return -1;
	}
	if (pthread_condattr_init(&ca) != 0 ||
	    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(&sched.wake, &ca) != 0) {
		snprintf(err, errlen, "scheduler: cannot make its condition "
		    "variable");
		return -1;
	}
	pthread_condattr_destroy(&ca);
	sched.store = s;
	sched.cfg = cfg;
	sched.stop = 0;
	sched.last_fault[0] = '\0';
	if ((rc = pthread_create(&sched.thread, NULL, run, NULL)) != 0) {
		pthread_cond_destroy(&sched.wake);
		snprintf(err, errlen, "scheduler: cannot start its thread: %s",
		    strerror(rc));
		return -1;
	}
	sched.running = 1;
	log_info("scheduler started (a round every %d seconds)",
	    LABELD_SCHEDULER_PERIOD);
	return 0;
}

/* Stops the scheduler at once (a round in progress finishes) and joins. */
void
scheduler_stop(void)
{
	if (!sched.running)
		return;
	pthread_mutex_lock(&sched.lock);
	sched.stop = 1;
	pthread_cond_signal(&sched.wake);
	pthread_mutex_unlock(&sched.lock);
	pthread_join(sched.thread, NULL);
	pthread_cond_destroy(&sched.wake);
	sched.running = 0;
}

/* ---- workers: the partner refresh and webhook delivery threads ---- */

/*
 * A thread that runs round() every period seconds (the first after one
 * period), stopped at once by workers_stop() through its condition
 * variable, as the scheduler is.
 */
struct worker {
	const char		*name;
	pthread_mutex_t		 lock;
	pthread_cond_t		 wake;
	pthread_t		 thread;
	int			 running;
	int			 stop;
	int64_t			 period;
	struct store		*store;
	void			(*round)(struct store *, time_t);
};

static int	refresh_stopping(void);

/* labeld's configuration (our log key for witnessing), for the refresh. */
static const struct config	*refresh_cfg;
static int	deliver_stopping(void);

/* Both rounds ask between partners or deliveries whether to stop. */
static void
refresh_round(struct store *s, time_t now)
{
	partner_refresh_all(s, refresh_cfg, now, refresh_stopping);
}

static void
deliver_round(struct store *s, time_t now)
{
	webhook_deliver_round(s, now, deliver_stopping);
}

static struct worker workers[] = {
	{ .name = "partner refresh", .lock = PTHREAD_MUTEX_INITIALIZER,
	    .round = refresh_round },
	{ .name = "webhook delivery", .lock = PTHREAD_MUTEX_INITIALIZER,
	    .round = deliver_round },
};
#define NWORKERS	(sizeof(workers) / sizeof(workers[0]))

static int
stopping(struct worker *w)
{
	int stop;

	pthread_mutex_lock(&w->lock);
	stop = w->stop;
	pthread_mutex_unlock(&w->lock);
	return stop;
}

static int
refresh_stopping(void)
{
	return stopping(&workers[0]);
}

static int
deliver_stopping(void)
{
	return stopping(&workers[1]);
}

static void *
worker_run(void *arg)
{
	struct worker	*w = arg;
	struct timespec	 until;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += w->period;
		while (!w->stop && pthread_cond_timedwait(&w->wake, &w->lock,
		    &until) == 0)
			;
		if (w->stop)
			break;
		pthread_mutex_unlock(&w->lock);
		w->round(w->store, clock_now());
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/*
 * Starts the partner refresh thread (every partner_refresh_interval) and
 * the webhook delivery thread (every LABELD_WEBHOOK_PERIOD seconds) on
 * store s (borrowed until scheduler_workers_stop).  0, or -1 with err
 * (none left running).
 */
int
scheduler_workers_start(struct store *s, const struct config *cfg,
    char *err, size_t errlen)
{
	pthread_condattr_t	 ca;
	size_t			 i;
	int			 rc;

	refresh_cfg = cfg;
	workers[0].period = cfg->partner_refresh_interval;
	workers[1].period = LABELD_WEBHOOK_PERIOD;
	for (i = 0; i < NWORKERS; i++) {
		struct worker *w = &workers[i];

		if (pthread_condattr_init(&ca) != 0 ||
		    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
		    pthread_cond_init(&w->wake, &ca) != 0) {
			snprintf(err, errlen, "%s: cannot make its condition "
			    "variable", w->name);
			scheduler_workers_stop();
			return -1;
		}
		pthread_condattr_destroy(&ca);
		w->store = s;
		w->stop = 0;
		if ((rc = pthread_create(&w->thread, NULL, worker_run, w)) !=
		    0) {
			pthread_cond_destroy(&w->wake);
			snprintf(err, errlen, "%s: cannot start its thread: %s",
			    w->name, strerror(rc));
			scheduler_workers_stop();
			return -1;
		}
		w->running = 1;
		log_info("%s started (every %lld seconds)", w->name,
		    (long long)w->period);
	}
	return 0;
}

/*
 * Stops the workers and joins them: a round in progress ends after the
 * partner or delivery at hand (one fetch, at most LABELD_FETCH_TIMEOUT).
 */
void
scheduler_workers_stop(void)
{
	size_t i;

	for (i = 0; i < NWORKERS; i++) {
		struct worker *w = &workers[i];

		if (!w->running)
			continue;
		pthread_mutex_lock(&w->lock);
		w->stop = 1;
		pthread_cond_signal(&w->wake);
		pthread_mutex_unlock(&w->lock);
		pthread_join(w->thread, NULL);
		pthread_cond_destroy(&w->wake);
		w->running = 0;
	}
}

/*
 * page.c: cursor pagination.  A cursor is the last row's sequence number
 * (SQLite rowid, which only grows): listings ask for rows after it, so a
 * page never repeats or skips rows however many are inserted meanwhile.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "labeld.h"

/* Reads ?cursor= and ?limit=; on a bad value answers 400 and returns -1. */
int
page_parse(struct req *r, int64_t *after, int *limit)
{
	const char	*c = req_query(r, "cursor"), *l = req_query(r, "limit");
	char		*end;
	long long	 v;

	*after = 0;
	*limit = LABELD_PAGE_DEFAULT;
	if (c != NULL && *c != '\0') {
		errno = 0;
		v = strtoll(c, &end, 10);
		if (!isdigit((unsigned char)*c) || *end != '\0' || errno != 0 ||
		    v < 0)
			return reply_problem(r, MHD_HTTP_BAD_REQUEST,
			    "bad-query", "cursor: \"%s\" is not a cursor this "
			    "server gave out", c);
		*after = v;
	}
	if (l != NULL) {
		errno = 0;
		v = strtoll(l, &end, 10);
		if (!isdigit((unsigned char)*l) || *end != '\0' || errno != 0 ||
		    v < 1 || v > LABELD_PAGE_MAX)
			return reply_problem(r, MHD_HTTP_BAD_REQUEST,
			    "bad-query", "limit: expected an integer from 1 "
			    "to %d, got \"%s\"", LABELD_PAGE_MAX, l);
		*limit = (int)v;
	}
	return 0;
}

/*
 * Starts an empty page of at most limit items.  Its item array is NULL when
 * memory ran out: the page then fails at its first item.  Release with
 * page_reply, page_finish or page_free.
 */
void
page_init(struct page *p, int limit)
{
	memset(p, 0, sizeof(*p));
	p->items = json_array();
	p->limit = limit;
}

/*
 * Adds item (reference stolen) with its sequence number.  Listings ask the
 * store for limit + 1 rows: the extra one is not kept, it only tells that
 * another page exists.  Returns -1 once the page is full, to stop a walk.
 */
int
page_add(struct page *p, json_t *item, int64_t seq)
{
	if (p->n == p->limit) {
		json_decref(item);
		p->more = 1;
		return -1;
	}
	/* A row that could not be rendered fails the page, never vanishes. */
	if (item == NULL || json_array_append_new(p->items, item) == -1) {
		p->failed = 1;
		return -1;
	}
	p->n++;
	p->last = seq;
	return 0;
}

/* Answers {items, next_cursor} and releases p. */
int
page_reply(struct req *r, struct page *p)
{
	char	 cursor[32];
	json_t	*body;

	if (p->items == NULL || p->failed) {
		page_free(p);
		return reply_oom(r);
	}
	snprintf(cursor, sizeof(cursor), "%lld", (long long)p->last);
	body = json_pack("{s:O, s:s?}", "items", p->items, "next_cursor",
	    p->more ? cursor : NULL);
	page_free(p);
	return reply_json(r, MHD_HTTP_OK, body);
}

/* Drops the page's items; the struct itself is the caller's.  Safe twice. */
void
page_free(struct page *p)
{
	json_decref(p->items);
	p->items = NULL;
}

/*
 * Ends a listing whose store walk returned rc: the page, or 500 when the
 * walk failed.  p is released either way.
 */
int
page_finish(struct req *r, struct page *p, int rc)
{
	if (rc != STORE_OK) {
		page_free(p);
		return reply_db_error(r);
	}
	return page_reply(r, p);
}

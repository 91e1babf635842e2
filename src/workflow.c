/*
 * workflow.c: the life of a submission as data: its states and actions
 * named once, the state machine as a table, who takes each action, what
 * each state allows.  The changes themselves, one transaction each, are
 * workflow_change.c; the lab rules workflow_lab.c; the assessment of the
 * stored answers workflow_assess.c.  No HTTP, no SQL here.
 *
 *	draft			--submit (vendor)-->		submitted
 *	changes_requested	--submit (vendor)-->		submitted
 *	submitted		--review (regulator)-->		under_review
 *	submitted, under_review	--request_changes (regulator)-->
 *							changes_requested
 *	submitted, under_review	--approve (regulator)-->	approved (final)
 *	submitted, under_review	--reject (regulator)-->		rejected (final)
 *	draft, submitted, under_review, changes_requested
 *				--withdraw (vendor)-->		withdrawn (final)
 *
 * submit needs the assessment to meet the target tier; approve needs a
 * tier no higher than the achieved one nor than the target tier (what
 * the vendor applied for, and what its SBOM and lab were checked for).
 * Declarations change only in draft and changes_requested.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "labeld.h"
#include "assess.h"
#include "scheme.h"

static const char *const state_names[WF_NSTATES] = {
	[WF_DRAFT] = "draft",
	[WF_SUBMITTED] = "submitted",
	[WF_UNDER_REVIEW] = "under_review",
	[WF_CHANGES_REQUESTED] = "changes_requested",
	[WF_APPROVED] = "approved",
	[WF_REJECTED] = "rejected",
	[WF_WITHDRAWN] = "withdrawn",
};

static const char *const action_names[WF_NACTIONS] = {
	[WF_SUBMIT] = "submit",
	[WF_REVIEW] = "review",
	[WF_REQUEST_CHANGES] = "request_changes",
	[WF_APPROVE] = "approve",
	[WF_REJECT] = "reject",
	[WF_WITHDRAW] = "withdraw",
};

/* The state machine.  Anything not listed is refused. */
static const struct {
	enum wf_state	 from;
	enum wf_action	 action;
	enum wf_state	 to;
} transitions[] = {
	{ WF_DRAFT,		WF_SUBMIT,		WF_SUBMITTED },
	{ WF_CHANGES_REQUESTED,	WF_SUBMIT,		WF_SUBMITTED },
	{ WF_SUBMITTED,		WF_REVIEW,		WF_UNDER_REVIEW },
	{ WF_SUBMITTED,		WF_REQUEST_CHANGES,	WF_CHANGES_REQUESTED },
	{ WF_UNDER_REVIEW,	WF_REQUEST_CHANGES,	WF_CHANGES_REQUESTED },
	{ WF_SUBMITTED,		WF_APPROVE,		WF_APPROVED },
	{ WF_UNDER_REVIEW,	WF_APPROVE,		WF_APPROVED },
	{ WF_SUBMITTED,		WF_REJECT,		WF_REJECTED },
	{ WF_UNDER_REVIEW,	WF_REJECT,		WF_REJECTED },
	{ WF_DRAFT,		WF_WITHDRAW,		WF_WITHDRAWN },
	{ WF_SUBMITTED,		WF_WITHDRAW,		WF_WITHDRAWN },
	{ WF_UNDER_REVIEW,	WF_WITHDRAW,		WF_WITHDRAWN },
	{ WF_CHANGES_REQUESTED,	WF_WITHDRAW,		WF_WITHDRAWN },
};

/* Who may take each action (ROLE_* bits). */
static const unsigned action_roles[WF_NACTIONS] = {
	[WF_SUBMIT] = ROLE_VENDOR,
	[WF_REVIEW] = ROLE_REGULATOR,
	[WF_REQUEST_CHANGES] = ROLE_REGULATOR,
	[WF_APPROVE] = ROLE_REGULATOR,
	[WF_REJECT] = ROLE_REGULATOR,
	[WF_WITHDRAW] = ROLE_VENDOR,
};

/* The audit event each state change records. */
static const char *const action_events[WF_NACTIONS] = {
	[WF_SUBMIT] = "submitted",
	[WF_REVIEW] = "review_started",
	[WF_REQUEST_CHANGES] = "changes_requested",
	[WF_APPROVE] = "approved",
	[WF_REJECT] = "rejected",
	[WF_WITHDRAW] = "withdrawn",
};

/* The name of state s; NULL when s is no state. */
const char *
workflow_state_name(enum wf_state s)
{
	return (unsigned)s < WF_NSTATES ? state_names[s] : NULL;
}

/* 0 with *out set when name is a state, -1 otherwise. */
int
workflow_state_parse(const char *name, enum wf_state *out)
{
	for (int i = 0; name != NULL && i < WF_NSTATES; i++)
		if (strcmp(name, state_names[i]) == 0) {
			*out = (enum wf_state)i;
			return 0;
		}
	return -1;
}

/* The name of action a; NULL when a is no action. */
const char *
workflow_action_name(enum wf_action a)
{
	return (unsigned)a < WF_NACTIONS ? action_names[a] : NULL;
}

/* 0 with *out set when name is an action, -1 otherwise. */
int
workflow_action_parse(const char *name, enum wf_action *out)
{
	for (int i = 0; name != NULL && i < WF_NACTIONS; i++)
		if (strcmp(name, action_names[i]) == 0) {
			*out = (enum wf_action)i;
			return 0;
		}
	return -1;
}

/* 0 with *next set when action is allowed from state, -1 otherwise. */
int
workflow_next(enum wf_state from, enum wf_action action, enum wf_state *next)
{
	for (size_t i = 0; i < sizeof(transitions) / sizeof(transitions[0]);
	    i++)
		if (transitions[i].from == from &&
		    transitions[i].action == action) {
			*next = transitions[i].to;
			return 0;
		}
	return -1;
}

/* The audit event a state change by action records; NULL if unknown. */
const char *
workflow_action_event(enum wf_action a)
{
	return (unsigned)a < WF_NACTIONS ? action_events[a] : NULL;
}

/* The ROLE_* bits that may take action; 0 for an unknown action. */
unsigned
workflow_action_roles(enum wf_action a)
{
	return (unsigned)a < WF_NACTIONS ? action_roles[a] : 0;
}

/* The workflow state of s (WF_NSTATES if the row holds an unknown one). */
enum wf_state
workflow_state_of(const struct submission *s)
{
	enum wf_state st = WF_NSTATES;

	(void)workflow_state_parse(s->state, &st);
	return st;
}

/*
 * 1 for the final states, decided (approved, rejected) or withdrawn by the
 * vendor: nothing changes them.
 */
int
workflow_is_final(enum wf_state s)
{
	return s == WF_APPROVED || s == WF_REJECTED || s == WF_WITHDRAWN;
}

/* Declarations change only while the vendor holds the submission. */
int
workflow_may_declare(enum wf_state s)
{
	return s == WF_DRAFT || s == WF_CHANGES_REQUESTED;
}

/*
 * Labs test before the vendor submits (a third-party target tier cannot
 * be submitted without their verdicts) and may amend during review; a
 * decided submission is closed.
 */
int
workflow_may_report(enum wf_state s)
{
	return (unsigned)s < WF_NSTATES && !workflow_is_final(s);
}

/* Evidence (the vendor's, or a lab's report file) until the decision. */
int
workflow_may_upload(enum wf_state s)
{
	return (unsigned)s < WF_NSTATES && !workflow_is_final(s);
}

/*
 * The regulator assigns (or re-assigns) a lab at any time before the
 * decision; the vendor only while it holds the submission, so it cannot
 * move a submission under review away from a lab that found faults.
 */
int
workflow_may_assign_lab(enum wf_state s, enum role role)
{
	if ((unsigned)s >= WF_NSTATES || workflow_is_final(s))
		return 0;
	if (role == ROLE_REGULATOR)
		return 1;
	if (role == ROLE_VENDOR)
		return workflow_may_declare(s);
	return 0;
}

/*
 * The approval rule: a tier from 1 up to the tier the assessment
 * achieves now.  0, or -1 with the reason in err.
 */
int
workflow_check_approval(int tier, int achieved, char *err, size_t errlen)
{
	if (tier < 1) {
		snprintf(err, errlen, "an approval needs a tier of at least 1, "
		    "not %d", tier);
		return -1;
	}
	if (achieved < 1) {
		snprintf(err, errlen, "the submission achieves no tier: it "
		    "cannot be approved at tier %d", tier);
		return -1;
	}
	if (tier > achieved) {
		snprintf(err, errlen, "tier %d is above the achieved tier %d: "
		    "approve at tier %d or lower", tier, achieved, achieved);
		return -1;
	}
	return 0;
}


/*
 * The digests of a stored evidence list (space-separated, as struct
 * declaration holds them; NULL is none) as a new JSON array of strings.
 * NULL when memory runs out: never a shortened list.
 */
json_t *
workflow_digests_json(const char *list)
{
	json_t		*a = json_array();
	const char	*p = list != NULL ? list : "";

	while (a != NULL && *p != '\0') {
		size_t n = strcspn(p, " ");

		if (n > 0 && json_array_append_new(a, json_stringn(p, n)) == -1) {
			json_decref(a);
			return NULL;
		}
		p += n;
		p += strspn(p, " ");
	}
	return a;
}


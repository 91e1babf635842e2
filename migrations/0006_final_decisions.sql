-- 0006: a decided submission is final in the database too, not only in
-- workflow.c: an approved or rejected row never changes and no submission
-- is ever deleted (its label and audit trail point at it).

CREATE TRIGGER submissions_final BEFORE UPDATE ON submissions
WHEN OLD.state IN ('approved', 'rejected')
BEGIN
	SELECT RAISE(ABORT, 'a decided submission is final');
END;

CREATE TRIGGER submissions_no_delete BEFORE DELETE ON submissions
BEGIN
	SELECT RAISE(ABORT, 'submissions are never deleted');
END;

-- 0014: evidence says what it is, and a label names its successor.
--
-- Evidence says what it is.  An upload names one of the evidence
-- kinds of the submission's scheme (POST .../evidence?kind=KIND), and a
-- requirement is met only with evidence of a kind it asks for.  Files
-- uploaded before this migration said nothing: they become "document",
-- the kind an upload without ?kind= gets.
ALTER TABLE evidence ADD COLUMN kind TEXT NOT NULL DEFAULT 'document'
    CHECK (length(kind) BETWEEN 1 AND 64);

-- One active label per product version and scheme: an approval at a
-- higher tier supersedes the label in force, which keeps its credential
-- and verifies as what it was, with status superseded and its successor
-- named here (set once, with that status).
ALTER TABLE labels ADD COLUMN superseded_by TEXT REFERENCES labels(id);

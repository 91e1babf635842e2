-- 0014: evidence says what it is.  An upload names one of the evidence
-- kinds of the submission's scheme (POST .../evidence?kind=KIND), and a
-- requirement is met only with evidence of a kind it asks for.  Files
-- uploaded before this migration said nothing: they become "document",
-- the kind an upload without ?kind= gets.
ALTER TABLE evidence ADD COLUMN kind TEXT NOT NULL DEFAULT 'document'
    CHECK (length(kind) BETWEEN 1 AND 64);

-- Generations that name a prompt version keep the version's id, resolved from
-- (promptName, promptVersion) at ingestion, so per-version metrics group on an
-- indexed column and survive a later version with the same number.
ALTER TABLE observations ADD COLUMN prompt_id TEXT;
CREATE INDEX observations_project_prompt ON observations (project_id, prompt_id);

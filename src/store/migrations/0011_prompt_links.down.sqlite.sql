DROP INDEX observations_project_prompt;
ALTER TABLE observations DROP COLUMN prompt_id;

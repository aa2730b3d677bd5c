DROP TABLE prompt_draft_updates;

DROP TABLE prompt_audit;
DROP TABLE prompt_tags;
DROP TABLE prompt_labels;
DROP TABLE prompts;

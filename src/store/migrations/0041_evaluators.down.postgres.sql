DROP INDEX traces_project_created;
DROP TABLE evaluator_executions;
DROP TABLE evaluator_rules;
DROP TABLE llm_connections;

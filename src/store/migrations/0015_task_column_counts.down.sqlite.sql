DROP TRIGGER tasks_column_counts_insert;
DROP TRIGGER tasks_column_counts_update;
DROP TRIGGER tasks_column_counts_delete;
DROP TABLE task_column_counts;

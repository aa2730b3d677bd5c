DROP TRIGGER tasks_column_counts_insert ON tasks;
DROP TRIGGER tasks_column_counts_update ON tasks;
DROP TRIGGER tasks_column_counts_delete ON tasks;
DROP FUNCTION add_task_column_counts();
DROP FUNCTION move_task_column_counts();
DROP FUNCTION remove_task_column_counts();
DROP TABLE task_column_counts;

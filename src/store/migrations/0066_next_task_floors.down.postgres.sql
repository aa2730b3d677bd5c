DROP TRIGGER annotations_next_task_floors_update ON annotations;
DROP TRIGGER annotations_next_task_floors_delete ON annotations;
DROP TRIGGER tasks_next_task_floors_unlabeled ON tasks;
DROP TRIGGER tasks_next_task_floors_insert ON tasks;
DROP FUNCTION lower_floors_for_moved_annotation();
DROP FUNCTION lower_floors_for_removed_annotations();
DROP FUNCTION lower_floors_for_unlabeled_task();
DROP FUNCTION lower_floors_for_new_tasks();
DROP TABLE next_task_floors;

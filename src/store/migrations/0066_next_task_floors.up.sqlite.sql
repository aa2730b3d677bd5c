-- next_task_floors exists on PostgreSQL only (see its migration there):
-- SQLite walks past a user's annotated tasks in-process, cheaply enough.
SELECT 1;

DROP TABLE storage_task_links;
DROP TABLE storages;

DROP TABLE dm_views;
DROP TABLE task_locks;
DROP TABLE annotation_reviews;
DROP TABLE task_transitions;
ALTER TABLE tasks DROP COLUMN disagreement;
ALTER TABLE tasks DROP COLUMN state;
ALTER TABLE projects DROP COLUMN workflow;

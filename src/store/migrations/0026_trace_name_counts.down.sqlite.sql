DROP TRIGGER traces_name_count_update;
DROP TRIGGER traces_name_count_delete;
DROP TRIGGER traces_name_count_insert;
DROP TABLE trace_name_counts;

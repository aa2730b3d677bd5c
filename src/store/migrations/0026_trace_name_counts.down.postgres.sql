DROP TRIGGER traces_name_counts_delete ON traces;
DROP TRIGGER traces_name_counts_update ON traces;
DROP TRIGGER traces_name_counts_insert ON traces;
DROP FUNCTION move_trace_name_counts();
DROP FUNCTION remove_trace_name_counts();
DROP FUNCTION add_trace_name_counts();
DROP TABLE trace_name_counts;

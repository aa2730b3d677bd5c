-- Trace lists filter on one column and show the newest traces first. With the
-- timestamp in the filter's index, the first page of a user's, session's or
-- name's traces is read in order instead of sorting every match, and the
-- planner has no reason to walk the whole timestamp index instead.
DROP INDEX traces_project_user;
DROP INDEX traces_project_session;
DROP INDEX traces_project_name;
CREATE INDEX traces_project_user_timestamp ON traces (project_id, user_id, timestamp);
CREATE INDEX traces_project_session_timestamp ON traces (project_id, session_id, timestamp);
CREATE INDEX traces_project_name_timestamp ON traces (project_id, name, timestamp);

-- A tag filter reads the trace ids of one tag; with trace_id in the index
-- that read is an index-only scan.
DROP INDEX trace_tags_project_tag;
CREATE INDEX trace_tags_project_tag_trace ON trace_tags (project_id, tag, trace_id);

-- The observations and scores of a trace are read in time order (trace
-- detail, and the ids and latency of each trace in a list). With the time in
-- the trace index that read is a range scan of the trace's own rows.
DROP INDEX observations_project_trace;
CREATE INDEX observations_project_trace_start ON observations (project_id, trace_id, start_time);
DROP INDEX scores_project_trace;
CREATE INDEX scores_project_trace_timestamp ON scores (project_id, trace_id, timestamp);

-- Unlike the SQLite schema, this one keeps no per-environment trace counter:
-- its rows would serialize concurrent ingestion of a project across
-- processes, so trace-list totals are counted.

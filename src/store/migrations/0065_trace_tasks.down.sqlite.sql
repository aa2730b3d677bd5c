DROP TABLE task_trace_links;

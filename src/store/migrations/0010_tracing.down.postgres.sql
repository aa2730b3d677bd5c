DROP TABLE trace_models;
DROP TABLE score_configs;
DROP TABLE trace_sessions;
DROP TABLE scores;
DROP TABLE observations;
DROP TABLE trace_tags;
DROP TABLE traces;
DROP TABLE tracing_events;

-- Every state a dataset item has had, so items can be read as they were at
-- a time (the `version` parameter of GET /api/public/dataset-items). A row
-- is valid from valid_from until the item's next row; deleted marks the
-- row written when the item was deleted.
CREATE TABLE dataset_item_versions (
  project_id BIGINT NOT NULL,
  item_id TEXT NOT NULL,
  valid_from BIGINT NOT NULL,
  dataset_id TEXT NOT NULL,
  status TEXT NOT NULL,
  input TEXT,
  expected_output TEXT,
  metadata TEXT,
  source_trace_id TEXT,
  source_observation_id TEXT,
  created_at BIGINT NOT NULL,
  deleted BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (project_id, item_id, valid_from)
);
CREATE INDEX dataset_item_versions_dataset ON dataset_item_versions (project_id, dataset_id, valid_from);

-- Items written before this table existed start their history at their
-- last update.
INSERT INTO dataset_item_versions (project_id, item_id, valid_from, dataset_id, status, input, expected_output,
                                   metadata, source_trace_id, source_observation_id, created_at, deleted)
SELECT project_id, id, updated_at, dataset_id, status, input, expected_output, metadata, source_trace_id,
       source_observation_id, created_at, 0
FROM dataset_items;

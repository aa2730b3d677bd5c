DROP TABLE dataset_item_versions;

-- Indexes for the jobs table's foreign keys. Deleting an organization or a
-- user cascades to jobs (delete or SET NULL); without these indexes that
-- cascade scans the whole table, and PostgreSQL creates none for a foreign
-- key on its own.
CREATE INDEX jobs_organization ON jobs (organization_id);
CREATE INDEX jobs_created_by ON jobs (created_by);

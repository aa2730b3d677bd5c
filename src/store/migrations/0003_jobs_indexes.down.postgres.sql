DROP INDEX jobs_created_by;
DROP INDEX jobs_organization;

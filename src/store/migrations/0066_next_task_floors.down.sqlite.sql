-- Nothing to undo on SQLite (see the up script).
SELECT 1;

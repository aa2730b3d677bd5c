DROP TABLE ml_backends;

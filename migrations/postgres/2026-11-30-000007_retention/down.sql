DROP TABLE retention_removals;

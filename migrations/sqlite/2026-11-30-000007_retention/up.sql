-- Incidents whose personal and free-text data was removed under the retention
-- policy (Wet politiegegevens, docs/retention.md), and when: the incident's
-- classification stays, and a read says the data was removed.
CREATE TABLE retention_removals (
    incident_id TEXT PRIMARY KEY NOT NULL REFERENCES incidents(id),
    removed_at TIMESTAMP NOT NULL
);

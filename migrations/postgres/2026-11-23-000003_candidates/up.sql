-- General police incidents that look like discrimination, found by the candidate scan.
CREATE TABLE candidates (
    id TEXT PRIMARY KEY NOT NULL,
    source_reference TEXT NOT NULL UNIQUE,
    registered_at TIMESTAMP NOT NULL,
    unit TEXT NOT NULL,
    municipality TEXT,
    incident_code TEXT NOT NULL,
    narrative TEXT NOT NULL,
    matched TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    incident_id TEXT,
    found_at TIMESTAMP NOT NULL,
    decided_by TEXT,
    decided_at TIMESTAMP
);
CREATE INDEX candidates_unit_status ON candidates (unit, status);

-- Reference data: national code lists with their validity, and municipalities.
CREATE TABLE codes (
    list TEXT NOT NULL,
    code TEXT NOT NULL,
    label_nl TEXT NOT NULL,
    label_en TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE,
    replaced_by TEXT,
    PRIMARY KEY (list, code)
);

CREATE TABLE municipalities (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    unit TEXT NOT NULL
);

CREATE TABLE users (
    name TEXT PRIMARY KEY NOT NULL,
    role TEXT NOT NULL,
    scope TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Only the SHA-256 of a token is stored; the token itself is shown once.
CREATE TABLE tokens (
    id TEXT PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    user_name TEXT NOT NULL REFERENCES users(name),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    revoked_at TIMESTAMP
);

CREATE TABLE incidents (
    id TEXT PRIMARY KEY NOT NULL,
    registration_number TEXT NOT NULL UNIQUE,
    source_reference TEXT,
    registered_at TIMESTAMP NOT NULL,
    occurred_from DATE,
    occurred_to DATE,
    unit TEXT NOT NULL,
    district TEXT,
    basic_team TEXT,
    municipality TEXT REFERENCES municipalities(code),
    registration_type TEXT NOT NULL,
    channel TEXT NOT NULL,
    grounds TEXT NOT NULL,
    manifestations TEXT NOT NULL,
    domain TEXT,
    articles TEXT NOT NULL,
    victim_kind TEXT,
    suspect_known INTEGER,
    summary TEXT,
    narrative TEXT,
    status TEXT NOT NULL,
    rejection_reason TEXT,
    screened_at TIMESTAMP,
    prosecution_status TEXT,
    forwarded_on DATE,
    prosecution_updated_on DATE,
    event_id TEXT,
    version INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX incidents_unit_registered ON incidents (unit, registered_at);
CREATE INDEX incidents_registered ON incidents (registered_at);
CREATE INDEX incidents_event ON incidents (event_id);

-- Every change of an incident: who, when, and the old and new value of each field.
CREATE TABLE incident_history (
    id BIGSERIAL PRIMARY KEY,
    incident_id TEXT NOT NULL REFERENCES incidents(id),
    version INTEGER NOT NULL,
    at TIMESTAMP NOT NULL,
    user_name TEXT NOT NULL,
    action TEXT NOT NULL,
    changes TEXT NOT NULL
);
CREATE INDEX incident_history_incident ON incident_history (incident_id, version);

-- Last registration number handed out per unit and year.
CREATE TABLE registration_counters (
    unit TEXT NOT NULL,
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (unit, year)
);

-- The first answer to a request with an Idempotency-Key, returned again on a retry.
CREATE TABLE idempotency_keys (
    user_name TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    incident_id TEXT NOT NULL,
    response TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_name, key)
);

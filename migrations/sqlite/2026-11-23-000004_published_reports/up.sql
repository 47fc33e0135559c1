-- Published reports, stored exactly as published; later productions are compared to them.
CREATE TABLE published_reports (
    id TEXT PRIMARY KEY NOT NULL,
    year INTEGER NOT NULL,
    scope TEXT NOT NULL,
    publication INTEGER NOT NULL,
    published_at TIMESTAMP NOT NULL,
    published_by TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    content TEXT NOT NULL,
    UNIQUE (year, scope, publication)
);

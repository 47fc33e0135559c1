DROP TABLE idempotency_keys;
DROP TABLE registration_counters;
DROP TABLE incident_history;
DROP TABLE incidents;
DROP TABLE tokens;
DROP TABLE users;
DROP TABLE municipalities;
DROP TABLE codes;

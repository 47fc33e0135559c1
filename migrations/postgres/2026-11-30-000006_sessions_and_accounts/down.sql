DROP TABLE sign_in_failures;
DROP TABLE sign_in_flows;
DROP TABLE sessions;
ALTER TABLE tokens DROP COLUMN last_used_at;
DROP INDEX users_name_lower;
ALTER TABLE users DROP COLUMN oidc_subject;
ALTER TABLE users DROP COLUMN disabled_at;
ALTER TABLE users DROP COLUMN password_hash;

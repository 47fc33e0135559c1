-- Local accounts (issue 16): the password as an Argon2id hash in PHC string format
-- (NULL: the user signs in otherwise, with a token or through OpenID Connect), and
-- when the account was disabled (NULL: enabled).
ALTER TABLE users ADD COLUMN password_hash TEXT;
ALTER TABLE users ADD COLUMN disabled_at TIMESTAMP;
-- A person who signs in through the identity provider: the provider's `sub`, so that
-- the user name stays theirs (a local account or another subject with the same name is
-- refused). NULL for local accounts and token users.
ALTER TABLE users ADD COLUMN oidc_subject TEXT;
-- A user name is one person whatever its case (`Balie` and `balie` would read alike in
-- the audit log): enforced here, so that two first sign-ins at once cannot both win.
CREATE UNIQUE INDEX users_name_lower ON users (lower(name));

-- When a token was last used (NULL: never).
ALTER TABLE tokens ADD COLUMN last_used_at TIMESTAMP;

-- Sessions of the web pages, shared by every `dira serve` on the database. Only the
-- SHA-256 of the session id is stored; the id itself is in the browser's cookie.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY NOT NULL,
    user_name TEXT NOT NULL,
    role TEXT NOT NULL,
    scope TEXT NOT NULL,
    -- `password` (a local account) or `oidc` (the organisation's identity provider).
    method TEXT NOT NULL,
    -- Who the identity provider says signed in (`sub`); the user name for `password`.
    subject TEXT NOT NULL,
    -- The ID token, for the provider's sign-out (`id_token_hint`); NULL for `password`.
    id_token TEXT,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    -- The absolute end of the session, whatever its use.
    expires_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP,
    -- `signed_out`, `idle`, `lifetime`, `disabled`.
    end_reason TEXT
);
CREATE INDEX sessions_user ON sessions (user_name);

-- OpenID Connect sign-ins under way: what the callback must match (`state`), what the
-- ID token must carry (`nonce`) and the PKCE verifier. Keyed by the SHA-256 of the id
-- in the browser's flow cookie; used once.
CREATE TABLE sign_in_flows (
    id_hash TEXT PRIMARY KEY NOT NULL,
    state TEXT NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Failed password sign-ins per account, per address and per account and address:
-- what throttling counts (see docs/sign-in.md).
CREATE TABLE sign_in_failures (
    key TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL,
    first_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP
);

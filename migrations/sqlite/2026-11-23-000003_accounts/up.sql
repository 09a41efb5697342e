-- Accounts: organizations, users, sessions, sign-in tokens, OAuth identities, API tokens,
-- invitations and the audit log.
CREATE TABLE organizations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('sme', 'vendor')),
    name TEXT NOT NULL,
    prefecture INTEGER REFERENCES prefectures (code),
    industry TEXT,
    employee_band TEXT REFERENCES employee_bands (code),
    website TEXT,
    security_action TEXT NOT NULL DEFAULT 'none' CHECK (security_action IN ('none', 'one_star', 'two_star')),
    otasuketai_service TEXT,
    it_support_provider BOOLEAN NOT NULL DEFAULT FALSE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX organizations_name ON organizations (name);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- lower-cased: addresses are unique without regard to case
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'staff', 'member')),
    lang TEXT NOT NULL DEFAULT 'ja',
    organization_id BIGINT REFERENCES organizations (id),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    last_login_at TIMESTAMP
);
CREATE INDEX users_organization ON users (organization_id);

CREATE TABLE sessions (
    -- SHA-256 of the cookie value: a stolen database yields no usable session
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_tokens (
    token_hash TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX login_tokens_email ON login_tokens (email, created_at);

CREATE TABLE oauth_identities (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    subject TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (provider, subject)
);

CREATE TABLE oauth_flows (
    state_hash TEXT PRIMARY KEY,
    -- hash of the browser's CSRF seed: the callback must come from the same browser
    browser_hash TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    next_path TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE invitations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    invited_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP
);
CREATE INDEX invitations_organization ON invitations (organization_id);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TIMESTAMP NOT NULL,
    actor_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    -- the actor's role at the time; the person is not kept once their account is deleted
    actor_role TEXT NOT NULL,
    action TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_id TEXT,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_target ON audit_log (target_kind, target_id);

-- Nobody edits the audit log: only the removal of a deleted account's id is allowed.
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT (NEW.actor_id IS NULL AND OLD.actor_id IS NOT NULL AND NEW.at = OLD.at
          AND NEW.action = OLD.action AND NEW.target_kind = OLD.target_kind
          AND NEW.target_id IS OLD.target_id AND NEW.detail = OLD.detail)
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

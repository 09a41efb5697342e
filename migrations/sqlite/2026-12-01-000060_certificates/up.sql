-- Attendance certificates (受講証明書): one per checked-in registration, issued when first
-- downloaded, with the serial printed on it and checked at /certificates/{serial}.
CREATE TABLE certificates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    registration_id BIGINT NOT NULL UNIQUE REFERENCES registrations (id) ON DELETE CASCADE,
    serial TEXT NOT NULL UNIQUE,
    issued_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    revoked_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    revoke_reason TEXT NOT NULL DEFAULT ''
);

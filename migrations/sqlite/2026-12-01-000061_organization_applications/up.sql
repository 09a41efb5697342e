-- A signed-in person without an organization applies for one (an SME or a vendor) with what
-- staff need to judge it; staff approve (the organization is created and the person joins it)
-- or refuse with a reason. One pending application per person.
CREATE TABLE organization_applications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    prefecture INTEGER REFERENCES prefectures (code),
    industry TEXT,
    employee_band TEXT,
    website TEXT,
    security_action TEXT NOT NULL,
    -- The SECURITY ACTION self-declaration id, when declared
    security_action_id TEXT,
    otasuketai_service TEXT,
    it_support_provider BOOLEAN NOT NULL,
    -- What the applicant wants to do on the board, for staff
    note TEXT NOT NULL,
    -- pending, approved, refused
    status TEXT NOT NULL,
    -- Why staff refused (told to the applicant)
    reason TEXT,
    decided_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    decided_at TIMESTAMP,
    organization_id BIGINT REFERENCES organizations (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX organization_applications_one_pending ON organization_applications (user_id)
    WHERE status = 'pending';
CREATE INDEX organization_applications_status ON organization_applications (status, created_at);

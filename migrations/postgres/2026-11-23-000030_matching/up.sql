-- The matching board: needs of SMEs, offerings of vendors, staff pins/removals of suggestions,
-- introductions with the consent of both sides, and a trigram index for Japanese search.
CREATE TABLE matching_needs (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    -- service category codes, comma-separated (A1,B2,...)
    categories TEXT NOT NULL,
    prefecture INTEGER NOT NULL REFERENCES prefectures (code),
    onsite_needed BOOLEAN NOT NULL DEFAULT FALSE,
    employee_band TEXT NOT NULL REFERENCES employee_bands (code),
    device_count INTEGER NOT NULL DEFAULT 0,
    budget_band TEXT NOT NULL DEFAULT 'unknown',
    wants_subsidy BOOLEAN NOT NULL DEFAULT FALSE,
    urgency TEXT NOT NULL DEFAULT 'considering' CHECK (urgency IN ('considering', 'within_3_months', 'immediate')),
    sector TEXT NOT NULL DEFAULT 'other',
    show_name BOOLEAN NOT NULL DEFAULT FALSE,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'in_review', 'published', 'rejected', 'closed', 'fulfilled', 'expired')),
    reject_reason TEXT,
    -- NFKC + lower-case text of title, description and labels, kept by the application
    search_text TEXT NOT NULL DEFAULT '',
    published_at TIMESTAMP,
    expires_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX matching_needs_status ON matching_needs (status, expires_at);
CREATE INDEX matching_needs_organization ON matching_needs (organization_id);

CREATE TABLE matching_offerings (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    categories TEXT NOT NULL,
    -- JIS codes, comma-separated
    onsite_prefectures TEXT NOT NULL DEFAULT '',
    remote_ok BOOLEAN NOT NULL DEFAULT TRUE,
    price_model TEXT NOT NULL CHECK (price_model IN ('monthly_per_network', 'per_device', 'one_off', 'quote')),
    -- yen; per month for monthly models, per device and month for per_device
    price_amount INTEGER,
    target_bands TEXT NOT NULL DEFAULT '',
    sectors TEXT NOT NULL DEFAULT '',
    otasuketai_type TEXT CHECK (otasuketai_type IN ('network', 'endpoint', 'both')),
    otasuketai_valid_until TIMESTAMP,
    subsidy_fiscal_year INTEGER,
    certifications TEXT NOT NULL DEFAULT '',
    languages TEXT NOT NULL DEFAULT 'ja',
    capacity TEXT NOT NULL DEFAULT 'open' CHECK (capacity IN ('open', 'limited', 'full')),
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'in_review', 'published', 'rejected', 'closed', 'fulfilled', 'expired')),
    reject_reason TEXT,
    search_text TEXT NOT NULL DEFAULT '',
    published_at TIMESTAMP,
    reconfirm_by TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX matching_offerings_status ON matching_offerings (status, reconfirm_by);
CREATE INDEX matching_offerings_organization ON matching_offerings (organization_id);

CREATE TABLE matching_suggestion_overrides (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    need_id BIGINT NOT NULL REFERENCES matching_needs (id) ON DELETE CASCADE,
    offering_id BIGINT NOT NULL REFERENCES matching_offerings (id) ON DELETE CASCADE,
    action TEXT NOT NULL CHECK (action IN ('pin', 'remove')),
    note TEXT NOT NULL,
    staff_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (need_id, offering_id)
);

CREATE TABLE matching_introductions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    need_id BIGINT NOT NULL REFERENCES matching_needs (id) ON DELETE CASCADE,
    offering_id BIGINT NOT NULL REFERENCES matching_offerings (id) ON DELETE CASCADE,
    requested_by TEXT NOT NULL CHECK (requested_by IN ('sme', 'vendor')),
    stage TEXT NOT NULL DEFAULT 'requested',
    decline_reason TEXT,
    -- the people whose name and email are revealed once both sides consented
    sme_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    vendor_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    sme_consent_at TIMESTAMP,
    vendor_consent_at TIMESTAMP,
    -- JSON array of {"stage","at","by"}
    history TEXT NOT NULL DEFAULT '[]',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (need_id, offering_id)
);
CREATE INDEX matching_introductions_offering ON matching_introductions (offering_id, created_at);

-- Trigram indexes make LIKE '%term%' on the normalized text fast (terms of 3+ characters).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX matching_needs_search ON matching_needs USING gin (search_text gin_trgm_ops);
CREATE INDEX matching_offerings_search ON matching_offerings USING gin (search_text gin_trgm_ops);

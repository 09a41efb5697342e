-- Seminars and their registrations (capacity per mode, waitlist, check-in).
CREATE TABLE seminars (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    body_md TEXT NOT NULL DEFAULT '',
    industry TEXT NOT NULL REFERENCES industries (code),
    prefecture INTEGER NOT NULL REFERENCES prefectures (code),
    format TEXT NOT NULL CHECK (format IN ('online', 'onsite', 'hybrid')),
    venue TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    -- shown only to confirmed registrants
    online_url TEXT NOT NULL DEFAULT '',
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    registration_opens_at TIMESTAMP,
    registration_closes_at TIMESTAMP NOT NULL,
    capacity_onsite INTEGER NOT NULL DEFAULT 0 CHECK (capacity_onsite >= 0),
    capacity_online INTEGER NOT NULL DEFAULT 0 CHECK (capacity_online >= 0),
    -- JSON lists of names
    hosts TEXT NOT NULL DEFAULT '[]',
    cohosts TEXT NOT NULL DEFAULT '[]',
    speakers TEXT NOT NULL DEFAULT '[]',
    fee TEXT NOT NULL DEFAULT '無料',
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'cancelled')),
    -- iCalendar SEQUENCE, bumped on every change
    sequence INTEGER NOT NULL DEFAULT 0,
    -- JSON list of extra questions
    questions TEXT NOT NULL DEFAULT '[]',
    -- code online attendees enter to check themselves in
    attendance_code TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX seminars_starts_at ON seminars (status, starts_at);

CREATE TABLE registrations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    seminar_id BIGINT NOT NULL REFERENCES seminars (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    company TEXT NOT NULL DEFAULT '',
    -- lower-cased on input
    email TEXT NOT NULL,
    prefecture INTEGER REFERENCES prefectures (code),
    industry TEXT NOT NULL DEFAULT '',
    employee_band TEXT REFERENCES employee_bands (code),
    mode TEXT NOT NULL CHECK (mode IN ('onsite', 'online')),
    -- JSON object: question index -> answer
    answers TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
    -- order on the waitlist (smaller first); set when waitlisted
    waitlist_seq BIGINT,
    checked_in_at TIMESTAMP,
    -- SHA-256 of the personal link's token
    token_hash TEXT NOT NULL UNIQUE,
    lang TEXT NOT NULL DEFAULT 'ja',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX registrations_seminar_email ON registrations (seminar_id, lower(email));
CREATE INDEX registrations_seminar_status ON registrations (seminar_id, mode, status);
CREATE INDEX registrations_email ON registrations (email);

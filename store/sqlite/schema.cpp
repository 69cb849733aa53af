#include "store/sqlite/schema.hpp"

#include <array>
#include <string>

namespace sekisho::store::sqlite {

namespace {

// Migration i brings the file from user_version i to i + 1. Append only; never edit a
// released step, add the change as a new one.
constexpr std::array<const char*, 7> kMigrations = {
    R"sql(
-- Incremented by every write transaction; the gateway polls it to know when to reload.
CREATE TABLE registry_revision (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    revision INTEGER NOT NULL
);
INSERT INTO registry_revision (id, revision) VALUES (1, 0);

CREATE TABLE devices (
    id         TEXT PRIMARY KEY,
    facility   TEXT NOT NULL,
    name       TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'revoked')),
    -- When the status last changed: the certificateHold date of a suspended device.
    status_since INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX devices_by_facility ON devices (facility, name);

CREATE TABLE certificates (
    serial_hex         TEXT PRIMARY KEY,
    fingerprint_sha256 TEXT NOT NULL UNIQUE,
    device_id          TEXT NOT NULL REFERENCES devices (id),
    not_before         INTEGER NOT NULL,
    not_after          INTEGER NOT NULL,
    issued_at          INTEGER NOT NULL,
    issuer             TEXT NOT NULL,
    status_reason      TEXT NOT NULL DEFAULT '',
    revoked_at         INTEGER
);
CREATE INDEX certificates_by_device ON certificates (device_id);
CREATE INDEX certificates_by_issuer ON certificates (issuer);

-- The one-time code is not here: only SHA-256(salt || id ":" code) and the salt.
CREATE TABLE tickets (
    id              TEXT PRIMARY KEY,
    facility        TEXT NOT NULL,
    device_name     TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    max_uses        INTEGER NOT NULL CHECK (max_uses >= 1),
    uses            INTEGER NOT NULL DEFAULT 0,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked          INTEGER NOT NULL DEFAULT 0,
    device_id       TEXT REFERENCES devices (id),
    code_salt_hex   TEXT NOT NULL,
    code_hash_hex   TEXT NOT NULL
);

-- AUTOINCREMENT: a sequence number is never reused, so readers can resume from the last seen.
CREATE TABLE ledger (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    at      INTEGER NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,
    reason  TEXT NOT NULL,
    details TEXT NOT NULL
);
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only: rows cannot be changed');
END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only: rows cannot be deleted');
END;
)sql",
    R"sql(
-- People who log in (issue 4). Ids are unique regardless of case: "Alice" and "alice" are
-- one account, so that look-alike accounts cannot be made.
CREATE TABLE users (
    id                   TEXT PRIMARY KEY COLLATE NOCASE,
    display_name         TEXT NOT NULL,
    facility             TEXT NOT NULL,
    roles                TEXT NOT NULL, -- space-separated, in the order given
    status               TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
    password_hash        TEXT NOT NULL, -- Argon2id encoded form, never the password
    must_change          INTEGER NOT NULL,
    last_login_at        INTEGER,
    last_login_from      TEXT,
    failed_since_success INTEGER NOT NULL DEFAULT 0,
    last_failed_at       INTEGER,
    locked_until         INTEGER,
    break_glass          INTEGER NOT NULL DEFAULT 0,
    break_glass_until    INTEGER,
    created_at           INTEGER NOT NULL,
    created_by           TEXT NOT NULL,
    updated_at           INTEGER NOT NULL,
    updated_by           TEXT NOT NULL
);
CREATE INDEX users_by_facility ON users (facility, id);

-- The current and recent password hashes of each user, newest with the highest seq.
CREATE TABLE password_history (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       TEXT NOT NULL COLLATE NOCASE REFERENCES users (id),
    password_hash TEXT NOT NULL,
    set_at        INTEGER NOT NULL
);
CREATE INDEX password_history_by_user ON password_history (user_id, seq);

-- Failed logins since the last success, unlock or lock: the sliding lockout window.
CREATE TABLE login_failures (
    user_id TEXT NOT NULL COLLATE NOCASE REFERENCES users (id),
    at      INTEGER NOT NULL
);
CREATE INDEX login_failures_by_user ON login_failures (user_id, at);
)sql",
    R"sql(
-- Raised by every change after which the user's sessions must not go on (an administrator's
-- password reset, a disable): a session made under an older epoch ends (issue 12).
ALTER TABLE users ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;
)sql",
    R"sql(
-- When the gateway last admitted the device (issue 16, periodic review): coarse, written in
-- batches off the hot path; NULL = never seen.
ALTER TABLE devices ADD COLUMN last_seen_at INTEGER;
)sql",
    R"sql(
-- The traceable fallback for a lost or stolen terminal (REQUIREMENTS threat 4): a ticket may
-- yield a temporary credential, a certificate valid for temporary_validity seconds (NULL: an
-- ordinary ticket), and the device it enrols is marked temporary for good.
ALTER TABLE tickets ADD COLUMN temporary_validity INTEGER;
ALTER TABLE devices ADD COLUMN is_temporary INTEGER NOT NULL DEFAULT 0;
)sql",
    R"sql(
-- Incident records (issue 16): opened, noted, tied to alert.fired records of the audit trail
-- (by seq and the SHA-256 of the record's line), closed. Every change is in the ledger too.
CREATE TABLE incidents (
    id         TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    facility   TEXT NOT NULL, -- '' for the whole service
    severity   TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    opened_at  INTEGER NOT NULL,
    opened_by  TEXT NOT NULL,
    closed_at  INTEGER,
    closed_by  TEXT NOT NULL,
    resolution TEXT NOT NULL
);
CREATE INDEX incidents_by_opening ON incidents (opened_at);
CREATE TABLE incident_notes (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    text        TEXT NOT NULL
);
CREATE INDEX incident_notes_by_incident ON incident_notes (incident_id, seq);
CREATE TABLE incident_alerts (
    incident_id   TEXT NOT NULL REFERENCES incidents (id),
    audit_seq     INTEGER NOT NULL,
    record_sha256 TEXT NOT NULL,
    fired_at      TEXT NOT NULL,
    rule          TEXT NOT NULL,
    facilities    TEXT NOT NULL,
    summary       TEXT NOT NULL,
    linked_at     INTEGER NOT NULL,
    linked_by     TEXT NOT NULL,
    PRIMARY KEY (incident_id, record_sha256)
);
)sql",
    R"sql(
-- A fleet of a million terminals (issue 18): the dashboard's terminals about to expire and
-- its locked accounts found by date, not by reading every row.
CREATE INDEX certificates_by_not_after ON certificates (not_after);
CREATE INDEX users_by_locked_until ON users (locked_until);
-- When a later certificate of the same device was issued (the earliest such): renewal
-- supersedes a certificate renewal_overlap after it, found through the partial index among
-- the few that wait for it rather than by searching every certificate.
ALTER TABLE certificates ADD COLUMN superseded_from INTEGER;
UPDATE certificates SET superseded_from = (SELECT MIN(n.issued_at) FROM certificates n
    WHERE n.device_id = certificates.device_id AND n.rowid > certificates.rowid);
CREATE INDEX certificates_superseded ON certificates (superseded_from)
    WHERE superseded_from IS NOT NULL AND revoked_at IS NULL;
-- What a CRL lists: the revoked certificates, and those of suspended devices (holds).
CREATE INDEX certificates_revoked ON certificates (issuer, not_after) WHERE revoked_at IS NOT NULL;
CREATE INDEX devices_suspended ON devices (id) WHERE status = 'suspended';
)sql",
};

int user_version(Database& db) {
    Statement query(db, "PRAGMA user_version", "read the schema version");
    query.step();
    return static_cast<int>(query.integer(0));
}

} // namespace

int schema_version(Database& db) {
    return user_version(db);
}

int current_schema_version() {
    return static_cast<int>(kMigrations.size());
}

void migrate(Database& db) {
    // Fast path without the write lock: the usual open of an up-to-date file.
    if (user_version(db) == current_schema_version()) return;
    for (;;) {
        Transaction tx(db, Transaction::Kind::write, "migrate the schema");
        // Read inside the write lock: another process may have migrated meanwhile.
        int version = user_version(db);
        if (version > current_schema_version()) {
            db.fail("open", "schema version " + std::to_string(version) +
                                " is newer than this build understands (" +
                                std::to_string(current_schema_version()) + "); use a newer Sekisho");
        }
        if (version == current_schema_version()) return;
        db.exec(kMigrations[static_cast<std::size_t>(version)],
                "migrate the schema to version " + std::to_string(version + 1));
        db.exec("PRAGMA user_version = " + std::to_string(version + 1),
                "record schema version " + std::to_string(version + 1));
        tx.commit();
    }
}

} // namespace sekisho::store::sqlite

/*
 * schema.c — the database schema as an ordered list of migrations.
 *
 * Invariants: PRAGMA user_version is the number of migrations applied; a
 * migration is never edited once released, only followed by a new one; each
 * runs in its own transaction, so a crash leaves the schema at a whole
 * version. Every column here is classified in privacy/pi_decl.h as personal
 * data or not; a unit test fails on a column that is not.
 */
#include "store/db.h"
#include "base/mem.h"
#include <stdio.h>

static const char *const migrations[] = {
    /* 1: accounts, sessions, codes, rate limits, policy, consent, staff, audit */
    "CREATE TABLE users ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT," /* never reused: audit entries name ids */
    "  phone_bi BLOB NOT NULL UNIQUE,"
    "  phone BLOB NOT NULL,"
    "  dek BLOB NOT NULL,"
    "  username_bi BLOB UNIQUE,"
    "  username BLOB, nickname BLOB, city BLOB, hometown BLOB, occupation BLOB,"
    "  position BLOB, interests BLOB, email BLOB, qq BLOB,"
    "  password_hash TEXT,"
    "  status TEXT NOT NULL DEFAULT 'active',"
    "  policy_version INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE TABLE sessions ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  token_hash BLOB NOT NULL UNIQUE,"
    "  created_at INTEGER NOT NULL,"
    "  last_seen INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL,"
    "  ip BLOB, user_agent BLOB);"
    "CREATE INDEX sessions_by_user ON sessions(user_id);"
    "CREATE TABLE sms_codes ("
    "  id INTEGER PRIMARY KEY,"
    "  phone_bi BLOB NOT NULL,"
    "  purpose TEXT NOT NULL,"
    "  code_hash BLOB NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL,"
    "  tries INTEGER NOT NULL DEFAULT 0,"
    "  used INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX sms_codes_by_phone ON sms_codes(phone_bi, purpose, created_at);"
    "CREATE TABLE rate_limits ("
    "  key BLOB PRIMARY KEY,"
    "  window_start INTEGER NOT NULL,"
    "  count INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE policy_versions ("
    "  id INTEGER PRIMARY KEY,"
    "  version TEXT NOT NULL UNIQUE,"
    "  major INTEGER NOT NULL,"
    "  published_at INTEGER NOT NULL,"
    "  summary TEXT NOT NULL);"
    "INSERT INTO policy_versions(id, version, major, published_at, summary) VALUES"
    "  (1, '1.0', 1, 1793491200, '邻里个人信息保护政策首次发布');"
    "CREATE TABLE consents ("
    "  id INTEGER PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  purpose TEXT NOT NULL,"
    "  policy_version INTEGER REFERENCES policy_versions(id),"
    "  granted INTEGER NOT NULL,"
    "  at INTEGER NOT NULL);"
    "CREATE INDEX consents_by_user ON consents(user_id, purpose, at);"
    "CREATE TABLE staff_roles ("
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  role TEXT NOT NULL CHECK (role IN ('admin','moderator','support','auditor')),"
    "  granted_at INTEGER NOT NULL,"
    "  PRIMARY KEY (user_id, role)) WITHOUT ROWID;"
    "CREATE TABLE audit_log ("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  event TEXT NOT NULL,"
    "  actor INTEGER,"
    "  subject INTEGER,"
    "  client BLOB,"
    "  detail TEXT NOT NULL,"
    "  prev BLOB NOT NULL,"
    "  hash BLOB NOT NULL);"
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log"
    "  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
    "CREATE TRIGGER audit_log_kept_180_days BEFORE DELETE ON audit_log"
    "  WHEN old.at > unixepoch() - 15552000"
    "  BEGIN SELECT RAISE(ABORT, 'audit entries are kept 180 days'); END;",

    /* 2: listings, their search and nearby indexes, photos, reports, blocklist, footprints */
    "CREATE TABLE listings ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  category TEXT NOT NULL,"
    "  subcategory TEXT,"
    "  title TEXT NOT NULL,"
    "  description TEXT NOT NULL,"
    "  attrs TEXT NOT NULL DEFAULT '{}',"
    "  price_fen INTEGER,"
    "  city INTEGER NOT NULL,"
    "  district INTEGER,"
    "  lat REAL, lng REAL,"
    "  contact_phone BLOB, contact_email BLOB, address BLOB, plate BLOB,"
    "  owner_name BLOB, owner_id_number BLOB, ownership_doc BLOB,"
    "  status TEXT NOT NULL CHECK (status IN ('pending','published','hidden','rejected','expired','removed')),"
    "  moderation_note TEXT,"
    "  report_count INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL);"
    "CREATE INDEX listings_browse ON listings(city, category, status, id);"
    "CREATE INDEX listings_city ON listings(city, status, id);"
    "CREATE INDEX listings_by_user ON listings(user_id, id);"
    "CREATE INDEX listings_by_status ON listings(status, id);"
    /* contentless: the text lives in listings; deletes pass the old values */
    "CREATE VIRTUAL TABLE listings_fts USING fts5(title, description, tags, content='', tokenize='linli');"
    "CREATE VIRTUAL TABLE listings_geo USING rtree(id, min_lat, max_lat, min_lng, max_lng, +category);"
    "CREATE TABLE listing_reports ("
    "  listing_id INTEGER NOT NULL REFERENCES listings(id) ON DELETE CASCADE,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  reason TEXT NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  PRIMARY KEY (listing_id, user_id)) WITHOUT ROWID;"
    "CREATE TABLE blocklist ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('word','url')),"
    "  pattern TEXT NOT NULL,"
    "  added_at INTEGER NOT NULL,"
    "  UNIQUE (kind, pattern));"
    "CREATE TABLE listing_photos ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  listing_id INTEGER NOT NULL REFERENCES listings(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL UNIQUE,"
    "  width INTEGER NOT NULL, height INTEGER NOT NULL, bytes INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX listing_photos_by_listing ON listing_photos(listing_id, id);"
    "CREATE TABLE browse_history ("
    "  id INTEGER PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  listing_id INTEGER NOT NULL,"
    "  ip BLOB,"
    "  at INTEGER NOT NULL);"
    "CREATE INDEX browse_history_by_user ON browse_history(user_id, at);"
    "CREATE INDEX browse_history_by_time ON browse_history(at);"
    "CREATE TABLE search_history ("
    "  id INTEGER PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  query BLOB NOT NULL,"
    "  ip BLOB,"
    "  at INTEGER NOT NULL);"
    "CREATE INDEX search_history_by_user ON search_history(user_id, at);"
    "CREATE INDEX search_history_by_time ON search_history(at);"
    "INSERT INTO blocklist(kind, pattern, added_at) VALUES"
    "  ('word', '代开发票', 0), ('word', '刷单', 0), ('word', '套现', 0),"
    "  ('url', 'bit.ly', 0), ('url', 't.cn', 0);",

    /* 3: minors and guardians, the message centre, breach incidents, sharing records and partners */
    "ALTER TABLE users ADD COLUMN birth_year INTEGER;"
    "ALTER TABLE users ADD COLUMN guardian_phone BLOB;"
    "ALTER TABLE users ADD COLUMN guardian_consent_at INTEGER;"
    "ALTER TABLE users ADD COLUMN held_since INTEGER;"
    "CREATE TABLE messages ("
    "  id INTEGER PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL,"
    "  title TEXT NOT NULL,"
    "  body TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  read_at INTEGER);"
    "CREATE INDEX messages_by_user ON messages(user_id, id);"
    "CREATE TABLE incidents ("
    "  id INTEGER PRIMARY KEY,"
    "  title TEXT NOT NULL,"
    "  what TEXT NOT NULL,"
    "  occurred_at INTEGER NOT NULL,"
    "  fields TEXT NOT NULL,"
    "  remedies TEXT NOT NULL,"
    "  advice TEXT NOT NULL,"
    "  created_by INTEGER,"
    "  created_at INTEGER NOT NULL);"
    "CREATE TABLE incident_users ("
    "  incident_id INTEGER NOT NULL REFERENCES incidents(id),"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  notified_at INTEGER,"
    "  PRIMARY KEY (incident_id, user_id)) WITHOUT ROWID;"
    "CREATE TABLE partners ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  purpose TEXT NOT NULL,"
    "  region TEXT NOT NULL,"
    "  fields TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL);"
    "CREATE TABLE shares ("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  recipient TEXT NOT NULL,"
    "  region TEXT NOT NULL,"
    "  fields TEXT NOT NULL,"
    "  basis TEXT NOT NULL,"
    "  reference TEXT,"
    "  user_id INTEGER,"
    "  records INTEGER NOT NULL DEFAULT 1);"
    "CREATE INDEX shares_by_user ON shares(user_id, at);",

    /* real-name verification and the verified date of birth (C1, H1) */
    "ALTER TABLE users ADD COLUMN birth_date INTEGER;"
    "CREATE TABLE verifications ("
    "  user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
    "  name BLOB NOT NULL,"
    "  id_number BLOB NOT NULL,"
    "  bank_card BLOB,"
    "  method TEXT NOT NULL,"
    "  verified_at INTEGER NOT NULL);",

    /* employers' organisations, reviewed by staff (C7) */
    "CREATE TABLE organizations ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  user_id INTEGER NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL,"
    "  credit_code BLOB NOT NULL,"
    "  licence BLOB,"
    "  status TEXT NOT NULL CHECK (status IN ('pending','approved','rejected')),"
    "  review_note TEXT,"
    "  reviewed_at INTEGER,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE INDEX organizations_by_status ON organizations(status, id);",

    /* resumes, applications (a resume shared with one employer) and interviews (C6, C11, E5) */
    "CREATE TABLE resumes ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  visibility TEXT NOT NULL DEFAULT 'applied' CHECK (visibility IN ('applied','public','hidden')),"
    "  name BLOB NOT NULL, phone BLOB NOT NULL, email BLOB, education BLOB, experience BLOB, salary BLOB,"
    "  position TEXT NOT NULL,"
    "  city INTEGER NOT NULL,"
    "  years INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE INDEX resumes_by_user ON resumes(user_id, id);"
    "CREATE INDEX resumes_by_visibility ON resumes(visibility, id);"
    "CREATE INDEX resumes_public ON resumes(visibility, city, id);"
    "CREATE TABLE applications ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  listing_id INTEGER NOT NULL REFERENCES listings(id) ON DELETE CASCADE,"
    "  resume_id INTEGER NOT NULL REFERENCES resumes(id) ON DELETE CASCADE,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  employer_id INTEGER NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('submitted','viewed','interview','rejected','withdrawn')),"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  UNIQUE (listing_id, resume_id));"
    "CREATE INDEX applications_by_listing ON applications(listing_id, id);"
    "CREATE INDEX applications_by_user ON applications(user_id, id);"
    "CREATE INDEX applications_by_resume ON applications(resume_id, employer_id);"
    "CREATE TABLE interviews ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  application_id INTEGER NOT NULL UNIQUE REFERENCES applications(id) ON DELETE CASCADE,"
    "  starts_at INTEGER NOT NULL,"
    "  minutes INTEGER NOT NULL,"
    "  place TEXT NOT NULL,"
    "  note TEXT,"
    "  status TEXT NOT NULL CHECK (status IN ('proposed','accepted','declined')),"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL);",
};

int db_schema_version(db_t *db)
{
    sqlite3_stmt *st = db_stmt(db, "PRAGMA user_version");
    int v = -1;
    if (st && sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
    if (st) sqlite3_reset(st);
    return v;
}

int db_migrate(db_t *db)
{
    int have = db_schema_version(db);
    if (have < 0) return -1;
    if ((size_t)have > ARRAY_LEN(migrations)) {
        log_error(NULL, "database schema %d is newer than this linli (%zu)", have, ARRAY_LEN(migrations));
        return -1;
    }
    for (size_t v = (size_t)have; v < ARRAY_LEN(migrations); v++) {
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version=%zu;", v + 1);
        if (db_begin(db) || db_exec(db, migrations[v]) || db_exec(db, pragma) || db_commit(db)) {
            db_rollback(db);
            return -1;
        }
    }
    return 0;
}

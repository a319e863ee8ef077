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

    /* 4: the read side of listings (listing_index.h): full-text rowids counting down, the category as a
     * dimension of the nearby tree, the summary cards; rebuilt from the listings rows by the task */
    "DROP TABLE listings_fts;"
    "CREATE VIRTUAL TABLE listings_fts USING fts5(title, description, tags, content='', tokenize='linli');"
    "DROP TABLE listings_geo;"
    "CREATE VIRTUAL TABLE listings_geo USING rtree(id, min_lat, max_lat, min_lng, max_lng, min_cat, max_cat);"
    "CREATE TABLE listing_cards ("
    "  id INTEGER PRIMARY KEY REFERENCES listings(id) ON DELETE CASCADE,"
    "  city INTEGER NOT NULL,"
    "  category TEXT NOT NULL,"
    "  expires_at INTEGER NOT NULL,"
    "  card TEXT NOT NULL,"
    "  detail TEXT NOT NULL);"
    "CREATE INDEX listing_cards_browse ON listing_cards(city, category, id);"
    "CREATE INDEX listing_cards_city ON listing_cards(city, id);"
    /* nearby, newest first: a listing's point under its 0.1-degree cell, once with its category and once
     * with 0 (any); each cell walks its ids downwards and SQLite merges the cells (search.c) */
    "CREATE TABLE listings_near ("
    "  cell INTEGER NOT NULL,"
    "  cat INTEGER NOT NULL,"
    "  id INTEGER NOT NULL,"
    "  lat REAL NOT NULL,"
    "  lng REAL NOT NULL,"
    "  PRIMARY KEY (cell, cat, id)) WITHOUT ROWID;"
    "CREATE TABLE schema_tasks (task TEXT PRIMARY KEY) WITHOUT ROWID;"
    "INSERT INTO schema_tasks VALUES ('reindex_listings');",

    /* 5: wrapped data keys move to the key store (keys.db, attached by db_open), out of data backups (G4, F7) */
    "INSERT OR IGNORE INTO keys.deks(user_id, dek, created_at) SELECT id, dek, created_at FROM users;"
    "ALTER TABLE users DROP COLUMN dek;",

    /* 6: the breach-notice SMS still to send, for the background sweep (F8) */
    "CREATE INDEX incident_users_pending ON incident_users(incident_id, user_id) WHERE notified_at IS NULL;",

    /* 7: each policy version's content as published, so past versions read as they were (H4) */
    "CREATE TABLE policy_texts ("
    "  policy_id INTEGER PRIMARY KEY REFERENCES policy_versions(id),"
    "  taken_at INTEGER NOT NULL,"
    "  snapshot TEXT NOT NULL);",

    /* 8: home services (JX): merchants reviewed by staff, their service offerings and the districts they serve */
    "CREATE TABLE merchants ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT," /* never reused: orders keep naming it */
    "  user_id INTEGER NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL,"
    "  city INTEGER NOT NULL,"
    "  license_no BLOB NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('pending','approved','rejected')),"
    "  review_note TEXT,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE INDEX merchants_by_status ON merchants(status, id);"
    "CREATE TABLE services ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  merchant_id INTEGER NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,"
    "  category TEXT NOT NULL,"
    "  title TEXT NOT NULL,"
    "  description TEXT NOT NULL,"
    "  price_fen INTEGER NOT NULL CHECK (price_fen > 0),"
    "  unit TEXT NOT NULL,"
    "  city INTEGER NOT NULL,"
    "  lat REAL NOT NULL, lng REAL NOT NULL,"
    "  radius_km REAL,"
    "  reach_km REAL NOT NULL,"
    "  slots TEXT NOT NULL,"
    "  status TEXT NOT NULL DEFAULT 'active',"
    "  orders INTEGER NOT NULL DEFAULT 0,"
    "  rating_sum INTEGER NOT NULL DEFAULT 0,"
    "  rating_count INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE INDEX services_by_merchant ON services(merchant_id);"
    "CREATE INDEX services_by_lat ON services(lat);"
    "CREATE INDEX services_by_city ON services(city);"
    "CREATE TABLE service_districts ("
    "  district INTEGER NOT NULL,"
    "  service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,"
    "  PRIMARY KEY (district, service_id)) WITHOUT ROWID;"
    "CREATE INDEX service_districts_by_service ON service_districts(service_id);",

    /* 9: home-service orders (C8, E6): the customer's address and phone sealed with the customer's key */
    "CREATE TABLE orders ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  number TEXT NOT NULL UNIQUE,"
    "  customer_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
    "  merchant_id INTEGER NOT NULL," /* no foreign key: the transaction record outlives the merchant's account */
    "  service_id INTEGER NOT NULL,"
    "  category TEXT NOT NULL,"
    "  item TEXT NOT NULL,"
    "  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),"
    "  city INTEGER NOT NULL,"
    "  district INTEGER,"
    "  slot_at INTEGER NOT NULL,"
    "  address BLOB,"
    "  phone BLOB,"
    "  status TEXT NOT NULL,"
    "  idem_key TEXT,"
    "  revealed_at INTEGER,"
    "  created_at INTEGER NOT NULL,"
    "  paid_at INTEGER, accepted_at INTEGER, started_at INTEGER, completed_at INTEGER, closed_at INTEGER,"
    "  updated_at INTEGER NOT NULL,"
    "  UNIQUE (customer_id, idem_key));"
    "CREATE INDEX orders_by_customer ON orders(customer_id, id);"
    "CREATE INDEX orders_by_merchant ON orders(merchant_id, id);",

    /* 10: payments through a provider (C5), the double-entry ledger, and the sandbox provider's own records */
    "CREATE TABLE payments ("
    "  id INTEGER PRIMARY KEY,"
    "  order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,"
    "  provider TEXT NOT NULL,"
    "  trade_no TEXT NOT NULL,"
    "  pay_url TEXT NOT NULL,"
    "  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),"
    "  status TEXT NOT NULL CHECK (status IN ('pending','paid','refunded')),"
    "  created_at INTEGER NOT NULL, paid_at INTEGER, refund_requested_at INTEGER, refunded_at INTEGER,"
    "  UNIQUE (provider, trade_no));"
    "CREATE INDEX payments_by_order ON payments(order_id);"
    "CREATE TABLE ledger ("
    "  id INTEGER PRIMARY KEY,"
    "  txn TEXT NOT NULL,"
    "  account TEXT NOT NULL,"
    "  amount_fen INTEGER NOT NULL,"
    "  order_id INTEGER,"
    "  at INTEGER NOT NULL,"
    "  UNIQUE (txn, account));"
    "CREATE TRIGGER ledger_append_only BEFORE UPDATE ON ledger BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;"
    "CREATE TABLE sandbox_trades ("
    "  id INTEGER PRIMARY KEY,"
    "  request TEXT NOT NULL,"
    "  order_no TEXT NOT NULL,"
    "  item TEXT NOT NULL,"
    "  amount_fen INTEGER NOT NULL,"
    "  status TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL, paid_at INTEGER, refunded_at INTEGER);"
    "CREATE TABLE sandbox_notices ("
    "  id INTEGER PRIMARY KEY,"
    "  body TEXT NOT NULL,"
    "  signature TEXT NOT NULL,"
    "  due_at INTEGER NOT NULL,"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  delivered_at INTEGER);"
    "CREATE INDEX sandbox_notices_due ON sandbox_notices(delivered_at, due_at);",

    /* 11: chat (C10): conversations about a subject (a listing; later an order), their members, messages,
     * voice notes and reports; a conversation outlives a member who leaves (see chat.h) */
    "CREATE TABLE chat_conversations ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  subject_kind TEXT NOT NULL,"
    "  subject_id INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX chat_conversations_by_subject ON chat_conversations(subject_kind, subject_id);"
    "CREATE TABLE chat_members ("
    "  conversation_id INTEGER NOT NULL REFERENCES chat_conversations(id) ON DELETE CASCADE,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  role TEXT NOT NULL CHECK (role IN ('starter','owner')),"
    "  last_at INTEGER NOT NULL,"
    "  read_upto INTEGER NOT NULL DEFAULT 0,"
    "  blocked INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (conversation_id, user_id)) WITHOUT ROWID;"
    "CREATE INDEX chat_members_by_user ON chat_members(user_id, last_at, conversation_id);"
    "CREATE INDEX chat_members_by_time ON chat_members(last_at);"
    "CREATE TABLE chat_messages ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  conversation_id INTEGER NOT NULL REFERENCES chat_conversations(id) ON DELETE CASCADE,"
    "  sender_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL CHECK (kind IN ('text','voice')),"
    "  body BLOB NOT NULL,"
    "  shared INTEGER NOT NULL DEFAULT 0,"
    "  audio_type TEXT,"
    "  duration_ms INTEGER,"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX chat_messages_by_conversation ON chat_messages(conversation_id, id);"
    "CREATE INDEX chat_messages_by_sender ON chat_messages(sender_id);"
    "CREATE INDEX chat_messages_by_time ON chat_messages(created_at);"
    "CREATE TABLE chat_voice ("
    "  message_id INTEGER PRIMARY KEY REFERENCES chat_messages(id) ON DELETE CASCADE,"
    "  audio BLOB NOT NULL,"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX chat_voice_by_time ON chat_voice(created_at);"
    "CREATE TABLE chat_reports ("
    "  id INTEGER PRIMARY KEY,"
    "  conversation_id INTEGER NOT NULL REFERENCES chat_conversations(id) ON DELETE CASCADE,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  reason TEXT NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  UNIQUE (conversation_id, user_id));",

    /* 12: customer service tickets and complaints (C2, H5): the deadline is stored so the queue is one index walk */
    "CREATE TABLE tickets ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  category TEXT NOT NULL CHECK (category IN ('question','complaint','appeal','privacy')),"
    "  subject BLOB NOT NULL,"
    "  listing_id INTEGER,"
    "  status TEXT NOT NULL CHECK (status IN ('open','answered','closed')),"
    "  created_at INTEGER NOT NULL,"
    "  deadline_at INTEGER NOT NULL,"
    "  answered_at INTEGER,"
    "  closed_at INTEGER,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE INDEX tickets_by_user ON tickets(user_id, id);"
    "CREATE INDEX tickets_queue ON tickets(status, deadline_at, id);"
    "CREATE INDEX tickets_by_closed ON tickets(closed_at);"
    "CREATE TABLE ticket_messages ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,"
    "  author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
    "  from_staff INTEGER NOT NULL,"
    "  body BLOB NOT NULL,"
    "  photo BLOB,"
    "  created_at INTEGER NOT NULL,"
    "  closed_at INTEGER);"
    "CREATE INDEX ticket_messages_by_ticket ON ticket_messages(ticket_id, id);"
    "CREATE INDEX ticket_messages_by_closed ON ticket_messages(closed_at);",

    /* 13: marketing (C4): invitation codes, who invited whom, reward points, gift claims with a delivery address */
    "CREATE TABLE invite_codes ("
    "  user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
    "  code TEXT NOT NULL UNIQUE,"
    "  created_at INTEGER NOT NULL);"
    "CREATE TABLE invitations ("
    "  invitee_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
    "  inviter_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  at INTEGER NOT NULL);"
    "CREATE INDEX invitations_by_inviter ON invitations(inviter_id);"
    "CREATE TABLE reward_points ("
    "  id INTEGER PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  points INTEGER NOT NULL,"
    "  reason TEXT NOT NULL,"
    "  at INTEGER NOT NULL);"
    "CREATE INDEX reward_points_by_user ON reward_points(user_id);"
    "CREATE TABLE gift_claims ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  gift TEXT NOT NULL,"
    "  name BLOB NOT NULL,"
    "  phone BLOB NOT NULL,"
    "  address BLOB NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('pending','shipped')),"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX gift_claims_by_user ON gift_claims(user_id, id);"
    "CREATE INDEX gift_claims_by_time ON gift_claims(created_at);",

    /* 14: real-name verification and the verified date of birth (C1, H1) */
    "ALTER TABLE users ADD COLUMN birth_date INTEGER;"
    "CREATE TABLE verifications ("
    "  user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
    "  name BLOB NOT NULL,"
    "  id_number BLOB NOT NULL,"
    "  bank_card BLOB,"
    "  method TEXT NOT NULL,"
    "  verified_at INTEGER NOT NULL);",

    /* 15: employers' organisations, reviewed by staff (C7) */
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

    /* 16: resumes, applications (a resume shared with one employer) and interviews (C6, C11, E5) */
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

    /* 17: cards rendered before 14-16 lack the poster's badges (C1, C7): render every card again at the next start */
    "INSERT OR IGNORE INTO schema_tasks VALUES ('reindex_listings');",

    /* 18: sandbox trades get random numbers (the cashier page's address must not be guessable); trades made
     * before keep their old number, whose page now also needs the payer signed in */
    "ALTER TABLE sandbox_trades ADD COLUMN trade_no TEXT;"
    "UPDATE sandbox_trades SET trade_no = printf('SBX%010d', id);"
    "CREATE UNIQUE INDEX sandbox_trades_by_no ON sandbox_trades(trade_no);"
    "UPDATE payments SET pay_url = '/sandbox/pay/' || trade_no WHERE provider = 'sandbox';",

    /* 19: reviews of completed orders (C9): one per order, text, reply and photos sealed with the reviewer's key;
     * the service's rating follows the rows by trigger, so an erased or swept review leaves the average too */
    "CREATE TABLE reviews ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  order_id INTEGER NOT NULL UNIQUE," /* no foreign key: the review is the reviewer's, not the order record's */
    "  service_id INTEGER NOT NULL,"
    "  merchant_id INTEGER NOT NULL,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),"
    "  body BLOB NOT NULL,"
    "  reply BLOB,"
    "  replied_at INTEGER,"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX reviews_by_service ON reviews(service_id, id);"
    "CREATE INDEX reviews_by_user ON reviews(user_id);"
    "CREATE TABLE review_photos ("
    "  id INTEGER PRIMARY KEY,"
    "  review_id INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,"
    "  photo BLOB NOT NULL,"
    "  width INTEGER NOT NULL,"
    "  height INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX review_photos_by_review ON review_photos(review_id, id);"
    "CREATE TRIGGER reviews_rate AFTER INSERT ON reviews BEGIN "
    "  UPDATE services SET rating_sum = rating_sum + new.rating, rating_count = rating_count + 1 WHERE id = new.service_id; END;"
    "CREATE TRIGGER reviews_unrate AFTER DELETE ON reviews BEGIN "
    "  UPDATE services SET rating_sum = rating_sum - old.rating, rating_count = rating_count - 1 WHERE id = old.service_id; END;",

    /* 20: an order's transaction record is kept three years from the transaction's end, as declared (E-commerce
     * Law art. 31): completion, or cancellation/refund; an order that never ended counts from its creation */
    "ALTER TABLE orders ADD COLUMN ended_at INTEGER;"
    "UPDATE orders SET ended_at = coalesce(completed_at, closed_at, created_at);"
    "CREATE INDEX orders_by_end ON orders(ended_at);",

    /* 21: a merchant's rejection names a reason from a fixed list; notes typed freely before are replaced, so no
     * undeclared personal information stays in merchants.review_note */
    "UPDATE merchants SET review_note = 'other' WHERE review_note IS NOT NULL AND review_note NOT IN "
    "('license_invalid','name_mismatch','city_mismatch','scope_mismatch','other');",

    /* 22: an organisation's rejection names a reason from a fixed list (org_reasons); notes typed freely before are
     * replaced, so no undeclared personal information stays in organizations.review_note */
    "UPDATE organizations SET review_note = 'other' WHERE review_note IS NOT NULL AND review_note NOT IN "
    "('licence_unreadable','credit_code_invalid','name_mismatch','licence_invalid','other');",

    /* 23: memberships (A6): one per account, and the membership orders that pay for them — the second kind of payment
     * subject beside service orders; the provider trade lives on the membership order (payments.order_id is a
     * service order's and NOT NULL) */
    "CREATE TABLE memberships ("
    "  user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
    "  plan TEXT NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('active','expired')),"
    "  started_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL,"
    "  auto_renew INTEGER NOT NULL DEFAULT 1 CHECK (auto_renew IN (0,1)),"
    "  renew_cancelled_at INTEGER,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE INDEX memberships_by_expiry ON memberships(status, expires_at);"
    "CREATE TABLE membership_orders ("
    "  id INTEGER PRIMARY KEY,"
    "  number TEXT NOT NULL UNIQUE,"
    "  user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
    "  plan TEXT NOT NULL,"
    "  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),"
    "  provider TEXT NOT NULL,"
    "  trade_no TEXT NOT NULL,"
    "  pay_url TEXT NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('pending','paid','refunded')),"
    "  created_at INTEGER NOT NULL, paid_at INTEGER, ended_at INTEGER NOT NULL,"
    "  UNIQUE (provider, trade_no));"
    "CREATE INDEX membership_orders_by_user ON membership_orders(user_id, status);",

    /* 24: listing words are indexed in their city-and-category scope (store/fts.h, B8): rebuild the index */
    "INSERT OR IGNORE INTO schema_tasks VALUES ('reindex_listings');",

    /* 25: a breach-notice SMS is tried a bounded number of times, then recorded as failed (F8) */
    "ALTER TABLE incident_users ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE incident_users ADD COLUMN failed_at INTEGER;"
    "ALTER TABLE incident_users ADD COLUMN fail_reason TEXT;"
    "DROP INDEX incident_users_pending;"
    "CREATE INDEX incident_users_pending ON incident_users(incident_id, user_id) "
    "WHERE notified_at IS NULL AND failed_at IS NULL;",

    /* 26: disputes (E6, C8): why the customer disputes, how staff settled it (a full or partial refund, or the
     * money released to the merchant); the sandbox provider keeps partial refunds under their idempotency key */
    "ALTER TABLE orders ADD COLUMN disputed_at INTEGER;"
    "ALTER TABLE orders ADD COLUMN dispute_reason TEXT;"
    "ALTER TABLE orders ADD COLUMN dispute_outcome TEXT CHECK (dispute_outcome IN ('refund','partial','release'));"
    "ALTER TABLE orders ADD COLUMN refund_fen INTEGER;"
    "ALTER TABLE orders ADD COLUMN resolved_by INTEGER;"
    "ALTER TABLE orders ADD COLUMN resolved_at INTEGER;"
    "UPDATE orders SET disputed_at = updated_at, dispute_reason = 'other' WHERE status = 'disputed';"
    "CREATE INDEX orders_disputed ON orders(disputed_at, id) WHERE status = 'disputed';"
    "CREATE TABLE sandbox_refunds ("
    "  id INTEGER PRIMARY KEY,"
    "  refund_no TEXT NOT NULL UNIQUE,"
    "  trade_no TEXT NOT NULL,"
    "  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX sandbox_refunds_by_trade ON sandbox_refunds(trade_no);",

    /* 27: services take at most slot_capacity orders per slot (NULL: not limited), counted by the index on
     * (service, time); nearby search reads an R*Tree of each service's reach box instead of a latitude band. The
     * boxes written here take 65 km per degree of longitude, true up to 54°N, China's north end: too wide, never
     * too narrow (the exact test is in C); new services get boxes for their own latitude. */
    "ALTER TABLE services ADD COLUMN slot_capacity INTEGER CHECK (slot_capacity BETWEEN 1 AND 100);"
    "CREATE INDEX orders_by_slot ON orders(service_id, slot_at);"
    "CREATE VIRTUAL TABLE services_geo USING rtree(id, min_lat, max_lat, min_lng, max_lng);"
    "INSERT INTO services_geo(id, min_lat, max_lat, min_lng, max_lng) SELECT id, lat - reach_km / 111.0, "
    "lat + reach_km / 111.0, lng - reach_km / 65.0, lng + reach_km / 65.0 FROM services;"
    "CREATE TRIGGER services_geo_gone AFTER DELETE ON services BEGIN DELETE FROM services_geo WHERE id = old.id; END;"
    "DROP INDEX services_by_lat;",

    /* 28: a reviewer changes a review within 30 days (edited_at) or deletes it; the service's rating follows an
     * edited rating by trigger, as it follows inserts and deletes */
    "ALTER TABLE reviews ADD COLUMN edited_at INTEGER;"
    "CREATE TRIGGER reviews_rerate AFTER UPDATE OF rating ON reviews BEGIN "
    "  UPDATE services SET rating_sum = rating_sum - old.rating + new.rating WHERE id = new.service_id; END;",

    /* 29: a view epoch per city, bumped in the transaction of every change to one of its cards, so the shared
     * in-memory copies of cards and details (store/viewcache.h) are used only by snapshots that hold them */
    "CREATE TABLE view_epochs (city INTEGER PRIMARY KEY, n INTEGER NOT NULL);"
    "CREATE TRIGGER listing_cards_ins AFTER INSERT ON listing_cards BEGIN "
    "  INSERT INTO view_epochs(city, n) VALUES (new.city, 1) ON CONFLICT(city) DO UPDATE SET n = n + 1; END;"
    "CREATE TRIGGER listing_cards_upd AFTER UPDATE ON listing_cards BEGIN "
    "  INSERT INTO view_epochs(city, n) VALUES (old.city, 1) ON CONFLICT(city) DO UPDATE SET n = n + 1; "
    "  INSERT INTO view_epochs(city, n) VALUES (new.city, 1) ON CONFLICT(city) DO UPDATE SET n = n + 1; END;"
    "CREATE TRIGGER listing_cards_del AFTER DELETE ON listing_cards BEGIN "
    "  INSERT INTO view_epochs(city, n) VALUES (old.city, 1) ON CONFLICT(city) DO UPDATE SET n = n + 1; END;",

    /* 30: membership auto-renewal through a standing payment agreement (A6, C5) and the payment outbox: every
     * request to a provider that follows from one of our transactions (a refund, a renewal charge, revoking an
     * agreement) is written in that transaction and sent after commit, retried under the same idempotency key */
    "ALTER TABLE memberships ADD COLUMN provider TEXT;"
    "ALTER TABLE memberships ADD COLUMN agreement_no TEXT;"
    "ALTER TABLE membership_orders ADD COLUMN agreement_no TEXT;"
    "ALTER TABLE membership_orders ADD COLUMN renewal_key TEXT;"
    "ALTER TABLE membership_orders ADD COLUMN failed_at INTEGER;"
    "CREATE UNIQUE INDEX membership_orders_by_renewal ON membership_orders(renewal_key) WHERE renewal_key IS NOT NULL;"
    "CREATE INDEX membership_orders_by_number ON membership_orders(provider, number);"
    "CREATE TABLE pay_outbox ("
    "  id INTEGER PRIMARY KEY,"
    "  provider TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('refund','charge','revoke')),"
    "  idem_key TEXT NOT NULL,"
    "  trade_no TEXT,"
    "  agreement_no TEXT,"
    "  order_no TEXT,"
    "  item TEXT,"
    "  amount_fen INTEGER,"
    "  created_at INTEGER NOT NULL,"
    "  next_at INTEGER NOT NULL,"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  sent_at INTEGER,"
    "  dropped_at INTEGER,"
    "  UNIQUE (provider, kind, idem_key));"
    "CREATE INDEX pay_outbox_due ON pay_outbox(next_at) WHERE sent_at IS NULL AND dropped_at IS NULL;"
    "CREATE TABLE sandbox_agreements ("
    "  id INTEGER PRIMARY KEY,"
    "  agreement_no TEXT NOT NULL UNIQUE,"
    "  request TEXT NOT NULL,"
    "  order_no TEXT NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('waiting','active','revoked')),"
    "  next_charge TEXT NOT NULL DEFAULT 'succeed' CHECK (next_charge IN ('succeed','decline','delay')),"
    "  created_at INTEGER NOT NULL, revoked_at INTEGER);"
    "CREATE INDEX sandbox_agreements_by_order ON sandbox_agreements(order_no);"
    "ALTER TABLE sandbox_trades ADD COLUMN agreement_no TEXT;"
    "CREATE UNIQUE INDEX sandbox_trades_by_charge ON sandbox_trades(agreement_no, order_no) WHERE agreement_no IS NOT NULL;",

    /* 31: the job quota (C7) counts a poster's live job listings from the index, not by reading each of the
     * poster's listings rows (a busy poster's every post read all of them) */
    "CREATE INDEX listings_by_user_cat ON listings(user_id, category, status);",

    /* 32: full text in two parts (decisions.md, "The full-text index in two parts"): what was posted or changed
     * lately goes to a small index that is cheap to keep in one piece, folded into the big one now and then */
    "CREATE VIRTUAL TABLE listings_fts_new USING fts5(title, description, tags, content='', tokenize='linli');"
    "CREATE TABLE listings_fts_new_ids (id INTEGER PRIMARY KEY);",
};

static const char SQL_TASK[] = "SELECT 1 FROM schema_tasks WHERE task = ?";
static const char SQL_TASK_DONE[] = "DELETE FROM schema_tasks WHERE task = ?";

bool db_task_pending(db_t *db, const char *task)
{
    sqlite3_stmt *st = db_stmt(db, SQL_TASK);
    if (!st) return false;
    sqlite3_bind_text(st, 1, task, -1, SQLITE_STATIC);
    bool pending = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    return pending;
}

int db_task_done(db_t *db, const char *task)
{
    sqlite3_stmt *st = db_stmt(db, SQL_TASK_DONE);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, task, -1, SQLITE_STATIC);
    return db_run(db, st);
}

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

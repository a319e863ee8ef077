/*
 * backup.h — consistent online backups (F7).
 *
 * A backup is a folder: linli.db (a consistent snapshot taken with SQLite's
 * online backup API while the server keeps serving) and photos/. It holds no
 * keys: neither the key file nor the key store (keys.db, the wrapped per-user
 * data keys). Keys are backed up separately (backup_keys) and kept for a short
 * time only, so an account cancelled after a data backup is unreadable in
 * that backup once the key backups older than its cancellation are gone (G4).
 */
#ifndef LL_BACKUP_H
#define LL_BACKUP_H
#include "store/db.h"

/* Writes a snapshot of db and the photo folder into dest (created, must not exist). */
int backup_create(db_t *db, const char *photo_dir, const char *dest, char *err, size_t errlen);
/* How long a key backup may be kept: a cancellation completes within 15 (working) days (G4). */
#define BACKUP_KEYS_KEEP_DAYS 15
/* Writes the key store snapshot (keys.db) and the key file (keys.json) into dest (created, must not exist). */
int backup_keys(db_t *db, const char *key_file, const char *dest, char *err, size_t errlen);
/* Copies a backup folder into a data folder that has no database yet. */
int backup_restore(const char *src, const char *data_dir, const char *photo_dir, char *err, size_t errlen);

#endif

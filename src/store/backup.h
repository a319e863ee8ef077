/*
 * backup.h — consistent online backups (F7).
 *
 * A backup is a folder: linli.db (a consistent snapshot taken with SQLite's
 * online backup API while the server keeps serving) and photos/. It holds no
 * keys: the key file is backed up separately, so that data backups alone
 * reveal nothing sealed and key retention can be shorter than data retention.
 */
#ifndef LL_BACKUP_H
#define LL_BACKUP_H
#include "store/db.h"

/* Writes a snapshot of db and the photo folder into dest (created, must not exist). */
int backup_create(db_t *db, const char *photo_dir, const char *dest, char *err, size_t errlen);
/* Copies a backup folder into a data folder that has no database yet. */
int backup_restore(const char *src, const char *data_dir, const char *photo_dir, char *err, size_t errlen);

#endif

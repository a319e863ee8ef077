/*
 * tar.h — writes a POSIX ustar archive into memory (the data export, G5).
 * Names are at most 99 bytes; entries are regular files, mode 0644.
 */
#ifndef LL_TAR_H
#define LL_TAR_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
    unsigned char *data; /* malloc'd; the caller frees it after tar_finish */
    size_t len, cap;
} tar_t;

void tar_init(tar_t *t);
/* Appends one file; -1 if the name is too long. */
int tar_add(tar_t *t, const char *name, const void *data, size_t len, int64_t mtime);
/* Appends the two zero blocks that end an archive. */
void tar_finish(tar_t *t);

#endif

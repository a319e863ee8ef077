/* tar.c — a minimal ustar writer (see tar.h); blocks are 512 bytes, sizes in octal. */
#include "base/tar.h"
#include "base/mem.h"
#include <stdio.h>
#include <string.h>

static void reserve(tar_t *t, size_t n)
{
    if (t->len + n <= t->cap) return;
    size_t cap = t->cap ? t->cap : 65536;
    while (cap < t->len + n) cap *= 2;
    t->data = mem_realloc(t->data, cap);
    t->cap = cap;
}

/* An 11-digit octal number and NUL; sizes past 8 GiB do not occur in an export. */
static void octal12(unsigned char *field, uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%011llo", (unsigned long long)(v & 077777777777ULL));
    memcpy(field, buf, 12);
}

void tar_init(tar_t *t)
{
    memset(t, 0, sizeof(*t));
}

int tar_add(tar_t *t, const char *name, const void *data, size_t len, int64_t mtime)
{
    unsigned char h[512] = {0};
    size_t nlen = strlen(name);
    if (nlen == 0 || nlen > 99) return -1;
    memcpy(h, name, nlen);
    snprintf((char *)h + 100, 8, "%07o", 0644);
    snprintf((char *)h + 108, 8, "%07o", 0);
    snprintf((char *)h + 116, 8, "%07o", 0);
    octal12(h + 124, len);
    octal12(h + 136, (uint64_t)(mtime > 0 ? mtime : 0));
    h[156] = '0';
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    memset(h + 148, ' ', 8); /* the checksum is computed with its own field as spaces */
    unsigned sum = 0;
    for (int i = 0; i < 512; i++) sum += h[i];
    snprintf((char *)h + 148, 8, "%06o", sum);
    size_t padded = (len + 511) / 512 * 512;
    reserve(t, 512 + padded);
    memcpy(t->data + t->len, h, 512);
    if (len) memcpy(t->data + t->len + 512, data, len);
    memset(t->data + t->len + 512 + len, 0, padded - len);
    t->len += 512 + padded;
    return 0;
}

void tar_finish(tar_t *t)
{
    reserve(t, 1024);
    memset(t->data + t->len, 0, 1024);
    t->len += 1024;
}

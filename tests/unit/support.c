/* support.c — helpers shared by the unit tests (see support.h). */
#include "support.h"
#include "base/mem.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *support_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char tmpl[512];
    snprintf(tmpl, sizeof tmpl, "%s/linli-test-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmpl)) PANIC("mkdtemp");
    return mem_strdup(tmpl);
}

void support_rmtree(const char *dir)
{
    char cmd[1024];
    if (!dir || strncmp(dir, "/", 1) != 0 || !strstr(dir, "linli-test-")) return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "support: could not remove %s\n", dir);
}

unsigned char *support_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 65536, n = 0;
    unsigned char *buf = mem_alloc(cap);
    size_t k;
    while ((k = fread(buf + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) buf = mem_realloc(buf, cap *= 2);
    }
    fclose(f);
    *len = n;
    return buf;
}

int support_contains(const unsigned char *hay, size_t hlen, const void *needle, size_t nlen)
{
    return nlen && memmem(hay, hlen, needle, nlen) != NULL;
}

/* mem.c — aborting allocation wrappers (see mem.h). */
#include "base/mem.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Noreturn void mem_panic(const char *what, const char *file, int line)
{
    fprintf(stderr, "linli: fatal: %s (%s:%d)\n", what, file, line);
    abort();
}

void *mem_alloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) PANIC("out of memory");
    return p;
}

void *mem_calloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) PANIC("out of memory");
    return p;
}

void *mem_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) PANIC("out of memory");
    return q;
}

char *mem_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(mem_alloc(n), s, n);
}

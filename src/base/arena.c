/*
 * arena.c — region allocator (see arena.h).
 *
 * Invariant: blocks form a singly linked list, newest first; only the newest
 * block is allocated from. A request larger than a quarter of the block size
 * gets a block of its own, so big bodies do not waste a half-empty block.
 */
#include "base/arena.h"
#include "base/mem.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct block {
    struct block *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
} block_t;

typedef struct cleanup {
    struct cleanup *next;
    arena_cleanup_fn fn;
    void *data;
} cleanup_t;

struct arena {
    block_t *head;
    cleanup_t *cleanups;
    size_t block_size, total;
};

static block_t *block_new(size_t size)
{
    block_t *b = mem_alloc(sizeof(*b) + size);
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

arena_t *arena_new(size_t first_block)
{
    arena_t *a = mem_calloc(1, sizeof(*a));
    a->block_size = first_block < 1024 ? 1024 : first_block;
    a->head = block_new(a->block_size);
    return a;
}

void arena_free(arena_t *a)
{
    if (!a) return;
    for (cleanup_t *c = a->cleanups; c; c = c->next) c->fn(c->data);
    block_t *b = a->head;
    while (b) {
        block_t *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

void *arena_alloc(arena_t *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (n == 0) n = 16;
    a->total += n;
    if (n > a->block_size / 4) {
        block_t *big = block_new(n);
        big->used = n;
        big->next = a->head->next; /* keep the current block open for small ones */
        a->head->next = big;
        return big->data;
    }
    if (a->head->size - a->head->used < n) {
        block_t *b = block_new(a->block_size);
        b->next = a->head;
        a->head = b;
    }
    void *p = a->head->data + a->head->used;
    a->head->used += n;
    return p;
}

void *arena_zalloc(arena_t *a, size_t n)
{
    return memset(arena_alloc(a, n), 0, n);
}

char *arena_strndup(arena_t *a, const char *s, size_t n)
{
    n = strnlen(s, n); /* like strndup: never reads past the string's end */
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(arena_t *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(arena_t *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) PANIC("bad format");
    char *p = arena_alloc(a, (size_t)n + 1);
    if (vsnprintf(p, (size_t)n + 1, fmt, ap) != n) PANIC("vsnprintf");
    return p;
}

char *arena_printf(arena_t *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

void arena_on_free(arena_t *a, arena_cleanup_fn fn, void *data)
{
    cleanup_t *c = arena_alloc(a, sizeof(*c));
    c->fn = fn;
    c->data = data;
    c->next = a->cleanups;
    a->cleanups = c;
}

size_t arena_used(const arena_t *a)
{
    return a->total;
}

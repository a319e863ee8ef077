/*
 * arena.h — a region allocator: many allocations, one free.
 *
 * Each request owns one arena; everything the request allocates lives in it
 * and dies with it. Cleanup handlers run at arena_free for resources that are
 * not memory (JSON trees, files), in reverse order of registration.
 */
#ifndef LL_ARENA_H
#define LL_ARENA_H
#include <stdarg.h>
#include <stddef.h>

typedef struct arena arena_t;
typedef void (*arena_cleanup_fn)(void *data);

arena_t *arena_new(size_t first_block);
void arena_free(arena_t *a);
void *arena_alloc(arena_t *a, size_t n);         /* 16-byte aligned, uninitialised */
void *arena_zalloc(arena_t *a, size_t n);        /* zeroed */
char *arena_strdup(arena_t *a, const char *s);
char *arena_strndup(arena_t *a, const char *s, size_t n); /* at most n bytes, stops at NUL */
char *arena_printf(arena_t *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(arena_t *a, const char *fmt, va_list ap);
void arena_on_free(arena_t *a, arena_cleanup_fn fn, void *data);
size_t arena_used(const arena_t *a);

#endif

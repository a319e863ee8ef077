/*
 * mem.h — allocation that never returns NULL.
 *
 * Running out of memory in a server is not a condition any caller can repair,
 * so the wrappers abort with a message instead of making every caller check.
 */
#ifndef LL_MEM_H
#define LL_MEM_H
#include <stddef.h>
#include <stdlib.h> /* free() pairs with every mem_ allocation */

void *mem_alloc(size_t n);
void *mem_calloc(size_t count, size_t size);
void *mem_realloc(void *p, size_t n);
char *mem_strdup(const char *s);
_Noreturn void mem_panic(const char *what, const char *file, int line);

#define PANIC(what) mem_panic((what), __FILE__, __LINE__)
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif

/*
 * support.h — shared helpers for the cmocka unit tests.
 * Every test file includes this first; it pulls in cmocka's required headers.
 */
#ifndef LL_TEST_SUPPORT_H
#define LL_TEST_SUPPORT_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* A fresh empty directory under $TMPDIR (or /tmp); the caller frees the string. */
char *support_tmpdir(void);
/* rm -rf of a directory made by support_tmpdir. */
void support_rmtree(const char *dir);
/* Reads a whole file into a malloc'd buffer; *len gets its size. NULL if unreadable. */
unsigned char *support_read_file(const char *path, size_t *len);
/* 1 if needle occurs in haystack (binary-safe). */
int support_contains(const unsigned char *hay, size_t hlen, const void *needle, size_t nlen);

#endif

/*
 * fuzz.h — what every libFuzzer driver in fuzz/ shares.
 *
 * A driver checks the module's documented promises, not only that it does
 * not crash: FUZZ_CHECK aborts with the file, line and the broken promise, so
 * libFuzzer keeps the input as a crash artifact just as it does for an ASan
 * or UBSan report. Drivers are built by scripts/fuzz.sh, never by the Makefile.
 */
#ifndef LL_FUZZ_H
#define LL_FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* libFuzzer's entry points; declared here because -Wmissing-prototypes wants them. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_CHECK(cond, ...)                                                                      \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: broken promise: %s: ", __FILE__, __LINE__, #cond);             \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#endif

/*
 * gate.h — a counting gate for expensive work (Argon2id: ~80 ms and 64 MiB
 * each). At most `slots` run at once; a caller that cannot get in within
 * its wait is told so and answers "busy", instead of every worker thread
 * queueing behind hashes while cheap requests wait.
 */
#ifndef LL_GATE_H
#define LL_GATE_H
#include <semaphore.h>

typedef struct {
    sem_t sem;
} gate_t;

int gate_init(gate_t *g, unsigned slots);
void gate_destroy(gate_t *g);
/* 0 when inside (call gate_leave), -1 when still full after wait_ms (0: do not wait). A NULL gate lets in. */
int gate_enter(gate_t *g, int wait_ms);
void gate_leave(gate_t *g);

#endif

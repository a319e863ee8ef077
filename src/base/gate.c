/* gate.c — a semaphore with a bounded wait (see gate.h). */
#include "base/gate.h"
#include "base/clock.h"
#include <errno.h>
#include <time.h>

int gate_init(gate_t *g, unsigned slots)
{
    return sem_init(&g->sem, 0, slots ? slots : 1);
}

void gate_destroy(gate_t *g)
{
    sem_destroy(&g->sem);
}

int gate_enter(gate_t *g, int wait_ms)
{
    if (!g) return 0;
    if (wait_ms <= 0) return sem_trywait(&g->sem) == 0 ? 0 : -1;
    struct timespec until = clock_after_ms(wait_ms);
    int rc;
    while ((rc = sem_timedwait(&g->sem, &until)) != 0 && errno == EINTR) {
    }
    return rc == 0 ? 0 : -1;
}

void gate_leave(gate_t *g)
{
    if (g) sem_post(&g->sem);
}

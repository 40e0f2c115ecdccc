#define _GNU_SOURCE
#include "CInterprocessBench.h"

#include <errno.h>
#include <semaphore.h>
#include <time.h>

int ipcb_sem_init_pair(void *ping, void *pong) {
    if (sem_init((sem_t *)ping, 1, 0) != 0) return -1;
    return sem_init((sem_t *)pong, 1, 0);
}

/// Waits on `sem` until `deadline_ns` (CLOCK_MONOTONIC). Returns 0, or -1 once it passed.
static int wait_until(sem_t *sem, uint64_t deadline_ns) {
    struct timespec deadline = { (time_t)(deadline_ns / 1000000000u), (long)(deadline_ns % 1000000000u) };
    while (sem_clockwait(sem, CLOCK_MONOTONIC, &deadline) != 0) {
        if (errno != EINTR) return -1;
    }
    return 0;
}

int ipcb_sem_initiate(void *ping, void *pong, int64_t rounds, uint64_t *samples, uint64_t deadline_ns) {
    for (int64_t index = 0; index < rounds; index++) {
        uint64_t start = ipcb_ticks();
        sem_post((sem_t *)ping);
        if (wait_until((sem_t *)pong, deadline_ns) != 0) return -1;
        if (samples) samples[index] = ipcb_ticks() - start;
    }
    return 0;
}

int ipcb_sem_respond(void *ping, void *pong, int64_t rounds, uint64_t deadline_ns) {
    for (int64_t index = 0; index < rounds; index++) {
        if (wait_until((sem_t *)ping, deadline_ns) != 0) return -1;
        sem_post((sem_t *)pong);
    }
    return 0;
}

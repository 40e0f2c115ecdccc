#define _GNU_SOURCE
#include "CInterprocessBench.h"

#include <pthread.h>
#include <time.h>

int ipcb_cond_init(void *mutex, void *cond) {
    pthread_mutexattr_t mutex_attributes;
    pthread_mutexattr_init(&mutex_attributes);
    pthread_mutexattr_setpshared(&mutex_attributes, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&mutex_attributes, PTHREAD_MUTEX_ROBUST);
    int failed = pthread_mutex_init((pthread_mutex_t *)mutex, &mutex_attributes);
    pthread_mutexattr_destroy(&mutex_attributes);
    if (failed) return -1;
    pthread_condattr_t cond_attributes;
    pthread_condattr_init(&cond_attributes);
    pthread_condattr_setpshared(&cond_attributes, PTHREAD_PROCESS_SHARED);
    pthread_condattr_setclock(&cond_attributes, CLOCK_MONOTONIC);
    failed = pthread_cond_init((pthread_cond_t *)cond, &cond_attributes);
    pthread_condattr_destroy(&cond_attributes);
    return failed ? -1 : 0;
}

/// Under the locked `mutex`, waits on `cond` until `*turn == want`. Returns 0, or -1 once
/// `deadline_ns` (CLOCK_MONOTONIC) passed (the mutex is still held).
static int await_turn(pthread_mutex_t *mutex, pthread_cond_t *cond, volatile uint64_t *turn, uint64_t want,
                      uint64_t deadline_ns) {
    struct timespec deadline = { (time_t)(deadline_ns / 1000000000u), (long)(deadline_ns % 1000000000u) };
    while (*turn != want) {
        if (pthread_cond_timedwait(cond, mutex, &deadline) != 0 && *turn != want) return -1;
    }
    return 0;
}

int ipcb_cond_initiate(void *mutex, void *cond, uint64_t *turn, int64_t rounds, uint64_t *samples, uint64_t deadline_ns) {
    pthread_mutex_t *m = mutex;
    pthread_cond_t *c = cond;
    for (int64_t index = 0; index < rounds; index++) {
        uint64_t start = ipcb_ticks();
        pthread_mutex_lock(m);
        *(volatile uint64_t *)turn = 1;
        pthread_cond_signal(c);
        int failed = await_turn(m, c, turn, 0, deadline_ns);
        pthread_mutex_unlock(m);
        if (failed) return -1;
        if (samples) samples[index] = ipcb_ticks() - start;
    }
    return 0;
}

int ipcb_cond_respond(void *mutex, void *cond, uint64_t *turn, int64_t rounds, uint64_t deadline_ns) {
    pthread_mutex_t *m = mutex;
    pthread_cond_t *c = cond;
    for (int64_t index = 0; index < rounds; index++) {
        pthread_mutex_lock(m);
        int failed = await_turn(m, c, turn, 1, deadline_ns);
        if (!failed) {
            *(volatile uint64_t *)turn = 0;
            pthread_cond_signal(c);
        }
        pthread_mutex_unlock(m);
        if (failed) return -1;
    }
    return 0;
}

#define _GNU_SOURCE
#include "CInterprocessBench.h"

#include <pthread.h>
#include <stdlib.h>

int64_t ipcb_robust_mutex_pairs(int64_t count) {
    pthread_mutex_t *mutex = aligned_alloc(64, 128);
    if (mutex == NULL) return -1;
    pthread_mutexattr_t attributes;
    pthread_mutexattr_init(&attributes);
    pthread_mutexattr_setpshared(&attributes, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&attributes, PTHREAD_MUTEX_ROBUST);
    int failed = pthread_mutex_init(mutex, &attributes);
    pthread_mutexattr_destroy(&attributes);
    if (failed) { free(mutex); return -1; }
    uint64_t start = ipcb_monotonic_ns();
    for (int64_t index = 0; index < count; index++) {
        if (pthread_mutex_lock(mutex) != 0) { count = -1; break; }
        pthread_mutex_unlock(mutex);
    }
    uint64_t elapsed = ipcb_monotonic_ns() - start;
    pthread_mutex_destroy(mutex);
    free(mutex);
    return count < 0 ? -1 : (int64_t)elapsed;
}

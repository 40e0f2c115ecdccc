// pthread_mutex_clocklock is a GNU extension (glibc 2.30): it needs _GNU_SOURCE, which the
// shared header must not define, so it is wrapped here.
#define _GNU_SOURCE
#include "CInterprocessShim.h"

#include <pthread.h>

int ipc_mutex_clocklock_monotonic(void *mutex, const struct timespec *deadline) {
#if defined(__linux__) && defined(__GLIBC__)
    return pthread_mutex_clocklock((pthread_mutex_t *)mutex, CLOCK_MONOTONIC, deadline);
#else
    (void)mutex; (void)deadline;
    return ENOSYS;
#endif
}

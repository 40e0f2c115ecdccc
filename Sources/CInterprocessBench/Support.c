#include "CInterprocessBench.h"

#include <time.h>
#if defined(__linux__)
#include <signal.h>
#include <sys/prctl.h>
#endif

uint64_t ipcb_monotonic_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

int ipcb_die_with_parent(void) {
#if defined(__linux__)
    return prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
#else
    return -1;
#endif
}

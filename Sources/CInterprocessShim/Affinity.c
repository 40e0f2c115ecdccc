#define _GNU_SOURCE
#include "CInterprocessShim.h"

#include <sched.h>

int ipc_pin_to_cpu(int32_t tid, int cpu) {
#if defined(__linux__)
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(tid, sizeof(set), &set);
#else
    (void)tid; (void)cpu;
    errno = ENOSYS;
    return -1;
#endif
}

#include "Spin.h"

int ipcb_spin_initiate(uint64_t *ping, const uint64_t *pong, uint64_t first_round, int64_t rounds,
                       uint64_t *samples, uint64_t deadline_ns) {
    uint64_t start = ipcb_ticks();
    for (int64_t index = 0; index < rounds; index++) {
        uint64_t round = first_round + (uint64_t)index;
        __atomic_store_n(ping, round, __ATOMIC_RELEASE);
        uint64_t polls = 0;
        while (__atomic_load_n(pong, __ATOMIC_ACQUIRE) != round) {
            IPCB_RELAX();
            if ((++polls & IPCB_CHECK_MASK) == 0 && ipcb_monotonic_ns() > deadline_ns) return -1;
        }
        uint64_t now = ipcb_ticks();
        if (samples) samples[index] = now - start;
        start = now;
    }
    return 0;
}

int ipcb_spin_respond(const uint64_t *ping, uint64_t *pong, uint64_t first_round, int64_t rounds,
                      uint64_t deadline_ns) {
    for (int64_t index = 0; index < rounds; index++) {
        uint64_t round = first_round + (uint64_t)index;
        uint64_t polls = 0;
        while (__atomic_load_n(ping, __ATOMIC_ACQUIRE) != round) {
            IPCB_RELAX();
            if ((++polls & IPCB_CHECK_MASK) == 0 && ipcb_monotonic_ns() > deadline_ns) return -1;
        }
        __atomic_store_n(pong, round, __ATOMIC_RELEASE);
    }
    return 0;
}

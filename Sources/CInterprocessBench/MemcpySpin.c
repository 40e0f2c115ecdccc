#include "Spin.h"

#include <string.h>

// The C baseline of `pubsub-full`: the spin floor's ping-pong with the whole message copied in
// (memcpy into a shared buffer) before each store and copied out (memcpy from it) after each
// load, as a publisher that writes a whole sample and a subscriber that reads it whole do.

// Spins until `*word` holds `round`; 0, or -1 once `deadline_ns` passed.
static inline int ipcb_await(const uint64_t *word, uint64_t round, uint64_t deadline_ns) {
    uint64_t polls = 0;
    while (__atomic_load_n(word, __ATOMIC_ACQUIRE) != round) {
        IPCB_RELAX();
        if ((++polls & IPCB_CHECK_MASK) == 0 && ipcb_monotonic_ns() > deadline_ns) return -1;
    }
    return 0;
}

int ipcb_memcpy_spin_initiate(ipcb_memcpy_spin spin, uint64_t first_round, int64_t rounds, uint64_t *samples,
                              uint64_t deadline_ns) {
    uint64_t start = ipcb_ticks();
    for (int64_t index = 0; index < rounds; index++) {
        uint64_t round = first_round + (uint64_t)index;
        memcpy(spin.message, &round, sizeof round);
        memcpy(spin.ping_buffer, spin.message, spin.size);
        __atomic_store_n(spin.ping, round, __ATOMIC_RELEASE);
        if (ipcb_await(spin.pong, round, deadline_ns) != 0) return -1;
        memcpy(spin.answer, spin.pong_buffer, spin.size);
        uint64_t echo;
        memcpy(&echo, spin.answer, sizeof echo);
        if (echo != round) return -2;
        uint64_t now = ipcb_ticks();
        if (samples) samples[index] = now - start;
        start = now;
    }
    return 0;
}

int ipcb_memcpy_spin_respond(ipcb_memcpy_spin spin, uint64_t first_round, int64_t rounds, uint64_t deadline_ns) {
    for (int64_t index = 0; index < rounds; index++) {
        uint64_t round = first_round + (uint64_t)index;
        if (ipcb_await(spin.ping, round, deadline_ns) != 0) return -1;
        memcpy(spin.answer, spin.ping_buffer, spin.size);
        uint64_t ping;
        memcpy(&ping, spin.answer, sizeof ping);
        if (ping != round) return -2;
        memcpy(spin.message, &round, sizeof round);
        memcpy(spin.pong_buffer, spin.message, spin.size);
        __atomic_store_n(spin.pong, round, __ATOMIC_RELEASE);
    }
    return 0;
}

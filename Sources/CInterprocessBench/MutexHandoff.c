#include "CInterprocessBench.h"

#include <pthread.h>
#include <time.h>

/// Takes `mutex` until `*turn == want` is seen under it, then sets the turn to `next` and
/// releases it: a lock handed back and forth, each side retrying while the other holds it.
/// Returns 0, or -1 once `deadline_ns` (CLOCK_MONOTONIC) passed.
static int take_turn(pthread_mutex_t *mutex, volatile uint64_t *turn, uint64_t want, uint64_t next,
                     uint64_t deadline_ns) {
    for (unsigned spins = 0;; spins++) {
        pthread_mutex_lock(mutex);
        if (*turn == want) {
            *turn = next;
            pthread_mutex_unlock(mutex);
            return 0;
        }
        pthread_mutex_unlock(mutex);
        if ((spins & 1023) == 1023 && ipcb_monotonic_ns() > deadline_ns) return -1;
    }
}

int ipcb_mutex_handoff(void *mutex, uint64_t *turn, int initiates, int64_t rounds, uint64_t *samples,
                       uint64_t deadline_ns) {
    pthread_mutex_t *m = mutex;
    for (int64_t index = 0; index < rounds; index++) {
        uint64_t start = ipcb_ticks();
        if (initiates) {
            if (take_turn(m, turn, 0, 1, deadline_ns)) return -1;   // hand it over…
            if (take_turn(m, turn, 2, 0, deadline_ns)) return -1;   // …and take it back
            if (samples) samples[index] = ipcb_ticks() - start;
        } else if (take_turn(m, turn, 1, 2, deadline_ns)) {
            return -1;
        }
    }
    return 0;
}

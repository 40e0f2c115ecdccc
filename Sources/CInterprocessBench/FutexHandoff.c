#include "CInterprocessBench.h"

#include <errno.h>
#include <time.h>
#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

// Sleeps while *word == expected, for at most 100 ms (so that the deadline is checked).
static void ipcb_futex_wait(uint32_t *word, uint32_t expected) {
#if defined(__linux__)
    struct timespec timeout = {0, 100 * 1000 * 1000};
    syscall(SYS_futex, word, FUTEX_WAIT, expected, &timeout, NULL, 0);
#else
    (void)word; (void)expected;
#endif
}

static void ipcb_futex_wake(uint32_t *word) {
#if defined(__linux__)
    syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
#else
    (void)word;
#endif
}

// Sleeps until *word == wanted; never spins. Returns -1 if the deadline passed.
static int ipcb_futex_await(uint32_t *word, uint32_t wanted, uint64_t deadline_ns) {
    while (1) {
        uint32_t seen = __atomic_load_n(word, __ATOMIC_ACQUIRE);
        if (seen == wanted) return 0;
        if (ipcb_monotonic_ns() > deadline_ns) return -1;
        ipcb_futex_wait(word, seen);
    }
}

// Round r: the initiator stores 2r+1 and the responder answers 2r+2 (mod 2^32).
// Spins until *word == wanted. Returns -1 if the deadline passed.
static int ipcb_spin_await(uint32_t *word, uint32_t wanted, uint64_t deadline_ns) {
    uint64_t polls = 0;
    while (__atomic_load_n(word, __ATOMIC_ACQUIRE) != wanted) {
#if defined(__x86_64__) || defined(__i386__)
        __asm__ __volatile__("pause" ::: "memory");
#endif
        if ((++polls & 0xFFFF) == 0 && ipcb_monotonic_ns() > deadline_ns) return -1;
    }
    return 0;
}

int ipcb_futex_initiate(uint32_t *word, uint32_t first_round, int64_t rounds, uint64_t *samples,
                        uint64_t idle_ticks, uint64_t deadline_ns) {
    uint64_t start = ipcb_ticks();
    for (int64_t index = 0; index < rounds; index++) {
        uint32_t round = first_round + (uint32_t)index;
        if (idle_ticks) {
            uint64_t idle_end = ipcb_ticks() + idle_ticks;
            while (ipcb_ticks() < idle_end) {
#if defined(__x86_64__) || defined(__i386__)
                __asm__ __volatile__("pause" ::: "memory");
#endif
            }
            start = ipcb_ticks();
        }
        __atomic_store_n(word, 2 * round + 1, __ATOMIC_RELEASE);
        ipcb_futex_wake(word);
        int answered = idle_ticks ? ipcb_spin_await(word, 2 * round + 2, deadline_ns)
                                  : ipcb_futex_await(word, 2 * round + 2, deadline_ns);
        if (answered != 0) return -1;
        uint64_t now = ipcb_ticks();
        if (samples) samples[index] = now - start;
        start = now;
    }
    return 0;
}

int ipcb_futex_respond(uint32_t *word, uint32_t first_round, int64_t rounds, uint64_t deadline_ns) {
    for (int64_t index = 0; index < rounds; index++) {
        uint32_t round = first_round + (uint32_t)index;
        if (ipcb_futex_await(word, 2 * round + 1, deadline_ns) != 0) return -1;
        __atomic_store_n(word, 2 * round + 2, __ATOMIC_RELEASE);
        ipcb_futex_wake(word);
    }
    return 0;
}

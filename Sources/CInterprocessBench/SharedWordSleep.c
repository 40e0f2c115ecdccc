#include "CInterprocessBench.h"

#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#endif

// Shared (not FUTEX_PRIVATE) operations: the word lives in a segment other processes map.

void ipcb_shared_word_sleep(uint32_t *word, uint32_t expected, uint64_t timeout_ns) {
#if defined(__linux__)
    struct timespec timeout = {(time_t)(timeout_ns / 1000000000u), (long)(timeout_ns % 1000000000u)};
    syscall(SYS_futex, word, FUTEX_WAIT, expected, &timeout, NULL, 0);
#else
    (void)word; (void)expected; (void)timeout_ns;
#endif
}

void ipcb_shared_word_wake_all(uint32_t *word) {
#if defined(__linux__)
    syscall(SYS_futex, word, FUTEX_WAKE, 0x7fffffff, NULL, NULL, 0);
#else
    (void)word;
#endif
}

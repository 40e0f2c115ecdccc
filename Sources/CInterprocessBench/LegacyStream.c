#include "include/CInterprocessBench.h"

#include <string.h>

// The baseline of the `legacy` bench group: libsharedmemory 2.x's write + read of one string, as
// its C++ SharedMemoryWriteStream / SharedMemoryReadStream do them (lock word, flags, size, data,
// revision; lock, copy out, ack), in one thread, on a mapping the caller made.
uint64_t ipcb_legacy_v2_write_read(void *mapping, const char *text, uint32_t length, uint64_t iterations) {
    unsigned char *base = mapping;
    uint32_t *revision = (uint32_t *)(base + 4), *ack = (uint32_t *)(base + 8), *lock = (uint32_t *)(base + 16);
    char copy[4096];
    uint64_t checksum = 0;
    uint64_t start = ipcb_monotonic_ns();
    for (uint64_t index = 0; index < iterations; index++) {
        uint32_t expected = 0;
        while (!__atomic_compare_exchange_n(lock, &expected, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) expected = 0;
        base[0] = (unsigned char)(2 | ((base[0] & 1) ^ 1));
        memcpy(base + 12, &length, 4);
        memcpy(base + 20, text, length);
        __atomic_store_n(revision, *revision + 1, __ATOMIC_RELAXED);
        __atomic_store_n(lock, 0, __ATOMIC_RELEASE);

        expected = 0;
        while (!__atomic_compare_exchange_n(lock, &expected, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) expected = 0;
        uint32_t size;
        memcpy(&size, base + 12, 4);
        if (size > sizeof copy) size = sizeof copy;
        memcpy(copy, base + 20, size);
        __atomic_store_n(ack, __atomic_load_n(revision, __ATOMIC_RELAXED), __ATOMIC_RELAXED);
        __atomic_store_n(lock, 0, __ATOMIC_RELEASE);
        checksum += (unsigned char)copy[0] + size;
    }
    uint64_t elapsed = ipcb_monotonic_ns() - start;
    // Keep the copies observable so that the compiler cannot drop them.
    __atomic_store_n((uint64_t *)(base + 24 + length), checksum, __ATOMIC_RELAXED);
    return elapsed;
}

#include "Spin.h"

#include <string.h>

// Constant sizes let the compiler copy inline instead of calling memcpy.
static inline void ipcb_copy(void *destination, const void *source, uint64_t size) {
    switch (size) {
    case 8: memcpy(destination, source, 8); break;
    case 64: memcpy(destination, source, 64); break;
    default: memcpy(destination, source, size); break;
    }
}

int ipcb_ring_produce(ipcb_ring ring, const void *message, int64_t count, uint64_t deadline_ns) {
    const uint64_t mask = ring.slot_count - 1;
    const uint64_t batch_mask = ring.batch - 1;
    uint64_t tail = __atomic_load_n(ring.tail, __ATOMIC_RELAXED);
    uint64_t head = __atomic_load_n(ring.head, __ATOMIC_ACQUIRE);
    for (int64_t index = 0; index < count; index++) {
        if (tail - head == ring.slot_count) {
            __atomic_store_n(ring.tail, tail, __ATOMIC_RELEASE);
            uint64_t polls = 0;
            while ((head = __atomic_load_n(ring.head, __ATOMIC_ACQUIRE)) == tail - ring.slot_count) {
                IPCB_RELAX();
                if ((++polls & IPCB_CHECK_MASK) == 0 && ipcb_monotonic_ns() > deadline_ns) return -1;
            }
        }
        ipcb_copy(ring.slots + (tail & mask) * ring.slot_size, message, ring.slot_size);
        tail++;
        if ((tail & batch_mask) == 0) __atomic_store_n(ring.tail, tail, __ATOMIC_RELEASE);
    }
    __atomic_store_n(ring.tail, tail, __ATOMIC_RELEASE);
    return 0;
}

int ipcb_ring_consume(ipcb_ring ring, void *message, int64_t count, uint64_t deadline_ns) {
    const uint64_t mask = ring.slot_count - 1;
    const uint64_t batch_mask = ring.batch - 1;
    uint64_t head = __atomic_load_n(ring.head, __ATOMIC_RELAXED);
    uint64_t tail = __atomic_load_n(ring.tail, __ATOMIC_ACQUIRE);
    for (int64_t index = 0; index < count; index++) {
        if (head == tail) {
            __atomic_store_n(ring.head, head, __ATOMIC_RELEASE);
            uint64_t polls = 0;
            while ((tail = __atomic_load_n(ring.tail, __ATOMIC_ACQUIRE)) == head) {
                IPCB_RELAX();
                if ((++polls & IPCB_CHECK_MASK) == 0 && ipcb_monotonic_ns() > deadline_ns) return -1;
            }
        }
        ipcb_copy(message, ring.slots + (head & mask) * ring.slot_size, ring.slot_size);
        head++;
        if ((head & batch_mask) == 0) __atomic_store_n(ring.head, head, __ATOMIC_RELEASE);
    }
    __atomic_store_n(ring.head, head, __ATOMIC_RELEASE);
    return 0;
}

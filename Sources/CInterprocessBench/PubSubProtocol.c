#include "Spin.h"

#include <stddef.h>

// `c-pubsub-protocol`: the pub/sub handoff protocol written in plain C, to tell the cost of the
// protocol (which lines move between the cores, which instructions are locked) from the cost of
// an implementation of it. Each direction is one service as the design lays it out: two slot
// records of 128 bytes (ring entry + slot state: sequence, slot, tag, byte count, pin word; entry
// k bound to slot k, as a service with bufferCapacity 1 has), the publisher's line (head), the
// subscribers' line (waiter count), the subscriber's entry (cursor, received), and two 64-byte
// slots of the pool.
//
// Publisher, per sample s (slot k = s & 1, pre-loaned): write the 16-byte sample header and the
// 8-byte payload header into the slot, the byte count into the slot state, the entry's slot
// word, then the entry's sequence with a sequentially consistent exchange; store head; load the
// waiter count (wake nobody); pre-loan the next slot: exchange its tag to s + 1 and load its pin
// word. Subscriber: spin until the entry holds its cursor, fetch_or its pin bit, load the tag
// (must be s), read the payload header, store received and cursor, fetch_and the pin bit off.

typedef struct {
    uint64_t sequence;
    uint32_t slot;
    uint32_t generation;
    uint64_t tag;
    uint32_t slot_generation;
    uint32_t byte_count;
    uint64_t pins;
    unsigned char padding[88];
} ipcb_record;

typedef struct {
    ipcb_record records[2];
    uint64_t head;              // the publisher's line
    unsigned char head_padding[120];
    uint32_t waiters;           // the subscribers' line
    unsigned char waiters_padding[124];
    uint64_t cursor;            // the subscriber's entry
    uint64_t received;
    unsigned char entry_padding[112];
    uint64_t slots[2][8];       // the pool: two 64-byte slots (sample header, payload)
} ipcb_service;

_Static_assert(sizeof(ipcb_record) == 128, "one record per 128-byte line");
_Static_assert(offsetof(ipcb_service, slots) % 128 == 0, "the pool on its own lines");

uint64_t ipcb_pubsub_protocol_bytes(void) { return 2 * sizeof(ipcb_service); }

void ipcb_pubsub_protocol_init(void *region) {
    ipcb_service *services = region;
    for (int index = 0; index < 2; index++) {
        for (int slot = 0; slot < 2; slot++) {
            services[index].records[slot].sequence = UINT64_MAX;
            services[index].records[slot].tag = UINT64_MAX;
        }
        services[index].records[1].tag = 1;  // slot 1 pre-loaned for the first sample
    }
}

static inline void ipcb_publish(ipcb_service *service, uint64_t sample) {
    uint64_t slot = sample & 1;
    uint64_t *payload = service->slots[slot];
    payload[0] = sample;
    payload[1] = 8;
    payload[2] = sample;
    ipcb_record *record = &service->records[slot];
    record->byte_count = 8;
    record->slot = (uint32_t)slot;
    __atomic_exchange_n(&record->sequence, sample, __ATOMIC_SEQ_CST);
    __atomic_store_n(&service->head, sample + 1, __ATOMIC_RELEASE);
    if (__atomic_load_n(&service->waiters, __ATOMIC_SEQ_CST) != 0) __builtin_trap();
    ipcb_record *next = &service->records[(sample + 1) & 1];
    __atomic_exchange_n(&next->tag, sample + 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&next->pins, __ATOMIC_SEQ_CST) != 0) __builtin_trap();
}

// Returns the payload header of sample `sample`, or UINT64_MAX once `deadline_ns` passed.
static inline uint64_t ipcb_take(ipcb_service *service, uint64_t sample, uint64_t deadline_ns) {
    ipcb_record *record = &service->records[sample & 1];
    uint64_t polls = 0;
    while (__atomic_load_n(&record->sequence, __ATOMIC_ACQUIRE) != sample) {
        IPCB_RELAX();
        if ((++polls & IPCB_CHECK_MASK) == 0 && ipcb_monotonic_ns() > deadline_ns) return UINT64_MAX;
    }
    __atomic_fetch_or(&record->pins, 1, __ATOMIC_SEQ_CST);
    uint64_t tag = __atomic_load_n(&record->tag, __ATOMIC_SEQ_CST);
    uint64_t value = tag == sample ? ((volatile uint64_t *)service->slots[sample & 1])[2] : UINT64_MAX - 1;
    service->received++;
    __atomic_store_n(&service->cursor, sample + 1, __ATOMIC_RELAXED);
    __atomic_fetch_and(&record->pins, ~(uint64_t)1, __ATOMIC_RELEASE);
    return value;
}

int ipcb_pubsub_protocol_initiate(void *region, uint64_t first_round, int64_t rounds, uint64_t *samples,
                                  uint64_t deadline_ns) {
    ipcb_service *ping = region, *pong = ping + 1;
    uint64_t start = ipcb_ticks();
    for (int64_t index = 0; index < rounds; index++) {
        uint64_t round = first_round + (uint64_t)index;
        ipcb_publish(ping, round);
        uint64_t echo = ipcb_take(pong, round, deadline_ns);
        if (echo == UINT64_MAX) return -1;
        if (echo != round) return -2;
        uint64_t now = ipcb_ticks();
        if (samples) samples[index] = now - start;
        start = now;
    }
    return 0;
}

int ipcb_pubsub_protocol_respond(void *region, uint64_t first_round, int64_t rounds, uint64_t deadline_ns) {
    ipcb_service *ping = region, *pong = ping + 1;
    for (int64_t index = 0; index < rounds; index++) {
        uint64_t round = first_round + (uint64_t)index;
        uint64_t value = ipcb_take(ping, round, deadline_ns);
        if (value == UINT64_MAX) return -1;
        if (value != round) return -2;
        ipcb_publish(pong, round);
    }
    return 0;
}

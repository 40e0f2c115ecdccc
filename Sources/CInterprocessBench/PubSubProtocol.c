#include "Spin.h"

#include <stddef.h>

// `c-pubsub-protocol`: the pub/sub handoff protocol written in plain C, to tell the cost of the
// protocol (which lines move between the cores, which instructions are locked) from the cost of
// an implementation of it. Each direction is one service as the design lays it out (docs/FORMAT.md,
// "Services"): two slot records of 256 bytes (the ring entry's line: sequence, slot; the slot
// state's line: tag, pin word; entry k bound to slot k, as a service with bufferCapacity 1 has),
// the publisher's line (head), the subscribers' line (waiter count), the subscriber's entry
// (cursor, received), and two 128-byte slots of the pool (a 16-byte sample header, then the
// payload, on one line).
//
// Publisher, per sample s (slot k = s & 1, pre-loaned): write the 8-byte payload header and the
// sample header's byte count, then the header's sequence (release: the publication), the
// entry's slot word, then the entry's sequence with a sequentially consistent exchange; store
// head; load the waiter count (wake nobody); pre-loan the next slot: exchange its tag to s + 1
// and load its pin word. Subscriber (it knows the slot, as a subscriber's guess does): spin until
// the slot's header holds its cursor, fetch_or its pin bit, load the tag (must be s), read the
// payload header, store received and cursor, fetch_and the pin bit off, then prefetch the next
// slot's state line for writing.

typedef struct {
    uint64_t sequence;          // the ring entry's line
    uint32_t slot;
    uint32_t generation;
    unsigned char entry_padding[112];
    uint64_t tag;               // the slot state's line
    uint32_t slot_generation;
    uint32_t reserved;
    uint64_t pins;
    unsigned char state_padding[104];
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
    uint64_t slots[2][16];      // the pool: two 128-byte slots (sequence, byte count, payload)
} ipcb_service;

_Static_assert(sizeof(ipcb_record) == 256, "an entry line and a state line per record");
_Static_assert(offsetof(ipcb_service, slots) % 128 == 0, "the pool on its own lines");

uint64_t ipcb_pubsub_protocol_bytes(void) { return 2 * sizeof(ipcb_service); }

void ipcb_pubsub_protocol_init(void *region) {
    ipcb_service *services = region;
    for (int index = 0; index < 2; index++) {
        for (int slot = 0; slot < 2; slot++) {
            services[index].records[slot].sequence = UINT64_MAX;
            services[index].records[slot].tag = UINT64_MAX;
            services[index].slots[slot][0] = UINT64_MAX;
        }
        services[index].records[1].tag = 1;  // slot 1 pre-loaned for the first sample (round 1)
    }
}

static inline void ipcb_publish(ipcb_service *service, uint64_t sample) {
    uint64_t slot = sample & 1;
    uint64_t *header = service->slots[slot];
    header[2] = sample;  // the payload header
    header[1] = 8;       // byte count, generation 0
    __atomic_store_n(&header[0], sample, __ATOMIC_RELEASE);
    ipcb_record *record = &service->records[slot];
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
    uint64_t *header = service->slots[sample & 1];
    ipcb_record *record = &service->records[sample & 1];
    uint64_t polls = 0;
    while (__atomic_load_n(&header[0], __ATOMIC_ACQUIRE) != sample) {
        IPCB_RELAX();
        if ((++polls & IPCB_CHECK_MASK) == 0 && ipcb_monotonic_ns() > deadline_ns) return UINT64_MAX;
    }
    __atomic_fetch_or(&record->pins, 1, __ATOMIC_SEQ_CST);
    uint64_t tag = __atomic_load_n(&record->tag, __ATOMIC_SEQ_CST);
    uint64_t value = tag == sample ? ((volatile uint64_t *)header)[2] : UINT64_MAX - 1;
    service->received++;
    __atomic_store_n(&service->cursor, sample + 1, __ATOMIC_RELAXED);
    __atomic_fetch_and(&record->pins, ~(uint64_t)1, __ATOMIC_RELEASE);
    __builtin_prefetch(&service->records[(sample + 1) & 1].tag, 1, 3);
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

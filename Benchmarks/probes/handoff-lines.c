// Probe: where does the pub/sub handoff spend its time beyond the C spin floor, and would a
// layout that publishes on the payload's own line take it back?
//
// The handoff protocol of `c-pubsub-protocol` (Sources/CInterprocessBench/PubSubProtocol.c, plus
// the subscriber's payload prefetch the implementation makes), in a ping-pong between two
// processes pinned to CPUs 0 and 1, beside the plain spin ping-pong (the floor):
//   protocol:            as the implementation: the subscriber spins on the ring entry's line,
//                        pins on that line, reads the payload from the pool's line;
//   no-pin:              the same without the pin's fetch_or / fetch_and (not a correct protocol:
//                        it tells what the pin costs);
//   no-payload:          the same without reading the payload (what the payload line costs);
//   one-line:            the publication is the sample header's sequence, stored on the line
//                        that holds the payload's first bytes; the subscriber spins on it; the
//                        slot's tag and pins are on a line of their own, which a publication does
//                        not write; the ring entry is still written (sequentially consistent, for
//                        the parking handshake) but not read;
//   one-line+prefetchw:  + the subscriber asks for the next slot's tag/pins line for writing
//                        once it released a sample;
//   one-line+poll-entry: + the subscriber also looks at the ring entry while it waits (what a
//                        subscriber must do to find a sample the publisher put in another slot).
// The cases alternate in blocks (the VM moves its vCPUs every few minutes); each block's p50 is
// divided by the same block's floor, and the medians of those ratios are printed per placement.
// Build and run: cc -O2 -o probe handoff-lines.c && ./probe 16
// Results: BENCHMARKS.md, "Where the pub/sub handoff's time goes" (2026-12-03). Not part of any build.
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 50000
#define CASES 7
#define RELAX() __asm__ __volatile__("pause" ::: "memory")

typedef struct { uint64_t sequence; uint32_t slot, generation; uint64_t tag; uint32_t slot_generation, byte_count; uint64_t pins; unsigned char pad[88]; } rec;
typedef struct { rec records[2]; uint64_t head; unsigned char hp[120]; uint32_t waiters; unsigned char wp[124];
                 uint64_t cursor, received; unsigned char ep[112]; uint64_t slots[2][16]; struct { uint64_t tag, pins; unsigned char pad[112]; } state[2]; } svc;
typedef struct { uint64_t word; unsigned char pad[120]; } line;

enum { NO_PIN = 1, NO_PAYLOAD = 2, ONE_LINE = 4, PREFETCHW = 8, ENTRY_SC = 16, POLL_ENTRY = 32 };
static const char *names[CASES] = {"floor", "protocol", "no-pin", "no-payload", "one-line", "one-line+prefetchw", "one-line+poll-entry"};
static const int modes[CASES] = {0, 0, NO_PIN, NO_PAYLOAD, ONE_LINE | ENTRY_SC, ONE_LINE | ENTRY_SC | PREFETCHW, ONE_LINE | ENTRY_SC | POLL_ENTRY};
static int mode;

static uint64_t now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1000000000ull + t.tv_nsec; }
static void pin(int cpu) { cpu_set_t s; CPU_ZERO(&s); CPU_SET(cpu, &s); sched_setaffinity(0, sizeof s, &s); }
static int by_value(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return x < y ? -1 : x > y; }
static int by_u64(const void *a, const void *b) { uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b; return x < y ? -1 : x > y; }

static void publish_one_line(svc *s, uint64_t n) {
    uint64_t k = n & 1;
    uint64_t *slot = s->slots[k];
    slot[2] = n;  // payload (starts in the header's line)
    s->records[k].slot = (uint32_t)k;  // the ring entry, a hint now
    slot[1] = 8;
    if (mode & ENTRY_SC) {
        __atomic_store_n(&slot[0], n, __ATOMIC_RELEASE);
        __atomic_exchange_n(&s->records[k].sequence, n, __ATOMIC_SEQ_CST);
    } else {
    __atomic_store_n(&s->records[k].sequence, n, __ATOMIC_RELAXED);
    __atomic_store_n(&slot[0], n, __ATOMIC_SEQ_CST);  // the commit: the slot header's sequence
    }
    __atomic_store_n(&s->head, n + 1, __ATOMIC_RELEASE);
    if (__atomic_load_n(&s->waiters, __ATOMIC_SEQ_CST)) abort();
    uint64_t m = (n + 1) & 1;
    __atomic_exchange_n(&s->state[m].tag, n + 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&s->state[m].pins, __ATOMIC_SEQ_CST)) abort();
}

static uint64_t take_one_line(svc *s, uint64_t n) {
    uint64_t k = n & 1;
    volatile uint64_t *slot = s->slots[k];
    if (mode & POLL_ENTRY) {
        while (__atomic_load_n(&slot[0], __ATOMIC_ACQUIRE) != n) { if (__atomic_load_n(&s->records[k].sequence, __ATOMIC_ACQUIRE) == n) break; RELAX(); }
    } else
    while (__atomic_load_n(&slot[0], __ATOMIC_ACQUIRE) != n) RELAX();
    __atomic_fetch_or(&s->state[k].pins, 1, __ATOMIC_SEQ_CST);
    uint64_t tag = __atomic_load_n(&s->state[k].tag, __ATOMIC_SEQ_CST);
    uint64_t value = tag == n ? slot[2] : ~0ull;
    s->received++;
    __atomic_store_n(&s->cursor, n + 1, __ATOMIC_RELAXED);
    __atomic_fetch_and(&s->state[k].pins, ~1ull, __ATOMIC_RELEASE);
    if (mode & PREFETCHW) __builtin_prefetch(&s->state[(n + 1) & 1], 1, 3);
    return value;
}

static void publish(svc *s, uint64_t n) {
    if (mode & ONE_LINE) { publish_one_line(s, n); return; }
    uint64_t k = n & 1;
    uint64_t *payload = s->slots[k];
    payload[0] = n; payload[1] = 8; payload[2] = n;
    rec *r = &s->records[k];
    r->byte_count = 8; r->slot = (uint32_t)k;
    __atomic_exchange_n(&r->sequence, n, __ATOMIC_SEQ_CST);
    __atomic_store_n(&s->head, n + 1, __ATOMIC_RELEASE);
    if (__atomic_load_n(&s->waiters, __ATOMIC_SEQ_CST)) abort();
    rec *next = &s->records[(n + 1) & 1];
    __atomic_exchange_n(&next->tag, n + 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&next->pins, __ATOMIC_SEQ_CST)) abort();
}

static uint64_t take(svc *s, uint64_t n) {
    if (mode & ONE_LINE) return take_one_line(s, n);
    rec *r = &s->records[n & 1];
    while (__atomic_load_n(&r->sequence, __ATOMIC_ACQUIRE) != n) RELAX();
    if (!(mode & NO_PAYLOAD)) __builtin_prefetch(s->slots[n & 1], 0, 3);
    if (!(mode & NO_PIN)) __atomic_fetch_or(&r->pins, 1, __ATOMIC_SEQ_CST);
    uint64_t tag = __atomic_load_n(&r->tag, __ATOMIC_SEQ_CST);
    uint64_t value = tag == n ? ((mode & NO_PAYLOAD) ? n : ((volatile uint64_t *)s->slots[n & 1])[2]) : ~0ull;
    s->received++;
    __atomic_store_n(&s->cursor, n + 1, __ATOMIC_RELAXED);
    if (!(mode & NO_PIN)) __atomic_fetch_and(&r->pins, ~1ull, __ATOMIC_RELEASE);
    return value;
}

// One case: ROUNDS round trips; returns the p50 one way (round trip / 2) in ns.
static double run(void *memory, size_t bytes, int index, uint64_t *samples) {
    memset(memory, 0, bytes);
    svc *ping = memory, *pong = ping + 1;
    line *there = (line *)(pong + 1), *back = there + 1;
    // Sample 0 goes to slot 0, whose tag (0) says it is loaned for it; each publish pre-loans the next.
    for (int s = 0; s < 2; s++) for (int k = 0; k < 2; k++) { ping[s].records[k].sequence = ~0ull; ping[s].slots[k][0] = ~0ull; ping[s].state[k].tag = k == 0 ? 0 : ~0ull; }
    mode = modes[index];
    int floor = index == 0;
    pid_t child = fork();
    if (child == 0) {
        pin(1);
        for (uint64_t n = 0; n < ROUNDS; n++) {
            if (floor) {
                while (__atomic_load_n(&there->word, __ATOMIC_ACQUIRE) != n + 1) RELAX();
                __atomic_store_n(&back->word, n + 1, __ATOMIC_RELEASE);
            } else {
                if (take(ping, n) != n) _exit(2);
                publish(pong, n);
            }
        }
        _exit(0);
    }
    pin(0);
    uint64_t start = now();
    for (uint64_t n = 0; n < ROUNDS; n++) {
        if (floor) {
            __atomic_store_n(&there->word, n + 1, __ATOMIC_RELEASE);
            while (__atomic_load_n(&back->word, __ATOMIC_ACQUIRE) != n + 1) RELAX();
        } else {
            publish(ping, n);
            if (take(pong, n) != n) { fprintf(stderr, "wrong sample\n"); exit(1); }
        }
        uint64_t t = now();
        samples[n] = t - start;
        start = t;
    }
    int status;
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) { fprintf(stderr, "peer failed\n"); exit(1); }
    qsort(samples, ROUNDS, sizeof *samples, by_u64);
    return samples[ROUNDS / 2] / 2.0;
}

int main(int argc, char **argv) {
    int blocks = argc > 1 ? atoi(argv[1]) : 25;
    if (blocks < 1) blocks = 1;
    size_t bytes = 1 << 16;
    void *memory = mmap(0, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    uint64_t *samples = malloc(sizeof *samples * ROUNDS);
    double (*p50)[CASES] = calloc(blocks, sizeof *p50);
    if (memory == MAP_FAILED || !samples || !p50) return 1;
    for (int b = 0; b < blocks; b++) {
        for (int c = 0; c < CASES; c++) p50[b][c] = run(memory, bytes, c, samples);
        printf("block %2d:", b);
        for (int c = 0; c < CASES; c++) printf(" %s %.0f", names[c], p50[b][c]);
        printf("\n");
    }
    for (int near = 1; near >= 0; near--) {
        double ratios[CASES][blocks], floors[blocks];
        int count = 0;
        for (int b = 0; b < blocks; b++) {
            if ((p50[b][0] < 60) != near) continue;
            floors[count] = p50[b][0];
            for (int c = 0; c < CASES; c++) ratios[c][count] = p50[b][c] / p50[b][0];
            count++;
        }
        if (count == 0) continue;
        qsort(floors, count, sizeof(double), by_value);
        printf("%s placement: %d blocks, floor p50 median %.0f ns; median p50 / floor:", near ? "near" : "far", count, floors[count / 2]);
        for (int c = 1; c < CASES; c++) {
            qsort(ratios[c], count, sizeof(double), by_value);
            printf(" %s %.2f×", names[c], ratios[c][count / 2]);
        }
        printf("\n");
    }
    return 0;
}

// Probe: does `cldemote` after publishing shorten a cross-core pub/sub handoff?
//
// The handoff protocol of `c-pubsub-protocol` (Sources/CInterprocessBench/PubSubProtocol.c), in a
// ping-pong between two processes pinned to CPUs 0 and 1, beside the plain spin ping-pong (the
// floor), with the publisher pushing lines it just wrote toward the shared cache (`cldemote`, a
// no-op on CPUs without it) so that the subscriber's read, and its pin's read-modify-write on the
// same record line, need no snoop of the publisher's core:
//   protocol:        as `c-pubsub-protocol`;
//   demote:          + cldemote of the payload line and the record line after the head store;
//   demote-record:   + cldemote of the record line only;
//   demote-payload:  + cldemote of the payload line only;
//   demote-at-end:   + cldemote of both after the next slot's pre-loan.
// The five cases alternate in blocks (the VM moves its vCPUs every few minutes); each block's p50
// is divided by the same block's floor, and the medians of those ratios are printed per placement
// ("near": floor below 60 ns, two hyper-threads of one core; "far": the rest).
// Build and run: cc -O2 -o probe demote-handoff.c && ./probe 25
// Result on the Intel host of 2026-12-02 (BENCHMARKS.md, 20 blocks): far (floor 172 ns) protocol
// 1.28×, demote 1.20×, payload only 1.17×; near (floor 28 ns) protocol 1.82×, demote 7.54× (the
// peer shares the core's private caches, so demoting sends the line away from it). Not adopted.
// Not part of any build.
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
#define CASES 6
#define RELAX() __asm__ __volatile__("pause" ::: "memory")

typedef struct { uint64_t sequence; uint32_t slot, generation; uint64_t tag; uint32_t slot_generation, byte_count; uint64_t pins; unsigned char pad[88]; } rec;
typedef struct { rec records[2]; uint64_t head; unsigned char hp[120]; uint32_t waiters; unsigned char wp[124];
                 uint64_t cursor, received; unsigned char ep[112]; uint64_t slots[2][16]; } svc;
typedef struct { uint64_t word; unsigned char pad[120]; } line;

enum { DEMOTE_RECORD = 1, DEMOTE_PAYLOAD = 2, DEMOTE_AT_END = 4 };
static const char *names[CASES] = {"floor", "protocol", "demote", "demote-record", "demote-payload", "demote-at-end"};
static const int modes[CASES] = {0, 0, DEMOTE_RECORD | DEMOTE_PAYLOAD, DEMOTE_RECORD, DEMOTE_PAYLOAD, DEMOTE_RECORD | DEMOTE_PAYLOAD | DEMOTE_AT_END};
static int mode;

static void demote(void *p) {
#if defined(__x86_64__)
    __asm__ __volatile__(".byte 0x0f, 0x1c, 0x07" :: "D"(p) : "memory");
#else
    (void)p;
#endif
}
static uint64_t now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1000000000ull + t.tv_nsec; }
static void pin(int cpu) { cpu_set_t s; CPU_ZERO(&s); CPU_SET(cpu, &s); sched_setaffinity(0, sizeof s, &s); }
static int by_value(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return x < y ? -1 : x > y; }
static int by_u64(const void *a, const void *b) { uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b; return x < y ? -1 : x > y; }

static void publish(svc *s, uint64_t n) {
    uint64_t k = n & 1;
    uint64_t *payload = s->slots[k];
    payload[0] = n; payload[1] = 8; payload[2] = n;
    rec *r = &s->records[k];
    r->byte_count = 8; r->slot = (uint32_t)k;
    __atomic_exchange_n(&r->sequence, n, __ATOMIC_SEQ_CST);
    __atomic_store_n(&s->head, n + 1, __ATOMIC_RELEASE);
    if (__atomic_load_n(&s->waiters, __ATOMIC_SEQ_CST)) abort();
    if (!(mode & DEMOTE_AT_END)) {
        if (mode & DEMOTE_PAYLOAD) demote(payload);
        if (mode & DEMOTE_RECORD) demote(r);
    }
    rec *next = &s->records[(n + 1) & 1];
    __atomic_exchange_n(&next->tag, n + 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&next->pins, __ATOMIC_SEQ_CST)) abort();
    if (mode & DEMOTE_AT_END) { demote(payload); demote(r); }
}

static uint64_t take(svc *s, uint64_t n) {
    rec *r = &s->records[n & 1];
    while (__atomic_load_n(&r->sequence, __ATOMIC_ACQUIRE) != n) RELAX();
    __builtin_prefetch(s->slots[n & 1], 0, 3);
    __atomic_fetch_or(&r->pins, 1, __ATOMIC_SEQ_CST);
    uint64_t tag = __atomic_load_n(&r->tag, __ATOMIC_SEQ_CST);
    uint64_t value = tag == n ? ((volatile uint64_t *)s->slots[n & 1])[2] : ~0ull;
    s->received++;
    __atomic_store_n(&s->cursor, n + 1, __ATOMIC_RELAXED);
    __atomic_fetch_and(&r->pins, ~1ull, __ATOMIC_RELEASE);
    return value;
}

// One case: ROUNDS round trips; returns the p50 one way (round trip / 2) in ns.
static double run(void *memory, size_t bytes, int index, uint64_t *samples) {
    memset(memory, 0, bytes);
    svc *ping = memory, *pong = ping + 1;
    line *there = (line *)(pong + 1), *back = there + 1;
    // Sample 0 goes to slot 0, whose tag (0) says it is loaned for it; each publish pre-loans the next.
    for (int s = 0; s < 2; s++) for (int k = 0; k < 2; k++) ping[s].records[k].sequence = ~0ull;
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

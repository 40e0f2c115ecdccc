// Probe: how fast can a blackboard reader poll while the writer updates without pause, and
// does starting every copy's lines on their way before the version is known help?
//
// The stamp protocol of `Blackboard` (docs/FORMAT.md, "Blackboards") in C: one 64-byte value,
// `copies` stamped copies of 128 bytes, a version word on its own line. The writer (CPU 0)
// writes copy v % copies (stamp odd, bytes, stamp even) and publishes v; the reader (CPU 1)
// loads the version, copies the copy it names and checks the stamp, for one second.
//   mode 1: as `BlackboardReader` did before 2026-12-03: the copy's lines are asked for only
//           once the version is known (two line transfers in a row when the writer moved on);
//   mode 2: every copy's two lines are prefetched first, then the version is loaded;
//   mode 3: as `BlackboardEntryReader`: the reader keeps the last value it read and compares the
//           version with its version; only when it changed does it read as mode 2;
//   mode 4: mode 3, and the caller loads and compares all eight words of every value it gets
//           (a caller's work per read: in a loop that waits on the version line, fewer reads
//           fit in flight).
// `pace` (M updates/s, 0 = without pause) makes the writer spin on the clock between updates.
// Build and run: cc -O2 -o probe blackboard-prefetch.c && for m in 1 2 3 4; do ./probe $m 4 0; ./probe $m 4 10; done
// Result (BENCHMARKS.md, 2026-12-03): far placement, 4 copies, writer without pause: mode 1
// reader ~10 M reads/s, mode 2 ~45–80 M; the writer's rate drops (mode 2 steals lines it is
// writing): at a 10 M/s pace it holds ~5–9 M/s instead of 10. Mode 3: 110–350 M, mode 4
// 23–34 M (same runs: mode 2 38–58 M), the writer's rate as mode 2's. Not part of any build.
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <string.h>
#include <unistd.h>

#define MAX_COPIES 16

static uint64_t now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1000000000ull + t.tv_nsec; }
static void pin(int cpu) { cpu_set_t s; CPU_ZERO(&s); CPU_SET(cpu, &s); sched_setaffinity(0, sizeof s, &s); }

struct board {
    _Alignas(128) volatile uint64_t version;
    _Alignas(128) volatile uint64_t copy[MAX_COPIES][16];   // stamp, then 8 words of value
    _Alignas(128) volatile int stop, ready;
    volatile uint64_t reads, fresh, retries;
};

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: probe MODE COPIES [PACE]\n"); return 2; }
    int mode = atoi(argv[1]), copies = atoi(argv[2]);
    double pace = argc > 3 ? atof(argv[3]) : 0;
    if (copies < 2 || copies > MAX_COPIES || (copies & (copies - 1))) { fprintf(stderr, "copies: a power of two, 2...16\n"); return 2; }
    uint64_t mask = (uint64_t)copies - 1;
    struct board *b = mmap(0, sizeof *b, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pid_t reader = fork();
    if (reader == 0) {
        pin(1);
        b->ready = 1;
        uint64_t reads = 0, fresh = 0, retries = 0, last = 0, kept[8] = {0}, broken = 0;
        while (!b->stop) {
            for (int i = 0; i < 1024; i++) {
                if (mode >= 3 && __atomic_load_n(&b->version, __ATOMIC_ACQUIRE) == last && last != 0) {
                    if (mode == 4) {
                        volatile uint64_t *w = kept;   // loaded on every read, as a caller would
                        uint64_t x = 0;
                        for (int k = 1; k < 8; k++) x |= w[k] ^ w[0];
                        broken += x != 0;
                    }
                    reads++;
                    continue;
                }
                if (mode >= 2) {
                    for (int c = 0; c < copies; c++) {
                        __builtin_prefetch((const void *)b->copy[c], 0, 3);
                        __builtin_prefetch((const void *)&b->copy[c][8], 0, 3);
                    }
                }
                uint64_t v = __atomic_load_n(&b->version, __ATOMIC_ACQUIRE);
                volatile uint64_t *c = b->copy[v & mask];
                uint64_t stamp = __atomic_load_n(&c[0], __ATOMIC_ACQUIRE), value[8];
                for (int k = 0; k < 8; k++) value[k] = c[k + 1];
                __atomic_thread_fence(__ATOMIC_ACQUIRE);
                if (__atomic_load_n(&c[0], __ATOMIC_RELAXED) == stamp && stamp == 2 * v && value[0] == value[7]) {
                    if (v != last) { fresh++; last = v; memcpy(kept, value, sizeof kept); }
                    reads++;
                } else {
                    retries++;
                }
            }
        }
        b->reads = reads; b->fresh = fresh; b->retries = retries + broken;
        _exit(0);
    }
    pin(0);
    while (!b->ready) {}
    uint64_t v = 0, written = 0, start = now(), tick = start;
    while (now() - start < 1000000000ull) {
        for (int i = 0; i < 256; i++) {
            if (pace > 0) { tick += (uint64_t)(1000 / pace); while (now() < tick) {} }
            v++;
            volatile uint64_t *c = b->copy[v & mask];
            __atomic_store_n(&c[0], 2 * v + 1, __ATOMIC_RELAXED);
            __atomic_thread_fence(__ATOMIC_RELEASE);
            for (int k = 0; k < 8; k++) c[k + 1] = v;
            __atomic_store_n(&c[0], 2 * v, __ATOMIC_RELEASE);
            __atomic_store_n(&b->version, v, __ATOMIC_RELEASE);
        }
        written += 256;
    }
    double seconds = (now() - start) / 1e9;
    b->stop = 1;
    waitpid(reader, 0, 0);
    printf("mode %d, %d copies, pace %.0f M/s: writer %.1f M/s, reader %.1f M reads/s (%.1f M new versions/s, %.2f M retries/s)\n",
           mode, copies, pace, written / seconds / 1e6, b->reads / seconds / 1e6, b->fresh / seconds / 1e6, b->retries / seconds / 1e6);
    return 0;
}

// What the spinning loops of the C baselines share (private to this target).
#ifndef C_INTERPROCESS_BENCH_SPIN_H
#define C_INTERPROCESS_BENCH_SPIN_H

#include "CInterprocessBench.h"

// Spinning checks the deadline once every 2^16 polls, so the clock costs nothing per round.
#define IPCB_CHECK_MASK 0xFFFF

// One polite poll: `pause` (x86) or `yield` (arm64), as the Swift loops' ipc_cpu_relax.
#if defined(__x86_64__) || defined(__i386__)
#define IPCB_RELAX() __asm__ __volatile__("pause" ::: "memory")
#elif defined(__aarch64__)
#define IPCB_RELAX() __asm__ __volatile__("yield" ::: "memory")
#else
#define IPCB_RELAX() do {} while (0)
#endif

#endif

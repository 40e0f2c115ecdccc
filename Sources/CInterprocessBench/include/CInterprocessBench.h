// The C side of `interprocess bench`: what the Swift results are measured against.
//
// - A cheap clock: the time-stamp counter, read inline (calibrated against CLOCK_MONOTONIC by
//   the caller).
// - The latency floor: two processes spinning on two shared cache lines, one ping-pong per round.
// - The same ping-pong with a payload memcpy'd into a shared buffer and out of it each way (the
//   baseline of the pub/sub rows that write and read whole samples).
// - The pub/sub handoff protocol itself in plain C: what the design costs before any Swift.
// - The raw futex handoff: two processes that sleep on a shared word and wake each other.
// - The throughput floor: a plain single-producer, single-consumer ring of fixed-size slots that
//   writes each message straight into its slot.
//
// Every loop takes a `deadline_ns` (CLOCK_MONOTONIC) and returns -1 once it passes while waiting,
// so that a dead peer fails a run instead of hanging it. Words are accessed with the compiler's
// __atomic builtins; each side writes only its own 128-byte line.
#ifndef C_INTERPROCESS_BENCH_H
#define C_INTERPROCESS_BENCH_H

#include <stdint.h>

/// The time-stamp counter (x86_64) or the virtual counter (arm64); 0 elsewhere.
static inline uint64_t ipcb_ticks(void) {
#if defined(__x86_64__)
    uint32_t low, high;
    __asm__ __volatile__("rdtsc" : "=a"(low), "=d"(high));
    return ((uint64_t)high << 32) | low;
#elif defined(__aarch64__)
    uint64_t value;
    __asm__ __volatile__("isb; mrs %0, cntvct_el0" : "=r"(value) :: "memory");
    return value;
#else
    return 0;
#endif
}

/// CLOCK_MONOTONIC in nanoseconds.
uint64_t ipcb_monotonic_ns(void);

/// Makes the calling process receive SIGKILL when its parent dies (Linux), so that a bench peer
/// never outlives the bench. Returns 0 or -1.
int ipcb_die_with_parent(void);

// MARK: Spin ping-pong (the latency floor)

/// The initiating side: for each of `rounds` rounds, writes the round's number to `*ping`, spins
/// until `*pong` echoes it, and stores the round trip in ticks in `samples[round]` (when
/// `samples` is not NULL). Returns 0, or -1 if `deadline_ns` passed while waiting.
int ipcb_spin_initiate(uint64_t *ping, const uint64_t *pong, uint64_t first_round, int64_t rounds,
                       uint64_t *samples, uint64_t deadline_ns);

/// The responding side: for each of `rounds` rounds, spins until `*ping` holds the round's
/// number and echoes it to `*pong`. Returns 0, or -1 if `deadline_ns` passed while waiting.
int ipcb_spin_respond(const uint64_t *ping, uint64_t *pong, uint64_t first_round, int64_t rounds,
                      uint64_t deadline_ns);

// MARK: Spin ping-pong with copies (the baseline of `pubsub-full`)

/// The spin ping-pong with a payload: each side copies its whole message (`size` bytes, at least
/// 8, the round's number in the first 8) from its private `message` into its shared buffer before
/// storing the round, and the receiver copies the whole shared buffer into its private `answer`
/// after seeing it. The memory work of a publisher that writes a whole sample and a subscriber
/// that reads it whole, around the floor's handoff.
typedef struct {
    uint64_t *ping;              // written by the initiator
    uint64_t *pong;              // written by the responder
    unsigned char *ping_buffer;  // the initiator's message, `size` bytes, shared
    unsigned char *pong_buffer;  // the responder's answer, `size` bytes, shared
    unsigned char *message;      // private: what this side copies in
    unsigned char *answer;       // private: where this side copies out
    uint64_t size;
} ipcb_memcpy_spin;

/// The initiating side: per round, copies in, stores `*ping`, spins for `*pong`, copies out and
/// checks the echoed round; the round trip in ticks goes to `samples[index]` (when not NULL).
/// Returns 0, -1 if `deadline_ns` passed while waiting, -2 for a wrong echo.
int ipcb_memcpy_spin_initiate(ipcb_memcpy_spin spin, uint64_t first_round, int64_t rounds, uint64_t *samples,
                              uint64_t deadline_ns);

/// The responding side: per round, spins for `*ping`, copies out and checks it, copies its answer
/// in and stores `*pong`. Returns 0, -1 if `deadline_ns` passed, -2 for a wrong round.
int ipcb_memcpy_spin_respond(ipcb_memcpy_spin spin, uint64_t first_round, int64_t rounds, uint64_t deadline_ns);

// MARK: The pub/sub protocol in C (`c-pubsub-protocol`)

/// The bytes the pub/sub protocol model needs (two services: ping and pong), 128-byte aligned.
uint64_t ipcb_pubsub_protocol_bytes(void);

/// Initializes the model's region (zero-filled before): empty rings, the first slots pre-loaned.
void ipcb_pubsub_protocol_init(void *region);

/// The initiating side: per round, publishes on the ping service and takes the pong (spinning);
/// round trips in ticks go to `samples` (when not NULL). Returns 0, -1 after `deadline_ns`, -2 for a
/// wrong echo. Starts at round 1 on a fresh region (sample numbers are round numbers).
int ipcb_pubsub_protocol_initiate(void *region, uint64_t first_round, int64_t rounds, uint64_t *samples,
                                  uint64_t deadline_ns);

/// The responding side. Returns 0, -1 after `deadline_ns`, -2 for a wrong round.
int ipcb_pubsub_protocol_respond(void *region, uint64_t first_round, int64_t rounds, uint64_t deadline_ns);

// MARK: Futex handoff (the cost of a sleep and a wake-up)

/// The initiating side of a ping-pong on one shared 32-bit word: each round stores an odd value,
/// wakes the peer, and sleeps (no spinning) until the peer stores the next even value. Round
/// trips in ticks go to `samples` (when not NULL). Returns 0, or -1 if `deadline_ns` passed.
///
/// With `idle_ticks` > 0, each round first idles that long (so the responder has been asleep
/// for a while, as a parked consumer has), then wakes it and spins (no sleep) for its answer,
/// timing the round from the wake-up: the cost of waking one parked process.
int ipcb_futex_initiate(uint32_t *word, uint32_t first_round, int64_t rounds, uint64_t *samples,
                        uint64_t idle_ticks, uint64_t deadline_ns);

/// The responding side of the futex ping-pong. Returns 0, or -1 if `deadline_ns` passed.
int ipcb_futex_respond(uint32_t *word, uint32_t first_round, int64_t rounds, uint64_t deadline_ns);

// MARK: Sleeping on a shared word (bench phases)

/// Sleeps while *word == expected, for at most `timeout_ns` (a futex shared between processes).
void ipcb_shared_word_sleep(uint32_t *word, uint32_t expected, uint64_t timeout_ns);

/// Wakes every process sleeping on `word`.
void ipcb_shared_word_wake_all(uint32_t *word);

// MARK: Fixed-slot ring (the throughput floor)

/// A ring of `slot_count` slots (a power of two) of `slot_size` bytes each. `tail` (written by
/// the producer) and `head` (written by the consumer) count slots ever written and read; they
/// live on separate lines, and each side caches the other's. Each side publishes its index
/// every `batch` messages (a power of two), and whenever it would otherwise wait, as the SPSC
/// bench batches its commits and releases.
typedef struct {
    uint64_t *tail;
    uint64_t *head;
    unsigned char *slots;
    uint64_t slot_count;
    uint64_t slot_size;
    uint64_t batch;
} ipcb_ring;

/// Copies `count` messages of `ring.slot_size` bytes from `message` straight into the slots.
/// Returns 0, or -1 if `deadline_ns` passed while full.
int ipcb_ring_produce(ipcb_ring ring, const void *message, int64_t count, uint64_t deadline_ns);

/// Copies `count` messages out of the slots into `message`. Returns 0, or -1 if `deadline_ns`
/// passed while empty.
int ipcb_ring_consume(ipcb_ring ring, void *message, int64_t count, uint64_t deadline_ns);

/// Locks and unlocks a process-shared robust pthread mutex (glibc) `count` times in this
/// process, uncontended. Returns the nanoseconds taken, or -1 on failure.
int64_t ipcb_robust_mutex_pairs(int64_t count);

/// Calls glibc's malloc(`size`) and free `count` times in this thread, touching one byte of each
/// block through a volatile pointer so that the pair cannot be optimized away: the baseline of
/// the managed heap's allocate + deallocate. Returns the nanoseconds taken.
int64_t ipcb_malloc_free_pairs(int64_t count, int64_t size);

/// Initializes two process-shared POSIX semaphores (glibc `sem_t`, count 0) at `ping` and
/// `pong`, each 64-byte aligned with room for a `sem_t`. Returns 0, or -1.
int ipcb_sem_init_pair(void *ping, void *pong);

/// The initiating side of the POSIX semaphore ping-pong: posts `ping`, waits on `pong`, and
/// stores each round trip in ticks in `samples` (if not NULL). Returns 0, or -1 if
/// `deadline_ns` passed.
int ipcb_sem_initiate(void *ping, void *pong, int64_t rounds, uint64_t *samples, uint64_t deadline_ns);

/// The responding side of the POSIX semaphore ping-pong. Returns 0, or -1 if `deadline_ns` passed.
int ipcb_sem_respond(void *ping, void *pong, int64_t rounds, uint64_t deadline_ns);

/// Initializes a process-shared robust `pthread_mutex_t` at `mutex` and a process-shared
/// `pthread_cond_t` (CLOCK_MONOTONIC) at `cond`. Returns 0, or -1.
int ipcb_cond_init(void *mutex, void *cond);

/// The initiating side of the pthread condition ping-pong: under the mutex, sets `*turn` to 1,
/// signals, and waits until the responder sets it back to 0; stores each round trip in ticks in
/// `samples` (if not NULL). Returns 0, or -1 if `deadline_ns` passed.
int ipcb_cond_initiate(void *mutex, void *cond, uint64_t *turn, int64_t rounds, uint64_t *samples, uint64_t deadline_ns);

/// The responding side of the pthread condition ping-pong. Returns 0, or -1 if `deadline_ns` passed.
int ipcb_cond_respond(void *mutex, void *cond, uint64_t *turn, int64_t rounds, uint64_t deadline_ns);

/// A robust process-shared mutex handed back and forth between two processes through a turn word
/// read and written under it (0: the initiator's, 1: the responder's, 2: back to the initiator),
/// each side retrying lock/check/unlock while the other holds the turn. The mutex must be
/// initialized (ipcb_cond_init does). Returns 0, or -1 after `deadline_ns`.
int ipcb_mutex_handoff(void *mutex, uint64_t *turn, int initiates, int64_t rounds, uint64_t *samples,
                       uint64_t deadline_ns);

/// libsharedmemory 2.x's string write + read (lock, flags, size, data, revision; lock, copy, ack),
/// `iterations` times in one thread on `mapping` (at least 32 + `length` bytes); returns the
/// nanoseconds taken. The `legacy` bench group's baseline.
uint64_t ipcb_legacy_v2_write_read(void *mapping, const char *text, uint32_t length, uint64_t iterations);


// The message queue group's C baseline (PriorityQueue.c): a bounded priority queue under a
// process-shared robust pthread mutex and two process-shared conditions, as a user would write it.

/// The bytes a queue of `capacity` messages of up to `max_size` bytes takes.
uint64_t ipcb_pq_bytes(uint32_t capacity, uint32_t max_size);
/// Initializes a queue in `region` (64-byte aligned, ipcb_pq_bytes long, shared). Returns 0 or -1.
int ipcb_pq_init(void *region, uint32_t capacity, uint32_t max_size);
/// Copies a message in with `priority`, waiting while the queue is full. Returns 0 or -1.
int ipcb_pq_send(void *region, const void *message, uint32_t length, uint32_t priority);
/// Copies out the highest-priority (then oldest) message, waiting while the queue is empty.
/// Returns 0 or -1.
int ipcb_pq_receive(void *region, void *message, uint32_t capacity, uint32_t *length, uint32_t *priority);

#endif

// The few things Swift cannot call on Linux: variadic syscall(2), CMSG_* and W* macros,
// cpu_set_t macros. Everything is `static inline` so that it inlines into Swift callers,
// except descriptor passing and affinity, which are not on any hot path and need _GNU_SOURCE
// (defining it in this header would make its view of system types differ from other modules').
#ifndef C_INTERPROCESS_SHIM_H
#define C_INTERPROCESS_SHIM_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#endif

/// FUTEX_WAIT_BITSET on a process-shared 32-bit word with an absolute CLOCK_MONOTONIC deadline
/// (`deadline == NULL` waits forever). Returns 0 when woken, -1 with errno otherwise
/// (EAGAIN: the word no longer held `expected`; ETIMEDOUT; EINTR).
static inline int ipc_futex_wait(uint32_t *word, uint32_t expected, const struct timespec *deadline) {
#if defined(__linux__)
    return (int)syscall(SYS_futex, word, FUTEX_WAIT_BITSET, expected, deadline, NULL, FUTEX_BITSET_MATCH_ANY);
#else
    errno = ENOSYS;
    return -1;
#endif
}

/// FUTEX_WAKE on a process-shared word. Returns the number of waiters woken, or -1 with errno.
static inline int ipc_futex_wake(uint32_t *word, int32_t count) {
#if defined(__linux__)
    return (int)syscall(SYS_futex, word, FUTEX_WAKE, count, NULL, NULL, 0);
#else
    errno = ENOSYS;
    return -1;
#endif
}

/// One entry of a futex_waitv(2) call: the kernel's `struct futex_waitv`, spelled out because
/// older kernel headers lack it.
struct ipc_futex_waitv {
    uint64_t val;
    uint64_t uaddr;
    uint32_t flags;
    uint32_t reserved;
};
_Static_assert(sizeof(struct ipc_futex_waitv) == 24, "struct futex_waitv is 24 bytes");

/// The most entries one futex_waitv(2) call takes (FUTEX_WAITV_MAX).
static inline int ipc_futex_waitv_max(void) { return 128; }

/// Fills `entry` for a process-shared 32-bit futex word expected to hold `expected`.
static inline void ipc_futex_waitv_set(struct ipc_futex_waitv *entry, uint32_t *word, uint32_t expected) {
    entry->val = expected;
    entry->uaddr = (uint64_t)(uintptr_t)word;
    entry->flags = 0x02; /* FUTEX2_SIZE_U32, shared (no FUTEX2_PRIVATE) */
    entry->reserved = 0;
}

/// futex_waitv(2) (Linux 5.16+): sleeps until any of the `count` words no longer holds its
/// expected value or is woken, or until the absolute CLOCK_MONOTONIC `deadline` (`NULL`: no
/// limit). Returns the index of a woken word, or -1 with errno (EAGAIN: a word differed
/// already; ETIMEDOUT; EINTR; ENOSYS on older kernels; EFAULT: a word is not mapped).
static inline int ipc_futex_waitv(struct ipc_futex_waitv *entries, unsigned int count, const struct timespec *deadline) {
#if defined(__linux__)
#ifndef SYS_futex_waitv
#define SYS_futex_waitv 449 /* the same number on x86_64 and arm64 */
#endif
    return (int)syscall(SYS_futex_waitv, entries, count, 0, deadline, CLOCK_MONOTONIC);
#else
    (void)entries; (void)count; (void)deadline;
    errno = ENOSYS;
    return -1;
#endif
}

/// eventfd(2) with EFD_CLOEXEC | EFD_NONBLOCK and a counter starting at 0. Returns the
/// descriptor or -1 with errno.
static inline int ipc_eventfd_create(void) {
#if defined(__linux__)
    return (int)syscall(SYS_eventfd2, 0, 02000000 /* EFD_CLOEXEC */ | 04000 /* EFD_NONBLOCK */);
#else
    errno = ENOSYS;
    return -1;
#endif
}

/// memfd_create(2) with MFD_CLOEXEC, plus MFD_ALLOW_SEALING when `allow_sealing` is non-zero.
static inline int ipc_memfd_create(const char *name, int allow_sealing) {
#if defined(__linux__)
    unsigned int flags = 0x0001U; /* MFD_CLOEXEC */
    if (allow_sealing) flags |= 0x0002U; /* MFD_ALLOW_SEALING */
    return (int)syscall(SYS_memfd_create, name, flags);
#else
    (void)name; (void)allow_sealing;
    errno = ENOSYS;
    return -1;
#endif
}

/// The calling thread's kernel thread id.
static inline int32_t ipc_gettid(void) {
#if defined(__linux__)
    return (int32_t)syscall(SYS_gettid);
#else
    return -1;
#endif
}

/// fcntl(F_ADD_SEALS) and fcntl(F_GET_SEALS): fcntl is variadic in C.
static inline int ipc_add_seals(int fd, int seals) {
#if defined(__linux__)
    return fcntl(fd, 1033 /* F_ADD_SEALS */, seals);
#else
    (void)fd; (void)seals; errno = ENOSYS; return -1;
#endif
}
static inline int ipc_get_seals(int fd) {
#if defined(__linux__)
    return fcntl(fd, 1034 /* F_GET_SEALS */);
#else
    (void)fd; errno = ENOSYS; return -1;
#endif
}


/// The seal bits, as Swift cannot import the F_SEAL_* macros on every libc.
static inline int ipc_seal_shrink(void) { return 0x0002; }
static inline int ipc_seal_grow(void) { return 0x0004; }
static inline int ipc_seal_write(void) { return 0x0008; }
static inline int ipc_seal_seal(void) { return 0x0001; }

/// Wait-status decoding (the W* macros).
static inline int ipc_wifexited(int status) { return WIFEXITED(status); }
static inline int ipc_wexitstatus(int status) { return WEXITSTATUS(status); }
static inline int ipc_wifsignaled(int status) { return WIFSIGNALED(status); }
static inline int ipc_wtermsig(int status) { return WTERMSIG(status); }

/// Pins the thread `tid` (0: the caller) to one CPU. Returns 0 or -1 with errno.
int ipc_pin_to_cpu(int32_t tid, int cpu);

/// Starts fetching the cache line at `address` for reading, without waiting for it (a hint: it
/// never faults, and is not ordered by the locked instructions that follow it).
static inline void ipc_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

/// Starts fetching the cache line at `address` for writing (`prefetchw` on x86, which every x86-64
/// CPU either honours or runs as a no-op; `prfm pstl1keep` on arm64): a line that is read and then
/// written moves between cores once, owned, rather than shared first and then upgraded.
static inline void ipc_prefetch_for_writing(const void *address) {
#if defined(__x86_64__) || defined(__i386__)
    __asm__ __volatile__("prefetchw %0" :: "m"(*(const char *)address));
#else
    __builtin_prefetch(address, 1, 3);
#endif
}

/// A spin-wait hint to the CPU (`pause` on x86, `yield` on arm64).
static inline void ipc_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __asm__ __volatile__("pause" ::: "memory");
#elif defined(__aarch64__)
    __asm__ __volatile__("yield" ::: "memory");
#endif
}

/// Sends one descriptor over a connected Unix domain socket as SCM_RIGHTS ancillary data,
/// with a one-byte payload. Returns 0 or -1 with errno (EINTR is retried).
int ipc_send_descriptor(int socket, int descriptor);

/// Receives one descriptor sent by `ipc_send_descriptor`. Returns the new descriptor (with
/// O_CLOEXEC), or -1 with errno; errno is EBADMSG when the message carried no descriptor and
/// ECONNRESET when the peer closed the socket.
int ipc_receive_descriptor(int socket);

/// The state of a C `FILE` over a fixed region of memory (`ipc_region_file_open`): owned by
/// the caller, who keeps it (and the region) alive until the FILE is closed.
struct ipc_region_cookie {
    unsigned char *base;
    size_t capacity;
    /// Where the next read or write happens, in 0...capacity.
    size_t position;
    /// The end of what was written (the highest position reached by a write): SEEK_END's origin.
    size_t length;
    /// Set when a write was cut short at the region's end.
    int truncated;
};

/// A stdio stream over `cookie`'s region (`fopencookie`), for `mode` "r", "w", "r+" or "w+".
/// Reads stop at the region's end; writes past it are cut short (fprintf returns -1); seeks
/// outside 0...capacity fail with EINVAL. Closing it leaves the cookie to the caller.
/// Returns NULL with errno on failure.
#include <stdio.h>
FILE *ipc_region_file_open(struct ipc_region_cookie *cookie, const char *mode);

// The truncation guard (TruncationGuard.c): survives SIGBUS from a peer that shrinks a file we
// map. Registration installs the process's SIGBUS handler once; other SIGBUSes chain to the
// handler that was there before.
/// Registers the mapped range [start, start + length) (rounded out to pages) so that a page
/// past its file's end reads as zeros instead of killing the process. `writable` is the
/// mapping's protection (a read-only range gets read-only zero pages). Returns a slot index
/// for the other calls, or -1 with errno (ENOSPC: the table is full).
int ipc_guard_register(void *start, size_t length, int writable);
/// Forgets a slot; call it before unmapping the range.
void ipc_guard_unregister(int slot);
/// The pages of the slot's range replaced by zero pages since it was registered.
uint64_t ipc_guard_faults(int slot);
/// Where slot `slot`'s fault counter lives (a relaxed-atomic uint64_t; a counter that stays 0
/// for no slot), for a handle that checks it on a hot path without a call.
const void *ipc_guard_faults_address(int slot);
/// The slot of the registered range that holds `address`, or -1 (a linear scan: call once, when
/// a structure placed at `address` is opened, not per operation).
int ipc_guard_slot_of(const void *address);
/// The slots in use (for tests: mappings register and unregister in pairs).
int ipc_guard_registered_count(void);

/// Open-file-description record locks (Linux 3.15+): F_OFD_SETLK (`wait == 0`) or F_OFD_SETLKW
/// (`wait != 0`) with a `struct flock` built here, because fcntl is variadic. `type` is F_RDLCK,
/// F_WRLCK or F_UNLCK; the range is [`start`, `start + length`) from the start of the file, and
/// `length == 0` means "to the end of the file, however far it grows". Returns 0 or -1 with errno
/// (EAGAIN or EACCES: a conflicting lock is held; EINTR).
static inline int ipc_ofd_setlock(int fd, int type, int64_t start, int64_t length, int wait) {
#if defined(__linux__)
    struct flock lock = { .l_type = (short)type, .l_whence = SEEK_SET, .l_start = start, .l_len = length, .l_pid = 0 };
    return fcntl(fd, wait ? 38 /* F_OFD_SETLKW */ : 37 /* F_OFD_SETLK */, &lock);
#else
    (void)fd; (void)type; (void)start; (void)length; (void)wait; errno = ENOSYS; return -1;
#endif
}

/// F_OFD_GETLK: whether a lock of `type` on the range could be placed. On return `*type` is
/// F_UNLCK if it could, else the type of a conflicting lock. Returns 0 or -1 with errno.
static inline int ipc_ofd_getlock(int fd, int *type, int64_t start, int64_t length) {
#if defined(__linux__)
    struct flock lock = { .l_type = (short)*type, .l_whence = SEEK_SET, .l_start = start, .l_len = length, .l_pid = 0 };
    int result = fcntl(fd, 36 /* F_OFD_GETLK */, &lock);
    if (result == 0) *type = lock.l_type;
    return result;
#else
    (void)fd; (void)type; (void)start; (void)length; errno = ENOSYS; return -1;
#endif
}

/// The calling thread's kernel thread id, cached per thread (ThreadID.c) so that a mutex's
/// uncontended lock and unlock make no system call. A fork child forgets the cache.
extern __thread int32_t ipc_thread_id_cache;
int32_t ipc_thread_id_refresh(void);
static inline int32_t ipc_thread_id(void) {
    int32_t cached = ipc_thread_id_cache;
    return cached != 0 ? cached : ipc_thread_id_refresh();
}

/// The calling thread's table of managed-segment cache records (Interprocess's ThreadCaches),
/// in a C thread-local so that the allocator's fast path finds it with one load instead of a
/// `pthread_getspecific` call per allocate and per free (HeapThreadTable.c).
extern __attribute__((tls_model("initial-exec"))) __thread void *ipc_heap_thread_table;
static inline void *ipc_heap_thread_table_get(void) { return ipc_heap_thread_table; }
static inline void ipc_heap_thread_table_set(void *table) { ipc_heap_thread_table = table; }

/// membarrier(2): `cmd` is MEMBARRIER_CMD_*; returns its result, or -1 with errno (ENOSYS where
/// there is none). For the broadcast stream's asymmetric parking handshake.
static inline int ipc_membarrier(int cmd) {
#if defined(__linux__) && defined(SYS_membarrier)
    return (int)syscall(SYS_membarrier, cmd, 0, 0);
#else
    (void)cmd;
    errno = ENOSYS;
    return -1;
#endif
}

/// A compiler-only barrier: no instruction, but no memory access moves across it. The fast side
/// of an asymmetric fence (the slow side's membarrier(2) supplies the processor barrier).
static inline void ipc_compiler_barrier(void) { __asm__ __volatile__("" ::: "memory"); }

// Event services and wait sets (EventWaking.c): a wait set's wake socket in the abstract
// namespace, epoll and timerfd, whose packed structs and headers Swift does not import.
/// A non-blocking, close-on-exec datagram socket bound to the wake address of `nonce` (unbound
/// when `nonce` is 0: a sender). Returns the descriptor or -1 with errno.
int ipc_wake_socket_create(uint64_t nonce);
/// Sends `tag` (8 bytes) to the wake address of `nonce`, never blocking. Returns 0 or -errno.
int ipc_wake_socket_send(int sender, uint64_t nonce, uint64_t tag);
/// Reads up to `maximum` (at most 32) waiting datagrams in one call, never blocking, storing
/// each one's tag in `tags` (0 for a datagram that is not 8 bytes); returns how many (0 if none).
int ipc_wake_socket_receive(int fd, uint64_t *tags, int maximum);
/// epoll_create1(EPOLL_CLOEXEC).
int ipc_epoll_create(void);
/// Adds `fd` for EPOLLIN with `token` (EPOLLONESHOT when `oneshot`, re-arming one already added).
int ipc_epoll_add(int epoll, int fd, uint64_t token, int oneshot);
/// Removes `fd`.
int ipc_epoll_remove(int epoll, int fd);
/// epoll_wait: writes up to `maximum` (at most 64) ready tokens; returns their count or -1.
int ipc_epoll_wait(int epoll, uint64_t *tokens, int maximum, int timeout_ms);
/// timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC).
int ipc_timerfd_create(void);
/// Arms a timer: first expiry `initial_ns` from now, then every `interval_ns` (0: once).
int ipc_timerfd_set(int fd, int64_t initial_ns, int64_t interval_ns);

#endif

// The truncation guard: a SIGBUS handler that survives a peer shrinking a file we map.
//
// Why: any process with write access to a named segment's file in /dev/shm (or to a mapped
// regular file) can ftruncate(2) it. A page of our MAP_SHARED mapping that now lies past the
// file's end raises SIGBUS when touched, and SIGBUS kills the process. Only memfds can be sealed
// against shrinking; named shm files and regular files cannot, so the library must survive the
// fault: a peer that corrupts a segment gets a typed error, never a crash.
//
// How: the library registers every shared file-backed mapping's range here when it maps it and
// unregisters it before unmapping. On a SIGBUS with si_code BUS_ADRERR (access past the end of
// the object) at an address inside a registered range, the handler maps a private anonymous
// zero page over the faulting page, with the range's own protection (a read-only mapping stays
// read-only: a write to it still faults), counts the fault, and returns; the instruction then
// reads zeros (every shared word is validated by the library, so zeros are just corrupt data)
// and writes go to the private page, never to the peers. The owner of the range sees the count
// and reports the truncation as a typed error. Every other SIGBUS is passed to the handler that
// was installed before ours (the Swift runtime's backtracer, say), or, if there was none, kills
// the process as it would have died without us.
//
// The table is fixed-size and lock-free so that the handler can read it: each slot is a
// seqlock over {start, end, protection}; the handler skips slots being written (a mapping that
// is being registered or unregistered is not in use by a correct program).
#define _GNU_SOURCE
#include "CInterprocessShim.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#define IPC_GUARD_SLOTS 16384

struct guard_slot {
    atomic_uint claimed;        // 0: free; 1: owned by a mapping
    atomic_uint sequence;       // odd while the range is being written
    atomic_uintptr_t start;
    atomic_uintptr_t end;       // 0: no range
    atomic_int protection;
    atomic_ullong faults;
};

static struct guard_slot guard_slots[IPC_GUARD_SLOTS];
static atomic_uint guard_high_water;  // no slot at or above this index was ever claimed
static struct sigaction guard_previous;
static uintptr_t guard_page_size;
static pthread_once_t guard_once = PTHREAD_ONCE_INIT;
static int guard_install_error;

/// Calls the previous handler as the kernel would have: with the signal mask it asked for
/// (the interrupted code's mask, plus its sa_mask, plus the signal unless SA_NODEFER). The Swift
/// runtime's crash handler, for one, expects SIGBUS unblocked (SA_NODEFER): the memory server it
/// starts to serve the backtracer inherits the mask, and catches its own faults with SIGBUS.
static void guard_call_previous(const struct sigaction *previous, int signal, siginfo_t *info, void *context) {
    sigset_t mask, saved;
    const ucontext_t *interrupted = context;
    if (interrupted != NULL) mask = interrupted->uc_sigmask; else sigemptyset(&mask);
    for (int other = 1; other < NSIG; other++) {
        if (sigismember(&previous->sa_mask, other) == 1) sigaddset(&mask, other);
    }
    if (previous->sa_flags & SA_NODEFER) sigdelset(&mask, signal); else sigaddset(&mask, signal);
    if (previous->sa_flags & SA_RESETHAND) {
        struct sigaction fallback;
        memset(&fallback, 0, sizeof fallback);
        fallback.sa_handler = SIG_DFL;
        sigemptyset(&fallback.sa_mask);
        sigaction(signal, &fallback, NULL);
    }
    pthread_sigmask(SIG_SETMASK, &mask, &saved);
    if (previous->sa_flags & SA_SIGINFO) previous->sa_sigaction(signal, info, context);
    else previous->sa_handler(signal);
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
}

static void guard_chain(int signal, siginfo_t *info, void *context) {
    struct sigaction previous = guard_previous;
    if (previous.sa_flags & SA_SIGINFO) {
        if (previous.sa_sigaction != NULL) {
            guard_call_previous(&previous, signal, info, context);
            return;
        }
    } else if (previous.sa_handler == SIG_IGN) {
        // A SIGBUS sent with kill(2) is ignored as before; a real fault cannot be (the kernel
        // would kill the process), and returning would fault again forever.
        if (info->si_code <= 0) return;
    } else if (previous.sa_handler != SIG_DFL) {
        guard_call_previous(&previous, signal, info, context);
        return;
    }
    // Die of this signal, as without us: the default action, re-raised. The signal is blocked
    // while this handler runs, so it is delivered (and kills) as soon as the handler returns.
    struct sigaction fallback;
    memset(&fallback, 0, sizeof fallback);
    fallback.sa_handler = SIG_DFL;
    sigemptyset(&fallback.sa_mask);
    sigaction(signal, &fallback, NULL);
    raise(signal);
}

// The handler's own reads and writes of the table bypass C11 atomics: a sanitizer instruments
// those (ThreadSanitizer's take a lock of its own), and the fault may have struck inside such an
// instrumented operation that holds that lock — the handler would wait for it forever. Aligned
// volatile word accesses are single loads and stores on x86-64 and arm64; the barriers order them.
#define GUARD_UNINSTRUMENTED __attribute__((no_sanitize("thread", "address", "memory")))
#define GUARD_READ(type, field) (*(volatile type *)&(field))

/// Whether `slot` covers `address` now, read consistently with its sequence number (without
/// atomics; see above).
GUARD_UNINSTRUMENTED
static int guard_covers(struct guard_slot *slot, uintptr_t address, int *protection) {
    for (int attempt = 0; attempt < 4; attempt++) {
        unsigned int before = GUARD_READ(unsigned int, slot->sequence);
        __asm__ __volatile__("" ::: "memory");
        if (before & 1) return 0;
        uintptr_t start = GUARD_READ(uintptr_t, slot->start);
        uintptr_t end = GUARD_READ(uintptr_t, slot->end);
        int slot_protection = GUARD_READ(int, slot->protection);
        __asm__ __volatile__("" ::: "memory");
        if (GUARD_READ(unsigned int, slot->sequence) != before) continue;
        if (address >= start && address < end) {
            *protection = slot_protection;
            return 1;
        }
        return 0;
    }
    return 0;
}

/// The registered slot whose range holds `address`, or NULL.
GUARD_UNINSTRUMENTED
static struct guard_slot *guard_find(uintptr_t address, int *protection) {
    unsigned int count = GUARD_READ(unsigned int, guard_high_water);
    __asm__ __volatile__("" ::: "memory");
    for (unsigned int index = 0; index < count && index < IPC_GUARD_SLOTS; index++) {
        if (guard_covers(&guard_slots[index], address, protection)) return &guard_slots[index];
    }
    return NULL;
}

/// Adds one to the slot's fault count without an instrumented atomic (see above).
GUARD_UNINSTRUMENTED
static void guard_count_fault(struct guard_slot *slot) {
#if defined(__x86_64__)
    __asm__ __volatile__("lock incq %0" : "+m"(*(volatile unsigned long long *)&slot->faults) :: "memory");
#else
    __atomic_fetch_add((unsigned long long *)&slot->faults, 1, __ATOMIC_RELAXED);  // instrumented there
#endif
}

GUARD_UNINSTRUMENTED
static void guard_handler(int signal, siginfo_t *info, void *context) {
    int saved_errno = errno;
    if (info != NULL && info->si_code == BUS_ADRERR) {
        uintptr_t address = (uintptr_t)info->si_addr;
        int protection = 0;
        struct guard_slot *slot = guard_find(address, &protection);
        if (slot != NULL) {
            void *page = (void *)(address & ~(guard_page_size - 1));
            // The system call itself, not libc's mmap: a sanitizer's interceptor (TSan's updates
            // its own tables under a lock the interrupted code may hold) is no place for a handler.
            // Counted before the zero page is mapped: another thread that touches the page once
            // it is mapped (an ordinary fault, no SIGBUS) must find the count raised already, or
            // it could take a lock on the zeros and see no truncation. (The kernel's publication
            // of the mapping orders the locked increment before that thread's access.) A failed
            // mmap ends the process or goes to the previous handler: a count too high is moot.
            guard_count_fault(slot);
            long mapped = syscall(SYS_mmap, page, (size_t)guard_page_size, protection, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0L);
            if (mapped == (long)page) {
                errno = saved_errno;
                return;
            }
        }
    }
    errno = saved_errno;
    guard_chain(signal, info, context);
}

static void guard_install(void) {
    guard_page_size = (uintptr_t)sysconf(_SC_PAGESIZE);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = guard_handler;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGBUS, &action, &guard_previous) != 0) guard_install_error = errno;
}

int ipc_guard_register(void *start, size_t length, int writable) {
    pthread_once(&guard_once, guard_install);
    if (guard_install_error != 0) {
        errno = guard_install_error;
        return -1;
    }
    uintptr_t first = (uintptr_t)start & ~(guard_page_size - 1);
    uintptr_t last = ((uintptr_t)start + length + guard_page_size - 1) & ~(guard_page_size - 1);
    for (unsigned int index = 0; index < IPC_GUARD_SLOTS; index++) {
        struct guard_slot *slot = &guard_slots[index];
        unsigned int expected = 0;
        if (!atomic_compare_exchange_strong_explicit(&slot->claimed, &expected, 1, memory_order_acquire, memory_order_relaxed)) continue;
        unsigned int high = atomic_load_explicit(&guard_high_water, memory_order_relaxed);
        while (high <= index && !atomic_compare_exchange_weak_explicit(&guard_high_water, &high, index + 1,
                                                                        memory_order_release, memory_order_relaxed)) {}
        unsigned int sequence = atomic_load_explicit(&slot->sequence, memory_order_relaxed);
        atomic_store_explicit(&slot->sequence, sequence + 1, memory_order_relaxed);
        atomic_thread_fence(memory_order_release);
        atomic_store_explicit(&slot->start, first, memory_order_relaxed);
        atomic_store_explicit(&slot->end, last, memory_order_relaxed);
        atomic_store_explicit(&slot->protection, writable ? PROT_READ | PROT_WRITE : PROT_READ, memory_order_relaxed);
        atomic_store_explicit(&slot->faults, 0, memory_order_relaxed);
        atomic_store_explicit(&slot->sequence, sequence + 2, memory_order_release);
        return (int)index;
    }
    errno = ENOSPC;
    return -1;
}

void ipc_guard_unregister(int index) {
    if (index < 0 || index >= IPC_GUARD_SLOTS) return;
    struct guard_slot *slot = &guard_slots[index];
    unsigned int sequence = atomic_load_explicit(&slot->sequence, memory_order_relaxed);
    atomic_store_explicit(&slot->sequence, sequence + 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    atomic_store_explicit(&slot->start, 0, memory_order_relaxed);
    atomic_store_explicit(&slot->end, 0, memory_order_relaxed);
    atomic_store_explicit(&slot->sequence, sequence + 2, memory_order_release);
    atomic_store_explicit(&slot->claimed, 0, memory_order_release);
}

/// The slot `ipc_guard_slot_of` found last: handles made per operation on one mapping (a
/// container's stripe lock) find it without a scan of the table. A hint, checked before use.
static atomic_int guard_last_found = -1;

int ipc_guard_slot_of(const void *address) {
    int protection = 0;
    int hint = atomic_load_explicit(&guard_last_found, memory_order_relaxed);
    if (hint >= 0 && hint < IPC_GUARD_SLOTS && guard_covers(&guard_slots[hint], (uintptr_t)address, &protection)) return hint;
    struct guard_slot *slot = guard_find((uintptr_t)address, &protection);
    if (slot == NULL) return -1;
    int index = (int)(slot - guard_slots);
    atomic_store_explicit(&guard_last_found, index, memory_order_relaxed);
    return index;
}

const void *ipc_guard_faults_address(int index) {
    // Never written: the counter of "no slot", so that a handle can always load one.
    static const atomic_ullong none = 0;
    if (index < 0 || index >= IPC_GUARD_SLOTS) return (const void *)&none;
    return (const void *)&guard_slots[index].faults;
}

uint64_t ipc_guard_faults(int index) {
    if (index < 0 || index >= IPC_GUARD_SLOTS) return 0;
    return atomic_load_explicit(&guard_slots[index].faults, memory_order_relaxed);
}


int ipc_guard_registered_count(void) {
    int count = 0;
    unsigned int high = atomic_load_explicit(&guard_high_water, memory_order_acquire);
    for (unsigned int index = 0; index < high; index++) {
        if (atomic_load_explicit(&guard_slots[index].claimed, memory_order_relaxed) != 0) count++;
    }
    return count;
}

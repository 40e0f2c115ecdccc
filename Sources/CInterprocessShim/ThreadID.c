// The per-thread cache behind ipc_thread_id(). gettid(2) is a system call (glibc keeps the id in
// its own thread descriptor, at an offset that is not ABI), so the first call on each thread asks
// the kernel and later calls read this thread-local. After fork() the child's only thread has a
// new id: a fork handler clears the cache in the child.
#include "CInterprocessShim.h"

#include <pthread.h>

__thread int32_t ipc_thread_id_cache = 0;

static void ipc_thread_id_forget(void) { ipc_thread_id_cache = 0; }

__attribute__((constructor)) static void ipc_thread_id_install(void) {
    pthread_atfork(NULL, NULL, ipc_thread_id_forget);
}

int32_t ipc_thread_id_refresh(void) {
    int32_t id = ipc_gettid();
    ipc_thread_id_cache = id;
    return id;
}

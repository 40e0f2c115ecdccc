// The thread-local behind ipc_heap_thread_table_get/set. Initial-exec: the slot lives in the
// static TLS block, so reading it is one %fs-relative load (no __tls_get_addr call); the shim is
// linked into the program or a library loaded with it, never dlopen'ed late.
#include "CInterprocessShim.h"

__attribute__((tls_model("initial-exec"))) __thread void *ipc_heap_thread_table = 0;

#if os(Linux)
import CInterprocessShim

/// The calling thread's managed-segment cache table, kept in a C thread-local: the allocator's
/// fast path reads it with one load, where `pthread_getspecific` is a call into libc (two per
/// allocate + free pair measured ~2 ns of a ~15 ns pair).
enum HeapThreadTableSlot {
    /// The table's address, or nil before the thread's first small allocation.
    static var table: UnsafeMutableRawPointer? {
        @inline(__always) get { ipc_heap_thread_table_get() }
        @inline(__always) set { ipc_heap_thread_table_set(newValue) }
    }
}
#endif

#if os(Linux)
public import CInterprocessShim

/// The processor, as spin loops see it. The hint is a C `static inline` function, so it inlines
/// into the loop as one instruction; callers above Platform use this instead of the C shim.
@usableFromInline
enum CPU {
    /// Tells the processor this thread is spinning (`pause` on x86, `yield` on arm64), which
    /// saves power and frees the core's resources for a sibling hyperthread.
    @inlinable @inline(__always)
    static func relax() { ipc_cpu_relax() }

    /// Starts loading the cache line at `address` without waiting for it (a hint that never
    /// faults): a subscriber fetches the payload's first line while its pin is in flight.
    @inlinable @inline(__always)
    static func prefetch(_ address: UnsafeRawPointer) { ipc_prefetch(address) }

    /// Starts loading the cache line at `address` to write it (a hint that never faults): a
    /// lock holder about to read and then change a line another core changed last gets it owned
    /// in one transfer instead of two.
    @inlinable @inline(__always)
    static func prefetchForWriting(_ address: UnsafeRawPointer) { ipc_prefetch_for_writing(address) }
}
#endif

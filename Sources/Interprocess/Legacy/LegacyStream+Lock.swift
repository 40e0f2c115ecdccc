#if os(Linux)
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The version-2 lock word: `0 → 1` with a compare-and-exchange (acquire), `0` stored to release
/// — the C++ side's protocol. It has no owner, so a wait always ends at a deadline.
extension LegacyStream {
    /// Runs `body` holding the lock word (version 2; version 1 has none and runs it at once).
    /// With `deadline` nil, tries once and returns nil if the word is set.
    ///
    /// - Throws: `timedOut` when the word stays set until `deadline`.
    func withLock<Result>(
        until deadline: Deadline?, operation: String, _ body: () throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result? {
        guard layout == .version2 else { return try body() }
        let lock = storage.lockWord
        var attempts = 0
        while !lock.pointee.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged {
            guard let deadline else { return nil }
            attempts += 1
            // The C++ holder copies one value and lets go: spin a little, then yield the CPU in
            // short sleeps so that a holder preempted on this CPU can run.
            if attempts < 1024 {
                CPU.relax()
            } else {
                if deadline.hasPassed { throw lockTimedOut(operation) }
                usleep(50)
            }
        }
        defer { lock.pointee.store(0, ordering: .releasing) }
        return try body()
    }

    func lockTimedOut(_ operation: String) -> InterprocessError {
        InterprocessError(.timedOut, operation: operation, name: name,
                          reason: "its lock word (offset 16) stayed set until the deadline: a writer or reader holds it, or died holding it (libsharedmemory's lock has no owner; breakLock() clears it when its holder is known to be dead)")
    }
}
#endif

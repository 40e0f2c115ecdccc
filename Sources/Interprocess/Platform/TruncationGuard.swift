#if os(Linux)
import CInterprocessShim
import Synchronization

/// Keeps a peer's `ftruncate(2)` of a file we map from killing this process.
///
/// Any process with write access can shrink a named segment's file in `/dev/shm` or a mapped
/// regular file (a journal cycle, a `MappedArray`'s file), and touching a page of our mapping
/// past the new end raises SIGBUS. Only memfds can be sealed against shrinking, so every shared
/// file-backed mapping registers its range here: the process's SIGBUS handler (installed at the
/// first registration, chaining to the handler it replaces for every other SIGBUS) maps a
/// private zero page over a faulting page of a registered range and counts it. The mapping's
/// owner reads the count (``faults(_:)``) on its slow paths, and locks on every acquisition
/// (through ``faultCounter(_:)``: a load), and reports the truncation as a typed error; the
/// zeros read meanwhile are judged like any other hostile shared word.
///
/// The cost is two table writes per map and unmap, and that load per lock acquisition.
enum TruncationGuard {
    /// A registered range's slot, or ``unguarded`` when the table was full (the mapping then
    /// works as before, without the guard).
    struct Slot: Equatable {
        let index: Int32
        /// No slot: the range is not guarded.
        static let unguarded = Slot(index: -1)
    }

    /// Registers `length` bytes at `start` (rounded out to whole pages). Never fails: a full
    /// table leaves the range unguarded.
    static func register(_ start: UnsafeMutableRawPointer, length: Int, writable: Bool) -> Slot {
        Slot(index: ipc_guard_register(start, length, writable ? 1 : 0))
    }

    /// Forgets a range; call before unmapping it, so that a new mapping at the same address is
    /// never taken for it.
    static func unregister(_ slot: Slot) {
        if slot != .unguarded { ipc_guard_unregister(slot.index) }
    }

    /// The slot of the registered mapping that holds `address` (``unguarded`` if none does): for
    /// a structure placed in memory it did not map itself. A scan of the table: once per handle.
    static func slot(containing address: UnsafeRawPointer) -> Slot {
        Slot(index: ipc_guard_slot_of(address))
    }

    /// Pages of the range that were past their file's end when touched (now private zero pages).
    static func faults(_ slot: Slot) -> UInt64 {
        slot == .unguarded ? 0 : ipc_guard_faults(slot.index)
    }

    /// Where `slot`'s fault count lives (one that stays 0 for ``Slot/unguarded``): for a handle
    /// whose hot path loads it after each acquisition, without a call.
    static func faultCounter(_ slot: Slot) -> UnsafePointer<Atomic<UInt64>> {
        ipc_guard_faults_address(slot.index).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    /// `truncated` for a structure in `slot`'s range once a page of it was replaced (its words
    /// now read as zeros that no peer can change), else nil. A load: for the moment before a sleep.
    static func problem(_ slot: Slot, operation: String, name: String?) -> InterprocessError? {
        let pages = faults(slot)
        guard pages != 0 else { return nil }
        return InterprocessError(.truncated, operation: operation, name: name,
                                 reason: "the file holding it was truncated by another process; \(pages) page(s) touched past the new end read as zeros here")
    }

    /// Ranges registered now (each mapping registers once and unregisters once).
    static var registeredCount: Int { Int(ipc_guard_registered_count()) }
}
#endif

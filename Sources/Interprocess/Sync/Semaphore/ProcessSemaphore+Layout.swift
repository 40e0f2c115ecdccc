#if os(Linux)
import Synchronization

extension ProcessSemaphore {
    /// The semaphore's fields: byte offsets from its start, and sizes. `docs/FORMAT.md` documents
    /// each one, and a test checks that document against this table.
    enum Field: String, CaseIterable {
        /// The tag `PSEM` (``ProcessSemaphore/tag``), written last when initializing.
        case tag
        /// The layout version (``ProcessSemaphore/layoutVersion``).
        case version
        /// The count: how many units are available. The futex word waiters sleep on.
        case count
        /// How many waiters are (about to be) asleep; too high by one per waiter that died asleep.
        case waiters
        /// The largest the count may become.
        case maximumCount
        /// Zero; pads the semaphore to a cache line of its own.
        case reserved

        /// The field's byte offset from the start of the semaphore.
        var offset: Int {
            switch self {
            case .tag: 0
            case .version: 4
            case .count: 8
            case .waiters: 12
            case .maximumCount: 16
            case .reserved: 20
            }
        }

        /// The field's size in bytes.
        var size: Int { self == .reserved ? ProcessSemaphore.size - 20 : 4 }
    }

    /// The tag at offset 0: the ASCII bytes `PSEM`, read as a little-endian `UInt32`.
    static let tag: UInt32 = 0x4D45_5350
    /// The layout version at offset 4, and the kind version of a named semaphore's segment.
    static let layoutVersion: UInt32 = 1

    /// The 32-bit word at `field` of the semaphore at `base`, as an atomic.
    static func word(_ field: Field, at base: UnsafeMutableRawPointer) -> UnsafeMutablePointer<Atomic<UInt32>> {
        (base + field.offset).bindMemory(to: Atomic<UInt32>.self, capacity: 1)
    }

    /// Writes a fresh semaphore at `base`; publishes the tag last.
    static func writeLayout(at base: UnsafeMutableRawPointer, initialCount: UInt32, maximumCount: UInt32) {
        (base + Field.reserved.offset).initializeMemory(as: UInt8.self, repeating: 0, count: Field.reserved.size)
        (base + Field.maximumCount.offset).storeBytes(of: maximumCount.littleEndian, as: UInt32.self)
        word(.waiters, at: base).initialize(to: Atomic(0))
        word(.count, at: base).initialize(to: Atomic(initialCount))
        PlacedTag.publish(at: base, tag: tag, version: layoutVersion)
    }
}
#endif

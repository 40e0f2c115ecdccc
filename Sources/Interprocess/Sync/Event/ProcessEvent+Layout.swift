#if os(Linux)
import Synchronization

extension ProcessEvent {
    /// The event's fields: byte offsets from its start, and sizes. `docs/FORMAT.md` documents
    /// each one, and a test checks that document against this table.
    enum Field: String, CaseIterable {
        /// The tag `PEVT` (``ProcessEvent/tag``), written last when initializing.
        case tag
        /// The layout version (``ProcessEvent/layoutVersion``).
        case version
        /// Bit 0: set (1) or not (0); bits 1–31: how many times it was set, wrapping. The futex
        /// word waiters sleep on.
        case state
        /// How many waiters are (about to be) asleep; too high by one per waiter that died asleep.
        case waiters
        /// 1: auto-reset, 2: manual-reset.
        case mode
        /// Zero; pads the event to a cache line of its own.
        case reserved

        /// The field's byte offset from the start of the event.
        var offset: Int {
            switch self {
            case .tag: 0
            case .version: 4
            case .state: 8
            case .waiters: 12
            case .mode: 16
            case .reserved: 20
            }
        }

        /// The field's size in bytes.
        var size: Int { self == .reserved ? ProcessEvent.size - 20 : 4 }
    }

    /// The tag at offset 0: the ASCII bytes `PEVT`, read as a little-endian `UInt32`.
    static let tag: UInt32 = 0x5456_4550
    /// The layout version at offset 4, and the kind version of a named event's segment.
    static let layoutVersion: UInt32 = 1

    /// The `mode` field's value for each mode.
    static func rawMode(_ mode: Mode) -> UInt32 { mode == .autoReset ? 1 : 2 }

    /// The state word's bit that says the event is set.
    @inlinable static var setBit: UInt32 { 1 }
    /// What a set adds to the state word's count of sets (bits 1–31).
    @inlinable static var setIncrement: UInt32 { 2 }

    /// The 32-bit word at `field` of the event at `base`, as an atomic.
    static func word(_ field: Field, at base: UnsafeMutableRawPointer) -> UnsafeMutablePointer<Atomic<UInt32>> {
        (base + field.offset).bindMemory(to: Atomic<UInt32>.self, capacity: 1)
    }

    /// Writes a fresh event at `base`; publishes the tag last.
    static func writeLayout(at base: UnsafeMutableRawPointer, mode: Mode, initiallySet: Bool) {
        (base + Field.reserved.offset).initializeMemory(as: UInt8.self, repeating: 0, count: Field.reserved.size)
        (base + Field.mode.offset).storeBytes(of: rawMode(mode).littleEndian, as: UInt32.self)
        word(.waiters, at: base).initialize(to: Atomic(0))
        word(.state, at: base).initialize(to: Atomic(initiallySet ? setBit : 0))
        PlacedTag.publish(at: base, tag: tag, version: layoutVersion)
    }
}
#endif

#if os(Linux)
import Synchronization

/// The byte layout of a ``ProcessRWLock`` (version 2), as documented in `docs/FORMAT.md`.
/// Offsets are from the lock's address; every field is little-endian.
///
/// ```
/// line 0 (0..<128)    tag, version, slotCount, consistency, owner, ownerStartTime,
///                     releaseSequence, releaseSleepers, slotsUsed   (written by writers)
/// line 1 (128..<256)  drainSequence, drainSleepers                  (readers wake a draining writer)
/// line 2+i            reader slot i: one uint64 word                (written by one process)
/// ```
enum RWLockLayout {
    /// Each field and its offset.
    enum Field: String, CaseIterable {
        case tag, version, slotCount, consistency, owner, ownerStartTime
        case releaseSequence, releaseSleepers, slotsUsed, drainSequence, drainSleepers
        /// Reader slot 0; slot `i` is at `offset + i * slotStride`.
        case readerSlots

        /// The field's byte offset from the lock's address.
        var offset: Int {
            switch self {
            case .tag: 0
            case .version: 4
            case .slotCount: 8
            case .consistency: 12
            case .owner: 16
            case .ownerStartTime: 24
            case .releaseSequence: 32
            case .releaseSleepers: 36
            case .slotsUsed: 40
            case .drainSequence: 128
            case .drainSleepers: 132
            case .readerSlots: 256
            }
        }

        /// The field's size in bytes (for a slot: one slot's word).
        var size: Int {
            switch self {
            case .owner, .ownerStartTime, .readerSlots: 8
            default: 4
            }
        }
    }

    /// "RWLK" as little-endian bytes: 52 57 4C 4B.
    static let tag: UInt32 = 0x4B4C_5752
    /// The layout version this library writes and reads. Version 2 packs the owner word and
    /// the reader slots as ``PackedProcessIdentity`` (with the pid namespace); version 1 held
    /// pid and start time only.
    static let version: UInt32 = 2
    /// Reader slots per lock; ``Field/slotsUsed`` has one bit per slot.
    static let slotCount = 32
    /// Bytes from one reader slot to the next: one line each.
    static let slotStride = 128
    /// The whole lock.
    static let size = Field.readerSlots.offset + slotCount * slotStride

    /// Values of ``Field/consistency``.
    enum Consistency {
        /// The protected state is as the last writer left it.
        static let consistent: UInt32 = 0
        /// A writer took the lock over from a dead owner and has not yet called `markConsistent()`.
        static let ownerDied: UInt32 = 1
        /// A writer unlocked after a takeover without `markConsistent()`: permanent.
        static let notRecoverable: UInt32 = 2
    }

    /// Writes a fresh lock: zeros, the slot count, the version, and the tag last (release).
    static func write(at base: UnsafeMutableRawPointer) {
        base.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        (base + Field.slotCount.offset).storeBytes(of: UInt32(slotCount).littleEndian, as: UInt32.self)
        PlacedTag.publish(at: base, tag: tag, version: version)
    }

    /// Checks the tag (acquire), version and slot count at `base`.
    static func validate(at base: UnsafeMutableRawPointer, name: String?) throws(InterprocessError) {
        let operation = "open a reader-writer lock"
        try PlacedTag.check(at: base, tag: tag, version: version, primitive: "reader-writer lock", name: name,
                            operation: operation)
        let slots = UInt32(littleEndian: (base + Field.slotCount.offset).load(as: UInt32.self))
        let consistency = UInt32(littleEndian: (base + Field.consistency.offset).load(as: UInt32.self))
        guard slots == UInt32(slotCount), consistency <= Consistency.notRecoverable else {
            throw InterprocessError(.corrupt, operation: operation, name: name,
                                    reason: "its slot count \(slots) (expected \(slotCount)) or consistency state \(consistency) is impossible")
        }
    }
}

/// Typed pointers to a lock's atomic words, computed once per handle.
struct RWLockWords: @unchecked Sendable {
    // @unchecked: addresses of atomic words in shared memory; every access is atomic.
    let consistency: UnsafeMutablePointer<Atomic<UInt32>>
    let owner: UnsafeMutablePointer<Atomic<UInt64>>
    let ownerStartTime: UnsafeMutablePointer<Atomic<UInt64>>
    let releaseSequence: UnsafeMutablePointer<Atomic<UInt32>>
    let releaseSleepers: UnsafeMutablePointer<Atomic<UInt32>>
    let slotsUsed: UnsafeMutablePointer<Atomic<UInt32>>
    let drainSequence: UnsafeMutablePointer<Atomic<UInt32>>
    let drainSleepers: UnsafeMutablePointer<Atomic<UInt32>>
    let slotsBase: UnsafeMutableRawPointer

    init(base: UnsafeMutableRawPointer) {
        func word32(_ field: RWLockLayout.Field) -> UnsafeMutablePointer<Atomic<UInt32>> {
            (base + field.offset).bindMemory(to: Atomic<UInt32>.self, capacity: 1)
        }
        func word64(_ field: RWLockLayout.Field) -> UnsafeMutablePointer<Atomic<UInt64>> {
            (base + field.offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
        }
        consistency = word32(.consistency)
        owner = word64(.owner)
        ownerStartTime = word64(.ownerStartTime)
        releaseSequence = word32(.releaseSequence)
        releaseSleepers = word32(.releaseSleepers)
        slotsUsed = word32(.slotsUsed)
        drainSequence = word32(.drainSequence)
        drainSleepers = word32(.drainSleepers)
        slotsBase = base + RWLockLayout.Field.readerSlots.offset
        for index in 0..<RWLockLayout.slotCount {
            _ = (slotsBase + index * RWLockLayout.slotStride).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
        }
    }

    /// Reader slot `index`'s word.
    @inline(__always)
    func slot(_ index: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        UnsafeMutablePointer(OpaquePointer(slotsBase + index &* RWLockLayout.slotStride))
    }
}
#endif

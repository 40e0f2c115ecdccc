#if os(Linux)
/// How a ``ProcessRWLock`` names processes in single atomic words (packed as
/// ``PackedProcessIdentity`` describes), so that taking a slot or the lock, and taking it over
/// from a dead process, is one compare-and-exchange.
///
/// - The exclusive owner word: a ``PackedProcessIdentity/claimWord``.
/// - A reader slot word: hold count in bits 0..<8, a ``PackedProcessIdentity/readerSlot``
///   identity above. Zero means free.
enum RWLockOwnerTag {
    /// The exclusive-owner word for a process.
    @inline(__always)
    static func owner(_ identity: ProcessIdentity) -> UInt64 {
        PackedProcessIdentity.claimWord.pack(identity)
    }

    /// The identity in an owner word; `recordedStartTime` (the full start time the owner wrote
    /// after taking the lock) is used when it agrees with the word's bits.
    static func identity(of owner: UInt64, recordedStartTime: UInt64) -> ProcessIdentity {
        PackedProcessIdentity.claimWord.identity(of: owner, recordedStartTime: recordedStartTime)
    }

    /// Whether the process in an owner word is known to be dead.
    static func ownerIsDead(_ owner: UInt64) -> Bool {
        PackedProcessIdentity.claimWord.isDead(owner)
    }

    /// The slot tag (a slot word with the count bits clear) for a process.
    @inline(__always)
    static func slot(_ identity: ProcessIdentity) -> UInt64 {
        PackedProcessIdentity.readerSlot.pack(identity)
    }

    /// The count bits of a slot word.
    static let countMask: UInt64 = 0xFF

    /// Whether the process in a slot word is known to be dead.
    static func slotIsDead(_ word: UInt64) -> Bool {
        PackedProcessIdentity.readerSlot.isDead(word)
    }
}
#endif

#if os(Linux)
public import Synchronization

/// Atomic access to an ``MPMCQueue`` slot's control pair: the 64-bit sequence word at offset 0
/// and the 64-bit claimant word at offset 8, compare-and-swapped together as one 128-bit
/// `WordPair` (`lock cmpxchg16b` on x86_64, `casp` or an exclusive pair on arm64: lock-free,
/// so it is sound between processes).
///
/// Polling reads only the 64-bit sequence word: a 128-bit atomic *load* compiles to
/// `lock cmpxchg16b` on x86_64, which takes the cache line exclusively and would make every
/// waiting party write the line it waits on. Mixing the two widths on one address is outside
/// the language's memory model but sound on both architectures (an aligned 8-byte load is
/// single-copy atomic with respect to a 16-byte CAS); every decision taken on a 64-bit read is
/// confirmed by a 128-bit CAS that expects the full pair, so a stale or torn view only costs a
/// retry. That is why the slot memory is reached through untyped (`OpaquePointer`) views and
/// never bound to one type.
@usableFromInline
enum MPMCSlot {
    /// The sequence word of the slot at `slot`.
    @inlinable @inline(__always)
    static func sequence(_ slot: UnsafeMutableRawPointer) -> UnsafeMutablePointer<Atomic<UInt64>> {
        UnsafeMutablePointer(OpaquePointer(slot + MPMCLayout.slotSequenceOffset))
    }

    /// The claimant word of the slot at `slot`.
    @inlinable @inline(__always)
    static func claimant(_ slot: UnsafeMutableRawPointer) -> UnsafeMutablePointer<Atomic<UInt64>> {
        UnsafeMutablePointer(OpaquePointer(slot + MPMCLayout.slotClaimantOffset))
    }

    /// Replaces the control pair (`sequence`, `claimant`) with (`newSequence`, `newClaimant`)
    /// if it still holds the former; returns whether it did. Sequentially consistent: a full
    /// barrier, which the wake-up protocol relies on (the pair is stored before the waiter count
    /// is read).
    @inlinable @inline(__always)
    static func transition(
        _ slot: UnsafeMutableRawPointer, from sequence: UInt64, _ claimant: UInt64,
        to newSequence: UInt64, _ newClaimant: UInt64
    ) -> Bool {
        let pair = UnsafeMutablePointer<Atomic<WordPair>>(OpaquePointer(slot))
        return pair.pointee.compareExchange(
            expected: WordPair(first: UInt(truncatingIfNeeded: sequence), second: UInt(truncatingIfNeeded: claimant)),
            desired: WordPair(first: UInt(truncatingIfNeeded: newSequence), second: UInt(truncatingIfNeeded: newClaimant)),
            ordering: .sequentiallyConsistent
        ).exchanged
    }

    /// Like ``transition(_:from:_:to:_:)``, and when it fails, also returns the sequence word
    /// it found (read in the same atomic step as the claimant, so a failure with the expected
    /// sequence means the claimant differed).
    @inlinable @inline(__always)
    static func exchange(
        _ slot: UnsafeMutableRawPointer, from sequence: UInt64, _ claimant: UInt64,
        to newSequence: UInt64, _ newClaimant: UInt64
    ) -> (exchanged: Bool, sequence: UInt64) {
        let pair = UnsafeMutablePointer<Atomic<WordPair>>(OpaquePointer(slot))
        let (exchanged, found) = pair.pointee.compareExchange(
            expected: WordPair(first: UInt(truncatingIfNeeded: sequence), second: UInt(truncatingIfNeeded: claimant)),
            desired: WordPair(first: UInt(truncatingIfNeeded: newSequence), second: UInt(truncatingIfNeeded: newClaimant)),
            ordering: .sequentiallyConsistent
        )
        return (exchanged, UInt64(truncatingIfNeeded: found.first))
    }

    /// Whether the position bits of `sequence` lie within `reach` positions of `position`,
    /// either way (wrapping arithmetic).
    static func isWithinReach(_ sequence: UInt64, of position: UInt64, reach: UInt64) -> Bool {
        ((sequence & MPMCLayout.positionMask) &- position) &+ reach <= reach &<< 1
    }

    /// The payload length recorded in the slot.
    @inlinable @inline(__always)
    static func length(_ slot: UnsafeMutableRawPointer) -> Int {
        Int(truncatingIfNeeded: UInt32(littleEndian: slot.load(fromByteOffset: MPMCLayout.slotLengthOffset, as: UInt32.self)))
    }

    /// Records the payload length in the slot (by its claiming producer, before publishing).
    @inlinable @inline(__always)
    static func setLength(_ slot: UnsafeMutableRawPointer, _ length: Int) {
        slot.storeBytes(of: UInt32(truncatingIfNeeded: length).littleEndian, toByteOffset: MPMCLayout.slotLengthOffset, as: UInt32.self)
    }
}
#endif

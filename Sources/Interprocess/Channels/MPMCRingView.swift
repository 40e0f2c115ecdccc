#if os(Linux)
import Synchronization

/// What the process's waiter thread reads of an MPMC queue to tell whether a parked side may
/// proceed: the same two sequentially consistent loads as the blocking waits
/// (``MPMCConsumer``'s `recordMayBeReady`, ``MPMCProducer``'s `spaceMayBeAvailable`), on
/// addresses copied out of the endpoint, which stays borrowed (so mapped) while its wait is
/// registered. Positions are masked into the ring: any value a peer writes is safe to read.
struct MPMCRingView: @unchecked Sendable {
    // @unchecked: addresses of atomic words in a shared mapping; every access is atomic.
    let index: UnsafeMutablePointer<Atomic<UInt64>>
    let ring: UnsafeMutableRawPointer
    let slotCount: Int
    let stride: Int

    init(index: UnsafeMutablePointer<Atomic<UInt64>>, ring: UnsafeMutableRawPointer, slotCount: Int, stride: Int) {
        self.index = index
        self.ring = ring
        self.slotCount = slotCount
        self.stride = stride
    }

    /// A view of `mapping` that follows the index at `indexOffset` (the head or the tail).
    init(_ mapping: borrowing MPMCMapping, index indexOffset: Int) {
        index = mapping.word64(indexOffset)
        ring = mapping.ring
        slotCount = mapping.slotCount
        stride = mapping.stride
    }

    /// The sequence word of the slot that holds `position`.
    func sequence(at position: UInt64) -> UInt64 {
        let slot = ring + Int(truncatingIfNeeded: position & UInt64(truncatingIfNeeded: slotCount &- 1)) &* stride
        return MPMCSlot.sequence(slot).pointee.load(ordering: .sequentiallyConsistent)
    }

    /// For a head view: whether the head's record is published, or the head lags behind.
    func recordMayBeReady() -> Bool {
        let position = index.pointee.load(ordering: .sequentiallyConsistent)
        return sequence(at: position) & MPMCLayout.positionMask >= position &+ 1
    }

    /// For a tail view: whether the slot at the tail is free, or the tail lags behind.
    func spaceMayBeAvailable() -> Bool {
        let position = index.pointee.load(ordering: .sequentiallyConsistent)
        return sequence(at: position) & MPMCLayout.positionMask >= position
    }
}
#endif

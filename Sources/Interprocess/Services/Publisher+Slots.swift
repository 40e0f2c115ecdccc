#if os(Linux)
import Synchronization

/// The publisher's slow paths for slots: a spare when the ring's slot is pinned, growing the
/// pool, and the bookkeeping of where content lives. None of this runs per sample in steady
/// state.
extension Publisher {
    /// Records that `slot` now holds content of the current generation.
    @usableFromInline
    func moveContent(of slot: Int, from old: Int?) {
        book.move(slot, from: old, to: generation)
    }

    /// The ring's slot for `next` is pinned (or the entry names no slot): takes a spare slot,
    /// and hands the pinned one (`bound`, or -1) to the re-check list once the spare is taken.
    /// Leaves `loanSlot` at -1 when there is no spare; the next send reports it.
    @usableFromInline
    mutating func preloanSpare(bound: Int) {
        book.recheckOne(current: generation)
        guard let spare = book.takeSpare(for: next, current: generation) else { return }
        // From the publication of `next` on, the ring names the spare and no longer `bound`.
        if bound >= 0 {
            book.markMoved(bound, in: book.slotGeneration(bound))
            book.pushPinned(bound)
        }
        loanSlot = spare
    }

    /// Makes sure a slot is prepared and large enough for `byteCount` bytes.
    ///
    /// - Throws: `resourceLimit` when every slot is held by subscribers (more than their
    ///   loan limits allow: the pool is sized for honest ones); the errors of growing.
    @usableFromInline
    mutating func prepareSlot(for byteCount: Int) throws(InterprocessError) {
        if loanSlot < 0 {
            preloan()
            guard loanSlot >= 0 else {
                throw InterprocessError(.resourceLimit, operation: "send to service", name: service.name,
                                        reason: "every one of its \(slotCount) slots is held by subscribers")
            }
        }
        if byteCount > pool.payloadSize { try grow(to: byteCount) }
    }

    /// Creates the next pool generation, large enough for `byteCount` bytes (at least twice
    /// the current slot size, a power of two, at most the configured maximum), and moves the
    /// prepared slot into it.
    mutating func grow(to byteCount: Int) throws(InterprocessError) {
        let grown = generation + 1
        guard grown < ServiceLayout.maximumGenerations else {
            throw InterprocessError(.resourceLimit, operation: "send to service", name: service.name,
                                    reason: "its pool has reached \(ServiceLayout.maximumGenerations) generations")
        }
        let size = PoolGeometry.grownSize(current: pool.payloadSize, needed: byteCount, maximum: maximumByteCount)
        try book.create(generation: grown, slotPayloadSize: size)
        let old = generation
        generation = grown
        pool = book.pools.views[grown]
        moveContent(of: loanSlot, from: old)
    }
}
#endif

#if os(Linux)
public import Synchronization

/// A subscriber's entry in the table and the pool generations it mapped: owned by the
/// ``Subscriber`` and by every ``HeldSample`` it handed out, so the entry (and its pins) is
/// given up only when the last of them goes.
@usableFromInline
final class SubscriberSeat: @unchecked Sendable {
    // @unchecked: `pools` is changed only by the owning subscriber (a `~Copyable` value used
    // by one thread at a time, or under the lock of its async sequence).
    let storage: ServiceStorage
    let index: Int
    let claim: UInt64
    let pools = PoolMappings()

    /// The subscriber's guesses, one per ring entry (see ``Subscriber/guesses``).
    private var guessTable: UnsafeMutablePointer<UInt64>?
    /// A ring entry with no guess yet.
    @usableFromInline static let noGuess = UInt64.max

    init(_ storage: ServiceStorage, index: Int, claim: UInt64) {
        self.storage = storage
        self.index = index
        self.claim = claim
    }

    deinit {
        guessTable?.deallocate()
        SubscriberTable.leave(storage, index, claim: claim)
    }

    /// The guess table, made (every entry `noGuess`) on the first call.
    func guesses(ringSize: Int) -> UnsafeMutablePointer<UInt64> {
        if let guessTable { return guessTable }
        let table = UnsafeMutablePointer<UInt64>.allocate(capacity: ringSize)
        table.initialize(repeating: SubscriberSeat.noGuess, count: ringSize)
        guessTable = table
        return table
    }

    /// Maps (read-only) every pool generation the control segment records as live. Best
    /// effort: a generation retired meanwhile, or one that cannot be mapped now, is mapped (or
    /// reported as an error) on the first sample that names it, as before.
    func mapLiveGenerations() {
        let operation = "make subscriber of service"
        for generation in 0..<ServiceLayout.maximumGenerations where pools.pools[generation] == nil {
            guard storage.generationState(generation).pointee.load(ordering: .acquiring) == ServiceLayout.GenerationState.live.rawValue,
                  let size = try? storage.generationSlotSize(generation, operation: operation),
                  let pool = try? SamplePool(opening: generation, of: storage, slotPayloadSize: size, access: .readOnly, operation: operation)
            else { continue }
            pools.install(pool)
        }
    }
}

/// The subscriber's slow paths (not inlined): errors, mapping a generation, waiting, laps.
extension Subscriber {
    @usableFromInline
    func slotError(_ slot: Int) -> InterprocessError {
        let entry = Int(truncatingIfNeeded: cursor) & mask
        return service.storage.slotIndexError(slot, entry: entry, operation: "receive from service")
    }

    /// The error for a pinned sample whose header says `count` bytes, more than its slots
    /// hold; unpins it first.
    @usableFromInline
    func byteCountError(_ count: Int, slot: Int, generation: Int, view: PoolView,
                        pin: UnsafeMutablePointer<Atomic<UInt64>>) -> InterprocessError {
        pin.pointee.bitwiseAnd(~pinBit, ordering: .releasing)
        return service.storage.byteCountError(count, slot: slot, generation: generation, limit: view.payloadSize,
                                              operation: "receive from service")
    }

    /// The view of `generation` for a pinned sample in `slot`, mapping the generation
    /// read-only the first time; unpins and throws `.corrupt` for a generation no publisher
    /// writes.
    @usableFromInline
    func poolView(_ generation: Int, slot: Int, pin: UnsafeMutablePointer<Atomic<UInt64>>) throws(InterprocessError) -> PoolView {
        let operation = "receive from service"
        let storage = service.storage
        do throws(InterprocessError) {
            if generation >= ServiceLayout.maximumGenerations || seat.pools.pools[generation] == nil {
                let size = try storage.generationSlotSize(generation, operation: operation)
                seat.pools.install(try SamplePool(opening: generation, of: storage, slotPayloadSize: size, access: .readOnly,
                                                  operation: operation))
            }
            return pools[generation]
        } catch {
            pin.pointee.bitwiseAnd(~pinBit, ordering: .releasing)
            guard error.code == .notFound else { throw error }
            // The names of a removed service's pools are gone. A subscriber maps the live
            // generations when it attaches; only one grown after that and before the remove
            // cannot be opened any more.
            throw InterprocessError(.notFound, operation: operation, name: service.name,
                                    reason: "pool generation \(generation) is gone: the service was removed after this subscriber attached and before it mapped that generation")
        }
    }

    /// Waits until the ring entry at the cursor no longer holds `observed`: spins, then parks
    /// on the publication word.
    ///
    /// - Throws: `.timedOut` when `deadline` passes first.
    @usableFromInline
    func awaitPublication(_ word: UnsafeMutablePointer<Atomic<UInt64>>, observed: UInt64, until deadline: Deadline) throws(InterprocessError) {
        var spins = 0
        while word.pointee.load(ordering: .acquiring) == observed {
            if spins < ChannelWaiting.spinLimit {
                spins += 1
                CPU.relax()
                if spins & 255 == 0, deadline.hasPassed { throw timedOutError() }
                continue
            }
            // A segment shrunk under this mapping reads as zeros for good, which past the
            // ring's first lap look like nothing new: judged `truncated` (a load, no system call).
            if deadline.hasPassed || service.storage.segment.memory.region.wasTruncated { throw timedOutError() }
            // `parked` tells a reclaimer that this subscriber is counted among the sleepers.
            parkedWord.pointee.store(1, ordering: .relaxed)
            service.storage.publicationParking.sleepOnce(until: deadline, whileBlocked: {
                word.pointee.load(ordering: .sequentiallyConsistent) == observed
            })
            parkedWord.pointee.store(0, ordering: .relaxed)
        }
    }

    /// The entry at the cursor holds a later lap's `sequence`: the samples from the cursor up
    /// to the oldest one still readable are missed (counted once each); jumps there.
    @usableFromInline
    mutating func skipLapped(_ sequence: UInt64) throws(InterprocessError) {
        let storage = service.storage
        let head = storage.word64(ServiceLayout.headOffset).pointee.load(ordering: .acquiring)
        guard sequence <= head else { throw storage.sequenceError(sequence, head: head, operation: "receive from service") }
        // `sequence` was published in this entry; the sample after it in the ring (a lap
        // older) was overwritten by the slot prepared next: the oldest that may still be
        // readable is one further.
        var target = sequence &- UInt64(mask &+ 1) &+ 2
        if Int64(bitPattern: target &- cursor) <= 0 { target = cursor &+ 1 }
        countMissed(target &- cursor)
        advance(to: target)
    }

    /// This subscriber's `parked` word.
    var parkedWord: UnsafeMutablePointer<Atomic<UInt32>> {
        SubscriberTable.word32(service.storage, seat.index, ServiceLayout.subscriberParkedOffset)
    }

    @usableFromInline
    func wakePublisher() {
        service.storage.progressParking.advanceAndWakeIfWaiting()
    }

    @usableFromInline
    func timedOutError() -> InterprocessError {
        service.storage.judged(InterprocessError(.timedOut, operation: "receive from service", name: service.name,
                                                 reason: "no sample arrived before the deadline"))
    }
}
#endif

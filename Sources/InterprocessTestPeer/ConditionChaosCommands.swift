import Interprocess
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `cond-chaos`: producers and consumers of a counter of items, guarded by a placed
/// ``ProcessMutex`` and signalled through a placed ``ProcessCondition``, for the randomized kill
/// test; SHM is plain shared memory laid out as ``ConditionChaosLayout``.
///
/// Under the mutex a process sets `dirty`, moves `items` by one, bumps `produced` or `consumed`,
/// clears `dirty`. Whoever acquires the mutex checks: a normal acquisition finds no holder, a
/// clean state and `items == produced - consumed` (else it counts a violation); after an
/// owner's death it counts a report, recomputes `items` from the two tallies (rolling a
/// half-done step back or forward) and marks the mutex consistent.
enum ConditionChaosCommands {
    /// `cond-chaos SHM producer|consumer SEED COUNT`: a producer adds COUNT items (0: for ever)
    /// and exits; a consumer takes items, sleeping on the condition (untimed, or with a deadline
    /// 0–3 ms away, at random) while there are none, until `stop` is set and no item is left.
    /// A producer signals or broadcasts (at random) after each item. Both pause a random
    /// 0–300 µs between steps.
    static func run(_ arguments: inout Arguments) throws {
        let memory = try SharedMemory(open: try arguments.next("SHM"))
        let role = try arguments.next("ROLE")
        var random = PeerRandom(seed: UInt64(truncatingIfNeeded: try arguments.nextInt("SEED")))
        let count = try arguments.nextInt("COUNT")
        try arguments.finish()
        guard role == "producer" || role == "consumer" else { throw UsageError("ROLE is producer or consumer") }
        let base = memory.region.baseAddress
        let mutex = try ProcessMutex(placedAt: base)
        let condition = try ProcessCondition(placedAt: base + ConditionChaosLayout.conditionOffset)
        let words = ConditionChaosLayout(base)
        func pause() {
            let roll = random.next()
            usleep(UInt32(roll % 300))
        }
        let me = UInt64(getpid())
        var done = 0
        try withExtendedLifetime(memory) {
            while count == 0 || done < count {
                let roll = random.next()
                try words.check(mutex.lock(), mutex)
                if role == "consumer" {
                    while words.items.pointee.load(ordering: .relaxed) == 0 && words.stop.pointee.load(ordering: .relaxed) == 0 {
                        let roll = random.next()
                        guard roll % 2 == 0 else {
                            try words.check(condition.wait(mutex), mutex)
                            continue
                        }
                        // A deadline 0–3 ms away bounds the re-lock too: on `timedOut` the mutex is not held.
                        let timeout = Duration.microseconds(Int64((roll >> 8) % 3_000))
                        switch Result(catching: { () throws(InterprocessError) in try condition.wait(mutex, timeout: timeout) }) {
                        case .success(let acquisition):
                            try words.check(acquisition, mutex)
                        case .failure(let error):
                            guard error.code == .timedOut else { throw error }
                            try words.check(mutex.lock(), mutex)
                        }
                    }
                    if words.items.pointee.load(ordering: .relaxed) == 0 {
                        try mutex.unlock()
                        return
                    }
                }
                words.holder.pointee.store(me, ordering: .relaxed)
                words.dirty.pointee.store(1, ordering: .relaxed)
                if role == "producer" {
                    words.items.pointee.wrappingAdd(1, ordering: .relaxed)
                } else {
                    words.items.pointee.wrappingSubtract(1, ordering: .relaxed)
                }
                // Now and then linger half-way, so that kills find holders with a half-done step.
                if roll % 4 == 0 { usleep(UInt32((roll >> 8) % 200)) }
                if role == "producer" {
                    words.produced.pointee.wrappingAdd(1, ordering: .relaxed)
                } else {
                    words.consumed.pointee.wrappingAdd(1, ordering: .relaxed)
                }
                words.dirty.pointee.store(0, ordering: .relaxed)
                words.holder.pointee.store(0, ordering: .relaxed)
                try mutex.unlock()
                if role == "producer" {
                    if roll & 0x10000 == 0 { condition.signal() } else { condition.broadcast() }
                }
                done += 1
                pause()
            }
        }
    }
}

/// The words of the `cond-chaos` test (UInt64 each): the mutex at 0, the condition at 128.
struct ConditionChaosLayout {
    static let conditionOffset = 128
    static let itemsOffset = 512, producedOffset = 520, consumedOffset = 528, dirtyOffset = 536
    static let holderOffset = 544, violationsOffset = 552, reportsOffset = 560, stopOffset = 568

    let base: UnsafeMutableRawPointer
    init(_ base: UnsafeMutableRawPointer) { self.base = base }

    func word(_ offset: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (base + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
    }
    var items: UnsafeMutablePointer<Atomic<UInt64>> { word(Self.itemsOffset) }
    var produced: UnsafeMutablePointer<Atomic<UInt64>> { word(Self.producedOffset) }
    var consumed: UnsafeMutablePointer<Atomic<UInt64>> { word(Self.consumedOffset) }
    var dirty: UnsafeMutablePointer<Atomic<UInt64>> { word(Self.dirtyOffset) }
    var holder: UnsafeMutablePointer<Atomic<UInt64>> { word(Self.holderOffset) }
    var violations: UnsafeMutablePointer<Atomic<UInt64>> { word(Self.violationsOffset) }
    var reports: UnsafeMutablePointer<Atomic<UInt64>> { word(Self.reportsOffset) }
    var stop: UnsafeMutablePointer<Atomic<UInt64>> { word(Self.stopOffset) }

    /// Checks the state just after `acquisition` of `mutex` (see ``ConditionChaosCommands``).
    func check(_ acquisition: LockAcquisition, _ mutex: borrowing ProcessMutex) throws {
        switch acquisition {
        case .acquired:
            let consistent = holder.pointee.load(ordering: .relaxed) == 0 && dirty.pointee.load(ordering: .relaxed) == 0
                && items.pointee.load(ordering: .relaxed) == produced.pointee.load(ordering: .relaxed) &- consumed.pointee.load(ordering: .relaxed)
            if !consistent { violations.pointee.wrappingAdd(1, ordering: .relaxed) }
        case .previousOwnerDied:
            reports.pointee.wrappingAdd(1, ordering: .relaxed)
            items.pointee.store(produced.pointee.load(ordering: .relaxed) &- consumed.pointee.load(ordering: .relaxed), ordering: .relaxed)
            dirty.pointee.store(0, ordering: .relaxed)
            holder.pointee.store(0, ordering: .relaxed)
            try mutex.markConsistent()
        }
    }
}

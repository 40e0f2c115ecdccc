import Interprocess
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `event-chaos-wait`, `event-chaos-set`: endless event waiters and setters for the randomized
/// kill test of ``ProcessEvent``; the test SIGKILLs and replaces them at random points.
///
/// SHM is plain shared memory laid out as ``EventChaosLayout``. A waiter bumps its counters right
/// after a successful take, so a kill between the two leaves them one short.
enum EventChaosCommands {
    /// `event-chaos-wait SHM SLOT SEED`: waits for the event placed at 0 forever — untimed waits,
    /// waits with a deadline 0–3 ms away, and tryWait polls, chosen at random from SEED —
    /// counting every take in the total and in its slot's counter. A manual-reset waiter pauses
    /// 300 µs between takes (the event stays set, so it would otherwise spin).
    static func wait(_ arguments: inout Arguments) throws {
        let memory = try SharedMemory(open: try arguments.next("SHM"))
        let slot = try arguments.nextInt("SLOT")
        var random = PeerRandom(seed: UInt64(truncatingIfNeeded: try arguments.nextInt("SEED")))
        try arguments.finish()
        let base = memory.region.baseAddress
        let event = try ProcessEvent(placedAt: base)
        let total = EventChaosLayout.counter(base, EventChaosLayout.takenOffset)
        let mine = EventChaosLayout.counter(base, EventChaosLayout.slotOffset(slot))
        withExtendedLifetime(memory) {
            while true {
                let roll = random.next()
                switch roll % 4 {
                case 0: guard (try? event.wait(timeout: .microseconds(Int64((roll >> 8) % 3_000)))) != nil else { continue }
                case 1:
                    guard event.tryWait() else {
                        usleep(100)
                        continue
                    }
                default: event.wait()
                }
                total.pointee.wrappingAdd(1, ordering: .relaxed)
                mine.pointee.wrappingAdd(1, ordering: .relaxed)
                if event.mode == .manualReset { usleep(300) }
            }
        }
    }

    /// `event-chaos-set SHM SEED`: sets the event forever, pausing a random 0–500 µs (from SEED)
    /// between steps. Auto-reset: sets only an unset event and counts each such set (the test
    /// runs one setter at a time, so every counted set is a transition from unset to set).
    /// An auto-reset set is counted just before it happens (so takes never outnumber counted
    /// sets unless a set released two waiters). Manual-reset: sets, counts, pauses, resets.
    static func set(_ arguments: inout Arguments) throws {
        let memory = try SharedMemory(open: try arguments.next("SHM"))
        var random = PeerRandom(seed: UInt64(truncatingIfNeeded: try arguments.nextInt("SEED")))
        try arguments.finish()
        let base = memory.region.baseAddress
        let event = try ProcessEvent(placedAt: base)
        let sets = EventChaosLayout.counter(base, EventChaosLayout.setsOffset)
        func pause() {
            let roll = random.next()
            usleep(UInt32(roll % 500))
        }
        withExtendedLifetime(memory) {
            while true {
                if event.mode == .manualReset {
                    event.set()
                    sets.pointee.wrappingAdd(1, ordering: .relaxed)
                    pause()
                    event.reset()
                } else if !event.isSet {
                    // Counted before the set: every take then finds its set already counted.
                    sets.pointee.wrappingAdd(1, ordering: .relaxed)
                    event.set()
                }
                pause()
            }
        }
    }
}

/// Where ``EventChaosCommands`` find the event and their counters (the test uses the same offsets).
enum EventChaosLayout {
    /// Counted sets (UInt64).
    static let setsOffset = 128
    /// Counted takes of all waiters (UInt64).
    static let takenOffset = 192
    /// Takes of the waiter in `slot` (UInt64 each, a cache line apart).
    static func slotOffset(_ slot: Int) -> Int { 256 + 64 * slot }

    static func counter(_ base: UnsafeMutableRawPointer, _ offset: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (base + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
    }
}

import Foundation
import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Randomized hostile-memory tests: while a peer process (`queue-victim`) runs random
/// non-blocking and deadline sends and receives on a queue, this process rewrites random words
/// of that queue — indices, record headers, slot sequences, claimants, lengths, random bytes —
/// with values chosen to be near the truth (a lap off, a flag set, unaligned) as often as wild,
/// from a queue put back in its healthy state now and then.
/// Every call must return a record within the queue's limits, a typed error, or nothing by its
/// deadline; the victim checks that and exits non-zero otherwise, and a crash or a hang shows
/// as a signal. Seeded: set `IPC_QUEUE_FUZZ_SEED` to the printed seed to replay the rewrites.
@Suite("SPSC and MPMC queues rewritten at random by another process", .timeLimit(.minutes(5)),
       .enabled(if: !Sanitizers.threadSanitizer, "TSan makes 128-bit CAS a per-process lock; see Sanitizers"))
struct QueueRandomMutationTests {
    static let rounds = 6
    static let victimMilliseconds = 300

    static let baseSeed: UInt64 = ProcessInfo.processInfo.environment["IPC_QUEUE_FUZZ_SEED"].flatMap { UInt64($0) }
        ?? UInt64(Date().timeIntervalSince1970 * 1000)

    /// One word a peer may rewrite: its body offset and width in bytes, and how to pick values.
    struct Target {
        enum Kind { case index, spscHeader, mpmcSequence, claimant, mpmcLength, byte, counter }
        var offset: Int
        var width: Int
        var kind: Kind
    }

    @Test("SPSC: random words rewritten while a peer sends and receives — records, typed errors or timeouts, never a crash or hang")
    func spsc() throws { try run("spsc") }

    @Test("MPMC: random words rewritten while a peer sends and receives — records, typed errors or timeouts, never a crash or hang")
    func mpmc() throws { try run("mpmc") }

    func run(_ kind: String) throws {
        var tallies: [String] = []
        for round in 0..<Self.rounds {
            let seed = Self.baseSeed &+ UInt64(round)
            var random = SeededRandom(seed: seed)
            let name = TestSupport.uniqueName("fuzz-\(kind)")
            let (targets, lap) = kind == "spsc" ? try createSPSC(name, &random) : try createMPMC(name, &random)
            defer { try? SharedMemory.remove(name) }
            let memory = try SharedMemory(open: name)
            let victim = try TestSupport.BackgroundPeer(["queue-victim", kind, name, String(Self.victimMilliseconds), String(seed)], timeout: 120)
            let end = Date().addingTimeInterval(Double(Self.victimMilliseconds + 50) / 1000)
            try memory.region.withUnsafeMutableBytes { bytes in
                let body = bytes.baseAddress! + QueueSegmentEditing.bodyOffset
                // The healthy queue, put back now and then (torn, as the victim runs) so that
                // the victim also meets states a few rewrites away from a working queue.
                let healthy = Array(bytes[QueueSegmentEditing.bodyOffset...])
                while Date() < end {
                    if random.next() % 2 == 0 {
                        healthy.withUnsafeBytes { restore(body, from: $0, keeping: kind == "mpmc" ? Self.mpmcParking : []) }
                    }
                    for _ in 0...(random.next() % 2) {
                        let target = targets[Int(random.next() % UInt64(targets.count))]
                        rewrite(body + target.offset, target, lap: lap, &random)
                    }
                    usleep(UInt32(random.next() % 2000))
                }
            }
            let outcome = try victim.wait()
            #expect(outcome.signal == nil && outcome.status == 0,
                    "\(kind) round \(round), seed \(seed) (replay with IPC_QUEUE_FUZZ_SEED=\(Self.baseSeed)): \(outcome)")
            tallies.append(outcome.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        print("\(kind) random rewrites (seed \(Self.baseSeed)): \(tallies.joined(separator: "; "))")
    }

    /// The MPMC parking words (waiter counts and futex words, body 136..<144 and 264..<272):
    /// rewritten at random like the others, but never restored, since a victim may be parked
    /// and counted in them (a restore would only add more wrapped values).
    static let mpmcParking = [136..<144, 264..<272]

    /// Copies `healthy` over the body, except the byte ranges in `keeping`.
    func restore(_ body: UnsafeMutableRawPointer, from healthy: UnsafeRawBufferPointer, keeping: [Range<Int>]) {
        var start = 0
        for range in keeping + [healthy.count..<healthy.count] {
            (body + start).copyMemory(from: healthy.baseAddress! + start, byteCount: range.lowerBound - start)
            start = range.upperBound
        }
    }

    /// A queue of random shape with a few records in it; the words a peer may rewrite, and
    /// its lap (capacity in bytes, or slot count).
    func createSPSC(_ name: String, _ random: inout SeededRandom) throws -> ([Target], UInt64) {
        let capacity = 64 << Int(random.next() % 5)
        let maximum = 1 + Int(random.next() % UInt64(capacity / 2 - 8))
        _ = try SPSCQueue(create: name, capacity: capacity, maximumRecordSize: maximum)
        var producer = try SPSCQueue(open: name).makeProducer()
        let bytes = [UInt8](repeating: 0x33, count: maximum)
        for _ in 0..<(random.next() % 8) {
            _ = try bytes.withUnsafeBytes { try producer.trySend(UnsafeRawBufferPointer(rebasing: $0[0..<Int(random.next() % UInt64(maximum + 1))])) }
        }
        var targets = [Target(offset: 128, width: 8, kind: .index), Target(offset: 256, width: 8, kind: .index)]
        for header in stride(from: 0, to: capacity, by: 8) {
            targets.append(Target(offset: 384 + header, width: 8, kind: .spscHeader))
            targets.append(Target(offset: 384 + header + Int(random.next() % 8), width: 1, kind: .byte))
        }
        return (targets, UInt64(capacity))
    }

    func createMPMC(_ name: String, _ random: inout SeededRandom) throws -> ([Target], UInt64) {
        let slotCount = 2 << Int(random.next() % 4)
        let slotSize = [1, 8, 16, 40, 64, 100][Int(random.next() % 6)]
        _ = try MPMCQueue(create: name, slotCount: slotCount, slotSize: slotSize)
        var producer = try MPMCQueue(open: name).makeProducer()
        let bytes = [UInt8](repeating: 0x33, count: slotSize)
        for _ in 0..<(random.next() % UInt64(slotCount + 1)) {
            _ = try bytes.withUnsafeBytes { try producer.trySend(UnsafeRawBufferPointer(rebasing: $0[0..<Int(random.next() % UInt64(slotSize + 1))])) }
        }
        let stride = (24 + slotSize + 63) & ~63
        var targets = [Target(offset: 128, width: 8, kind: .index), Target(offset: 256, width: 8, kind: .index),
                       Target(offset: 24, width: 8, kind: .counter), Target(offset: 32, width: 8, kind: .counter)]
        // Waiter counts and futex words: any value must be safe (wrapping arithmetic, bounded sleeps).
        for parking in [136, 140, 264, 268] {
            targets.append(Target(offset: parking, width: 4, kind: .counter))
        }
        for slot in 0..<slotCount {
            let base = 384 + slot * stride
            targets.append(Target(offset: base, width: 8, kind: .mpmcSequence))
            targets.append(Target(offset: base + 8, width: 8, kind: .claimant))
            targets.append(Target(offset: base + 16, width: 4, kind: .mpmcLength))
            targets.append(Target(offset: base + Int(random.next() % 24), width: 1, kind: .byte))
        }
        return (targets, UInt64(slotCount))
    }

    /// Writes a value near the word's current one (a lap or a few steps off, a flag set or
    /// cleared, unaligned) or a wild one.
    func rewrite(_ word: UnsafeMutableRawPointer, _ target: Target, lap: UInt64, _ random: inout SeededRandom) {
        let current: UInt64 = switch target.width {
        case 8: word.load(as: UInt64.self)
        case 4: UInt64(word.load(as: UInt32.self))
        default: UInt64(word.load(as: UInt8.self))
        }
        let step = random.next() % 8
        let wild = random.next()
        let value: UInt64 = switch (target.kind, random.next() % 8) {
        case (_, 0): wild
        case (_, 1): 0
        case (.index, 2), (.mpmcSequence, 2): current &+ lap &* (1 + random.next() % 3)
        case (.index, 3), (.mpmcSequence, 3): current &- lap &* (1 + random.next() % 3)
        case (.index, 4): current &+ step &* 8 &+ random.next() % 2
        case (.index, 5): UInt64.max &- step
        case (.mpmcSequence, 4): current | (UInt64(1) << (62 + random.next() % 2))
        case (.mpmcSequence, 5): (current & ((UInt64(1) << 62) - 1)) &+ step &- 4
        case (.spscHeader, 2): UInt64(1) << 32
        case (.spscHeader, 3): (random.next() % 4) << 32 | (random.next() % (lap / 2))
        case (.spscHeader, 4): random.next() % (lap * 2)
        case (.claimant, 2), (.claimant, 3): UInt64(getpid()) | (wild << 32)
        case (.claimant, 4): UInt64(UInt32.max)
        case (.mpmcLength, 2), (.mpmcLength, 3): random.next() % 128
        case (.mpmcLength, 4): 900_000
        default: current ^ (UInt64(1) << (random.next() % UInt64(target.width * 8)))
        }
        switch target.width {
        case 8: word.storeBytes(of: value, as: UInt64.self)
        case 4: word.storeBytes(of: UInt32(truncatingIfNeeded: value), as: UInt32.self)
        default: word.storeBytes(of: UInt8(truncatingIfNeeded: value), as: UInt8.self)
        }
    }

}

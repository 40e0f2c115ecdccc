import Foundation
import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Randomized hostile memory: while a peer (`pubsub-victim`) publishes and subscribes with
/// short deadlines, this process rewrites random words of the service's control segment and of
/// its pool — with values near the truth (a step or a lap off, a bit flipped) as often as wild
/// ones — and now and then puts the healthy words back. Every call must return a sample within
/// the configured maximum, a typed error, or nothing by its deadline: a crash or a hang fails.
/// Seeded: `CHAOS_SEED` replays the rewrites.
@Suite("Publish/subscribe: the service rewritten at random by another process", .serialized, .timeLimit(.minutes(5)))
struct PubSubMutationTests {
    static let rounds = 6
    static let victimMilliseconds = 400

    @Test("random words of the control segment and the pool rewritten under a live publisher and subscribers: typed errors, never a crash or a hang")
    func randomRewrites() throws {
        let baseSeed = ChaosSeed.make()
        var tallies: [String] = []
        for round in 0..<ChaosSeed.scaled(Self.rounds) {
            let seed = baseSeed &+ UInt64(round)
            var random = SeededRandom(seed: seed)
            let name = TestSupport.uniqueName("pubsub-fuzz")
            let capacity = 1 + random.below(8)
            let configuration = ServiceConfiguration(
                payload: .bytes(maximumSize: 8 << random.below(10)), maximumSubscribers: 1 + random.below(4), bufferCapacity: capacity,
                history: random.below(capacity + 1), maximumLoansPerSubscriber: 1 + random.below(3),
                overrunPolicy: random.below(2) == 0 ? .block : .dropOldest)
            let service = try Service(create: name, configuration: configuration)
            defer { try? Service.remove(name) }
            do {
                var publisher = try Publisher(service: service)
                for index in 0..<random.below(2 * capacity + 1) {
                    _ = try publisher.trySend(contentsOf: [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: random.below(configuration.payload.size + 1)))
                }
            }
            let pools = service.state.pools.map(\.segmentName)
            let control = try SharedMemory(open: name)
            let poolMemories = try pools.map { try OpenedSegment($0) }
            let victim = try TestSupport.BackgroundPeer(["pubsub-victim", name, String(Self.victimMilliseconds), String(seed >> 2)], timeout: 120)
            let end = Date().addingTimeInterval(Double(Self.victimMilliseconds + 50) / 1000)
            let healthy = control.region.withUnsafeBytes { Array($0) }
            while Date() < end {
                if random.below(3) == 0 {
                    control.region.withUnsafeMutableBytesIfWritable { bytes in
                        healthy.withUnsafeBytes { (bytes.baseAddress! + SegmentHeader.size).copyMemory(from: $0.baseAddress! + SegmentHeader.size, byteCount: bytes.count - SegmentHeader.size) }
                    }
                }
                for _ in 0...random.below(2) {
                    if !poolMemories.isEmpty && random.below(4) == 0 {
                        Self.rewrite(poolMemories[random.below(poolMemories.count)].memory, window: 1 << 16, &random)
                    } else {
                        Self.rewrite(control, window: .max, &random)
                    }
                }
                usleep(UInt32(random.below(2_000)))
            }
            let outcome = try victim.wait()
            #expect(outcome.signal == nil && outcome.status == 0,
                    "round \(round), seed \(seed) (replay with CHAOS_SEED=\(baseSeed)), \(configuration): \(outcome)")
            tallies.append(outcome.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        print("pub/sub random rewrites (seed \(baseSeed)): \(tallies.joined(separator: "; "))")
    }

    /// Rewrites one aligned word past the segment header, within the first `window` bytes.
    static func rewrite(_ memory: borrowing SharedMemory, window: Int, _ random: inout SeededRandom) {
        memory.region.withUnsafeMutableBytesIfWritable { bytes in
            let limit = min(bytes.count, window)
            guard limit > SegmentHeader.size + 8 else { return }
            let width = random.below(2) == 0 ? 8 : 4
            let offset = (SegmentHeader.size + random.below(limit - SegmentHeader.size - 8)) & ~(width - 1)
            let word = bytes.baseAddress! + offset
            let current: UInt64 = width == 8 ? word.load(as: UInt64.self) : UInt64(word.load(as: UInt32.self))
            let step = UInt64(1 + random.below(8))
            let value: UInt64 = switch random.below(10) {
            case 0: random.next()
            case 1: 0
            case 2: current &+ step
            case 3: current &- step
            case 4: current &+ (UInt64(8) << UInt64(random.below(8)))
            case 5: UInt64.max &- step
            case 6: UInt64(random.below(64))
            case 7: current | (UInt64(1) << 63)
            case 8: UInt64(getpid()) | (random.next() << 32)
            default: current ^ (UInt64(1) << UInt64(random.below(width * 8)))
            }
            if width == 8 {
                word.storeBytes(of: value, as: UInt64.self)
            } else {
                word.storeBytes(of: UInt32(truncatingIfNeeded: value), as: UInt32.self)
            }
        }
    }
}

/// A segment mapped read-write by the test, kept in an array.
final class OpenedSegment {
    let memory: SharedMemory
    init(_ name: String) throws { memory = try SharedMemory(open: name) }
}

extension MappedRegion {
    /// Calls `body` with the mapping's bytes, writable (the test's own read-write mappings).
    func withUnsafeMutableBytesIfWritable(_ body: (UnsafeMutableRawBufferPointer) -> Void) {
        try? withUnsafeMutableBytes { body($0) }
    }
}

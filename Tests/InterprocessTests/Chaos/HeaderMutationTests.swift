import Foundation
@testable import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Random bytes and words of a named segment's header, and of the headers and words of the
/// primitives placed in its body, rewritten (sometimes with a recomputed checksum, sometimes
/// restored) while victim processes open the segment and use the primitives again and again.
/// Every open and call must succeed or throw a typed error: the victims exit cleanly, never by
/// a signal or a hang. Seeded: `CHAOS_SEED` replays a run.
@Suite("Segment and primitive headers mutated under openers", .serialized, .timeLimit(.minutes(5)))
struct HeaderMutationTests {
    // The test peer's HeaderChaosLayout (body offsets).
    static let semaphore = 0, event = 64, condition = 128, mutex = 256, rwLock = 512, bodySize = 8192
    /// The file bytes mutated: the segment header and the primitives up to the first reader slots of the RW lock.
    static let mutated = 0..<(SegmentHeader.size + rwLock + 512)

    @Test("random header and primitive words rewritten while processes open and use them: success or typed errors, never a crash or a hang")
    func randomMutations() throws {
        let seed = ChaosSeed.make()
        var random = SeededRandom(seed: seed)
        let name = TestSupport.uniqueName("hdr-chaos")
        defer { try? SharedMemory.remove(name) }
        let segment = try Segment(create: name, kind: .raw, bodySize: Self.bodySize) { (body) throws(InterprocessError) in
            let base = body.baseAddress!
            try ProcessSemaphore.initialize(at: base + Self.semaphore, initialCount: 1)
            try ProcessEvent.initialize(at: base + Self.event, mode: .autoReset)
            try ProcessCondition.initialize(at: base + Self.condition)
            try ProcessMutex.initialize(at: base + Self.mutex)
            try ProcessRWLock.initialize(at: base + Self.rwLock)
        }
        let file = try SharedMemory(open: name)
        let base = file.region.baseAddress
        let original = [UInt8](UnsafeRawBufferPointer(start: base, count: Self.mutated.count))
        let milliseconds = ChaosSeed.scaled(2_000)
        let victims = try (0..<3).map { _ in
            try SpawnedPeer("header-victim", name, String(milliseconds), String(random.next() >> 1))
        }
        let end = Date().addingTimeInterval(Double(milliseconds) / 1000)
        let specials: [UInt64] = [0, 1, UInt64(UInt32.max), UInt64.max, 1 << 31, 1 << 63, UInt64(getpid()),
                                  UInt64(victims[0].pid), 0x7FFF_FFFF, UInt64(SegmentHeader.size), 4096, 1 << 40]
        var mutations = 0
        while Date() < end {
            // Mostly the segment header, else the primitives.
            let offset = random.next() % 2 == 0
                ? Int(random.next() % UInt64(SegmentHeader.size))
                : SegmentHeader.size + Int(random.next() % UInt64(Self.mutated.count - SegmentHeader.size))
            Self.mutate(base, at: offset, original: original, specials: specials, &random)
            mutations += 1
            usleep(UInt32(random.next() % 1_500))
        }
        Self.expectCleanExits(victims, seed: seed, mutations: mutations)
        withExtendedLifetime(segment) {}
    }

    /// One random mutation at `offset` of the file mapped at `base`: a byte, a 32- or 64-bit
    /// word (a random value or one of `specials`), a header word with its checksum recomputed,
    /// or, now and then, every byte back as in `original` (so that opens get past the header again).
    static func mutate(_ base: UnsafeMutableRawPointer, at offset: Int, original: [UInt8], specials: [UInt64], _ random: inout SeededRandom) {
        let value = random.next() % 3 == 0 ? specials[Int(random.next() % UInt64(specials.count))] : random.next()
        switch random.next() % 7 {
        case 0, 1: (base + offset).storeBytes(of: UInt8(truncatingIfNeeded: value), as: UInt8.self)
        case 2, 3: (base + offset & ~3).storeBytes(of: UInt32(truncatingIfNeeded: value), as: UInt32.self)
        case 4: (base + offset & ~7).storeBytes(of: value, as: UInt64.self)
        case 5: rewriteHeaderWord(at: base, offset: Int(random.next() % UInt64(SegmentHeader.size)), value)
        default: original.withUnsafeBytes { base.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        }
    }

    /// Every victim ends by itself (its time is up), with status 0: no crash, no hang.
    static func expectCleanExits(_ victims: [SpawnedPeer], seed: UInt64, mutations: Int) {
        for victim in victims {
            let status = victim.waitForExit(timeout: 15)
            #expect(ChaosSeed.exitedCleanly(status),
                    "seed \(seed): a victim \(status.map { "ended with wait status \($0)" } ?? "hung") after \(mutations) mutations")
        }
    }

    /// Writes a 32-bit word into the segment header at `base` and recomputes the checksum: a
    /// hostile header that passes the checksum.
    static func rewriteHeaderWord(at base: UnsafeMutableRawPointer, offset: Int, _ value: UInt64) {
        (base + offset & ~3).storeBytes(of: UInt32(truncatingIfNeeded: value), as: UInt32.self)
        let header = SegmentHeader(decoding: UnsafeRawBufferPointer(start: base, count: SegmentHeader.size))
        base.storeBytes(of: header.computedChecksum.littleEndian, toByteOffset: SegmentHeader.Field.checksum.offset, as: UInt64.self)
    }

    @Test("random words of named primitives' and queues' segments rewritten while processes open and use them: success or typed errors, never a crash or a hang")
    func randomNamedMutations() throws {
        let seed = ChaosSeed.make()
        var random = SeededRandom(seed: seed)
        let prefix = TestSupport.uniqueName("named-chaos")
        let names = ["sem", "event", "mutex", "cond", "rw", "spsc", "mpmc"].map { "\(prefix)-\($0)" }
        defer { for name in names { try? SharedMemory.remove(name) } }
        _ = try ProcessSemaphore(create: names[0], initialCount: 1)
        _ = try ProcessEvent(create: names[1], mode: .autoReset)
        _ = try ProcessMutex(create: names[2])
        _ = try ProcessCondition(create: names[3])
        _ = try ProcessRWLock(create: names[4])
        _ = try SPSCQueue(create: names[5], capacity: 1024, maximumRecordSize: 64)
        _ = try MPMCQueue(create: names[6], slotCount: 8, slotSize: 64)
        let files = try names.map { try OpenedMemory($0) }
        let ranges = files.map { 0..<min($0.memory.size, SegmentHeader.size + 512) }
        let originals = zip(files, ranges).map { [UInt8](UnsafeRawBufferPointer(start: $0.base, count: $1.count)) }
        let milliseconds = ChaosSeed.scaled(2_000)
        let victims = try (0..<3).map { _ in
            try SpawnedPeer("named-victim", prefix, String(milliseconds), String(random.next() >> 1))
        }
        let end = Date().addingTimeInterval(Double(milliseconds) / 1000)
        let specials: [UInt64] = [0, 1, UInt64(UInt32.max), UInt64.max, 1 << 31, 1 << 63, UInt64(victims[0].pid), 0x7FFF_FFFF, 4096]
        var mutations = 0
        while Date() < end {
            let target = Int(random.next() % UInt64(files.count))
            let base = files[target].base
            let offset = Int(random.next() % UInt64(ranges[target].count))
            Self.mutate(base, at: offset, original: originals[target], specials: specials, &random)
            mutations += 1
            usleep(UInt32(random.next() % 1_000))
        }
        Self.expectCleanExits(victims, seed: seed, mutations: mutations)
    }
}

/// A mapping of a named segment, in a class so that several fit in an array.
final class OpenedMemory {
    let memory: SharedMemory
    var base: UnsafeMutableRawPointer { memory.region.baseAddress }
    init(_ name: String) throws { memory = try SharedMemory(open: name) }
}

import Foundation
import Interprocess
import Testing

/// Hostile words in a broadcast stream: every one a typed `corrupt` error in a peer process
/// (where a trap would show as a signal, and a hang as a kill), never a trap.
@Suite("Broadcast stream with hostile memory", .timeLimit(.minutes(2)))
struct BroadcastHostileMemoryTests {
    /// Body offsets (docs/FORMAT.md, "Broadcast stream").
    static let tail = 128, intent = 256, latest = 136, oldest = 152, ring = 512

    /// A stream of 1024 bytes holding records 0..<count of 8 bytes (24 bytes each), with `edit`
    /// applied to its body; returns what a peer's `broadcast-probe START` made of it.
    static func probe(
        count: Int = 10, start: String = "oldest", _ edit: (UnsafeMutableRawPointer) -> Void
    ) throws -> TestSupport.Outcome {
        let name = TestSupport.uniqueName("bcast-hostile")
        let stream = try BroadcastStream(create: name, capacity: 1024, maximumRecordSize: 64)
        defer { try? BroadcastStream.remove(name) }
        do {
            var writer = try stream.makeWriter()
            for value in 0..<count { try writer.send(UInt64(value)) }
        }
        let memory = try SharedMemory(open: name)
        try memory.region.withUnsafeMutableBytes { bytes in edit(bytes.baseAddress! + QueueSegmentEditing.bodyOffset) }
        return try QueueSegmentEditing.probe("broadcast-probe", name, start)
    }

    /// Whether the peer ended with a typed `corrupt` error whose message contains `detail`.
    static func isCorrupt(_ outcome: TestSupport.Outcome, _ detail: String) -> Bool {
        outcome.signal == nil && outcome.status == 1 && outcome.standardOutput.hasSuffix("error corrupt\n")
            && outcome.standardError.contains(detail)
    }

    static func store(_ value: UInt64, at offset: Int, in body: UnsafeMutableRawPointer) {
        body.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt64.self)
    }

    @Test("a healthy stream probes clean")
    func healthy() throws {
        let outcome = try Self.probe { _ in }
        #expect(outcome.standardOutput == "received 10 missed 0\n", "\(outcome)")
    }

    @Test("a record header of an unknown type, an impossible length or a wrong sequence number is corrupt",
          arguments: [
            (Self.ring + 24 * 3 + 4, UInt64(7), 4, "type 7"),
            (Self.ring + 24 * 3, UInt64(0xFFFF_FFF0), 4, "length"),
            (Self.ring + 24 * 3, UInt64(8), 4, "length"),
            (Self.ring + 24 * 3, UInt64(2) << 32 | 4096, 8, "padding"),
            (Self.ring + 24 * 3, UInt64(2) << 32 | 24, 8, "to the ring's end"),
            (Self.ring + 24 * 3 + 8, UInt64(99), 8, "sequence number 99"),
          ])
    func hostileHeaders(offset: Int, value: UInt64, width: Int, detail: String) throws {
        let outcome = try Self.probe { body in
            if width == 4 {
                body.storeBytes(of: UInt32(truncatingIfNeeded: value).littleEndian, toByteOffset: offset, as: UInt32.self)
            } else {
                Self.store(value, at: offset, in: body)
            }
        }
        #expect(Self.isCorrupt(outcome, detail), "\(outcome)")
    }

    @Test("a tail that is unaligned or behind the reader, or an intent behind the tail, is corrupt")
    func hostilePositions() throws {
        let unaligned = try Self.probe { Self.store(13, at: Self.tail, in: $0) }
        #expect(Self.isCorrupt(unaligned, "tail 13"), "\(unaligned)")
        let intentBehind = try Self.probe { Self.store(0, at: Self.intent, in: $0) }
        #expect(Self.isCorrupt(intentBehind, "tail intent 0"), "\(intentBehind)")
    }

    @Test("a latest record that is padding, or at an unaligned position, is corrupt")
    func hostileLatest() throws {
        let padding = try Self.probe(start: "latest") { body in
            Self.store(UInt64(2) << 32 | 24, at: Self.ring + 24 * 9, in: body)
        }
        #expect(Self.isCorrupt(padding, "padding"), "\(padding)")
        let unaligned = try Self.probe(start: "next") { Self.store(5, at: Self.latest, in: $0) }
        #expect(Self.isCorrupt(unaligned, "multiple of 8"), "\(unaligned)")
    }

    @Test("a lapped reader with nowhere to jump fails cleanly; an oldest hint off a record boundary is corrupt")
    func hostileJump() throws {
        // An intent more than a ring ahead says "lapped"; with no latest record there is nowhere to go.
        let none = try Self.probe(start: "oldest") { body in
            Self.store(0, at: Self.oldest, in: body)
            Self.store(240 + 2048, at: Self.intent, in: body)
            Self.store(.max, at: Self.latest, in: body)
        }
        #expect(none.signal == nil && (none.status == 0 || Self.isCorrupt(none, "")), "\(none)")
        let offBoundary = try Self.probe(start: "oldest") { Self.store(4, at: Self.oldest, in: $0) }
        #expect(Self.isCorrupt(offBoundary, "multiple of 8"), "\(offBoundary)")
    }

    @Test("a new writer refuses positions no writer leaves")
    func hostileTakeover() throws {
        let name = TestSupport.uniqueName("bcast-takeover")
        let stream = try BroadcastStream(create: name, capacity: 1024, maximumRecordSize: 64)
        defer { try? BroadcastStream.remove(name) }
        let memory = try SharedMemory(open: name)
        try memory.region.withUnsafeMutableBytes { bytes in
            Self.store(4096, at: Self.intent, in: bytes.baseAddress! + QueueSegmentEditing.bodyOffset)
        }
        let error = #expect(throws: InterprocessError.self) { _ = try stream.makeWriter() }
        #expect(error?.code == .corrupt && error?.operation == "make writer of broadcast stream")
        #expect(stream.state.problem != nil)
        // The claim was given back: once the words are repaired, a writer can be made.
        try memory.region.withUnsafeMutableBytes { bytes in
            Self.store(0, at: Self.intent, in: bytes.baseAddress! + QueueSegmentEditing.bodyOffset)
        }
        var writer = try stream.makeWriter()
        #expect(try writer.send("ok") == 0)
    }

    @Test("random rewrites of the words and the ring under a peer that reads and writes never trap or hang")
    func randomRewrites() throws {
        var random = SeededRandom(seed: 0xB40A_DCA5)
        for round in 0..<3 {
            let name = TestSupport.uniqueName("bcast-fuzz")
            let stream = try BroadcastStream(create: name, capacity: 2048, maximumRecordSize: 128)
            defer { try? BroadcastStream.remove(name) }
            do {
                var writer = try stream.makeWriter()
                for value in 0..<300 { try writer.send(contentsOf: [UInt8](repeating: UInt8(truncatingIfNeeded: value), count: value % 129)) }
            }
            let memory = try SharedMemory(open: name)
            let victim = try TestSupport.BackgroundPeer(["broadcast-victim", name, "700", String(round)], timeout: 60)
            let end = Date().addingTimeInterval(0.75)
            let words = [Self.tail, Self.intent, Self.latest, 144, Self.oldest]
            let values: [UInt64] = [0, 1, 8, 13, 1024, 2048, 4096, .max, .max - 7, 1 << 40, 0xFFFF_FFFF]
            try memory.region.withUnsafeMutableBytes { bytes in
                let body = bytes.baseAddress! + QueueSegmentEditing.bodyOffset
                while Date() < end {
                    let pick = random.next()
                    let value = pick % 3 == 0 ? random.next() : values[Int(random.next() % UInt64(values.count))]
                    let offset = pick % 2 == 0 ? words[Int(random.next() % UInt64(words.count))]
                        : Self.ring + Int(random.next() % 256) * 8
                    Self.store(value, at: offset, in: body)
                    usleep(UInt32(random.next() % 1_000))
                }
            }
            let outcome = try victim.wait()
            #expect(outcome.signal == nil && outcome.status == 0, "round \(round): \(outcome)")
        }
    }
}

import Interprocess
import Testing

@Suite("Broadcast stream in one process", .timeLimit(.minutes(2)))
struct BroadcastStreamTests {
    /// A stream with a unique name, removed when `body` returns.
    static func withStream(
        capacity: Int = 4096, maximumRecordSize: Int = 256, _ body: (BroadcastStream) throws -> Void
    ) throws {
        let name = TestSupport.uniqueName("bcast")
        let stream = try BroadcastStream(create: name, capacity: capacity, maximumRecordSize: maximumRecordSize)
        defer { try? BroadcastStream.remove(name) }
        try body(stream)
    }

    @Test("every send and receive form round-trips, with sequence numbers from 0")
    func everyFormRoundTrips() throws {
        try Self.withStream { stream in
            var writer = try stream.makeWriter()
            var reader = try stream.makeReader()
            #expect(try writer.send(UInt64(42)) == 0)
            #expect(try writer.send("hello") == 1)
            #expect(try writer.send(contentsOf: [1, 2, 3]) == 2)
            #expect(try [UInt8](arrayLiteral: 9, 8).withUnsafeBytes { try writer.send($0) } == 3)
            #expect(try writer.send(upTo: 16) { out in out.append(UInt32(7), as: UInt32.self) } == 4)
            #expect(try writer.send(contentsOf: [UInt8]()) == 5)
            #expect(try writer.send(Int16(-3)) == 6)
            #expect(try writer.send("x") == 7)
            #expect(writer.nextSequence == 8)

            #expect(try reader.receive(as: UInt64.self) == 42)
            #expect(try reader.receive(as: String.self, timeout: .seconds(1)) == "hello")
            #expect(try reader.tryReceive() == [1, 2, 3])
            var buffer = [UInt8](repeating: 0, count: 8)
            #expect(try buffer.withUnsafeMutableBytes { try reader.receive(into: $0, until: .after(.seconds(1))) } == 2)
            #expect(buffer.prefix(2) == [9, 8])
            #expect(try reader.receive { span in span.unsafeLoadUnaligned(as: UInt32.self) } == 7)
            #expect(try reader.receive(timeout: .seconds(1)) == [])
            // A record of another length stays next (this reader's copy keeps it whole).
            #expect(throws: InterprocessError.self) { _ = try reader.tryReceive(as: UInt64.self) }
            #expect(try reader.tryReceive(as: Int16.self) == -3)
            #expect(try reader.tryReceive(as: String.self) == "x")
            #expect(try reader.tryReceive() == nil)
            #expect(reader.receivedCount == 8 && reader.missedCount == 0 && reader.nextSequence == 8)
        }
    }

    @Test("records of every size from 0 to the maximum wrap the ring (padding) and stay whole")
    func variableSizesWrap() throws {
        try Self.withStream(capacity: 512, maximumRecordSize: 64) { stream in
            var writer = try stream.makeWriter()
            var reader = try stream.makeReader(startingAt: .oldest)
            var state: UInt64 = 1
            for index in 0..<3_000 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let bytes = (0..<Int(state >> 58)).map { UInt8(truncatingIfNeeded: index &+ $0) }
                #expect(try writer.send(contentsOf: bytes) == UInt64(index))
                if index % 3 == 2 {
                    // Read in bursts, so the copies span several records and the ring's end.
                    for back in (0...2).reversed() {
                        let got = try reader.receive(timeout: .seconds(1))
                        #expect(got.count <= 64)
                        #expect(got.enumerated().allSatisfy { $0.element == UInt8(truncatingIfNeeded: index - back &+ $0.offset) })
                    }
                }
            }
            #expect(reader.receivedCount == 3_000 && reader.missedCount == 0)
        }
    }

    @Test("a lapped reader learns exactly how many records it missed: received + missed = published")
    func lappedReaderCountsMissed() throws {
        try Self.withStream(capacity: 1024, maximumRecordSize: 64) { stream in
            var writer = try stream.makeWriter()
            var reader = try stream.makeReader(startingAt: .next)
            var published: UInt64 = 0
            for round in 0..<50 {
                // Far more than the ring holds between two reads.
                for _ in 0..<(round % 5 == 0 ? 3 : 200) {
                    try writer.send(UInt64(published))
                    published += 1
                }
                while let value = try reader.tryReceive(as: UInt64.self) {
                    #expect(value == reader.nextSequence - 1)
                }
                #expect(reader.receivedCount + reader.missedCount == published)
            }
            #expect(reader.missedCount > 0)
        }
    }

    @Test("a lapped reader resumes about half a ring behind the writer, not at the latest record, and misses nothing after")
    func lappedReaderResumesBehind() throws {
        try Self.withStream(capacity: 1024, maximumRecordSize: 64) { stream in
            var writer = try stream.makeWriter()
            var reader = try stream.makeReader(startingAt: .next)
            // 24 bytes per record: 200 records lap the 1024-byte ring several times.
            for value in UInt64(0)..<200 { try writer.send(value) }
            let first = try reader.receive(as: UInt64.self)
            // Half a ring (512 bytes) is about 21 records; the checkpoints are an eighth apart.
            #expect(first >= 199 - 30 && first <= 199 - 10, "resumed at \(first)")
            #expect(reader.missedCount == first && reader.lapCount == 1)
            for value in (first + 1)..<200 { #expect(try reader.tryReceive(as: UInt64.self) == value) }
            #expect(reader.receivedCount + reader.missedCount == 200)
        }
    }

    @Test("checkpoints no writer leaves (off a boundary, past the tail, too far back) are skipped: the lapped reader takes the latest record")
    func hostileCheckpointsSkipped() throws {
        try Self.withStream(capacity: 1024, maximumRecordSize: 64) { stream in
            var writer = try stream.makeWriter()
            var reader = try stream.makeReader(startingAt: .next)
            for value in UInt64(0)..<200 { try writer.send(value) }
            let memory = try SharedMemory(open: stream.name)
            try memory.region.withUnsafeMutableBytes { bytes in
                let checkpoints = bytes.baseAddress! + QueueSegmentEditing.bodyOffset + 264
                for (slot, value) in [UInt64(4), 1 << 40, 8, 16].enumerated() {
                    checkpoints.storeBytes(of: value.littleEndian, toByteOffset: 8 * slot, as: UInt64.self)
                }
            }
            #expect(try reader.receive(as: UInt64.self) == 199)
            #expect(reader.receivedCount + reader.missedCount == 200)
        }
    }

    @Test("readers start at the oldest record still in the ring, at the latest, or at the next")
    func startPositions() throws {
        try Self.withStream(capacity: 1024, maximumRecordSize: 64) { stream in
            var empty = try stream.makeReader(startingAt: .oldest)
            var writer = try stream.makeWriter()
            for value in UInt64(0)..<200 { try writer.send(value) }
            // 24 bytes per record: the ring holds the last 42 or so, of which the last 32 to 37 are
            // readable (the intent is announced an eighth of the ring ahead), and `oldest` marks
            // one of them to within an eighth of the ring (5 records).
            var oldest = try stream.makeReader(startingAt: .oldest)
            let first = try oldest.receive(as: UInt64.self)
            #expect(first >= 158 && first <= 176, "\(first)")
            for value in (first + 1)..<200 { #expect(try oldest.tryReceive(as: UInt64.self) == value) }
            #expect(oldest.missedCount == 0)
            var latest = try stream.makeReader(startingAt: .latest)
            #expect(try latest.receive(as: UInt64.self) == 199)
            var next = try stream.makeReader(startingAt: .next)
            #expect(try next.tryReceive(as: UInt64.self) == nil)
            try writer.send(UInt64(200))
            #expect(try next.receive(as: UInt64.self) == 200)
            // A reader made before anything was sent, lapped since, counts from record 0.
            while try empty.tryReceive(as: UInt64.self) != nil {}
            #expect(empty.receivedCount + empty.missedCount == 201)
        }
    }

    @Test("a receive deadline throws timedOut; a try form returns nil at once")
    func deadlines() throws {
        try Self.withStream { stream in
            var reader = try stream.makeReader()
            #expect(try reader.tryReceive() == nil)
            let error = #expect(throws: InterprocessError.self) { _ = try reader.receive(timeout: .milliseconds(30)) }
            #expect(error?.code == .timedOut)
            let waited = #expect(throws: InterprocessError.self) { try reader.waitForRecord(until: .after(.milliseconds(30))) }
            #expect(waited?.code == .timedOut)
        }
    }

    @Test("a write that throws delivers nothing and uses no sequence number; oversize records are refused")
    func abandonedAndOversizeRecords() throws {
        try Self.withStream(capacity: 256, maximumRecordSize: 32) { stream in
            var writer = try stream.makeWriter()
            var reader = try stream.makeReader()
            for round in 0..<40 {
                #expect(throws: InterprocessError.self) {
                    try writer.send(upTo: 32) { out throws(InterprocessError) in
                        out.append(UInt64(0xDEAD), as: UInt64.self)
                        throw InterprocessError(.cancelled, operation: "test", reason: "no")
                    }
                }
                let tooBig = #expect(throws: InterprocessError.self) { try writer.send(contentsOf: [UInt8](repeating: 0, count: 33)) }
                #expect(tooBig?.code == .invalidArgument)
                #expect(try writer.send(UInt64(round)) == UInt64(round))
                #expect(try reader.receive(as: UInt64.self, timeout: .seconds(1)) == UInt64(round))
            }
            #expect(try reader.tryReceive() == nil && reader.missedCount == 0)
        }
    }

    @Test("one writer at a time; the next one continues the sequence numbers")
    func oneWriterAtATime() throws {
        try Self.withStream { stream in
            var reader = try stream.makeReader()
            do {
                var writer = try stream.makeWriter()
                let second = #expect(throws: InterprocessError.self) { _ = try stream.makeWriter() }
                #expect(second?.code == .alreadyExists)
                try writer.send("a")
                #expect(stream.state.writer?.identity.pid == ProcessIdentity.current.pid)
            }
            #expect(stream.state.writer == nil)
            var writer = try stream.makeWriter()
            #expect(try writer.send("b") == 1)
            #expect(try reader.receive(as: String.self, timeout: .seconds(1)) == "a")
            #expect(try reader.receive(as: String.self, timeout: .seconds(1)) == "b")
        }
    }

    @Test("create, open, openOrCreate and remove speak the library's vocabulary")
    func lifecycle() throws {
        let name = TestSupport.uniqueName("bcast-life")
        let invalid = #expect(throws: InterprocessError.self) { _ = try BroadcastStream(create: name, capacity: 1000, maximumRecordSize: 8) }
        #expect(invalid?.code == .invalidArgument)
        let tooLarge = #expect(throws: InterprocessError.self) { _ = try BroadcastStream(create: name, capacity: 1024, maximumRecordSize: 129) }
        #expect(tooLarge?.code == .invalidArgument)
        #expect(BroadcastStream.maximumRecordSizeRange(for: 1024) == 1...128)
        let missing = #expect(throws: InterprocessError.self) { _ = try BroadcastStream(open: name) }
        #expect(missing?.code == .notFound)
        let late = #expect(throws: InterprocessError.self) { _ = try BroadcastStream(open: name, timeout: .milliseconds(20)) }
        #expect(late?.code == .timedOut)
        let created = try BroadcastStream(openOrCreate: name, capacity: 1024, maximumRecordSize: 100)
        defer { try? BroadcastStream.remove(name) }
        #expect(created.wasCreated && created.capacity == 1024 && created.maximumRecordSize == 100 && created.name == name)
        let opened = try BroadcastStream(openOrCreate: name, capacity: 1024, maximumRecordSize: 100)
        #expect(!opened.wasCreated)
        let different = #expect(throws: InterprocessError.self) { _ = try BroadcastStream(openOrCreate: name, capacity: 2048, maximumRecordSize: 100) }
        #expect(different?.code == .incompatibleConfiguration)
        #expect(different?.reason.contains("capacity") == true)
        let size = #expect(throws: InterprocessError.self) { _ = try BroadcastStream(openOrCreate: name, capacity: 1024, maximumRecordSize: 10) }
        #expect(size?.reason.contains("maximum record size") == true)
        let queue = TestSupport.uniqueName("bcast-queue")
        _ = try SPSCQueue(create: queue, capacity: 1024, maximumRecordSize: 64)
        defer { try? SPSCQueue.remove(queue) }
        let wrong = #expect(throws: InterprocessError.self) { try BroadcastStream.remove(queue) }
        #expect(wrong?.code == .wrongKind)
        let wrongOpen = #expect(throws: InterprocessError.self) { _ = try BroadcastStream(open: queue) }
        #expect(wrongOpen?.code == .wrongKind)
        try BroadcastStream.remove(name)
        let gone = #expect(throws: InterprocessError.self) { try BroadcastStream.remove(name) }
        #expect(gone?.code == .notFound)
    }

    @Test("the state snapshot shows the positions, the next sequence number and the writer")
    func stateSnapshot() throws {
        try Self.withStream(capacity: 1024, maximumRecordSize: 64) { stream in
            #expect(stream.state.latest == nil && stream.state.nextSequence == 0 && stream.state.problem == nil)
            var writer = try stream.makeWriter()
            for value in UInt64(0)..<100 { try writer.send(value) }
            let state = stream.state
            // 24 bytes a record, and 16 bytes of padding at the end of each 1024-byte lap.
            #expect(state.nextSequence == 100 && state.tail == 2400 + 2 * 16)
            // The intent is announced an eighth of the ring ahead.
            #expect(state.tailIntent > state.tail && state.tailIntent - state.tail <= 1024 / 8 + 24)
            #expect(state.latest == state.tail - 24 && state.tail - state.oldest <= 1024 && state.tail - state.oldest >= 1024 - 3 * 128)
            #expect(state.capacity == 1024 && state.maximumRecordSize == 64 && state.parkedReaders == 0)
            #expect(state.writer?.liveness == .alive && state.problem == nil)
        }
    }
}

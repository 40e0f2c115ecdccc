import Interprocess
import Testing

/// One method set for both queues: every scenario here is one generic function over
/// `QueueProducer` and `QueueConsumer`, run on an SPSC and on an MPMC queue.
@Suite("Queue method set: values, bytes, strings, spans", .timeLimit(.minutes(5)))
struct QueueMethodSetTests {
    /// A new SPSC queue (records up to 64 bytes, 14 of them fill it) that goes with its value.
    static func spsc() throws -> SPSCQueue {
        try SPSCQueue(create: TestSupport.uniqueName("set-spsc"), capacity: 1024, maximumRecordSize: 64,
                      lifetime: .removedWhenCreatorCloses)
    }

    /// A new MPMC queue (8 slots of 64 bytes).
    static func mpmc() throws -> MPMCQueue {
        try MPMCQueue(create: TestSupport.uniqueName("set-mpmc"), slotCount: 8, slotSize: 64, lifetime: .removedWhenCreatorCloses)
    }

    @Test("bytes in, bytes out: arrays, non-contiguous collections, buffers")
    func bytes() throws {
        let spsc = try Self.spsc()
        var spscProducer = try spsc.makeProducer(), spscConsumer = try spsc.makeConsumer()
        try Self.bytes(&spscProducer, &spscConsumer)
        let mpmc = try Self.mpmc()
        var mpmcProducer = try mpmc.makeProducer(), mpmcConsumer = try mpmc.makeConsumer()
        try Self.bytes(&mpmcProducer, &mpmcConsumer)
    }

    static func bytes<Producer: QueueProducer & ~Copyable, Consumer: QueueConsumer & ~Copyable>(
        _ p: inout Producer, _ c: inout Consumer
    ) throws {
        do {
            try p.send(contentsOf: [1, 2, 3] as [UInt8])
            #expect(try p.trySend(contentsOf: (4...6).lazy.map { UInt8($0) }))
            try p.send(contentsOf: [] as [UInt8], timeout: .seconds(1))
            try [UInt8(7), 8].withUnsafeBytes { bytes in try p.send(bytes) }
            var words: [UInt16] = [0x0A09]
            try words.withUnsafeMutableBufferPointer { buffer in try p.send(buffer, until: .after(.seconds(1))) }
        }
        do {
            #expect(try c.receive() == [1, 2, 3])
            #expect(try c.tryReceive() == [4, 5, 6])
            #expect(try c.receive(timeout: .seconds(1)) == [])
            #expect(try c.receive(until: .after(.seconds(1))) == [7, 8])
            #expect(try c.receive() == [9, 10])
            #expect(try c.tryReceive() == nil)
        }
    }

    @Test("strings: UTF-8 in, text out; invalid UTF-8 is repaired, not refused")
    func strings() throws {
        let spsc = try Self.spsc()
        var spscProducer = try spsc.makeProducer(), spscConsumer = try spsc.makeConsumer()
        try Self.strings(&spscProducer, &spscConsumer)
        let mpmc = try Self.mpmc()
        var mpmcProducer = try mpmc.makeProducer(), mpmcConsumer = try mpmc.makeConsumer()
        try Self.strings(&mpmcProducer, &mpmcConsumer)
    }

    static func strings<Producer: QueueProducer & ~Copyable, Consumer: QueueConsumer & ~Copyable>(
        _ p: inout Producer, _ c: inout Consumer
    ) throws {
        do {
            try p.send("héllo")
            #expect(try p.trySend(""))
            try p.send(contentsOf: [0x61, 0xFF, 0x62] as [UInt8], timeout: .seconds(1))
        }
        do {
            #expect(try c.receive(as: String.self) == "héllo")
            #expect(try c.tryReceive(as: String.self) == "")
            #expect(try c.receive(as: String.self, timeout: .seconds(1)) == "a\u{FFFD}b")
            #expect(try c.tryReceive(as: String.self) == nil)
        }
    }

    @Test("zero-copy: a RawSpan lent to a closure, an OutputRawSpan written in place (fewer bytes than claimed)")
    func spans() throws {
        let spsc = try Self.spsc()
        var spscProducer = try spsc.makeProducer(), spscConsumer = try spsc.makeConsumer()
        try Self.spans(&spscProducer, &spscConsumer)
        let mpmc = try Self.mpmc()
        var mpmcProducer = try mpmc.makeProducer(), mpmcConsumer = try mpmc.makeConsumer()
        try Self.spans(&mpmcProducer, &mpmcConsumer)
    }

    static func spans<Producer: QueueProducer & ~Copyable, Consumer: QueueConsumer & ~Copyable>(
        _ p: inout Producer, _ c: inout Consumer
    ) throws {
        do {
            try p.send(upTo: 64) { out in
                out.append(UInt32(0xABCD), as: UInt32.self)
                out.append(UInt8(9), as: UInt8.self)
            }
            #expect(try p.trySend(upTo: 8) { _ in })
        }
        do {
            let (count, word) = try c.receive { record in
                (record.byteCount, record.unsafeLoadUnaligned(as: UInt32.self))
            }
            #expect(count == 5 && word == 0xABCD)
            #expect(try c.tryReceive { $0.byteCount } == 0)
            #expect(try c.tryReceive { $0.byteCount } == nil)
        }
        do {
            // A closure that throws still releases its record.
            try p.send(UInt8(1))
            let failure = InterprocessError(.invalidArgument, operation: "read", reason: "refused")
            #expect(throws: InterprocessError.self) {
                _ = try c.tryReceive { (_: RawSpan) throws(InterprocessError) in throw failure }
            }
            #expect(try c.tryReceive() == nil)
        }
    }

    @Test("values, and the deadline forms: full and empty throw timedOut, never a Bool or nil")
    func valuesAndDeadlines() throws {
        let spsc = try Self.spsc()
        var spscProducer = try spsc.makeProducer(), spscConsumer = try spsc.makeConsumer()
        try Self.valuesAndDeadlines(&spscProducer, &spscConsumer)
        let mpmc = try Self.mpmc()
        var mpmcProducer = try mpmc.makeProducer(), mpmcConsumer = try mpmc.makeConsumer()
        try Self.valuesAndDeadlines(&mpmcProducer, &mpmcConsumer)
    }

    static func valuesAndDeadlines<Producer: QueueProducer & ~Copyable, Consumer: QueueConsumer & ~Copyable>(
        _ p: inout Producer, _ c: inout Consumer
    ) throws {
        do {
            let error = #expect(throws: InterprocessError.self) { _ = try c.receive(as: UInt64.self, timeout: .milliseconds(20)) }
            #expect(error?.code == .timedOut)
            #expect(error?.description.contains("Could not receive") == true)
            #expect(throws: InterprocessError.self) { _ = try c.receive(until: .after(.milliseconds(5))) { $0.byteCount } }
        }
        do {
            // Fill it: 64-byte records, then 1-byte ones for what is left.
            let record = [UInt8](repeating: 1, count: 64)
            while try p.trySend(contentsOf: record) {}
            while try p.trySend(UInt8(0)) {}
            let error = #expect(throws: InterprocessError.self) { try p.send(UInt64(1), timeout: .milliseconds(20)) }
            #expect(error?.code == .timedOut)
            #expect(throws: InterprocessError.self) { try p.send("x", until: .after(.milliseconds(5))) }
            #expect(throws: InterprocessError.self) { try p.send(upTo: 4, timeout: .milliseconds(5)) { _ in } }
        }
        do {
            while try c.tryReceive() != nil {}
        }
        do {
            try p.send(Int32(-7))
            try p.send(3.5, timeout: .seconds(1))
        }
        do {
            // The wrong size stays in the queue.
            #expect(throws: InterprocessError.self) { _ = try c.tryReceive(as: UInt64.self) }
            #expect(try c.receive(as: Int32.self) == -7)
            #expect(try c.receive(as: Double.self, until: .after(.seconds(1))) == 3.5)
        }
    }
}

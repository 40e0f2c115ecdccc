import Foundation
import Interprocess
import Testing

/// A collection whose `count` disagrees with what iterating it yields, as a buggy or hostile
/// collection may: a send must copy what it yields (at most `count` bytes), never trap or send
/// stale bytes.
struct LyingBytes: Collection {
    let claimed: Int
    let yielded: [UInt8]
    var startIndex: Int { 0 }
    var endIndex: Int { yielded.count }
    var count: Int { claimed }
    subscript(position: Int) -> UInt8 { yielded[position] }
    func index(after i: Int) -> Int { i + 1 }
}

/// Arguments the producers' public entry points must refuse or clamp rather than trap or hang on.
@Suite("Queue producer arguments", .timeLimit(.minutes(1)))
struct QueueProducerEdgeTests {
    static let badCounts = [-1, -16, -17, Int.max, Int.max - 8, Int.min]

    @Test("blocking waitForSpace refuses a count outside 0...maximumRecordSize with invalidArgument")
    func blockingWaitForSpaceValidatesCount() throws {
        let name = TestSupport.uniqueName("edge-spsc-wfs")
        let queue = try SPSCQueue(create: name, capacity: 256, maximumRecordSize: 64, lifetime: .removedWhenCreatorCloses)
        var producer = try queue.makeProducer()
        for count in Self.badCounts + [65] {
            let error = interprocessError { try producer.waitForSpace(count, until: .never) }
            #expect(error?.code == .invalidArgument, "count \(count): \(String(describing: error))")
        }
        try producer.waitForSpace(64, until: .after(.seconds(5)))
        try producer.waitForSpace(0)
    }

    @Test("async waitForSpace refuses a count outside 0...maximumRecordSize with invalidArgument")
    func asyncWaitForSpaceValidatesCount() async throws {
        let name = TestSupport.uniqueName("edge-spsc-awfs")
        let queue = try SPSCQueue(create: name, capacity: 256, maximumRecordSize: 64, lifetime: .removedWhenCreatorCloses)
        var producer = try queue.makeProducer()
        for count in Self.badCounts + [65] {
            let code = await thrownCode { () async throws(InterprocessError) in try await producer.waitForSpace(count) }
            #expect(code == .invalidArgument, "count \(count)")
        }
        try await producer.waitForSpace(64, until: .after(.seconds(5)))
    }

    @Test("async send(contentsOf:) of a collection yielding fewer or more bytes than its count sends what it yielded, up to count")
    func asyncSendOfLyingCollection() async throws {
        let spsc = TestSupport.uniqueName("edge-spsc-lie"), mpmc = TestSupport.uniqueName("edge-mpmc-lie")
        let spscQueue = try SPSCQueue(create: spsc, capacity: 512, maximumRecordSize: 64, lifetime: .removedWhenCreatorCloses)
        let mpmcQueue = try MPMCQueue(create: mpmc, slotCount: 8, slotSize: 64, lifetime: .removedWhenCreatorCloses)
        var spscProducer = try spscQueue.makeProducer(), spscConsumer = try spscQueue.makeConsumer()
        var mpmcProducer = try mpmcQueue.makeProducer(), mpmcConsumer = try mpmcQueue.makeConsumer()
        let fewer = LyingBytes(claimed: 10, yielded: [1, 2, 3])
        let more = LyingBytes(claimed: 3, yielded: Array(1...10))
        try await spscProducer.send(contentsOf: fewer)
        try await spscProducer.send(contentsOf: more, timeout: .seconds(5))
        try await mpmcProducer.send(contentsOf: fewer)
        try await mpmcProducer.send(contentsOf: more, timeout: .seconds(5))
        #expect(try await spscConsumer.receive() == [1, 2, 3])
        #expect(try await spscConsumer.receive() == [1, 2, 3])
        #expect(try await mpmcConsumer.receive() == [1, 2, 3])
        #expect(try await mpmcConsumer.receive() == [1, 2, 3])
    }

    @Test("_sendRecord clamps the count its write returns to 0...byteCount")
    func sendRecordClampsTheWrittenCount() throws {
        let spsc = TestSupport.uniqueName("edge-spsc-clamp"), mpmc = TestSupport.uniqueName("edge-mpmc-clamp")
        let spscQueue = try SPSCQueue(create: spsc, capacity: 512, maximumRecordSize: 64, lifetime: .removedWhenCreatorCloses)
        let mpmcQueue = try MPMCQueue(create: mpmc, slotCount: 8, slotSize: 64, lifetime: .removedWhenCreatorCloses)
        var spscProducer = try spscQueue.makeProducer(), spscConsumer = try spscQueue.makeConsumer()
        var mpmcProducer = try mpmcQueue.makeProducer(), mpmcConsumer = try mpmcQueue.makeConsumer()
        for claimed in [1000, -5] {
            let fill = { (space: UnsafeMutableRawBufferPointer) throws(InterprocessError) -> Int in
                space.initializeMemory(as: UInt8.self, repeating: 7)
                return claimed
            }
            #expect(try spscProducer._sendRecord(byteCount: 4, until: nil, fill))
            #expect(try mpmcProducer._sendRecord(byteCount: 4, until: nil, fill))
            let expected: [UInt8] = claimed > 0 ? [7, 7, 7, 7] : []
            #expect(try spscConsumer.tryReceive() == expected, "claimed \(claimed)")
            #expect(try mpmcConsumer.tryReceive() == expected, "claimed \(claimed)")
        }
    }
}

/// The async `send(upTo:_:)` on both producers, in-process and across a peer that receives.
@Suite("Queue async send(upTo:)", .timeLimit(.minutes(1)))
struct QueueAsyncSendUpToTests {
    @Test("async send(upTo:) sends what the closure appended, in all three forms, on both queues; a throwing closure sends nothing")
    func sendUpTo() async throws {
        let spsc = TestSupport.uniqueName("upto-spsc"), mpmc = TestSupport.uniqueName("upto-mpmc")
        let spscQueue = try SPSCQueue(create: spsc, capacity: 512, maximumRecordSize: 64, lifetime: .removedWhenCreatorCloses)
        let mpmcQueue = try MPMCQueue(create: mpmc, slotCount: 8, slotSize: 64, lifetime: .removedWhenCreatorCloses)
        var spscProducer = try spscQueue.makeProducer(), spscConsumer = try spscQueue.makeConsumer()
        var mpmcProducer = try mpmcQueue.makeProducer(), mpmcConsumer = try mpmcQueue.makeConsumer()
        let append = { (out: inout OutputRawSpan) throws(InterprocessError) in out.append(UInt32(7), as: UInt32.self) }
        let fail = { (_: inout OutputRawSpan) throws(InterprocessError) in
            throw InterprocessError(.invalidArgument, operation: "test", name: nil, reason: "refused")
        }
        try await spscProducer.send(upTo: 16, append)
        try await spscProducer.send(upTo: 16, until: .after(.seconds(5)), append)
        try await mpmcProducer.send(upTo: 16, timeout: .seconds(5), append)
        try await mpmcProducer.send(upTo: 16, append)
        #expect(await thrownCode { () async throws(InterprocessError) in try await spscProducer.send(upTo: 16, fail) } == .invalidArgument)
        #expect(await thrownCode { () async throws(InterprocessError) in try await mpmcProducer.send(upTo: 16, fail) } == .invalidArgument)
        #expect(await thrownCode { () async throws(InterprocessError) in try await spscProducer.send(upTo: 65, append) } == .invalidArgument)
        #expect(await thrownCode { () async throws(InterprocessError) in try await mpmcProducer.send(upTo: 65, append) } == .invalidArgument)
        for _ in 0..<2 {
            #expect(try await spscConsumer.receive(as: UInt32.self) == 7)
            #expect(try await mpmcConsumer.receive(as: UInt32.self) == 7)
        }
        #expect(try spscConsumer.tryReceive() == nil)
        #expect(try mpmcConsumer.tryReceive() == nil)
    }

    @Test("async send(upTo:) on a full queue suspends until the queue has room, then throws timedOut at its deadline")
    func sendUpToWaitsAndTimesOut() async throws {
        let name = TestSupport.uniqueName("upto-full")
        let queue = try SPSCQueue(create: name, capacity: 64, maximumRecordSize: 24, lifetime: .removedWhenCreatorCloses)
        var producer = try queue.makeProducer()
        while try producer.trySend(UInt64(1)) {}
        let code = await thrownCode { () async throws(InterprocessError) in
            try await producer.send(upTo: 8, timeout: .milliseconds(30)) { out throws(InterprocessError) in out.append(UInt64(2), as: UInt64.self) }
        }
        #expect(code == .timedOut)
        let drain = Task {
            var consumer = try SPSCQueue(open: name).makeConsumer()
            try await Task.sleep(for: .milliseconds(50))
            return try consumer.tryReceive(as: UInt64.self)
        }
        try await producer.send(upTo: 8, timeout: .seconds(20)) { out throws(InterprocessError) in out.append(UInt64(2), as: UInt64.self) }
        #expect(try await drain.value == 1)
    }
}

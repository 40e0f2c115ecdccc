import Foundation
@testable import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `LegacyQueue` against libsharedmemory's 2.x queue as a separate C program drives it
/// (`Sources/LegacySharedMemoryPeer`), in other processes.
@Suite("libsharedmemory queues", .timeLimit(.minutes(2)))
struct LegacyQueueTests {
    static func peer(_ arguments: String...) throws -> String {
        LegacyStreamTests.line(try TestSupport.run(TestSupport.executable("LegacySharedMemoryPeer"), arguments))
    }

    @Test("messages both ways in order, the C side's full queue, and ours: count and capacity agree")
    func messagesBothWays() throws {
        let name = TestSupport.uniqueName("lsmq")
        defer { try? LegacyQueue.remove(name) }
        #expect(try Self.peer("qcreate", name, "4", "32") == "created")
        let queue = try LegacyQueue(open: name)
        #expect(queue.capacity == 4 && queue.maximumMessageSize == 32 && queue.count == 0)
        #expect(try Self.peer("qsend", name, "one", "two", "three") == "sent 3")
        #expect(queue.count == 3)
        #expect(try queue.receive(timeout: .seconds(1)) == Array("one".utf8))
        #expect(try queue.trySend(contentsOf: Array("four".utf8)))
        #expect(try queue.trySend(contentsOf: Array("five".utf8)))
        #expect(try !queue.trySend(contentsOf: Array("six".utf8)), "full at 4")
        #expect(try Self.peer("qsend", name, "seven") == "sent 0", "the C side sees it full too")
        #expect(try Self.peer("qrecv", name) == "two\nthree\nfour\nfive\nend")
        #expect(queue.count == 0)
        #expect(try queue.tryReceive() == nil)
        let late = #expect(throws: InterprocessError.self) { try queue.receive(timeout: .milliseconds(20)) }
        #expect(late?.code == .timedOut)
        // Wrapping round the slots, zero-copy on our side.
        for round in 0..<10 {
            #expect(try Self.peer("qsend", name, "r\(round)") == "sent 1")
            var lent = ""
            #expect(try queue.tryReceive { lent = String(decoding: $0, as: UTF8.self) })
            #expect(lent == "r\(round)")
        }
    }

    @Test("a lock word left set by a killed C producer is a timedOut for senders only; breakLocks() takes over")
    func producerLockLeftSet() throws {
        let name = TestSupport.uniqueName("lsmq-lock")
        defer { try? LegacyQueue.remove(name) }
        let queue = try LegacyQueue(create: name, capacity: 2, maximumMessageSize: 8, lockTimeout: .milliseconds(100))
        try queue.send(contentsOf: Array("a".utf8), timeout: .seconds(1))
        try LegacyStreamTests.killWhileHolding("qhold", name, "producer")
        let blocked = #expect(throws: InterprocessError.self) { try queue.send(contentsOf: Array("b".utf8), timeout: .seconds(5)) }
        #expect(blocked?.code == .timedOut && blocked?.description.contains("producerLock") == true, "\(String(describing: blocked))")
        #expect(try queue.receive(timeout: .seconds(1)) == Array("a".utf8), "consumers are not held up")
        queue.breakLocks()
        try queue.send(contentsOf: Array("c".utf8), timeout: .seconds(1))
        #expect(try Self.peer("qrecv", name) == "c\nend")
    }

    @Test("hostile header words: a capacity that does not fit, an index or a length past its bound → corrupt; too long a message → invalidArgument")
    func hostileHeader() throws {
        let name = TestSupport.uniqueName("lsmq-hostile")
        defer { try? LegacyQueue.remove(name) }
        let queue = try LegacyQueue(create: name, capacity: 2, maximumMessageSize: 8)
        let tooLong = #expect(throws: InterprocessError.self) { try queue.trySend(contentsOf: [UInt8](repeating: 1, count: 9)) }
        #expect(tooLong?.code == .invalidArgument)
        let base = queue.storage.base
        try queue.send(contentsOf: [1, 2, 3], timeout: .seconds(1))
        base.storeBytes(of: UInt32(100).littleEndian, toByteOffset: 28, as: UInt32.self)     // slot 0's length
        let length = #expect(throws: InterprocessError.self) { try queue.tryReceive() }
        #expect(length?.code == .corrupt)
        base.storeBytes(of: UInt32(3).littleEndian, toByteOffset: 28, as: UInt32.self)
        base.storeBytes(of: UInt32(7).littleEndian, toByteOffset: 4, as: UInt32.self)        // readIndex
        #expect(throws: InterprocessError.self) { try queue.tryReceive() }
        base.storeBytes(of: UInt32(0).littleEndian, toByteOffset: 4, as: UInt32.self)
        #expect(try queue.tryReceive() == [1, 2, 3])
        base.storeBytes(of: UInt32(1000).littleEndian, toByteOffset: 8, as: UInt32.self)     // capacity
        let capacity = #expect(throws: InterprocessError.self) { try LegacyQueue(open: name) }
        #expect(capacity?.code == .corrupt)
    }
}

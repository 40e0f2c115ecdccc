import Foundation
@testable import Interprocess
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension MemoryTests.TruncationGuardTests {
    /// Runs `body` (a wait without a deadline) on a thread of its own and returns the code of
    /// the error it ended with; nil if it returned normally, or if it still waits after 10 s.
    static func waitEnds(_ body: @escaping @Sendable () throws(InterprocessError) -> Void) -> InterprocessError.Code?? {
        startWait(body)(.after(.seconds(10)))
    }

    @Test("waits without a deadline on a queue whose file was shrunk to 0 end in .truncated instead of waiting for ever: SPSC both sides, MPMC both sides, message queue, broadcast; a subscriber too (its wait judges the service within about 2 s)")
    func waitsWithoutDeadlineEnd() throws {
        // Each wait starts on a queue this thread shrinks itself, so nothing can ever arrive:
        // the words it waits on read as zeros that never change.
        let names = (0..<7).map { TestSupport.uniqueName("shrinkw\($0)") }
        defer {
            try? SPSCQueue.remove(names[0]); try? SPSCQueue.remove(names[1])
            try? MPMCQueue.remove(names[2]); try? MPMCQueue.remove(names[3])
            try? MessageQueue.remove(names[4]); try? BroadcastStream.remove(names[5]); try? Service.remove(names[6])
        }
        let spscConsumer = Self.waitEnds { () throws(InterprocessError) in
            let queue = try SPSCQueue(create: names[0], capacity: 1 << 16, maximumRecordSize: 64)
            var consumer = try queue.makeConsumer()
            try? Self.shrink(MemoryFixtures.shmPath(names[0]), to: 0)
            _ = try consumer.receive()
        }
        #expect(spscConsumer == .some(.truncated), "SPSC receive: \(String(describing: spscConsumer))")
        let spscProducer = Self.waitEnds { () throws(InterprocessError) in
            let queue = try SPSCQueue(create: names[1], capacity: 4096, maximumRecordSize: 64)
            var producer = try queue.makeProducer()
            // Full first, so that the next send waits for room.
            while try producer.trySend(contentsOf: [UInt8](repeating: 1, count: 64)) {}
            try? Self.shrink(MemoryFixtures.shmPath(names[1]), to: 0)
            try producer.send(contentsOf: [UInt8](repeating: 2, count: 64))
        }
        #expect(spscProducer == .some(.truncated), "SPSC send: \(String(describing: spscProducer))")
        let mpmcConsumer = Self.waitEnds { () throws(InterprocessError) in
            let queue = try MPMCQueue(create: names[2], slotCount: 64, slotSize: 64)
            var consumer = try queue.makeConsumer()
            try? Self.shrink(MemoryFixtures.shmPath(names[2]), to: 0)
            _ = try consumer.receive()
        }
        #expect(mpmcConsumer == .some(.truncated), "MPMC receive: \(String(describing: mpmcConsumer))")
        let mpmcProducer = Self.waitEnds { () throws(InterprocessError) in
            let queue = try MPMCQueue(create: names[3], slotCount: 4, slotSize: 64)
            var producer = try queue.makeProducer()
            while try producer.trySend(contentsOf: [UInt8](repeating: 1, count: 8)) {}
            try? Self.shrink(MemoryFixtures.shmPath(names[3]), to: 0)
            // The zeroed slots look free: the sends that fill them go to pages of this process
            // only (what the queue held is gone with the file, as a peer's copy would be); the
            // one after them waits for room, and learns what happened.
            while true { try producer.send(contentsOf: [UInt8](repeating: 2, count: 8)) }
        }
        #expect(mpmcProducer == .some(.truncated), "MPMC send: \(String(describing: mpmcProducer))")
        let messages = Self.waitEnds { () throws(InterprocessError) in
            let queue = try MessageQueue(create: names[4], capacity: 8, maximumSize: 64)
            try? Self.shrink(MemoryFixtures.shmPath(names[4]), to: 0)
            _ = try queue.receive()
        }
        #expect(messages == .some(.truncated), "message queue receive: \(String(describing: messages))")
        let broadcast = Self.waitEnds { () throws(InterprocessError) in
            let stream = try BroadcastStream(create: names[5], capacity: 1 << 16, maximumRecordSize: 64)
            var reader = try stream.makeReader(startingAt: .next)
            try? Self.shrink(MemoryFixtures.shmPath(names[5]), to: 0)
            _ = try reader.receive()
        }
        #expect(broadcast == .some(.truncated), "broadcast receive: \(String(describing: broadcast))")
        let subscriber = Self.waitEnds { () throws(InterprocessError) in
            let service = try Service(create: names[6], configuration: ServiceConfiguration(payload: .bytes(maximumSize: 64)))
            var subscriber = try Subscriber(service: service)
            try? Self.shrink(MemoryFixtures.shmPath(service.storage.name), to: 0)
            _ = try subscriber.receive()
        }
        #expect(subscriber == .some(.truncated), "subscriber receive: \(String(describing: subscriber))")
    }
}

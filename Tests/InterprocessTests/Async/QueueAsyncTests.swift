import Foundation
@testable import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The queues' async sends and receives and their `records()` sequences, against real peer
/// processes; deadlines and cancellation.
@Suite("Queue async", .timeLimit(.minutes(5)))
struct QueueAsyncTests {
    /// Checks a self-checking record of the test peer (run, sequence, filler, FNV-1a checksum)
    /// and returns its run and sequence number.
    static func check(_ record: [UInt8]) -> (run: UInt32, sequence: UInt64)? {
        guard record.count >= 20 else { return nil }
        let sum = record.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: record.count - 8, as: UInt64.self) }
        guard sum == FNV1a.hash(record.dropLast(8)) else { return nil }
        return record.withUnsafeBytes {
            ($0.loadUnaligned(fromByteOffset: 0, as: UInt32.self), $0.loadUnaligned(fromByteOffset: 4, as: UInt64.self))
        }
    }

    @Test("SPSC: records() receives 2,000 records a peer process sends, whole and in order")
    func spscRecordsFromPeer() async throws {
        let name = TestSupport.uniqueName("async-spsc-records")
        _ = try SPSCQueue(create: name, capacity: 4096, maximumRecordSize: 200)
        defer { try? SPSCQueue.remove(name) }
        let consumer = try SPSCQueue(open: name).makeConsumer()
        let producer = try TestSupport.BackgroundPeer(["spsc-produce", name, "7", "2000", "200"])
        var next: UInt64 = 0
        for try await record in consumer.records() {
            let checked = Self.check(record)
            #expect(checked?.run == 7 && checked?.sequence == next, "record \(next)")
            next += 1
            if next == 2000 { break }
        }
        #expect(next == 2000)
        #expect(try producer.wait().standardOutput.contains("sent 2000"))
    }

    @Test("SPSC: async sends wait for room while a peer process receives")
    func spscSendToPeer() async throws {
        let name = TestSupport.uniqueName("async-spsc-send")
        // Room for four 8-byte records: the sends wait for the peer most of the time.
        _ = try SPSCQueue(create: name, capacity: 64, maximumRecordSize: 24)
        defer { try? SPSCQueue.remove(name) }
        var producer = try SPSCQueue(open: name).makeProducer()
        let consumer = try TestSupport.BackgroundPeer(["spsc-receive", name, "200", "wait", "60000"])
        for value in UInt64(0)..<200 {
            if value.isMultiple(of: 2) {
                try await producer.send(value, timeout: .seconds(60))
            } else {
                try await producer.send(contentsOf: withUnsafeBytes(of: value, Array.init))
            }
        }
        let lines = try consumer.wait().standardOutput.split(separator: "\n")
        #expect(lines.count == 200)
        #expect(lines.last == "record 8 c700000000000000", "the last value, 199")
    }

    @Test("MPMC: records() receives what a peer process sends, up to its end of stream")
    func mpmcRecordsFromPeer() async throws {
        let name = TestSupport.uniqueName("async-mpmc-records")
        _ = try MPMCQueue(create: name, slotCount: 16, slotSize: 64)
        defer { try? MPMCQueue.remove(name) }
        let consumer = try MPMCQueue(open: name).makeConsumer()
        let producer = try TestSupport.BackgroundPeer(["mpmc-produce", name, "3", "1000", "1"])
        var next: UInt64 = 0
        for try await record in consumer.records() {
            guard let (run, sequence) = Self.check(record) else {
                Issue.record("a torn record of \(record.count) bytes")
                break
            }
            #expect(run == 3)
            if sequence == .max { break }
            #expect(sequence == next)
            next += 1
        }
        #expect(next == 1000)
        #expect(try producer.wait().standardOutput.contains("sent 1000"))
    }

    @Test("MPMC: async sends wait for room while a peer process receives")
    func mpmcSendToPeer() async throws {
        let name = TestSupport.uniqueName("async-mpmc-send")
        _ = try MPMCQueue(create: name, slotCount: 2, slotSize: 16)
        defer { try? MPMCQueue.remove(name) }
        var producer = try MPMCQueue(open: name).makeProducer()
        let consumer = try TestSupport.BackgroundPeer(["mpmc-receive", name, "100", "into", "wait", "60000", "16"])
        for value in UInt64(0)..<100 {
            try await producer.send(value)
        }
        let lines = try consumer.wait().standardOutput.split(separator: "\n")
        #expect(lines.count == 100)
        #expect(lines.last == "record 8 6300000000000000", "the last value, 99")
    }

    @Test("an async receive resumed by a peer's send; the value and bytes forms")
    func receiveResumedByPeer() async throws {
        let name = TestSupport.uniqueName("async-mpmc-peer")
        _ = try MPMCQueue(create: name, slotCount: 4, slotSize: 16)
        defer { try? MPMCQueue.remove(name) }
        var consumer = try MPMCQueue(open: name).makeConsumer()
        let sender = try TestSupport.BackgroundPeer(["mpmc-send", name, "2", "16", "wait", "60000"])
        let first = try await consumer.receive(timeout: .seconds(60))
        #expect(first == [UInt8](repeating: 0x5A, count: 16))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16, alignment: 8)
        defer { buffer.deallocate() }
        #expect(try await consumer.receive(into: buffer, timeout: .seconds(60)) == 16)
        #expect(try sender.wait().standardOutput.contains("sent 2"))
    }

    @Test("queue waits throw timedOut at their deadline and cancelled when cancelled; the queue works on")
    func deadlinesAndCancellation() async throws {
        let spsc = TestSupport.uniqueName("async-spsc-dl"), mpmc = TestSupport.uniqueName("async-mpmc-dl")
        _ = try SPSCQueue(create: spsc, capacity: 64, maximumRecordSize: 24)
        defer { try? SPSCQueue.remove(spsc) }
        _ = try MPMCQueue(create: mpmc, slotCount: 2, slotSize: 8)
        defer { try? MPMCQueue.remove(mpmc) }

        #expect(await thrownCode { () async throws(InterprocessError) in
            var consumer = try SPSCQueue(open: spsc).makeConsumer()
            _ = try await consumer.receive(as: UInt64.self, timeout: .milliseconds(50))
        } == .timedOut)
        #expect(await thrownCode { () async throws(InterprocessError) in
            var consumer = try MPMCQueue(open: mpmc).makeConsumer()
            _ = try await consumer.receive(until: .after(.milliseconds(50)))
        } == .timedOut)
        #expect(await thrownCode { () async throws(InterprocessError) in
            var producer = try MPMCQueue(open: mpmc).makeProducer()
            try await producer.send(UInt64(1))
            try await producer.send(UInt64(2))
            try await producer.send(UInt64(3), timeout: .milliseconds(50))
        } == .timedOut)

        let spscWaiter = Task {
            var consumer = try SPSCQueue(open: spsc).makeConsumer()
            _ = try await consumer.receive()
        }
        let mpmcWaiter = Task {
            var producer = try MPMCQueue(open: mpmc).makeProducer()
            try await producer.send(UInt64(4))
        }
        try await Task.sleep(for: .milliseconds(100))
        spscWaiter.cancel()
        mpmcWaiter.cancel()
        #expect(thrownCode(await spscWaiter.result) == .cancelled)
        #expect(thrownCode(await mpmcWaiter.result) == .cancelled)

        // Nothing was sent or taken by the cancelled waits, and new endpoints carry on.
        var producer = try SPSCQueue(open: spsc).makeProducer()
        try await producer.send(UInt64(42))
        var consumer = try SPSCQueue(open: spsc).makeConsumer()
        #expect(try await consumer.receive(as: UInt64.self) == 42)
        var mpmcConsumer = try MPMCQueue(open: mpmc).makeConsumer()
        #expect(try await mpmcConsumer.receive(as: UInt64.self) == 1)
        #expect(try await mpmcConsumer.receive(as: UInt64.self) == 2)
        #expect(try mpmcConsumer.tryReceive(as: UInt64.self) == nil)
    }

    @Test("zero-copy async forms: SPSC waitForRecord then tryPeek, waitForSpace then tryReserve")
    func zeroCopyForms() async throws {
        let spsc = TestSupport.uniqueName("async-spsc-zc")
        let queue = try SPSCQueue(create: spsc, capacity: 64, maximumRecordSize: 24, lifetime: .removedWhenCreatorCloses)

        var spscProducer = try queue.makeProducer()
        var spscConsumer = try queue.makeConsumer()
        while try spscProducer.trySend(UInt64(5)) {}
        #expect(await thrownCode { () async throws(InterprocessError) in
            try await spscProducer.waitForSpace(8, until: .after(.milliseconds(30)))
        } == .timedOut)
        try await spscConsumer.waitForRecord()
        #expect(try spscConsumer.tryPeek()?.count == 8)
        spscConsumer.release()
        try await spscProducer.waitForSpace(8, until: .after(.seconds(10)))
        #expect(try spscProducer.tryReserve(8) != nil)
    }

    @Test("a producer killed between its publish and its wake-up: the async receive proceeds within the recheck interval")
    func producerKilledBeforeWaking() async throws {
        let name = TestSupport.uniqueName("async-spsc-kill")
        _ = try SPSCQueue(create: name, capacity: 256, maximumRecordSize: 64)
        defer { try? SPSCQueue.remove(name) }
        // No deadline: only the waiter thread's re-check can find the record; a thread that
        // slept without a bound would leave the receive hanging, and the 5 s bound fail.
        let receiver = Task {
            try await completing(within: .seconds(5)) {
                var consumer = try SPSCQueue(open: name).makeConsumer()
                return try await consumer.receive(as: UInt64.self)
            }
        }
        do {
            // The consumer's sleeping flag, read through a producer attached only for that.
            let probe = try SPSCQueue(open: name).makeProducer()
            #expect(await eventuallyAsync { probe.consumerSleeping.pointee.load(ordering: .relaxed) == 1 }, "the receive sleeps")
        }
        #expect(await waiterThreadSleptTwice(), "the registration is in the thread's sleep")
        await #expect(processExitsWith: .signal(SIGKILL)) { [name = name as String] in
            var producer = try SPSCQueue(open: name).makeProducer()
            _ = try producer.trySend(UInt64(77), publish: false)
            // A publish's first half only: the tail, and no FUTEX_WAKE.
            producer.tail.pointee.store(producer.position, ordering: .sequentiallyConsistent)
            kill(getpid(), SIGKILL)
        }
        #expect(try await receiver.value == 77)
    }

    @Test("async sends of buffer pointers send the bytes they point to, never the pointer")
    func bufferPointersSendTheirBytes() async throws {
        let spsc = TestSupport.uniqueName("async-spsc-ptr"), mpmc = TestSupport.uniqueName("async-mpmc-ptr")
        _ = try SPSCQueue(create: spsc, capacity: 256, maximumRecordSize: 64)
        defer { try? SPSCQueue.remove(spsc) }
        _ = try MPMCQueue(create: mpmc, slotCount: 8, slotSize: 64)
        defer { try? MPMCQueue.remove(mpmc) }
        var spscProducer = try SPSCQueue(open: spsc).makeProducer()
        var spscConsumer = try SPSCQueue(open: spsc).makeConsumer()
        var mpmcProducer = try MPMCQueue(open: mpmc).makeProducer()
        var mpmcConsumer = try MPMCQueue(open: mpmc).makeConsumer()
        let text: [UInt8] = Array("three bytes? no, more".utf8)
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: text.count, alignment: 8)
        defer { raw.deallocate() }
        raw.copyBytes(from: text)
        let typed = raw.bindMemory(to: UInt8.self)
        try await spscProducer.send(UnsafeRawBufferPointer(raw))
        try await spscProducer.send(raw, timeout: .seconds(60))
        try await spscProducer.send(UnsafeBufferPointer(typed), until: .never)
        try await spscProducer.send(typed)
        try await mpmcProducer.send(UnsafeRawBufferPointer(raw))
        try await mpmcProducer.send(raw)
        try await mpmcProducer.send(UnsafeBufferPointer(typed), timeout: .seconds(60))
        try await mpmcProducer.send(typed)
        for form in 0..<4 {
            #expect(try await spscConsumer.receive() == text, "SPSC form \(form)")
            #expect(try await mpmcConsumer.receive() == text, "MPMC form \(form)")
        }
    }
}

import Foundation
import Interprocess
import Testing

/// The broadcast reader's async receives and `records()`, against writer processes; deadlines
/// and cancellation.
@Suite("Broadcast stream async", .timeLimit(.minutes(2)))
struct BroadcastAsyncTests {
    @Test("records() receives 5,000 records a writer process sends, whole and in order")
    func recordsFromWriterProcess() async throws {
        let name = TestSupport.uniqueName("bcast-async-records")
        // Room for every record: the async reader is never lapped.
        _ = try BroadcastStream(create: name, capacity: 1 << 20, maximumRecordSize: 200)
        defer { try? BroadcastStream.remove(name) }
        let reader = try BroadcastStream(open: name).makeReader(startingAt: .oldest)
        let writer = try TestSupport.BackgroundPeer(["broadcast-write", name, "7", "5000", "200"])
        var next: UInt64 = 0
        for try await record in reader.records() {
            let checked = QueueAsyncTests.check(record)
            #expect(checked?.run == 7 && checked?.sequence == next, "record \(next)")
            next += 1
            if next == 5000 { break }
        }
        #expect(next == 5000)
        #expect(try writer.wait().standardOutput.contains("sent 5000"))
    }

    @Test("every async receive form is woken by a writer process that sends later")
    func asyncFormsWoken() async throws {
        let name = TestSupport.uniqueName("bcast-async-wake")
        let stream = try BroadcastStream(create: name, capacity: 4096, maximumRecordSize: 64)
        defer { try? BroadcastStream.remove(name) }
        var reader = try stream.makeReader()
        for round in 0..<5 {
            // Each peer takes the writer's place and sends the 8-byte stop record (UInt64.max).
            let writer = try TestSupport.BackgroundPeer(["broadcast-stop", name])
            switch round {
            case 0: #expect(try await reader.receive(as: UInt64.self) == .max)
            case 1: #expect(try await reader.receive(timeout: .seconds(20)).count == 8)
            case 2: #expect(try await reader.receive(until: .after(.seconds(20))) { $0.byteCount } == 8)
            case 3:
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16, alignment: 8)
                defer { buffer.deallocate() }
                #expect(try await reader.receive(into: buffer, timeout: .seconds(20)) == 8)
            default: // Eight 0xFF bytes: invalid UTF-8, repaired to eight U+FFFD.
                #expect(try await reader.receive(as: String.self).unicodeScalars.count == 8)
            }
            #expect(try writer.wait().status == 0)
        }
        #expect(reader.receivedCount == 5 && reader.missedCount == 0)
    }

    @Test("async receives throw timedOut at their deadline and cancelled when cancelled; the reader works on")
    func deadlinesAndCancellation() async throws {
        let name = TestSupport.uniqueName("bcast-async-dl")
        let stream = try BroadcastStream(create: name, capacity: 4096, maximumRecordSize: 64)
        defer { try? BroadcastStream.remove(name) }
        #expect(await thrownCode { () async throws(InterprocessError) in
            var reader = try stream.makeReader()
            _ = try await reader.receive(as: UInt64.self, timeout: .milliseconds(50))
        } == .timedOut)
        #expect(await thrownCode { () async throws(InterprocessError) in
            var reader = try stream.makeReader()
            try await reader.waitForRecord(until: .after(.milliseconds(50)))
        } == .timedOut)
        let waiter = Task {
            var reader = try stream.makeReader()
            _ = try await reader.receive()
        }
        try await Task.sleep(for: .milliseconds(100))
        waiter.cancel()
        #expect(thrownCode(await waiter.result) == .cancelled)
        var writer = try stream.makeWriter()
        var reader = try stream.makeReader()
        try writer.send("on")
        #expect(try await reader.receive(as: String.self, timeout: .seconds(5)) == "on")
    }
}

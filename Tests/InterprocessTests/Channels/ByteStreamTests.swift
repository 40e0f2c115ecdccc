import Foundation
import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// ByteStream in one process: contiguous spans across the ring's end, the name vocabulary,
/// waits and their deadlines, and hostile indices.
@Suite("ByteStream", .timeLimit(.minutes(1)))
struct ByteStreamTests {
    // Body offsets (docs/FORMAT.md, "Byte stream").
    static let capacityWord = 8, written = 128, writerOwner = 136, read = 256

    /// The code `body` threw, or nil.
    static func thrownCode(_ body: () throws -> Void) -> InterprocessError.Code? {
        do {
            try body()
            return nil
        } catch {
            return (error as? InterprocessError)?.code
        }
    }

    /// Stores `value` at body offset `offset` of the named stream's segment.
    static func poke(_ name: String, _ offset: Int, _ value: UInt64) throws {
        let memory = try SharedMemory(open: name)
        memory.region.baseAddress.storeBytes(of: value.littleEndian, toByteOffset: 128 + offset, as: UInt64.self)
    }

    @Test("the writer gets all free space and the reader all data as one span, across the ring's end")
    func spansAcrossTheEnd() throws {
        let stream = try ByteStream(capacity: 4096)
        var writer = try stream.makeWriter()
        var reader = try stream.makeReader()
        let first = try writer.tryWrite(atLeast: 4000) { space in
            #expect(space.count == 4096)
            return 4000
        }
        #expect(first == 4000)
        #expect(try reader.tryRead { $0.count } == 4000)
        // 96 bytes are left before the end; the whole ring is free, in one span.
        let bytes = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let wrote = try writer.tryWrite(atLeast: 300) { space in
            #expect(space.count == 4096)
            space.copyBytes(from: bytes)
            return bytes.count
        }
        #expect(wrote == 300)
        let seen = try reader.tryRead { span in
            #expect(Array(span) == bytes)
            return span.count
        }
        #expect(seen == 300)
        #expect(try reader.tryRead { $0.count } == nil)
        #expect(writer.bytesWritten == 4300 && reader.bytesRead == 4300)
    }

    @Test("partial consumption leaves the rest; a full ring refuses tryWrite and times out a bounded write")
    func partialAndFull() throws {
        let stream = try ByteStream(capacity: 4096)
        var writer = try stream.makeWriter()
        var reader = try stream.makeReader()
        try writer.write(contentsOf: Array(repeating: 1, count: 4096) as [UInt8], timeout: .seconds(1))
        #expect(try writer.tryWrite { _ in 1 } == nil)
        #expect(Self.thrownCode { _ = try writer.write(atLeast: 10, until: .after(.milliseconds(30))) { $0.count } } == .timedOut)
        #expect(try reader.tryRead { _ in 10 } == 10)
        #expect(try reader.availableByteCount() == 4086)
        #expect(try writer.freeByteCount() == 10)
        #expect(try writer.tryWrite(atLeast: 10) { $0.count } == 10)
        #expect(Self.thrownCode { _ = try writer.tryWrite(atLeast: 0) { $0.count } } == .invalidArgument)
        #expect(Self.thrownCode { _ = try reader.tryRead(atLeast: 5000) { $0.count } } == .invalidArgument)
    }

    @Test("an empty stream times out a read at its deadline, blocking and async")
    func readDeadline() async throws {
        let stream = try ByteStream(capacity: 4096)
        var reader = try stream.makeReader()
        #expect(Self.thrownCode { _ = try reader.read(upTo: 10, timeout: .milliseconds(30)) } == .timedOut)
        do {
            _ = try await reader.read(upTo: 10, timeout: .milliseconds(30))
            Issue.record("the async read returned")
        } catch {
            #expect(error.code == .timedOut)
        }
    }

    @Test("an async read is woken by a write from another task")
    func asyncWake() async throws {
        let stream = try ByteStream(capacity: 4096)
        var reader = try stream.makeReader()
        let writing = Task.detached {
            try await Task.sleep(for: .milliseconds(50))
            var writer = try stream.makeWriter()
            try await writer.write(contentsOf: [1, 2, 3], timeout: .seconds(5))
        }
        let bytes = try await reader.read(upTo: 3, timeout: .seconds(5))
        #expect(bytes.first == 1)
        try await writing.value
    }

    @Test("create, open, openOrCreate, remove; one live writer and reader; wrong kind and bad capacities")
    func lifecycle() throws {
        let name = TestSupport.uniqueName("bstream")
        defer { try? ByteStream.remove(name) }
        let created = try ByteStream(create: name, capacity: 8192)
        #expect(created.wasCreated && created.capacity == 8192 && created.name == name)
        #expect(Self.thrownCode { _ = try ByteStream(create: name, capacity: 8192) } == .alreadyExists)
        let opened = try ByteStream(open: name)
        #expect(!opened.wasCreated && opened.capacity == 8192)
        #expect(try ByteStream(openOrCreate: name, capacity: 8192).capacity == 8192)
        #expect(Self.thrownCode { _ = try ByteStream(openOrCreate: name, capacity: 4096) } == .incompatibleConfiguration)
        let writer = try created.makeWriter()
        #expect(Self.thrownCode { _ = try opened.makeWriter() } == .alreadyExists)
        let state = opened.state
        #expect(state.writer?.identity.pid == getpid() && state.reader == nil && state.depth == 0 && state.problem == nil)
        _ = consume writer
        #expect(opened.state.writer == nil)
        _ = try opened.makeWriter()

        for capacity in [0, 100, 4097, 3 * 4096, 1 << 32] {
            #expect(Self.thrownCode { _ = try ByteStream(capacity: capacity) } == .invalidArgument, "\(capacity)")
        }
        let queue = TestSupport.uniqueName("bstream-q")
        defer { try? SPSCQueue.remove(queue) }
        _ = try SPSCQueue(create: queue, capacity: 1024, maximumRecordSize: 64)
        #expect(Self.thrownCode { _ = try ByteStream(open: queue) } == .wrongKind)
        #expect(Self.thrownCode { try ByteStream.remove(queue) } == .wrongKind)
        try ByteStream.remove(name)
        #expect(Self.thrownCode { _ = try ByteStream(open: name) } == .notFound)
        #expect(Self.thrownCode { _ = try ByteStream(open: name, timeout: .milliseconds(30)) } == .timedOut)
    }

    @Test("hostile indices: corrupt on read, write and attach, reported in the state; a lying capacity fails the open")
    func hostileIndices() throws {
        let name = TestSupport.uniqueName("bstream-bad")
        defer { try? ByteStream.remove(name) }
        let stream = try ByteStream(create: name, capacity: 4096)
        var writer = try stream.makeWriter()
        var reader = try stream.makeReader()
        _ = try writer.tryWrite { _ in 10 }
        // The writer index runs a capacity and more ahead of the reader.
        try Self.poke(name, Self.written, 10_000)
        #expect(Self.thrownCode { _ = try reader.tryRead(atLeast: 11) { $0.count } } == .corrupt)
        #expect(Self.thrownCode { _ = try reader.read(atLeast: 11, timeout: .seconds(2)) { $0.count } } == .corrupt)
        #expect(stream.state.depth == nil && stream.state.problem != nil)
        #expect(Self.thrownCode { _ = try ByteStream(open: name).makeWriter() } == .alreadyExists)
        // The reader index passes the writer's.
        try Self.poke(name, Self.written, 10)
        try Self.poke(name, Self.read, 50)
        #expect(Self.thrownCode { _ = try writer.tryWrite(atLeast: 4090) { $0.count } } == .corrupt)
        #expect(Self.thrownCode { _ = try writer.write(atLeast: 4090, timeout: .seconds(2)) { $0.count } } == .corrupt)
        _ = consume reader
        #expect(Self.thrownCode { _ = try stream.makeReader() } == .corrupt)
        try Self.poke(name, Self.read, 0)
        try Self.poke(name, Self.capacityWord, 1 << 20)
        #expect(Self.thrownCode { _ = try ByteStream(open: name) } == .corrupt)
        _ = writer
    }

    @Test("a finished writer ends the stream: reads drain, then return 0 / [] at once, blocking and async; a new writer reopens it")
    func endOfStream() async throws {
        let stream = try ByteStream(capacity: 4096)
        var reader = try stream.makeReader()
        var writer = try stream.makeWriter()
        try await writer.write(contentsOf: [1, 2, 3], timeout: .seconds(1))
        writer.finish()
        #expect(stream.state.finished && stream.state.writer == nil)
        let finished = reader.writerFinished
        #expect(finished)
        let started = ContinuousClock.now
        #expect(try await reader.read(upTo: 10, timeout: .seconds(10)) == [1, 2, 3])
        #expect(try await reader.read(upTo: 10, timeout: .seconds(10)) == [])
        #expect(try Self.blockingRead(&reader) == 0)
        #expect(ContinuousClock.now - started < .seconds(5))
        // A writer made later reopens the stream; one dropped without finishing does not end it.
        var next = try stream.makeWriter()
        #expect(!stream.state.finished)
        _ = try next.tryWrite { _ in 2 }
        _ = consume next
        #expect(try await reader.read(upTo: 10, timeout: .seconds(10)).count == 2)
        let code: InterprocessError.Code?
        do {
            _ = try await reader.read(upTo: 10, timeout: .milliseconds(30))
            code = nil
        } catch {
            code = error.code
        }
        #expect(code == .timedOut)
    }

    @Test("a blocked reader is woken by the writer finishing on another thread")
    func finishWakesReader() throws {
        let stream = try ByteStream(capacity: 4096)
        var reader = try stream.makeReader()
        // A thread, not a task: this test's thread blocks, and on a loaded cooperative pool a
        // task might not run before the deadline.
        Thread.detachNewThread {
            usleep(50_000)
            if let writer = try? stream.makeWriter() { writer.finish() }
        }
        let started = ContinuousClock.now
        #expect(try Self.blockingRead(&reader) == 0)
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    /// The blocking read, out of the async tests (where the async overload would be chosen).
    static func blockingRead(_ reader: inout ByteStreamReader) throws(InterprocessError) -> Int {
        try reader.read(upTo: 10, timeout: .seconds(10)).count
    }
}

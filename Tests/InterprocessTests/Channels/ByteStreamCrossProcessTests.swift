import Foundation
import Interprocess
import SystemPackage
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// ByteStream between processes: bulk data checked byte by byte, an anonymous stream passed
/// over a socket, wake-ups by a peer, and a peer's death reported to the side waiting for it.
@Suite("ByteStream across processes", .timeLimit(.minutes(2)))
struct ByteStreamCrossProcessTests {
    @Test("100 MB in random chunks through a 64 KiB ring: every byte checked, spans run across the ring's end")
    func bulk() throws {
        let name = TestSupport.uniqueName("bstream-bulk")
        defer { try? ByteStream.remove(name) }
        _ = try ByteStream(create: name, capacity: 65_536)
        let total = String(100 << 20)
        let reader = try TestSupport.BackgroundPeer(["stream-read", name, total, "11"])
        let writer = try TestSupport.BackgroundPeer(["stream-write", name, total, "12"])
        let written = try writer.wait(), read = try reader.wait()
        #expect(written.status == 0, "\(written)")
        #expect(read.status == 0, "\(read)")
        #expect(written.standardOutput.split(separator: "\n") == ["writer 0", "wrote \(total)"])
        let lines = read.standardOutput.split(separator: "\n")
        #expect(lines.first == "reader 0")
        let summary = lines.last.map { $0.split(separator: " ") } ?? []
        #expect(summary.count == 4 && summary[0] == "read" && summary[1] == Substring(total), "\(read)")
        #expect((summary.count == 4 ? Int(summary[3]) ?? 0 : 0) > 0, "no span ran across the ring's end: \(read)")
    }

    @Test("an anonymous stream sent over a socket; the blocked reader here is woken by the peer's later write")
    func anonymousAndWake() throws {
        let stream = try ByteStream(capacity: 4096)
        var reader = try stream.makeReader()
        let directory = try MemoryFixtures.TemporaryDirectory()
        defer { directory.remove() }
        let listener = try MemoryFixtures.UnixListener(path: directory.file("stream.sock"))
        let peer = try TestSupport.BackgroundPeer(["stream-send", "--socket", listener.path, "100", "0102030405"])
        let connection = try listener.accept()
        defer { close(connection) }
        try stream.send(over: FileDescriptor(rawValue: connection))
        var received: [UInt8] = []
        while received.count < 5 {
            received += try reader.read(upTo: 5 - received.count, timeout: .seconds(10))
        }
        #expect(received == [1, 2, 3, 4, 5])
        let outcome = try peer.wait()
        #expect(outcome.status == 0, "\(outcome)")
    }

    @Test("a named stream: the async reader here is woken by the peer's write")
    func asyncWakeByPeer() async throws {
        let name = TestSupport.uniqueName("bstream-async")
        defer { try? ByteStream.remove(name) }
        let stream = try ByteStream(create: name, capacity: 4096)
        var reader = try stream.makeReader()
        let peer = try TestSupport.BackgroundPeer(["stream-send", name, "100", "a1b2"])
        var received: [UInt8] = []
        while received.count < 2 {
            received += try await reader.read(upTo: 2 - received.count, timeout: .seconds(10))
        }
        #expect(received == [0xA1, 0xB2])
        #expect(try peer.wait().status == 0)
    }

    @Test("a waiting reader learns that the writer was killed (peerDied), and a new writer takes its place", arguments: ["blocking", "async"])
    func writerDies(form: String) async throws {
        let name = TestSupport.uniqueName("bstream-wdie")
        defer { try? ByteStream.remove(name) }
        let stream = try ByteStream(create: name, capacity: 4096)
        var reader = try stream.makeReader()
        let holder = try SpawnedPeer("stream-hold", name, "writer")
        #expect(TestSupport.eventually { stream.state.writer?.identity.pid == holder.pid })
        let started = ContinuousClock.now
        Self.killSoon(holder.pid)
        var code: InterprocessError.Code?
        do {
            if form == "blocking" {
                try Self.blockingRead(&reader)
            } else {
                _ = try await reader.read(upTo: 1, timeout: .seconds(10))
            }
        } catch {
            code = error.code
        }
        holder.killAndReap()
        #expect(code == .peerDied)
        #expect(ContinuousClock.now - started < .seconds(5))
        let writer = try stream.makeWriter()
        #expect(writer.replacedWriter == holder.pid)
    }

    /// SIGKILLs `pid` 50 ms from now, from another thread, while this one waits for it
    /// (the caller reaps it afterwards).
    static func killSoon(_ pid: pid_t) {
        Thread.detachNewThread {
            usleep(50_000)
            kill(pid, SIGKILL)
        }
    }

    /// The blocking read, out of the async test (where the async overload would be chosen).
    static func blockingRead(_ reader: inout ByteStreamReader) throws(InterprocessError) {
        _ = try reader.read(upTo: 1, timeout: .seconds(10))
    }

    @Test("a writer waiting for room learns that the reader was killed (peerDied)")
    func readerDies() throws {
        let name = TestSupport.uniqueName("bstream-rdie")
        defer { try? ByteStream.remove(name) }
        let stream = try ByteStream(create: name, capacity: 4096)
        var writer = try stream.makeWriter()
        try writer.write(contentsOf: [UInt8](repeating: 7, count: 4096), timeout: .seconds(1))
        let holder = try SpawnedPeer("stream-hold", name, "reader")
        #expect(TestSupport.eventually { stream.state.reader?.identity.pid == holder.pid })
        Self.killSoon(holder.pid)
        var code: InterprocessError.Code?
        do {
            _ = try writer.write(atLeast: 1, timeout: .seconds(10)) { $0.count }
        } catch {
            code = error.code
        }
        holder.killAndReap()
        #expect(code == .peerDied)
        var reader = try stream.makeReader()
        #expect(reader.replacedReader == holder.pid)
        #expect(try reader.availableByteCount() == 4096)
    }

    @Test("a writer in another process that finishes ends the stream: the reader gets everything, then the end")
    func finishedElsewhere() throws {
        let name = TestSupport.uniqueName("bstream-end")
        defer { try? ByteStream.remove(name) }
        _ = try ByteStream(create: name, capacity: 65_536)
        let total = 3 << 20
        let reader = try TestSupport.BackgroundPeer(["stream-read", name, String(2 * total), "21"])
        let writer = try TestSupport.BackgroundPeer(["stream-write", name, String(total), "22", "finish"])
        let written = try writer.wait(), read = try reader.wait()
        #expect(written.status == 0, "\(written)")
        #expect(read.status == 0, "\(read)")
        let lines = read.standardOutput.split(separator: "\n")
        #expect(lines.last == "end", "\(read)")
        #expect(lines.dropLast().last?.hasPrefix("read \(total) ") == true, "\(read)")
    }

    @Test("60 random SIGKILLs of the writer and the reader processes: no wrong byte is ever read, a new side takes over, and the stream completes")
    func randomKills() throws {
        let name = TestSupport.uniqueName("bstream-kill")
        defer { try? ByteStream.remove(name) }
        let stream = try ByteStream(create: name, capacity: 65_536)
        let total = String(48 << 20)
        var state: UInt64 = 0x5EED_0000 &+ UInt64(UInt32(truncatingIfNeeded: getpid()))
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        var writer = try SpawnedPeer("stream-write", name, total, String(next()))
        var reader = try SpawnedPeer("stream-read", name, total, String(next()))
        var killedWriters = 0, killedReaders = 0
        for _ in 0..<60 {
            usleep(UInt32(1_000 + next() % 12_000))
            if next() & 1 == 0 {
                writer.killAndReap()
                killedWriters += 1
                writer = try SpawnedPeer("stream-write", name, total, String(next()))
            } else {
                reader.killAndReap()
                killedReaders += 1
                reader = try SpawnedPeer("stream-read", name, total, String(next()))
            }
        }
        // A reader that met a wrong byte exits 4 and leaves it unconsumed: the last reader
        // meets it too, so a clean finish of both means every byte read was right.
        let writerStatus = writer.waitForExit(timeout: 60), readerStatus = reader.waitForExit(timeout: 60)
        #expect(writerStatus == 0 && readerStatus == 0, "writer \(String(describing: writerStatus)), reader \(String(describing: readerStatus))")
        let final = stream.state
        #expect(final.written == UInt64(total) && final.read == UInt64(total) && final.problem == nil, "\(final)")
        #expect(killedWriters > 10 && killedReaders > 10)
    }
}

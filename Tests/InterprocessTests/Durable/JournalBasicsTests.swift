import Foundation
import Interprocess
import SystemPackage
import Testing

@Suite("Journal basics", .timeLimit(.minutes(1)))
struct JournalBasicsTests {
    @Test("records appended are read back in order with their sequence numbers, by every form")
    func appendAndRead() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        var writer = try fixture.journal.makeWriter()
        #expect(try writer.append("zero") == 0)
        #expect(try writer.append(UInt64(42)) == 1)
        #expect(try writer.append(contentsOf: [1, 2, 3]) == 2)
        #expect(try writer.append(count: 0) { _ in } == 3)
        var tailer = try fixture.journal.makeTailer(from: .beginning)
        let entries = try tailer.drain()
        #expect(entries.map(\.sequence) == [0, 1, 2, 3])
        #expect(entries[0].string == "zero")
        #expect(try entries[1].load(as: UInt64.self) == 42)
        #expect(entries[2].bytes == [1, 2, 3])
        #expect(entries[3].bytes.isEmpty)
        #expect(try tailer.tryNext() == nil)
        #expect(try timingOut { () throws(InterprocessError) in try tailer.next(timeout: .milliseconds(30)) } == nil)
    }

    @Test("a second writer is refused while the first lives, and takes over once it is gone")
    func oneWriter() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        var first: JournalWriter? = try fixture.journal.makeWriter()
        try first!.append("a")
        #expect(throws: InterprocessError.self) { _ = try fixture.journal.makeWriter() }
        do {
            _ = try fixture.journal.makeWriter()
        } catch {
            #expect(error.code == .alreadyExists)
            #expect(error.reason.contains("pid \(getpid())"))
        }
        first = nil
        var second = try fixture.journal.makeWriter()
        #expect(try second.append("b") == 1)
    }

    @Test("a record that does not fit in the cycle rolls to a new cycle; tailers follow across cycles")
    func rollsBySize() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        var writer = try fixture.journal.makeWriter()
        let payload = [UInt8](repeating: 7, count: 1000)
        for _ in 0..<200 { try writer.append(contentsOf: payload) }
        let state = try fixture.journal.state
        #expect(state.cycles.count >= 3)
        let allSealed = state.cycles.dropLast().allSatisfy { $0.sealed }
        #expect(allSealed)
        #expect(state.nextSequence == 200)
        var tailer = try fixture.journal.makeTailer(from: .beginning)
        #expect(try tailer.drain().map(\.sequence) == Array(0..<200))
        #expect(throws: InterprocessError.self) { try writer.append(contentsOf: [UInt8](repeating: 0, count: 70_000)) }
    }

    @Test("a period rolls to a new cycle; retention deletes or archives the oldest")
    func rollsByTimeAndRetains() throws {
        let archive = try MemoryFixtures.TemporaryDirectory()
        defer { archive.remove() }
        let fixture = try JournalFixture(.init(cycleSize: 64 << 10, rolling: .every(.milliseconds(20)),
                                               retention: .archive(keepingLast: 2, to: FilePath(archive.path))))
        defer { fixture.remove() }
        var writer = try fixture.journal.makeWriter()
        for round in 0..<4 {
            try writer.append("round \(round)")
            usleep(25_000)
        }
        try writer.append("last")
        let state = try fixture.journal.state
        #expect(state.cycles.count == 2)
        #expect(state.firstSequence == 3)
        let archived = try FileManager.default.contentsOfDirectory(atPath: archive.path).filter { $0.hasSuffix(".cycle") }
        #expect(archived.count == 3)
        var tailer = try fixture.journal.makeTailer(from: .beginning)
        #expect(try tailer.drain().map(\.string) == ["round 3", "last"])

        let deleting = try JournalFixture(.init(cycleSize: 64 << 10, retention: .delete(keepingLast: 1)))
        defer { deleting.remove() }
        var deleter = try deleting.journal.makeWriter()
        for _ in 0..<300 { try deleter.append(contentsOf: [UInt8](repeating: 1, count: 900)) }
        #expect(try deleting.journal.state.cycles.count == 1)
    }

    @Test("tailers start at the beginning, the end, a sequence number (through the index) or a time")
    func startPositions() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        var writer = try fixture.journal.makeWriter()
        for value in 0..<1500 { try writer.append(UInt64(value)) }
        let middle = UInt64(Date().timeIntervalSince1970 * 1e9)
        usleep(2_000)
        let later = UInt64(Date().timeIntervalSince1970 * 1e9)
        for value in 1500..<1600 { try writer.append(UInt64(value)) }
        #expect(try fixture.journal.state.cycles.first!.indexEntries > 10)
        for (start, expected) in [(JournalStart.beginning, 0), (.sequence(1234), 1234), (.sequence(1599), 1599),
                                  (.time(nanosecondsSinceEpoch: middle), 1500), (.time(nanosecondsSinceEpoch: later), 1500)] as [(JournalStart, UInt64)] {
            var tailer = try fixture.journal.makeTailer(from: start)
            let entry = try #require(try tailer.tryNext())
            #expect(entry.sequence == expected)
            #expect(try entry.load(as: UInt64.self) == expected)
        }
        var atEnd = try fixture.journal.makeTailer(from: .end)
        #expect(try atEnd.tryNext() == nil)
        try writer.append(UInt64(1600))
        #expect(try atEnd.tryNext()?.sequence == 1600)
        var beyond = try fixture.journal.makeTailer(from: .sequence(99_999))
        #expect(try beyond.tryNext() == nil)
    }

    @Test(".synchronous writes each record back before append returns; .flushedEvery batches")
    func durability() throws {
        let synchronous = try JournalFixture(.init(cycleSize: 64 << 10, durability: .synchronous))
        defer { synchronous.remove() }
        var writer = try synchronous.journal.makeWriter()
        for count in 1...5 {
            try writer.append("record \(count)")
            #expect(writer.writeBackCount == count)
        }
        let batched = try JournalFixture(.init(cycleSize: 64 << 10, durability: .flushedEvery(records: 4)))
        defer { batched.remove() }
        var batchWriter = try batched.journal.makeWriter()
        for _ in 0..<10 { try batchWriter.append("x") }
        #expect(batchWriter.writeBackCount == 2)
        let memory = try JournalFixture()
        defer { memory.remove() }
        var memoryWriter = try memory.journal.makeWriter()
        for _ in 0..<10 { try memoryWriter.append("x") }
        #expect(memoryWriter.writeBackCount == 0)
    }

    @Test("create, open, openOrCreate and remove speak the vocabulary")
    func lifecycle() throws {
        let directory = try MemoryFixtures.TemporaryDirectory()
        defer { directory.remove() }
        let path = FilePath(directory.file("j"))
        #expect(throws: InterprocessError.self) { _ = try Journal(open: path) }
        #expect(try timingOut { () throws(InterprocessError) in try Journal(open: path, timeout: .milliseconds(20)) } == nil)
        let created = try Journal(openOrCreate: path)
        #expect(created.wasCreated)
        let opened = try Journal(openOrCreate: path)
        #expect(!opened.wasCreated)
        do {
            _ = try Journal(openOrCreate: path, configuration: .init(cycleSize: 1 << 20))
            Issue.record("a different configuration was accepted")
        } catch {
            #expect(error.code == .incompatibleConfiguration)
            #expect(error.reason.contains("cycleSize"))
        }
        do {
            _ = try Journal(create: path)
            Issue.record("created twice")
        } catch {
            #expect(error.code == .alreadyExists)
        }
        do {
            _ = try Journal(create: FilePath(directory.file("k")), configuration: .init(indexSpacing: 3))
            Issue.record("accepted an index spacing of 3")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.reason.contains("indexSpacing"))
        }
        try Journal.remove(path)
        #expect(!FileManager.default.fileExists(atPath: path.string))
    }

    @Test("async reads and the records sequence wait for the writer, and honour deadlines")
    func asyncReads() async throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        var writer = try fixture.journal.makeWriter()
        try writer.append("first")
        var tailer = try fixture.journal.makeTailer(from: .beginning)
        #expect(try await tailer.next(timeout: .seconds(1)).string == "first")
        do {
            _ = try await tailer.next(timeout: .milliseconds(30))
            Issue.record("no timeout")
        } catch {
            #expect(error.code == .timedOut)
        }
        let journal = fixture.journal
        let reader = Task {
            var seen: [String] = []
            for try await entry in journal.records(from: .beginning) {
                seen.append(entry.string)
                if seen.count == 3 { break }
            }
            return seen
        }
        usleep(50_000)
        try writer.append("second")
        try writer.append("third")
        #expect(try await reader.value == ["first", "second", "third"])
    }
}

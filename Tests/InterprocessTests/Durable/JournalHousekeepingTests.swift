import Foundation
import Interprocess
import SystemPackage
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Journal housekeeping", .timeLimit(.minutes(1)))
struct JournalHousekeepingTests {
    @Test(".synchronous and .flushed write the directory back after a cycle is added and after retention; .memory never")
    func directoryWriteBacks() throws {
        for durability in [JournalDurability.synchronous, .flushed(every: .milliseconds(5))] {
            let fixture = try JournalFixture(.init(cycleSize: 64 << 10, durability: durability, retention: .delete(keepingLast: 1)))
            defer { fixture.remove() }
            var writer = try fixture.journal.makeWriter()
            #expect(writer.directoryWriteBackCount == 1, "the first cycle, \(durability)")
            try writer.append("first")
            #expect(writer.directoryWriteBackCount == 1)
            // A roll adds a cycle (one write-back) and retention deletes the oldest (one more).
            let payload = [UInt8](repeating: 7, count: 40 << 10)
            try writer.append(contentsOf: payload)
            try writer.append(contentsOf: payload)
            #expect(try fixture.journal.state.cycles.count == 1)
            #expect(writer.directoryWriteBackCount == 3, "\(durability)")
            #expect(writer.retentionError == nil)
        }
        let memory = try JournalFixture(.init(cycleSize: 64 << 10, retention: .delete(keepingLast: 1)))
        defer { memory.remove() }
        var memoryWriter = try memory.journal.makeWriter()
        for _ in 0..<4 { try memoryWriter.append(contentsOf: [UInt8](repeating: 7, count: 40 << 10)) }
        #expect(memoryWriter.directoryWriteBackCount == 0)
    }

    @Test("retention that cannot archive a cycle says so (writer and state) and catches up at a later roll")
    func retentionFailureIsReported() throws {
        let archive = try MemoryFixtures.TemporaryDirectory()
        defer { archive.remove() }
        let fixture = try JournalFixture(.init(cycleSize: 64 << 10, retention: .archive(keepingLast: 1, to: FilePath(archive.path))))
        defer { fixture.remove() }
        var writer = try fixture.journal.makeWriter()
        let payload = [UInt8](repeating: 1, count: 40 << 10)
        try writer.append(contentsOf: payload)
        rmdir(archive.path)  // the archive directory disappears: renames into it fail
        try writer.append(contentsOf: payload)
        try writer.append(contentsOf: payload)
        #expect(writer.retentionError?.code == .notFound)
        var state = try fixture.journal.state
        #expect(state.cycles.count == 3 && state.cyclesOverRetention == 2)
        let cli = try TestSupport.cli("journal", "inspect", fixture.path.string)
        #expect(cli.standardOutput.contains("2 cycle(s) beyond the policy"), "\(cli)")
        // Every record is still readable meanwhile.
        var tailer = try fixture.journal.makeTailer(from: .beginning)
        #expect(try tailer.drain().count == 3)

        mkdir(archive.path, 0o700)
        try writer.append(contentsOf: payload)
        #expect(writer.retentionError == nil)
        state = try fixture.journal.state
        #expect(state.cycles.count == 1 && state.cyclesOverRetention == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: archive.path).filter { $0.hasSuffix(".cycle") }.count == 3)
    }

    @Test("interprocess inspect PATH on a journal's directory or control file shows the journal")
    func inspectFindsAJournal() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        var writer = try fixture.journal.makeWriter()
        try writer.append("hello")
        for path in [fixture.path.string, fixture.path.string + "/control"] {
            let cli = try TestSupport.cli("inspect", path)
            #expect(cli.status == 0, "\(cli)")
            #expect(cli.standardOutput.contains("journal \(fixture.path.string)"), "\(cli)")
            #expect(cli.standardOutput.contains("sequences 0..<1"), "\(cli)")
        }
        let json = try TestSupport.cli("inspect", fixture.path.string, "--json")
        #expect(json.status == 0 && json.standardOutput.contains("\"nextSequence\""), "\(json)")
    }

    @Test("timestamps never decrease, have the coarse clock's resolution, and a start at a time misses nothing after it")
    func timestamps() throws {
        let fixture = try JournalFixture(.init(cycleSize: 1 << 20, indexSpacing: 16))
        defer { fixture.remove() }
        let resolution = Journal.timestampResolution
        #expect(resolution >= 1 && resolution <= 100_000_000)
        var writer = try fixture.journal.makeWriter()
        let before = UInt64(Date().timeIntervalSince1970 * 1e9)
        for value in 0..<2000 { try writer.append(UInt64(value)) }
        // More than the 8 ticks a start at a time looks back, and a lagging stamp, on each side.
        let ticks = UInt32(10 * resolution / 1000 + 1000)
        usleep(ticks)
        let middle = UInt64(Date().timeIntervalSince1970 * 1e9)
        usleep(ticks)
        for value in 2000..<2100 { try writer.append(UInt64(value)) }
        let after = UInt64(Date().timeIntervalSince1970 * 1e9)
        var tailer = try fixture.journal.makeTailer(from: .beginning)
        let entries = try tailer.drain()
        #expect(entries.count == 2100)
        #expect(zip(entries, entries.dropFirst()).allSatisfy { $0.timestamp <= $1.timestamp })
        #expect(entries.allSatisfy { $0.timestamp + 8 * resolution >= before && $0.timestamp <= after })
        var fromMiddle = try fixture.journal.makeTailer(from: .time(nanosecondsSinceEpoch: middle))
        #expect(try fromMiddle.tryNext()?.sequence == 2000)
        var fromLast = try fixture.journal.makeTailer(from: .time(nanosecondsSinceEpoch: entries[2099].timestamp))
        #expect(try #require(try fromLast.tryNext()).sequence <= 2099)
    }

    @Test("appends across many fault-in windows and cycles read back whole")
    func faultInWindows() throws {
        let fixture = try JournalFixture(.init(cycleSize: 1 << 20, retention: .delete(keepingLast: 2)))
        defer { fixture.remove() }
        var writer = try fixture.journal.makeWriter()
        var tailer = try fixture.journal.makeTailer(from: .beginning)
        var payload = [UInt8](repeating: 0, count: 1000)
        for value in 0..<3000 {
            payload[0] = UInt8(truncatingIfNeeded: value)
            try writer.append(contentsOf: payload)
            if value % 100 == 99 {
                let entries = try tailer.drain()
                #expect(entries.count == 100 && entries.allSatisfy { $0.bytes.count == 1000 && $0.bytes[0] == UInt8(truncatingIfNeeded: $0.sequence) })
            }
        }
        #expect(try fixture.journal.state.cycles.count == 2)
    }
}

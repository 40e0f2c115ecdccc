import Foundation
import Interprocess
import SystemPackage
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Journal corrupt files", .timeLimit(.minutes(1)))
struct JournalCorruptionTests {
    /// A journal with 20 records in cycle 0, no writer attached; returns the data start of cycle 0.
    private func filled() throws -> JournalFixture {
        let fixture = try JournalFixture()
        var writer = try fixture.journal.makeWriter()
        for value in 0..<20 { try writer.append(UInt64(value)) }
        return fixture
    }

    /// The offset of record `index` in a cycle of 8-byte records (24-byte header + 8).
    private func recordOffset(_ fixture: JournalFixture, _ index: Int) throws -> Int {
        // The data start is stored at byte 160 of the cycle file.
        let bytes = try JournalFixture.read(fixture.cycle(0), at: 160, count: 8)
        let dataStart = bytes.withUnsafeBytes { Int($0.loadUnaligned(as: UInt64.self)) }
        return dataStart + index * 32
    }

    @Test("a flipped payload byte ends the readable part there; verify names the cycle, offset and sequence")
    func flippedRecordByte() throws {
        let fixture = try filled()
        defer { fixture.remove() }
        let offset = try recordOffset(fixture, 12)
        var byte = try JournalFixture.read(fixture.cycle(0), at: offset + 24, count: 1)
        byte[0] ^= 0x40
        try JournalFixture.patch(fixture.cycle(0), at: offset + 24, byte)
        var tailer = try fixture.journal.makeTailer(from: .beginning)
        #expect(try tailer.drain().map(\.sequence) == Array(0..<12))
        let verification = try fixture.journal.verify()
        #expect(!verification.isValid)
        #expect(verification.records == 12)
        let problem = try #require(verification.problems.first)
        #expect(problem.cycle == 0 && problem.offset == offset && problem.sequence == 12)
        // The CLI's verify exits non-zero and says where.
        let cli = try TestSupport.cli("journal", "verify", fixture.path.string)
        #expect(cli.status != 0)
        #expect(cli.standardOutput.contains("offset \(offset)") || cli.standardError.contains("offset \(offset)"), "\(cli)")
    }

    @Test("junk after an incomplete write is never read as a record, and the next writer writes over it")
    func junkAfterTheEnd() throws {
        let fixture = try filled()
        defer { fixture.remove() }
        let offset = try recordOffset(fixture, 20)
        // A commit word and a payload a killed writer might have left: plausible length, junk check.
        try JournalFixture.patch(fixture.cycle(0), at: offset, [8, 0, 0, 0, 0x12, 0x34, 0x56, 0x78, 20, 0, 0, 0, 0, 0, 0, 0])
        var tailer = try fixture.journal.makeTailer(from: .beginning)
        #expect(try tailer.drain().count == 20)
        var writer = try fixture.journal.makeWriter()
        #expect(writer.nextSequenceNumber == 20)
        try writer.append(UInt64(20))
        #expect(try tailer.tryNext()?.sequence == 20)
        #expect(try fixture.journal.verify().isValid)
    }

    @Test("a truncated cycle, a flipped header byte and a wrong version are typed errors, never a crash")
    func damagedFiles() throws {
        let fixture = try filled()
        defer { fixture.remove() }
        let control = fixture.path.string + "/control"
        // A flipped byte in the control file's configuration.
        let original = try JournalFixture.read(control, at: 128, count: 1)
        try JournalFixture.patch(control, at: 128, [original[0] ^ 1])
        #expect { try Journal(open: fixture.path) } throws: { ($0 as? InterprocessError)?.code == .corrupt }
        try JournalFixture.patch(control, at: 128, original)
        // A wrong header version.
        try JournalFixture.patch(control, at: 8, [2, 0, 0, 0])
        #expect { try Journal(open: fixture.path) } throws: { ($0 as? InterprocessError)?.code == .incompatibleVersion }
        try JournalFixture.patch(control, at: 8, [1, 0, 0, 0])
        _ = try Journal(open: fixture.path)
        // A flipped byte in a cycle's description.
        let cycle = fixture.cycle(0)
        let description = try JournalFixture.read(cycle, at: 136, count: 1)
        try JournalFixture.patch(cycle, at: 136, [description[0] ^ 1])
        #expect { _ = try fixture.journal.makeTailer(from: .beginning) } throws: { ($0 as? InterprocessError)?.code == .corrupt }
        #expect(!(try fixture.journal.verify().isValid))
        try JournalFixture.patch(cycle, at: 136, description)
        // A truncated cycle.
        #expect(truncate(cycle, 100) == 0)
        #expect { _ = try fixture.journal.makeTailer(from: .beginning) } throws: {
            [.truncated, .corrupt].contains(($0 as? InterprocessError)?.code)
        }
        #expect { _ = try fixture.journal.makeWriter() } throws: {
            [.truncated, .corrupt].contains(($0 as? InterprocessError)?.code)
        }
        #expect(!(try fixture.journal.verify().isValid))
        // A foreign control file.
        try JournalFixture.patch(control, at: 0, Array("NOTOURS!".utf8))
        #expect { try Journal(open: fixture.path) } throws: { ($0 as? InterprocessError)?.code == .foreignSegment }
    }
}

@testable import Interprocess
import Foundation
import Testing

/// docs/FORMAT.md's journal tables against `JournalLayout`.
@Suite struct JournalTableTests {
    typealias Field = (offset: Int, size: Int)

    static let control: [String: Field] = [
        "cycleSize": (JournalLayout.cycleSizeOffset, 8),
        "rollPeriod": (JournalLayout.rollPeriodOffset, 8),
        "indexSpacing": (JournalLayout.indexSpacingOffset, 4),
        "durabilityKind": (JournalLayout.durabilityKindOffset, 4),
        "durabilityValue": (JournalLayout.durabilityValueOffset, 8),
        "retentionKind": (JournalLayout.retentionKindOffset, 4),
        "retentionCount": (JournalLayout.retentionCountOffset, 4),
        "configurationChecksum": (JournalLayout.configurationChecksumOffset, 8),
        "writerPID": (JournalLayout.writerPIDOffset, 4),
        "writerPIDNamespace": (JournalLayout.writerNamespaceOffset, 4),
        "writerStartTime": (JournalLayout.writerStartTimeOffset, 8),
        "takeovers": (JournalLayout.takeoversOffset, 8),
        "wakeWord": (JournalLayout.wakeWordOffset, 4),
        "waiters": (JournalLayout.waitersOffset, 4),
        "archivePath": (JournalLayout.archivePathOffset, JournalLayout.archivePathCapacity),
        "tailers": (JournalLayout.tailersOffset, JournalLayout.tailerSlots * JournalLayout.tailerSlotSize),
    ]

    static let tailerSlot: [String: Field] = [
        "slotState": (JournalLayout.tailerStateOffset, 4),
        "nameLength": (JournalLayout.tailerNameLengthOffset, 4),
        "position": (JournalLayout.tailerPositionOffset, 8),
        "name": (JournalLayout.tailerNameOffset, JournalLayout.tailerNameCapacity),
    ]

    static let cycle: [String: Field] = [
        "cycleNumber": (JournalLayout.cycleNumberOffset, 8),
        "firstSequence": (JournalLayout.firstSequenceOffset, 8),
        "openedAt": (JournalLayout.openedAtOffset, 8),
        "cycleIndexSpacing": (JournalLayout.cycleIndexSpacingOffset, 4),
        "indexCapacity": (JournalLayout.indexCapacityOffset, 4),
        "dataStart": (JournalLayout.dataStartOffset, 8),
        "cycleChecksum": (JournalLayout.cycleChecksumOffset, 8),
        "sealed": (JournalLayout.sealedOffset, 8),
    ]

    static let record: [String: Field] = [
        "commit": (0, 8),
        "sequence": (JournalLayout.sequenceFieldOffset, 8),
        "timestamp": (JournalLayout.timestampFieldOffset, 8),
    ]

    /// Checks every row of the table under `heading` against `code`; `special` fields are
    /// checked by offset only (their size is a formula in the document).
    func check(_ heading: String, _ code: [String: Field], special: [String: Int] = [:]) throws {
        let rows = try FormatDocument.load().table(under: heading, columns: ["Offset", "Size", "Field", "Type", "Meaning"])
        var documented: Set<String> = []
        for row in rows {
            let field = try #require(FormatDocument.codeSpan(row[2]), "field cell \(row[2])")
            documented.insert(field)
            if let offset = special[field] {
                #expect(FormatDocument.integer(row[0]) == UInt64(offset), "offset of \(field)")
                continue
            }
            let expected = try #require(code[field], "\(field) is documented under \(heading) but not in the code's table")
            #expect(FormatDocument.integer(row[0]) == UInt64(expected.offset), "offset of \(field)")
            if let size = FormatDocument.integer(row[1]) {
                #expect(size == UInt64(expected.size), "size of \(field)")
            } else {
                // "64 × 64": slots × slot size.
                let factors = row[1].split(separator: "×").compactMap { FormatDocument.integer($0.trimmingCharacters(in: .whitespaces)) }
                #expect(factors.count == 2 && factors.reduce(1, *) == UInt64(expected.size), "size of \(field): \(row[1])")
            }
        }
        #expect(documented == Set(code.keys).union(special.keys), "fields under \(heading)")
    }

    @Test func controlFileTableMatchesTheCode() throws {
        try check("### Journal control file", Self.control)
        #expect(JournalLayout.controlSize == 8192 && JournalLayout.tailerSlots == 64 && JournalLayout.tailerSlotSize == 64)
        #expect(JournalLayout.configurationBytes == 128..<168)
    }

    @Test func tailerSlotTableMatchesTheCode() throws {
        try check("#### Journal tailer slot", Self.tailerSlot)
    }

    @Test func cycleFileTableMatchesTheCode() throws {
        try check("### Journal cycle file", Self.cycle, special: ["index": JournalLayout.indexOffset])
        #expect(JournalLayout.cycleDescriptionBytes == 128..<168)
        // The document's formulas: C = (size − 384) / (24 × S) + 1, D = 384 + 8 × C rounded up to 128.
        let (capacity, dataStart) = JournalCycle.geometry(size: 64 << 10, indexSpacing: 16)
        #expect(capacity == ((64 << 10) - 384) / (24 * 16) + 1)
        #expect(dataStart == (384 + 8 * capacity + 127) / 128 * 128)
    }

    @Test func recordTableMatchesTheCode() throws {
        try check("### Journal record", Self.record, special: ["payload": JournalLayout.recordHeaderSize])
        #expect(JournalLayout.recordHeaderSize == 24 && JournalLayout.maximumPayload == (1 << 31) - 1)
        #expect(JournalLayout.padded(1) == 8 && JournalLayout.padded(64) == 64)
    }

    /// docs/FORMAT.md's checksum, written again from the text: lanes a, b, c, d seeded with the
    /// length, sequence and timestamp; words dealt to the lanes in turn; folded with rotations.
    static func documentedChecksum(_ words: [UInt64], length: Int, sequence: UInt64, timestamp: UInt64) -> UInt32 {
        func mix(_ x: UInt64, _ w: UInt64) -> UInt64 {
            let y = (x ^ w) &* 0xFF51_AFD7_ED55_8CCD
            return y ^ (y >> 29)
        }
        func rotl(_ x: UInt64, _ n: UInt64) -> UInt64 { (x << n) | (x >> (64 - n)) }
        var lanes: [UInt64] = [0x9E37_79B9_7F4A_7C15 ^ UInt64(length), 0xC2B2_AE3D_27D4_EB4F ^ sequence,
                               0x1656_67B1_9E37_79F9 ^ timestamp, 0x27D4_EB2F_1656_67C5]
        for (index, word) in words.enumerated() { lanes[index % 4] = mix(lanes[index % 4], word) }
        let h = mix(lanes[0] ^ rotl(lanes[1], 17) ^ rotl(lanes[2], 31) ^ rotl(lanes[3], 47), UInt64(words.count * 8))
        return UInt32(truncatingIfNeeded: h ^ (h >> 32)) | 0x8000_0000
    }

    @Test("the record checksum is the documented one (cycle version 2), and any flipped payload bit changes it")
    func checksumMatchesTheDocument() throws {
        #expect(JournalLayout.cycleVersion == 2)
        var random = SystemRandomNumberGenerator()
        for length in [0, 1, 8, 20, 24, 31, 32, 40, 64, 72, 100, 256] {
            let padded = JournalLayout.padded(length)
            var words = (0..<(padded / 8)).map { _ in UInt64.random(in: .min ... .max, using: &random) }
            let sequence = UInt64.random(in: 0...1_000_000), timestamp = UInt64.random(in: .min ... .max)
            let code = { (words: [UInt64]) in
                words.withUnsafeBytes { JournalLayout.checksum(payload: $0.baseAddress ?? UnsafeRawPointer(bitPattern: 8)!, paddedLength: padded,
                                                               length: length, sequence: sequence, timestamp: timestamp) }
            }
            let original = code(words)
            #expect(original == Self.documentedChecksum(words, length: length, sequence: sequence, timestamp: timestamp), "length \(length)")
            for index in words.indices {
                words[index] ^= 1 << UInt64(index % 64)
                #expect(code(words) != original, "length \(length), word \(index) flipped")
                words[index] ^= 1 << UInt64(index % 64)
            }
        }
    }
}

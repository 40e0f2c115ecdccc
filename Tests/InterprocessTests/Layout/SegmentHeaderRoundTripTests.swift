import Foundation
@testable import Interprocess
import Testing

/// `SegmentHeader` encodes to the documented bytes and decodes back to the same fields.
@Suite(.timeLimit(.minutes(5)))
struct SegmentHeaderRoundTripTests {
    static let sample = SegmentHeader(
        kind: SegmentKind(rawValue: 0x8000_0002), kindVersion: 7, totalSize: 1 << 40,
        creator: ProcessIdentity(pid: 12345, startTime: 987_654_321), createdAt: 0x0123_4567_89AB_CDEF)

    static func encode(_ header: SegmentHeader, over fill: UInt8) -> [UInt8] {
        var bytes = [UInt8](repeating: fill, count: SegmentHeader.size)
        bytes.withUnsafeMutableBytes { header.encodeAllButState(into: $0) }
        return bytes
    }

    static func littleEndian<Value: FixedWidthInteger>(_ value: Value) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    @Test func encodeThenDecodeGivesTheSameHeader() {
        let bytes = Self.encode(Self.sample, over: 0)
        let decoded = bytes.withUnsafeBytes { SegmentHeader(decoding: $0) }
        #expect(decoded == Self.sample)
        #expect(decoded.checksum == decoded.computedChecksum)
    }

    @Test func fieldsLandAtTheirDocumentedOffsetsLittleEndian() {
        let bytes = Self.encode(Self.sample, over: 0)
        func field(_ field: SegmentHeader.Field) -> [UInt8] { Array(bytes[field.offset..<(field.offset + field.size)]) }
        #expect(field(.magic) == Array("SWIFTIPC".utf8))
        #expect(field(.version) == Self.littleEndian(SegmentHeader.currentVersion))
        #expect(field(.kind) == Self.littleEndian(UInt32(0x8000_0002)))
        #expect(field(.kindVersion) == Self.littleEndian(UInt32(7)))
        #expect(field(.totalSize) == Self.littleEndian(UInt64(1) << 40))
        #expect(field(.headerSize) == Self.littleEndian(UInt32(128)))
        #expect(field(.flags) == Self.littleEndian(UInt32(0)))
        #expect(field(.creatorPID) == Self.littleEndian(Int32(12345)))
        #expect(field(.creatorPIDNamespace) == Self.littleEndian(Self.sample.creator.pidNamespace))
        #expect(field(.creatorStartTime) == Self.littleEndian(UInt64(987_654_321)))
        #expect(field(.createdAt) == Self.littleEndian(UInt64(0x0123_4567_89AB_CDEF)))
        #expect(field(.checksum) == Self.littleEndian(Self.sample.checksum))
    }

    @Test func encodingLeavesTheStateWordAloneAndZeroesTheReservedBytes() {
        let bytes = Self.encode(Self.sample, over: 0xEE)
        let state = SegmentHeader.Field.state
        #expect(bytes[state.offset..<(state.offset + state.size)].allSatisfy { $0 == 0xEE })
        #expect(bytes[72..<SegmentHeader.size].allSatisfy { $0 == 0 })
    }

    @Test func checksumIgnoresStateButCoversEveryOtherField() {
        var header = Self.sample
        header.state = SegmentHeader.State.ready.rawValue
        #expect(header.computedChecksum == Self.sample.computedChecksum)
        header.creator.pidNamespace &+= 1
        #expect(header.computedChecksum != Self.sample.computedChecksum)
        header = Self.sample
        header.creator.startTime += 1
        #expect(header.computedChecksum != Self.sample.computedChecksum)
    }

    @Test func codableRoundTrip() throws {
        let data = try JSONEncoder().encode(Self.sample)
        #expect(try JSONDecoder().decode(SegmentHeader.self, from: data) == Self.sample)
    }

    @Test func headerOfACreatedSegmentIsWhatItsFileHolds() throws {
        let name = TestSupport.uniqueName("hdr-file")
        defer { try? Segment.remove(name) }
        let segment = try Segment(create: name, kind: .raw, kindVersion: 4, bodySize: 256)
        let stored = try SegmentFile.header(name)
        #expect(stored == segment.header)
        #expect(stored.state == SegmentHeader.State.ready.rawValue)
        #expect(stored.totalSize == UInt64(SegmentHeader.size + 256))
        #expect(stored.creator == ProcessIdentity.current)
        #expect(stored.kindVersion == 4)
        #expect(stored.magicText == "SWIFTIPC")
    }
}

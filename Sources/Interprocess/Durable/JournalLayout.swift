#if os(Linux)
public import Synchronization

/// The byte layout of a journal's files (`docs/FORMAT.md`, "Journal"): explicit offsets, never a
/// Swift struct's layout. All fields little-endian.
@usableFromInline
enum JournalLayout {
    // MARK: Control file (kind 19)

    /// The control file's name inside the journal's directory.
    static let controlFileName = "control"
    /// The control file's size: the segment header, the configuration, the writer's and the
    /// wake-up lines, the archive path and the named tailers' table.
    static let controlSize = 8192
    static let configurationOffset = 128
    static let cycleSizeOffset = 128
    static let rollPeriodOffset = 136
    static let indexSpacingOffset = 144
    static let durabilityKindOffset = 148
    static let durabilityValueOffset = 152
    static let retentionKindOffset = 160
    static let retentionCountOffset = 164
    static let configurationChecksumOffset = 168
    /// The bytes the configuration checksum covers (the configuration and the archive path).
    static let configurationBytes = 128..<168
    static let writerPIDOffset = 256
    static let writerNamespaceOffset = 260
    static let writerStartTimeOffset = 264
    static let takeoversOffset = 272
    /// The futex word tailers sleep on (a wake-up sequence the writer bumps).
    static let wakeWordOffset = 384
    /// How many tailers may sleep on the wake word.
    static let waitersOffset = 388
    static let archivePathOffset = 512
    static let archivePathCapacity = 256
    static let tailersOffset = 1024
    static let tailerSlotSize = 64
    /// How many named tailers a journal records.
    static let tailerSlots = 64
    static let tailerStateOffset = 0
    static let tailerNameLengthOffset = 4
    static let tailerPositionOffset = 8
    static let tailerNameOffset = 16
    static let tailerNameCapacity = 48

    // MARK: Cycle file (kind 18)

    static let cycleNumberOffset = 128
    static let firstSequenceOffset = 136
    static let openedAtOffset = 144
    static let cycleIndexSpacingOffset = 152
    static let indexCapacityOffset = 156
    static let dataStartOffset = 160
    static let cycleChecksumOffset = 168
    static let cycleDescriptionBytes = 128..<168
    /// Where the last record ends once the writer moved to the next cycle; 0 while open.
    static let sealedOffset = 256
    @usableFromInline static let indexOffset = 384

    // MARK: Records

    /// commit (8) · sequence (8) · timestamp (8), then the payload padded to 8 bytes.
    @usableFromInline static let recordHeaderSize = 24
    @usableFromInline static let sequenceFieldOffset = 8
    @usableFromInline static let timestampFieldOffset = 16
    /// The longest payload: the commit word's length half is 32 bits.
    @usableFromInline static let maximumPayload = Int(UInt32.max >> 1)

    /// The payload's length rounded up to whole 8-byte words.
    @inlinable @inline(__always)
    static func padded(_ length: Int) -> Int { (length &+ 7) & ~7 }

    /// The commit word of a record: its checksum (never 0) over its length.
    @inlinable @inline(__always)
    static func commitWord(length: Int, check: UInt32) -> UInt64 {
        UInt64(check) << 32 | UInt64(truncatingIfNeeded: length)
    }

    /// The cycle file's kind version: 2 since the record checksum runs four lanes.
    static let cycleVersion: UInt32 = 2

    /// A record's checksum (docs/FORMAT.md, "Checksum"): four independent multiply–xorshift
    /// lanes over the payload's 8-byte words (word i into lane i mod 4), seeded with the length,
    /// sequence and timestamp, folded at the end. Four lanes, not one chain: a 64-byte record
    /// costs two dependent multiplies per lane instead of ten in a row, a quarter of an append.
    @inlinable @inline(__always)
    static func checksum(
        payload: UnsafeRawPointer, paddedLength: Int, length: Int, sequence: UInt64, timestamp: UInt64
    ) -> UInt32 {
        let multiplier: UInt64 = 0xFF51_AFD7_ED55_8CCD
        @inline(__always) func mix(_ lane: inout UInt64, _ value: UInt64) {
            lane = (lane ^ value) &* multiplier
            lane ^= lane >> 29
        }
        @inline(__always) func word(_ offset: Int) -> UInt64 {
            UInt64(littleEndian: payload.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }
        var a: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: length)
        var b: UInt64 = 0xC2B2_AE3D_27D4_EB4F ^ sequence
        var c: UInt64 = 0x1656_67B1_9E37_79F9 ^ timestamp
        var d: UInt64 = 0x27D4_EB2F_1656_67C5
        var offset = 0
        while offset &+ 32 <= paddedLength {
            mix(&a, word(offset))
            mix(&b, word(offset &+ 8))
            mix(&c, word(offset &+ 16))
            mix(&d, word(offset &+ 24))
            offset &+= 32
        }
        if offset < paddedLength { mix(&a, word(offset)) }
        if offset &+ 8 < paddedLength { mix(&b, word(offset &+ 8)) }
        if offset &+ 16 < paddedLength { mix(&c, word(offset &+ 16)) }
        var hash = a ^ b.rotated(17) ^ c.rotated(31) ^ d.rotated(47)
        mix(&hash, UInt64(truncatingIfNeeded: paddedLength))
        return UInt32(truncatingIfNeeded: hash ^ (hash >> 32)) | 0x8000_0000
    }

    /// The atomic 64-bit word at `offset` of a mapping.
    @inlinable @inline(__always)
    static func word(_ base: UnsafeMutableRawPointer, _ offset: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (base + offset).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    /// The atomic 32-bit word at `offset` of a mapping.
    @inlinable @inline(__always)
    static func word32(_ base: UnsafeMutableRawPointer, _ offset: Int) -> UnsafeMutablePointer<Atomic<UInt32>> {
        (base + offset).assumingMemoryBound(to: Atomic<UInt32>.self)
    }
}

extension UInt64 {
    /// The bits rotated left by `count` (0 < count < 64).
    @inlinable @inline(__always)
    func rotated(_ count: UInt64) -> UInt64 { (self << count) | (self >> (64 &- count)) }
}
#endif

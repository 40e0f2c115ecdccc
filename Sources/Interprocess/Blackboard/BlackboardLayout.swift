#if os(Linux)
/// The byte layout of a ``Blackboard`` body (offsets from the start of the segment body, which
/// is 128-byte aligned). Documented in `docs/FORMAT.md` ("Blackboards"); little-endian.
///
/// Only the writer writes the writer line, the entries' version lines and their copies.
/// Readers write nothing but the sleeping readers' count, on its own line, and only while going
/// to sleep: any number of readers never slow the writer or each other.
@usableFromInline
enum BlackboardLayout {
    /// `"BLKB"` read as a little-endian UInt32: marks an initialized blackboard body.
    static let tag: UInt32 = 0x424B_4C42
    /// The body layout version (also the segment header's kind version).
    static let version: UInt32 = 1

    // Control line: written once by the creator.
    static let tagOffset = 0
    static let versionOffset = 4
    static let entryCountOffset = 8       // UInt32
    static let copiesOffset = 12          // UInt32: copies per entry, a power of two
    static let dataSizeOffset = 16        // UInt64: bytes from `entriesOffset` to the body's end

    // Writer line.
    static let writerOwnerOffset = 128    // UInt64: packed ProcessIdentity, 0 = free
    static let changeCountOffset = 136    // UInt64: writes ever (futex word: low half)

    // Readers' line: written only by readers going to sleep.
    static let sleepersOffset = 256       // UInt32: readers (about to be) asleep on the change count

    /// Where the entry table starts: `entryCount` descriptors of ``descriptorSize`` bytes.
    static let entriesOffset = 384
    static let descriptorSize = 128

    // An entry descriptor (written once by the creator).
    static let keyKindOffset = 0          // UInt32: 1 name, 2 number
    static let valueKindOffset = 4        // UInt32: 1 fixed-size value, 2 bytes (up to the size)
    static let valueSizeOffset = 8        // UInt32
    static let keyNameLengthOffset = 12   // UInt32
    static let keyNumberOffset = 16       // UInt64
    static let typeHashOffset = 24        // UInt64: FNV-1a of the value type's name, 0 for bytes
    static let entryDataOffset = 32       // UInt64: the entry's version line, from the body's start
    static let typeNameLengthOffset = 40  // UInt32
    static let keyNameOffset = 48         // 40 bytes of UTF-8
    static let typeNameOffset = 88        // 40 bytes of UTF-8
    static let nameCapacity = 40

    // An entry's data: a version line, then `copies` copies.
    static let entryVersionOffset = 0     // UInt64: the number of the latest whole write (0: none)
    @usableFromInline static let versionLineSize = 128
    // A copy: its stamp, its length, its bytes.
    @usableFromInline static let stampOffset = 0      // UInt64: 2k while copy holds write k, 2k+1 while k is written
    @usableFromInline static let lengthOffset = 8     // UInt32: the bytes it holds
    @usableFromInline static let valueOffset = 16

    /// The bytes one copy of a value of `size` bytes takes: header and value, rounded up to 128.
    static func copyStride(_ size: Int) -> Int { (valueOffset + size + 127) & ~127 }

    /// The bytes an entry of `size`-byte values takes with `copies` copies.
    static func entryFootprint(size: Int, copies: Int) -> Int { versionLineSize + copies * copyStride(size) }

    /// Key kinds.
    static let nameKey: UInt32 = 1
    static let numberKey: UInt32 = 2
    /// Value kinds.
    static let fixedValue: UInt32 = 1
    static let bytesValue: UInt32 = 2
}
#endif

#if os(Linux)
/// The fixed 128-byte header at the start of every segment the library creates. Byte by byte
/// in `docs/FORMAT.md`; all fields little-endian.
///
/// The header is a file format, so its fields are explicit byte offsets (``Field``), never a
/// Swift struct's layout.
public struct SegmentHeader: Sendable, Hashable, Codable {
    /// The header's fields, their byte offsets and sizes. `docs/FORMAT.md` documents each one,
    /// and a test checks that document against this table.
    public enum Field: String, CaseIterable, Sendable {
        /// The magic number: the ASCII bytes `SWIFTIPC`.
        case magic
        /// The version of this header's layout (``SegmentHeader/currentVersion``).
        case version
        /// What the segment holds (``SegmentKind``).
        case kind
        /// The version of the kind's body layout.
        case kindVersion
        /// 0 while the creator initializes, 1 once the segment is ready. A futex word.
        case state
        /// The segment's total size in bytes, header included.
        case totalSize
        /// Where the body starts: the header's size (128).
        case headerSize
        /// Reserved flag bits; 0.
        case flags
        /// The creating process's pid.
        case creatorPID
        /// The creating process's pid namespace: the inode number of `/proc/PID/ns/pid`; 0 when
        /// not recorded (then the creator is never judged dead). Was `reserved0` (always 0).
        case creatorPIDNamespace
        /// The creating process's start time, in clock ticks since boot.
        case creatorStartTime
        /// When the segment was created, in nanoseconds since the Unix epoch.
        case createdAt
        /// FNV-1a 64 of bytes 0..<64, with the state word counted as zero.
        case checksum

        /// The field's byte offset from the start of the segment.
        public var offset: Int {
            switch self {
            case .magic: 0
            case .version: 8
            case .kind: 12
            case .kindVersion: 16
            case .state: 20
            case .totalSize: 24
            case .headerSize: 32
            case .flags: 36
            case .creatorPID: 40
            case .creatorPIDNamespace: 44
            case .creatorStartTime: 48
            case .createdAt: 56
            case .checksum: 64
            }
        }

        /// The field's size in bytes.
        public var size: Int {
            switch self {
            case .magic, .totalSize, .creatorStartTime, .createdAt, .checksum: 8
            default: 4
            }
        }
    }

    /// The header's size in bytes; the body starts here, on a 128-byte boundary.
    public static let size = 128
    /// The magic number: the bytes `SWIFTIPC` read as a little-endian integer.
    public static let magicValue: UInt64 = 0x4350_4954_4649_5753
    /// The header layout this library writes and reads.
    public static let currentVersion: UInt32 = 1
    /// The bytes covered by ``Field/checksum``.
    static let checksummedBytes = 0..<64

    /// The values of ``Field/state``.
    public enum State: UInt32, Sendable, Codable {
        /// The creator is still initializing the body.
        case initializing = 0
        /// The body is initialized; the segment may be used.
        case ready = 1
    }

    /// ``Field/magic``.
    public var magic: UInt64
    /// ``Field/version``.
    public var version: UInt32
    /// ``Field/kind``.
    public var kind: SegmentKind
    /// ``Field/kindVersion``.
    public var kindVersion: UInt32
    /// ``Field/state``, as a raw number (it may hold a value no ``State`` names in a corrupt segment).
    public var state: UInt32
    /// ``Field/totalSize``.
    public var totalSize: UInt64
    /// ``Field/headerSize``.
    public var headerSize: UInt32
    /// ``Field/flags``.
    public var flags: UInt32
    /// ``Field/creatorPID``, ``Field/creatorStartTime`` and ``Field/creatorPIDNamespace``.
    public var creator: ProcessIdentity
    /// ``Field/createdAt``: nanoseconds since the Unix epoch.
    public var createdAt: UInt64
    /// ``Field/checksum``, as stored.
    public var checksum: UInt64

    /// A header for a new segment, state `initializing`, with its checksum computed.
    init(kind: SegmentKind, kindVersion: UInt32, totalSize: Int, creator: ProcessIdentity, createdAt: UInt64) {
        magic = SegmentHeader.magicValue
        version = SegmentHeader.currentVersion
        self.kind = kind
        self.kindVersion = kindVersion
        state = State.initializing.rawValue
        self.totalSize = UInt64(totalSize)
        headerSize = UInt32(SegmentHeader.size)
        flags = 0
        self.creator = creator
        self.createdAt = createdAt
        checksum = 0
        checksum = computedChecksum
    }

    /// Decodes the fields from the first ``size`` bytes of a segment, validating nothing.
    /// `bytes` must hold at least ``size`` bytes.
    public init(decoding bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count >= SegmentHeader.size, "a header is \(SegmentHeader.size) bytes")
        func read<Value: FixedWidthInteger>(_ field: Field, as: Value.Type) -> Value {
            Value(littleEndian: bytes.loadUnaligned(fromByteOffset: field.offset, as: Value.self))
        }
        magic = read(.magic, as: UInt64.self)
        version = read(.version, as: UInt32.self)
        kind = SegmentKind(rawValue: read(.kind, as: UInt32.self))
        kindVersion = read(.kindVersion, as: UInt32.self)
        state = read(.state, as: UInt32.self)
        totalSize = read(.totalSize, as: UInt64.self)
        headerSize = read(.headerSize, as: UInt32.self)
        flags = read(.flags, as: UInt32.self)
        creator = ProcessIdentity(pid: read(.creatorPID, as: Int32.self), startTime: read(.creatorStartTime, as: UInt64.self),
                                  pidNamespace: read(.creatorPIDNamespace, as: UInt32.self))
        createdAt = read(.createdAt, as: UInt64.self)
        checksum = read(.checksum, as: UInt64.self)
    }

    /// Writes every field except ``Field/state`` (which the creator publishes separately) and
    /// zeroes the reserved bytes. `bytes` must hold at least ``size`` bytes.
    func encodeAllButState(into bytes: UnsafeMutableRawBufferPointer) {
        precondition(bytes.count >= SegmentHeader.size, "a header is \(SegmentHeader.size) bytes")
        func write<Value: FixedWidthInteger>(_ field: Field, _ value: Value) {
            bytes.storeBytes(of: value.littleEndian, toByteOffset: field.offset, as: Value.self)
        }
        let stateRange = Field.state.offset..<(Field.state.offset + Field.state.size)
        for index in 0..<SegmentHeader.size where !stateRange.contains(index) { bytes[index] = 0 }
        write(.magic, magic)
        write(.version, version)
        write(.kind, kind.rawValue)
        write(.kindVersion, kindVersion)
        write(.totalSize, totalSize)
        write(.headerSize, headerSize)
        write(.flags, flags)
        write(.creatorPID, creator.pid)
        write(.creatorPIDNamespace, creator.pidNamespace)
        write(.creatorStartTime, creator.startTime)
        write(.createdAt, createdAt)
        write(.checksum, checksum)
    }

    /// The checksum these field values should carry.
    public var computedChecksum: UInt64 {
        var copy = self
        copy.state = 0
        copy.checksum = 0
        var buffer = [UInt8](repeating: 0, count: SegmentHeader.size)
        buffer.withUnsafeMutableBytes { copy.encodeAllButState(into: $0) }
        return FNV1a.hash(buffer[SegmentHeader.checksummedBytes])
    }

    /// The magic's bytes as text where printable (`SWIFTIPC` for ours), hex otherwise.
    public var magicText: String {
        let bytes = withUnsafeBytes(of: magic.littleEndian) { Array($0) }
        if bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) { return String(decoding: bytes, as: UTF8.self) }
        return "0x" + String(magic, radix: 16)
    }
}
#endif

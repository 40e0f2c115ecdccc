#if os(Linux)
internal import SystemPackage
public import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One cycle file mapped, its description validated once at open (the choke point): every
/// bound the record paths use (`dataStart`, `dataEnd`, the index) comes from here, checked
/// against the file's real size.
@usableFromInline
final class JournalCycle: @unchecked Sendable {
    // @unchecked: an immutable mapping; the shared words in it are accessed atomically.

    let file: MappedFile
    let path: String
    @usableFromInline let base: UnsafeMutableRawPointer
    @usableFromInline let number: UInt64
    @usableFromInline let firstSequence: UInt64
    let openedAt: UInt64
    @usableFromInline let indexSpacing: Int
    @usableFromInline let indexCapacity: Int
    @usableFromInline let dataStart: Int
    @usableFromInline let dataEnd: Int

    private init(file: consuming MappedFile, path: String, number: UInt64, firstSequence: UInt64, openedAt: UInt64,
                 indexSpacing: Int, indexCapacity: Int, dataStart: Int) {
        base = file.region.baseAddress
        dataEnd = file.region.count
        self.file = file
        self.path = path
        self.number = number
        self.firstSequence = firstSequence
        self.openedAt = openedAt
        self.indexSpacing = indexSpacing
        self.indexCapacity = indexCapacity
        self.dataStart = dataStart
    }

    /// The word holding where the last record ends once the writer moved on (0 while open).
    @usableFromInline var sealed: UnsafeMutablePointer<Atomic<UInt64>> { JournalLayout.word(base, JournalLayout.sealedOffset) }

    /// Index entry `slot`: the offset of record `firstSequence + slot * indexSpacing`, 0 if not written.
    @usableFromInline func indexWord(_ slot: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        JournalLayout.word(base, JournalLayout.indexOffset + slot * 8)
    }

    /// The index entries and data start for a cycle of `size` bytes.
    static func geometry(size: Int, indexSpacing: Int) -> (capacity: Int, dataStart: Int) {
        let capacity = (size - JournalLayout.indexOffset) / (JournalLayout.recordHeaderSize * indexSpacing) + 1
        let dataStart = (JournalLayout.indexOffset + capacity * 8 + 127) & ~127
        return (capacity, dataStart)
    }

    // MARK: Create

    /// Makes cycle `number` (starting at `firstSequence`) under a temporary name, then publishes
    /// it with a hard link, so a reader never sees it half made and an existing cycle is never
    /// replaced.
    static func create(
        directory: String, number: UInt64, firstSequence: UInt64, configuration: JournalConfiguration,
        permissions: FilePermissions, operation: String
    ) throws(InterprocessError) -> JournalCycle {
        let final = JournalFiles.cyclePath(directory, number)
        let temporary = JournalFiles.temporaryPath(final)
        unlink(temporary)
        let file = try MappedFile(create: FilePath(temporary), size: configuration.cycleSize, permissions: permissions)
        defer { unlink(temporary) }
        let base = file.region.baseAddress
        let (capacity, dataStart) = geometry(size: configuration.cycleSize, indexSpacing: configuration.indexSpacing)
        guard dataStart + JournalLayout.recordHeaderSize <= configuration.cycleSize else {
            throw InterprocessError(.invalidArgument, operation: operation, name: directory,
                                    reason: "a cycle of \(configuration.cycleSize) bytes leaves no room for records")
        }
        let openedAt = JournalFiles.now()
        func store<Value: FixedWidthInteger>(_ value: Value, _ offset: Int) {
            base.storeBytes(of: value.littleEndian, toByteOffset: offset, as: Value.self)
        }
        store(number, JournalLayout.cycleNumberOffset)
        store(firstSequence, JournalLayout.firstSequenceOffset)
        store(openedAt, JournalLayout.openedAtOffset)
        store(UInt32(configuration.indexSpacing), JournalLayout.cycleIndexSpacingOffset)
        store(UInt32(capacity), JournalLayout.indexCapacityOffset)
        store(UInt64(dataStart), JournalLayout.dataStartOffset)
        store(descriptionChecksum(base), JournalLayout.cycleChecksumOffset)
        var header = SegmentHeader(kind: .journalCycle, kindVersion: JournalLayout.cycleVersion, totalSize: configuration.cycleSize,
                                   creator: .current, createdAt: openedAt)
        header.state = SegmentHeader.State.ready.rawValue
        header.encodeAllButState(into: UnsafeMutableRawBufferPointer(start: base, count: SegmentHeader.size))
        JournalLayout.word32(base, SegmentHeader.Field.state.offset).pointee.store(1, ordering: .releasing)
        if configuration.durability != .memory {
            try file.region.flush(0..<dataStart)
        }
        if link(temporary, final) != 0 {
            throw InterprocessError.system(currentErrno, operation: operation, name: final)
        }
        return JournalCycle(file: file, path: final, number: number, firstSequence: firstSequence, openedAt: openedAt,
                            indexSpacing: configuration.indexSpacing, indexCapacity: capacity, dataStart: dataStart)
    }

    /// FNV-1a over the cycle's description (bytes 128..<168).
    private static func descriptionChecksum(_ base: UnsafeRawPointer) -> UInt64 {
        FNV1a.hash(UnsafeRawBufferPointer(start: base + JournalLayout.cycleDescriptionBytes.lowerBound,
                                          count: JournalLayout.cycleDescriptionBytes.count))
    }

    // MARK: Open

    /// Maps cycle `number` of the journal in `directory` and validates its header and
    /// description. `notFound` if it does not exist (retention may have removed it).
    static func open(
        directory: String, number: UInt64, writable: Bool, operation: String
    ) throws(InterprocessError) -> JournalCycle {
        let path = JournalFiles.cyclePath(directory, number)
        let file: MappedFile
        do {
            file = try MappedFile(open: FilePath(path), access: writable ? .readWrite : .readOnly)
        } catch {
            throw error.reported(as: operation)
        }
        let base = file.region.baseAddress
        let size = file.region.count
        func corrupt(_ reason: String) -> InterprocessError {
            InterprocessError(.corrupt, operation: operation, name: path, reason: reason)
        }
        switch SegmentValidation.check(prefix: UnsafeRawBufferPointer(start: base, count: min(size, SegmentHeader.size)),
                                       fileSize: size, name: path, operation: operation) {
        case .notYetWritten: throw corrupt("the cycle file has no header")
        case .invalid(let error, _): throw error
        case .valid(let header):
            try SegmentValidation.checkKind(header, kind: .journalCycle, kindVersion: JournalLayout.cycleVersion, name: path, operation: operation)
            guard header.state == SegmentHeader.State.ready.rawValue else { throw corrupt("the cycle file is not ready") }
        }
        guard size >= JournalLayout.indexOffset + 8 else { throw corrupt("the cycle file is \(size) bytes, too small") }
        func load<Value: FixedWidthInteger>(_ offset: Int, as: Value.Type) -> Value {
            Value(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: Value.self))
        }
        guard load(JournalLayout.cycleChecksumOffset, as: UInt64.self) == descriptionChecksum(base) else {
            throw corrupt("its description does not match its checksum")
        }
        let storedNumber = load(JournalLayout.cycleNumberOffset, as: UInt64.self)
        guard storedNumber == number else { throw corrupt("it says it is cycle \(storedNumber), but its name says \(number)") }
        let spacing = Int(load(JournalLayout.cycleIndexSpacingOffset, as: UInt32.self))
        guard JournalConfiguration.indexSpacingRange.contains(spacing), spacing & (spacing - 1) == 0 else {
            throw corrupt("its index spacing \(spacing) is not a power of two in \(JournalConfiguration.indexSpacingRange)")
        }
        let (capacity, dataStart) = geometry(size: size, indexSpacing: spacing)
        guard Int(load(JournalLayout.indexCapacityOffset, as: UInt32.self)) == capacity,
              load(JournalLayout.dataStartOffset, as: UInt64.self) == UInt64(dataStart),
              dataStart + JournalLayout.recordHeaderSize <= size else {
            throw corrupt("its index capacity and data start do not fit its size of \(size) bytes")
        }
        return JournalCycle(file: file, path: path, number: number, firstSequence: load(JournalLayout.firstSequenceOffset, as: UInt64.self),
                            openedAt: load(JournalLayout.openedAtOffset, as: UInt64.self),
                            indexSpacing: spacing, indexCapacity: capacity, dataStart: dataStart)
    }
}

#endif

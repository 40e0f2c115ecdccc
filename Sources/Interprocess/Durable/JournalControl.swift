#if os(Linux)
internal import SystemPackage
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A journal's control file mapped read-write, validated once at open: its configuration, the
/// writer's identity, the wake-up word tailers sleep on, and the named tailers' table. Also holds
/// this handle's own open file description of it, on which the writer's and the named tailers'
/// seats are OFD locks, so the kernel frees a seat when its process dies.
@usableFromInline
final class JournalControl: @unchecked Sendable {
    // @unchecked: an immutable mapping and descriptor; shared words are accessed atomically.

    let file: MappedFile
    let directory: String
    let configuration: JournalConfiguration
    let descriptor: Int32
    @usableFromInline let base: UnsafeMutableRawPointer

    /// The byte locked by the live writer; a named tailer's seat is byte `tailerSeat + slot`.
    static let writerSeat: Int64 = 0
    static let registrySeat: Int64 = 1
    static let tailerSeat: Int64 = 64

    private init(file: consuming MappedFile, directory: String, configuration: JournalConfiguration, descriptor: Int32) {
        self.base = file.region.baseAddress
        self.file = file
        self.directory = directory
        self.configuration = configuration
        self.descriptor = descriptor
    }

    deinit { OFDLock.unlockAndClose(descriptor) }

    /// The parking every tailer sleeps on and the writer wakes.
    @usableFromInline var parking: FutexParking {
        FutexParking(word: JournalLayout.word32(base, JournalLayout.wakeWordOffset),
                     waiters: JournalLayout.word32(base, JournalLayout.waitersOffset))
    }

    // MARK: Create and open

    /// Writes a new control file for `configuration` and publishes it (a hard link: exactly one
    /// of racing creators wins, and the name appears only when the file is whole).
    static func create(
        directory: String, configuration: JournalConfiguration, permissions: FilePermissions, operation: String
    ) throws(InterprocessError) -> JournalControl {
        let final = JournalFiles.controlPath(directory)
        let temporary = JournalFiles.temporaryPath(final)
        unlink(temporary)
        do {
            let file = try MappedFile(create: FilePath(temporary), size: JournalLayout.controlSize, permissions: permissions)
            let base = file.region.baseAddress
            write(configuration, into: base)
            var header = SegmentHeader(kind: .journalControl, kindVersion: 1, totalSize: JournalLayout.controlSize,
                                       creator: .current, createdAt: JournalFiles.now())
            header.state = SegmentHeader.State.ready.rawValue
            header.encodeAllButState(into: UnsafeMutableRawBufferPointer(start: base, count: SegmentHeader.size))
            JournalLayout.word32(base, SegmentHeader.Field.state.offset).pointee.store(1, ordering: .releasing)
        }
        defer { unlink(temporary) }
        if link(temporary, final) != 0 {
            throw InterprocessError.system(currentErrno, operation: operation, name: directory)
        }
        return try open(directory: directory, operation: operation)
    }

    /// Stores the configuration and its checksum.
    private static func write(_ configuration: JournalConfiguration, into base: UnsafeMutableRawPointer) {
        func store<Value: FixedWidthInteger>(_ value: Value, _ offset: Int) {
            base.storeBytes(of: value.littleEndian, toByteOffset: offset, as: Value.self)
        }
        store(UInt64(configuration.cycleSize), JournalLayout.cycleSizeOffset)
        store(configuration.rolling.nanoseconds, JournalLayout.rollPeriodOffset)
        store(UInt32(configuration.indexSpacing), JournalLayout.indexSpacingOffset)
        let durability = configuration.durability.encoded
        store(durability.kind, JournalLayout.durabilityKindOffset)
        store(durability.value, JournalLayout.durabilityValueOffset)
        let retention: (UInt32, UInt32) = switch configuration.retention {
        case .keepAll: (0, 0)
        case .delete(let kept): (1, UInt32(clamping: kept))
        case .archive(let kept, _): (2, UInt32(clamping: kept))
        }
        store(retention.0, JournalLayout.retentionKindOffset)
        store(retention.1, JournalLayout.retentionCountOffset)
        if case .archive(_, let path) = configuration.retention {
            let bytes = Array(path.string.utf8)
            for (index, byte) in bytes.enumerated() { base.storeBytes(of: byte, toByteOffset: JournalLayout.archivePathOffset + index, as: UInt8.self) }
        }
        store(configurationChecksum(base), JournalLayout.configurationChecksumOffset)
    }

    /// FNV-1a over the configuration and the archive path.
    private static func configurationChecksum(_ base: UnsafeMutableRawPointer) -> UInt64 {
        let configuration = UnsafeRawBufferPointer(start: base + JournalLayout.configurationBytes.lowerBound,
                                                   count: JournalLayout.configurationBytes.count)
        let archive = UnsafeRawBufferPointer(start: base + JournalLayout.archivePathOffset, count: JournalLayout.archivePathCapacity)
        return FNV1a.hash(Array(configuration) + Array(archive))
    }

    /// Opens and validates the control file of the journal in `directory`.
    static func open(directory: String, operation: String) throws(InterprocessError) -> JournalControl {
        let path = JournalFiles.controlPath(directory)
        let descriptor = try checkedValue(operation, name: directory) { Glibc.open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW) }
        do {
            let file = try MappedFile(open: FilePath(path), access: .readWrite)
            let configuration = try validate(file.region, name: directory, operation: operation)
            return JournalControl(file: file, directory: directory, configuration: configuration, descriptor: descriptor)
        } catch {
            close(descriptor)
            throw error.reported(as: operation)
        }
    }

    /// The one check of everything in the control file that is read as a size, count or path.
    private static func validate(
        _ region: borrowing MappedRegion, name: String, operation: String
    ) throws(InterprocessError) -> JournalConfiguration {
        let base = region.baseAddress
        let prefix = UnsafeRawBufferPointer(start: base, count: min(region.count, SegmentHeader.size))
        switch SegmentValidation.check(prefix: prefix, fileSize: region.count, name: name, operation: operation) {
        case .notYetWritten:
            throw InterprocessError(.corrupt, operation: operation, name: name, reason: "its control file has no header")
        case .invalid(let error, _): throw error
        case .valid(let header):
            try SegmentValidation.checkKind(header, kind: .journalControl, kindVersion: 1, name: name, operation: operation)
            guard header.totalSize == UInt64(JournalLayout.controlSize), header.state == SegmentHeader.State.ready.rawValue else {
                throw InterprocessError(.corrupt, operation: operation, name: name,
                                        reason: "its control file is \(header.totalSize) bytes in state \(header.state); expected \(JournalLayout.controlSize), ready")
            }
        }
        func load<Value: FixedWidthInteger>(_ offset: Int, as: Value.Type) -> Value {
            Value(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: Value.self))
        }
        func corrupt(_ reason: String) -> InterprocessError {
            InterprocessError(.corrupt, operation: operation, name: name, reason: reason)
        }
        guard load(JournalLayout.configurationChecksumOffset, as: UInt64.self) == configurationChecksum(base) else {
            throw corrupt("its configuration does not match its checksum")
        }
        guard let durability = JournalDurability(kind: load(JournalLayout.durabilityKindOffset, as: UInt32.self),
                                                 value: load(JournalLayout.durabilityValueOffset, as: UInt64.self)) else {
            throw corrupt("its durability kind is unknown")
        }
        let kept = Int(load(JournalLayout.retentionCountOffset, as: UInt32.self))
        let retention: JournalConfiguration.Retention
        switch load(JournalLayout.retentionKindOffset, as: UInt32.self) {
        case 0: retention = .keepAll
        case 1: retention = .delete(keepingLast: kept)
        case 2:
            let bytes = UnsafeRawBufferPointer(start: base + JournalLayout.archivePathOffset, count: JournalLayout.archivePathCapacity)
            retention = .archive(keepingLast: kept, to: FilePath(String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)))
        default: throw corrupt("its retention kind is unknown")
        }
        let configuration = JournalConfiguration(
            cycleSize: Int(clamping: load(JournalLayout.cycleSizeOffset, as: UInt64.self)),
            rolling: .init(nanoseconds: load(JournalLayout.rollPeriodOffset, as: UInt64.self)),
            indexSpacing: Int(load(JournalLayout.indexSpacingOffset, as: UInt32.self)),
            durability: durability, retention: retention)
        do {
            try configuration.validate(operation: operation, name: name)
        } catch {
            throw corrupt("its configuration is out of range: \(error.reason)")
        }
        return configuration
    }

    // MARK: Seats

    /// Takes the byte `seat` of the control file for this handle without waiting; false if
    /// another open file description (a live process, or another handle here) holds it.
    func tryTake(seat: Int64) throws(InterprocessError) -> Bool {
        if OFDLock.set(descriptor, type: Int32(F_WRLCK), start: seat, length: 1, wait: false) == 0 { return true }
        let error = currentErrno
        if error == .resourceTemporarilyUnavailable || error == .permissionDenied { return false }
        throw InterprocessError.system(error, operation: "lock journal seat", name: directory)
    }

    /// Gives the byte `seat` back.
    func release(seat: Int64) {
        _ = OFDLock.set(descriptor, type: Int32(F_UNLCK), start: seat, length: 1, wait: false)
    }

    /// Whether some open file description (other than this handle's) holds the byte `seat`.
    func isTaken(seat: Int64) -> Bool {
        var type = Int32(F_WRLCK)
        guard OFDLock.query(descriptor, type: &type, start: seat, length: 1) == 0 else { return true }
        return type != Int32(F_UNLCK)
    }

    /// Runs `body` holding the registry seat (waiting for it: registry changes take microseconds,
    /// and a dead holder's lock is dropped by the kernel).
    func withRegistry<Result>(_ body: () throws(InterprocessError) -> Result) throws(InterprocessError) -> Result {
        try checkedCall("lock journal registry", name: directory) {
            OFDLock.set(descriptor, type: Int32(F_WRLCK), start: JournalControl.registrySeat, length: 1, wait: true)
        }
        defer { release(seat: JournalControl.registrySeat) }
        return try body()
    }

    // MARK: Writer

    /// The identity the last writer recorded.
    var writer: ProcessIdentity {
        ProcessIdentity(pid: Int32(littleEndian: base.loadUnaligned(fromByteOffset: JournalLayout.writerPIDOffset, as: Int32.self)),
                        startTime: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: JournalLayout.writerStartTimeOffset, as: UInt64.self)),
                        pidNamespace: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: JournalLayout.writerNamespaceOffset, as: UInt32.self)))
    }

    /// Records the calling process as the writer, counting a takeover when another wrote before.
    func recordWriter() {
        let identity = ProcessIdentity.current
        if writer.pid != 0 {
            JournalLayout.word(base, JournalLayout.takeoversOffset).pointee.wrappingAdd(1, ordering: .relaxed)
        }
        base.storeBytes(of: identity.pid.littleEndian, toByteOffset: JournalLayout.writerPIDOffset, as: Int32.self)
        base.storeBytes(of: identity.pidNamespace.littleEndian, toByteOffset: JournalLayout.writerNamespaceOffset, as: UInt32.self)
        base.storeBytes(of: identity.startTime.littleEndian, toByteOffset: JournalLayout.writerStartTimeOffset, as: UInt64.self)
    }

    /// How many times a writer took the journal over from an earlier one.
    var takeovers: UInt64 { JournalLayout.word(base, JournalLayout.takeoversOffset).pointee.load(ordering: .relaxed) }
}
#endif

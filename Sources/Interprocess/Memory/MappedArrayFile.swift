#if os(Linux)
internal import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The file operations behind a ``MappedArray``: making a new file whole under a hidden name and
/// publishing it, the writer's lock, and positioned reads and writes of element ranges (what the
/// external sort and accesses outside the mapped window use).
enum MappedArrayFile {
    /// A hidden sibling of `path` (`.ipc-new.<pid>.<random>.<file>`) to build a file under.
    static func hiddenSibling(of path: FilePath, tag: String = PendingName.marker) -> String {
        let directory = path.removingLastComponent().string
        return (directory.isEmpty ? "" : directory + "/") + tag
            + "\(getpid()).\(UInt64.random(in: 0 ... .max)).\(path.lastComponent?.string ?? "array")"
    }

    /// Creates a new file at `path` exclusively (never following a planted link).
    static func createExclusive(
        _ path: String, permissions: FilePermissions, operation: String, name: String
    ) throws(InterprocessError) -> Int32 {
        let descriptor = try checkedValue(operation, name: name) {
            open(path, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, mode_t(permissions.rawValue))
        }
        do {
            // The mode exactly, whatever the umask.
            try checkedCall(operation, name: name) { fchmod(descriptor, mode_t(permissions.rawValue)) }
        } catch {
            close(descriptor)
            unlink(path)
            throw error
        }
        return descriptor
    }

    /// Takes the writer's lock: an open-file-description write lock on the header's writer word
    /// (the kernel drops it when the holder dies, so a killed writer never blocks the next one).
    ///
    /// - Throws: `alreadyExists` while another handle (in any process) has the file open for writing.
    static func lockWriter(_ descriptor: Int32, at offset: Int, operation: String, name: String,
                           holder: () -> String) throws(InterprocessError) {
        while OFDLock.set(descriptor, type: Int32(F_WRLCK), start: Int64(offset), length: 8, wait: false) != 0 {
            let error = currentErrno
            if error == .interrupted { continue }
            if error == .resourceTemporarilyUnavailable || error == .permissionDenied {
                throw InterprocessError(.alreadyExists, operation: operation, name: name,
                                        reason: "\(holder()) has it open for writing; an array has one writer at a time")
            }
            throw InterprocessError.system(error, operation: operation, name: name, reason: "taking the writer's lock failed")
        }
    }

    /// Reads exactly `count` bytes at `offset` (short reads continued).
    ///
    /// - Throws: `truncated` when the file ends first (someone shortened it), or the system's error.
    static func read(
        _ descriptor: Int32, into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int,
        operation: String, name: String
    ) throws(InterprocessError) {
        var done = 0
        while done < count {
            let got = try checkedValue(operation, name: name) {
                pread(descriptor, buffer + done, count - done, off_t(offset + done))
            }
            guard got > 0 else {
                throw InterprocessError(.truncated, operation: operation, name: name,
                                        reason: "the file ends before byte \(offset + count)")
            }
            done += got
        }
    }

    /// Writes exactly `count` bytes at `offset` (short writes continued).
    static func write(
        _ descriptor: Int32, from buffer: UnsafeRawPointer, count: Int, at offset: Int,
        operation: String, name: String
    ) throws(InterprocessError) {
        var done = 0
        while done < count {
            let wrote = try checkedValue(operation, name: name) {
                pwrite(descriptor, buffer + done, count - done, off_t(offset + done))
            }
            done += wrote
        }
    }

    /// Removes an array's file after checking that its header says it is one (a broken header
    /// is removed too, so it can be cleaned up; a file the library did not make is refused).
    static func remove(_ path: String) throws(InterprocessError) {
        let operation = "remove mapped array"
        let descriptor = try checkedValue(operation, name: path) { open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW) }
        defer { close(descriptor) }
        try SharedMemory.requireRegularFile(descriptor, operation: operation, name: path)
        switch try SegmentValidation.read(descriptor: descriptor, name: path, operation: operation).outcome {
        case .valid(let header):
            try SegmentValidation.checkKind(header, kind: .mappedArray, kindVersion: nil, name: path, operation: operation)
        case .invalid(let error, _) where error.code == .foreignSegment:
            throw error
        case .invalid, .notYetWritten:
            break
        }
        try checkedCall(operation, name: path) { unlink(path) }
    }
}
#endif

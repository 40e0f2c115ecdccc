public import SystemPackage

/// The one error type of the library: what failed, on which segment or file, and why.
///
/// Switch on ``code`` to handle a condition; print the error (``description``) to tell a person.
/// Where the failure came from the operating system, ``errno`` holds the value it returned.
///
/// ```swift
/// do {
///     let memory = try SharedMemory(open: "telemetry")
/// } catch let error as InterprocessError where error.code == .notFound {
///     // nobody has created it yet
/// }
/// ```
public struct InterprocessError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The conditions a caller may want to tell apart.
    public enum Code: String, Sendable, Hashable, Codable, CaseIterable {
        /// Creating something that already exists (a segment, a file).
        case alreadyExists
        /// Opening or removing something that does not exist.
        case notFound
        /// A segment name that breaks the naming rules (see ``SegmentName``).
        case invalidName
        /// An argument out of range (a zero or negative size, a window past the end of a file), or
        /// a path that is a directory or a symbolic link where links are not followed.
        case invalidArgument
        /// The operating system refused access (mode bits, another user, a read-only file system).
        case permissionDenied
        /// A write through a mapping or handle that was opened read-only.
        case readOnly
        /// Not enough free space in the file system (for shared memory: `/dev/shm`) or memory.
        case insufficientSpace
        /// A per-process or system limit was reached (open files, locked memory, mappings).
        case resourceLimit
        /// The segment exists but was not created by this library (its magic number is not ours),
        /// or the name is not a regular file (a FIFO or device planted under it).
        case foreignSegment
        /// The segment is shorter than its header says, or too short to hold a header.
        case truncated
        /// The segment's header or body failed validation: a bad checksum, impossible sizes.
        case corrupt
        /// The segment's layout version is one this library does not read.
        case incompatibleVersion
        /// The segment is of another kind than the one asked for (a queue opened as a mutex).
        case wrongKind
        /// An existing segment's size does not match the size that was asked for.
        case sizeMismatch
        /// A deadline passed before the operation could complete.
        case timedOut
        /// The process that was creating the segment died before it finished initializing it.
        case creatorDied
        /// A peer process died while it held a resource this operation needed.
        case peerDied
        /// A lock's previous owner died while holding it, and the caller chose not to (or could
        /// not) repair the state it protects.
        case ownerDied
        /// A lock whose owner died was released without being marked consistent: the state it
        /// protects cannot be trusted, and every further attempt to take it fails.
        case notRecoverable
        /// Any other failure reported by the operating system; see ``InterprocessError/errno``.
        case systemError
    }

    /// Which condition occurred.
    public var code: Code
    /// What was being done, as a short phrase: "create shared memory", "open segment".
    public var operation: String
    /// The segment name or file path involved, if any.
    public var name: String?
    /// The operating-system error behind this one, if any.
    public var errno: Errno?
    /// What was found and, where it helps, what was expected.
    public var reason: String

    /// Creates an error; prefer the library's throwing APIs, which fill every field.
    public init(_ code: Code, operation: String, name: String? = nil, errno: Errno? = nil, reason: String) {
        self.code = code
        self.operation = operation
        self.name = name
        self.errno = errno
        self.reason = reason
    }

    /// One sentence for a person: "Could not open shared memory 'jobs': it does not exist (errno 2)."
    public var description: String {
        var text = "Could not \(operation)"
        if let name { text += " '\(name)'" }
        text += ": \(reason)"
        if let errno { text += " (\(errno), errno \(errno.rawValue))" }
        if !text.hasSuffix(".") { text += "." }
        return text
    }
}

extension InterprocessError {
    /// Maps an errno from the operating system to the matching code, with a plain reason.
    static func system(_ errno: Errno, operation: String, name: String? = nil, reason: String? = nil) -> InterprocessError {
        let code: Code
        let defaultReason: String
        switch errno {
        case .fileExists:
            (code, defaultReason) = (.alreadyExists, "it already exists")
        case .noSuchFileOrDirectory:
            (code, defaultReason) = (.notFound, "it does not exist")
        case .permissionDenied, .notPermitted:
            (code, defaultReason) = (.permissionDenied, "permission denied")
        case .readOnlyFileSystem:
            (code, defaultReason) = (.permissionDenied, "the file system is read-only")
        case .noSpace:
            (code, defaultReason) = (.insufficientSpace, "no space left on the device")
        case .diskQuotaExceeded:
            (code, defaultReason) = (.insufficientSpace, "the disk quota is exceeded")
        case .notDirectory:
            (code, defaultReason) = (.notFound, "a component of the path is not a directory")
        case .isDirectory:
            (code, defaultReason) = (.invalidArgument, "it is a directory")
        case .noMemory:
            (code, defaultReason) = (.resourceLimit, "out of memory or over a memory limit")
        case .tooManyOpenFiles, .tooManyOpenFilesInSystem:
            (code, defaultReason) = (.resourceLimit, "too many open files")
        case .fileNameTooLong:
            (code, defaultReason) = (.invalidName, "the name is too long")
        case .invalidArgument:
            (code, defaultReason) = (.invalidArgument, "the system rejected an argument")
        case .timedOut:
            (code, defaultReason) = (.timedOut, "the deadline passed")
        case .tooManySymbolicLinkLevels:
            (code, defaultReason) = (.invalidArgument, "it is a symbolic link, which is not followed here, or a loop of links")
        case .fileTooLarge:
            (code, defaultReason) = (.invalidArgument, "the size is larger than the system allows")
        default:
            (code, defaultReason) = (.systemError, "the system call failed")
        }
        return InterprocessError(code, operation: operation, name: name, errno: errno, reason: reason ?? defaultReason)
    }
}

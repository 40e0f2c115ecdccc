#if os(Linux)
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

    /// The same failure reported as part of a larger operation, so that the message speaks of
    /// what the caller made: a queue whose segment could not be created reads "Could not create
    /// queue 'ticks': …", not "Could not create shared memory 'ticks': …". The code, name, errno
    /// and reason are kept.
    public func reported(as operation: String) -> InterprocessError {
        var error = self
        error.operation = operation
        return error
    }

    /// One sentence for a person: "Could not open queue 'jobs': it does not exist (errno 2)."
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
#endif

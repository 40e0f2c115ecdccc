#if os(Linux)
extension InterprocessError {
    /// The conditions a caller may want to tell apart.
    ///
    /// A struct with static members rather than an enum (as swift-system's `Errno`), so that
    /// later versions can add codes without breaking a `switch` in code that uses the library:
    ///
    /// ```swift
    /// switch error.code {
    /// case .notFound: createIt()
    /// case .timedOut: retryLater()
    /// default: throw error
    /// }
    /// ```
    public struct Code: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        /// The code's stable name, as printed and as written in JSON ("notFound").
        public let rawValue: String

        /// The code with this name; any string is accepted, so that codes written by a newer
        /// version of the library still decode.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The code's name.
        public var description: String { rawValue }

        /// Every code this version of the library produces.
        public static let known: [Code] = [
            .alreadyExists, .notFound, .invalidName, .invalidArgument, .permissionDenied, .readOnly,
            .insufficientSpace, .resourceLimit, .foreignSegment, .truncated, .corrupt,
            .incompatibleVersion, .wrongKind, .incompatibleConfiguration, .timedOut, .cancelled,
            .creatorDied, .peerDied, .ownerDied, .notRecoverable, .systemError,
        ]

        /// Creating something that already exists (a segment, a queue, a file).
        public static let alreadyExists = Code(rawValue: "alreadyExists")
        /// Opening or removing something that does not exist.
        public static let notFound = Code(rawValue: "notFound")
        /// A name that breaks the naming rules (see ``SegmentName``).
        public static let invalidName = Code(rawValue: "invalidName")
        /// An argument out of range (a zero or negative size, a window past the end of a file), or
        /// a path that is a directory or a symbolic link where links are not followed.
        public static let invalidArgument = Code(rawValue: "invalidArgument")
        /// The operating system refused access (mode bits, another user, a read-only file system).
        public static let permissionDenied = Code(rawValue: "permissionDenied")
        /// A write through a mapping or handle that was opened read-only.
        public static let readOnly = Code(rawValue: "readOnly")
        /// Not enough free space in the file system (for shared memory: `/dev/shm`) or memory.
        public static let insufficientSpace = Code(rawValue: "insufficientSpace")
        /// A per-process or system limit was reached (open files, locked memory, mappings, threads).
        public static let resourceLimit = Code(rawValue: "resourceLimit")
        /// The segment exists but was not created by this library (its magic number is not ours),
        /// or the name is not a regular file (a FIFO or device planted under it).
        public static let foreignSegment = Code(rawValue: "foreignSegment")
        /// The segment is shorter than its header says, or too short to hold a header.
        public static let truncated = Code(rawValue: "truncated")
        /// The segment's header or body failed validation: a bad checksum, impossible sizes, a
        /// shared word that a correct peer could never have written.
        public static let corrupt = Code(rawValue: "corrupt")
        /// The segment's layout version is one this library does not read.
        public static let incompatibleVersion = Code(rawValue: "incompatibleVersion")
        /// The segment is of another kind than the one asked for (a queue opened as a mutex), or a
        /// managed segment's named object was looked up under another type.
        public static let wrongKind = Code(rawValue: "wrongKind")
        /// `openOrCreate` found an existing object whose configuration (size, capacity, record
        /// size, mode, maximum) differs from the one asked for; the reason names the field.
        public static let incompatibleConfiguration = Code(rawValue: "incompatibleConfiguration")
        /// A deadline passed before the operation could complete.
        public static let timedOut = Code(rawValue: "timedOut")
        /// The task waiting for the operation was cancelled.
        public static let cancelled = Code(rawValue: "cancelled")
        /// The process that was creating the segment died before it finished initializing it.
        public static let creatorDied = Code(rawValue: "creatorDied")
        /// A peer process died while it held a resource this operation needed.
        public static let peerDied = Code(rawValue: "peerDied")
        /// A lock's previous owner died while holding it, and the caller chose not to (or could
        /// not) repair the state it protects.
        public static let ownerDied = Code(rawValue: "ownerDied")
        /// A lock whose owner died was released without being marked consistent: the state it
        /// protects cannot be trusted, and every further attempt to take it fails.
        public static let notRecoverable = Code(rawValue: "notRecoverable")
        /// Any other failure reported by the operating system; see ``InterprocessError/errno``.
        public static let systemError = Code(rawValue: "systemError")
    }
}
#endif

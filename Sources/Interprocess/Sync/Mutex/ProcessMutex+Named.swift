#if os(Linux)
public import SystemPackage

extension ProcessMutex: NamedPrimitive {
    /// The layout version of a named mutex's body (its segment's `kindVersion`).
    static let kindVersion: UInt32 = 2
    static var noun: String { "mutex" }
    static var segmentKind: SegmentKind { .mutex }
    static var bodyVersion: UInt32 { kindVersion }

    /// Creates a named mutex: a segment of kind ``SegmentKind/mutex`` that holds one placed mutex,
    /// initialized before the name appears. The segment stays mapped while the handle lives.
    ///
    /// - Parameters:
    ///   - name: the name (see ``SegmentName``).
    ///   - recursive: whether the owning thread may lock it again (counted).
    ///   - permissions: the segment's mode; default `0600`.
    ///   - lifetime: whether the name outlives this handle (default ``Lifetime/persistent``).
    /// - Throws: ``InterprocessError`` `alreadyExists`, `invalidName`, `permissionDenied`,
    ///   `insufficientSpace` (reported as "create mutex").
    public init(
        create name: String, recursive: Bool = false, permissions: FilePermissions = .ownerReadWrite,
        lifetime: Lifetime = .persistent
    ) throws(InterprocessError) {
        try self.init(creating: name, permissions: permissions, lifetime: lifetime) { address throws(InterprocessError) in
            try ProcessMutex.initialize(at: address, recursive: recursive)
        }
    }

    /// Opens a named mutex that exists now.
    ///
    /// - Throws: ``InterprocessError`` `notFound` at once if there is none; `wrongKind` (a
    ///   segment of another kind), `incompatibleVersion`, `corrupt`, `permissionDenied`.
    public init(open name: String) throws(InterprocessError) {
        try self.init(opening: name, until: .now)
    }

    /// Opens a named mutex, waiting until `deadline` for it to appear (processes may start in
    /// any order).
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` if it did not appear in time; otherwise as
    ///   ``init(open:)``.
    public init(open name: String, until deadline: Deadline) throws(InterprocessError) {
        try self.init(opening: name, until: deadline)
    }

    /// Opens a named mutex, waiting up to `timeout` for it to appear; see ``init(open:until:)``.
    public init(open name: String, timeout: Duration) throws(InterprocessError) {
        try self.init(opening: name, until: .after(timeout))
    }

    /// Opens the named mutex if it exists, or creates it; two processes racing end up with one.
    /// ``wasCreated`` tells which happened.
    ///
    /// - Throws: ``InterprocessError/Code/incompatibleConfiguration`` if it exists and its
    ///   recursiveness is not `recursive`; otherwise as ``init(create:recursive:permissions:lifetime:)``
    ///   and ``init(open:)``.
    public init(
        openOrCreate name: String, recursive: Bool = false, permissions: FilePermissions = .ownerReadWrite,
        lifetime: Lifetime = .persistent
    ) throws(InterprocessError) {
        let opened = try ProcessMutex(openingOrCreating: name, permissions: permissions, lifetime: lifetime) { address throws(InterprocessError) in
            try ProcessMutex.initialize(at: address, recursive: recursive)
        }
        guard opened.isRecursive == recursive else {
            throw ProcessMutex.incompatible("recursiveness", name: name,
                                            reason: "it exists \(opened.isRecursive ? "recursive" : "non-recursive"), and a \(recursive ? "recursive" : "non-recursive") one was asked for")
        }
        self = opened
    }

    /// Removes a named mutex's name; handles already open keep working.
    ///
    /// - Throws: ``InterprocessError/Code/notFound`` if there is none;
    ///   ``InterprocessError/Code/wrongKind`` if the name holds another kind of segment (the header
    ///   is read first; a segment removed and created again as another kind in between is removed)
    public static func remove(_ name: String) throws(InterprocessError) {
        try removeNamed(name)
    }

    /// Whether this handle created the named mutex (false for a placed one, or one opened).
    public var wasCreated: Bool {
        switch segment {
        case .some(let segment): segment.wasCreated
        case .none: false
        }
    }
}
#endif

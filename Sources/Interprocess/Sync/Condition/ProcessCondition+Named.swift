#if os(Linux)
public import SystemPackage

extension ProcessCondition: NamedPrimitive {
    /// The layout version of a named condition's body (its segment's `kindVersion`).
    static let kindVersion: UInt32 = 1
    static var noun: String { "condition" }
    static var segmentKind: SegmentKind { .condition }
    static var bodyVersion: UInt32 { kindVersion }

    /// Creates a named condition: a segment of kind ``SegmentKind/condition`` that holds one
    /// placed condition, initialized before the name appears.
    ///
    /// - Parameters:
    ///   - name: the name (see ``SegmentName``).
    ///   - permissions: the segment's mode; default `0600`.
    ///   - lifetime: whether the name outlives this handle (default ``Lifetime/persistent``).
    /// - Throws: ``InterprocessError`` `alreadyExists`, `invalidName`, `permissionDenied`,
    ///   `insufficientSpace` (reported as "create condition").
    public init(create name: String, permissions: FilePermissions = .ownerReadWrite, lifetime: Lifetime = .persistent) throws(InterprocessError) {
        try self.init(creating: name, permissions: permissions, lifetime: lifetime) { address throws(InterprocessError) in
            try ProcessCondition.initialize(at: address)
        }
    }

    /// Opens a named condition that exists now.
    ///
    /// - Throws: ``InterprocessError`` `notFound` at once if there is none; `wrongKind`,
    ///   `incompatibleVersion`, `corrupt`, `permissionDenied`.
    public init(open name: String) throws(InterprocessError) {
        try self.init(opening: name, until: .now)
    }

    /// Opens a named condition, waiting until `deadline` for it to appear.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` if it did not appear in time; otherwise as
    ///   ``init(open:)``.
    public init(open name: String, until deadline: Deadline) throws(InterprocessError) {
        try self.init(opening: name, until: deadline)
    }

    /// Opens a named condition, waiting up to `timeout` for it to appear; see ``init(open:until:)``.
    public init(open name: String, timeout: Duration) throws(InterprocessError) {
        try self.init(opening: name, until: .after(timeout))
    }

    /// Opens the named condition if it exists, or creates it; two processes racing end up with
    /// one. ``wasCreated`` tells which happened.
    public init(openOrCreate name: String, permissions: FilePermissions = .ownerReadWrite, lifetime: Lifetime = .persistent) throws(InterprocessError) {
        try self.init(openingOrCreating: name, permissions: permissions, lifetime: lifetime) { address throws(InterprocessError) in
            try ProcessCondition.initialize(at: address)
        }
    }

    /// Removes a named condition's name; handles already open keep working.
    ///
    /// - Throws: ``InterprocessError/Code/notFound`` if there is none;
    ///   ``InterprocessError/Code/wrongKind`` if the name holds another kind of segment (the header
    ///   is read first; a segment removed and created again as another kind in between is removed)
    public static func remove(_ name: String) throws(InterprocessError) {
        try removeNamed(name)
    }

    /// Whether this handle created the named condition (false for a placed one, or one opened).
    public var wasCreated: Bool {
        switch segment {
        case .some(let segment): segment.wasCreated
        case .none: false
        }
    }
}
#endif

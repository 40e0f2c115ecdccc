#if os(Linux)
public import SystemPackage

extension ProcessSemaphore: NamedPrimitive {
    static var noun: String { "semaphore" }
    static var segmentKind: SegmentKind { .semaphore }
    static var bodyVersion: UInt32 { layoutVersion }

    /// Creates a named semaphore: a segment of kind ``SegmentKind/semaphore`` whose body holds
    /// the placed layout, initialized before the name appears.
    ///
    /// - Parameters:
    ///   - name: the segment's name (see ``SegmentName``).
    ///   - initialCount: the units available at first, from 0 to `maximumCount`.
    ///   - maximumCount: the largest the count may become, from 1 to ``maximumCountLimit``.
    ///   - permissions: the segment's mode; default `0600`.
    ///   - lifetime: whether the name outlives this handle (default ``Lifetime/persistent``).
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for counts out of range;
    ///   `alreadyExists`, `invalidName`, `permissionDenied`, `insufficientSpace` (reported as
    ///   "create semaphore").
    public init(
        create name: String,
        initialCount: Int = 0,
        maximumCount: Int = ProcessSemaphore.maximumCountLimit,
        permissions: FilePermissions = .ownerReadWrite,
        lifetime: Lifetime = .persistent
    ) throws(InterprocessError) {
        let (initial, maximum) = try ProcessSemaphore.checkCounts(initialCount, maximumCount, operation: "create semaphore", name: name)
        try self.init(creating: name, permissions: permissions, lifetime: lifetime) { address in
            ProcessSemaphore.writeLayout(at: address, initialCount: initial, maximumCount: maximum)
        }
    }

    /// Opens a named semaphore that exists now.
    ///
    /// - Throws: ``InterprocessError`` `notFound` at once if there is none; `wrongKind`,
    ///   `incompatibleVersion`, `corrupt`, `permissionDenied`.
    public init(open name: String) throws(InterprocessError) {
        try self.init(opening: name, until: .now)
    }

    /// Opens a named semaphore, waiting until `deadline` for it to appear.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` if it did not appear in time; otherwise as
    ///   ``init(open:)``.
    public init(open name: String, until deadline: Deadline) throws(InterprocessError) {
        try self.init(opening: name, until: deadline)
    }

    /// Opens a named semaphore, waiting up to `timeout` for it to appear; see ``init(open:until:)``.
    public init(open name: String, timeout: Duration) throws(InterprocessError) {
        try self.init(opening: name, until: .after(timeout))
    }

    /// Opens the named semaphore if it exists, or creates it with `initialCount` units; two
    /// processes racing end up with one. ``wasCreated`` tells which happened.
    ///
    /// - Throws: ``InterprocessError/Code/incompatibleConfiguration`` if it exists with another
    ///   maximum count; otherwise as ``init(create:initialCount:maximumCount:permissions:lifetime:)``
    ///   and ``init(open:)``.
    public init(
        openOrCreate name: String,
        initialCount: Int = 0,
        maximumCount: Int = ProcessSemaphore.maximumCountLimit,
        permissions: FilePermissions = .ownerReadWrite,
        lifetime: Lifetime = .persistent
    ) throws(InterprocessError) {
        let (initial, maximum) = try ProcessSemaphore.checkCounts(initialCount, maximumCount, operation: "open or create semaphore", name: name)
        let opened = try ProcessSemaphore(openingOrCreating: name, permissions: permissions, lifetime: lifetime) { address in
            ProcessSemaphore.writeLayout(at: address, initialCount: initial, maximumCount: maximum)
        }
        guard opened.maximum == maximum else {
            throw ProcessSemaphore.incompatible("maximum count", name: name,
                                                reason: "it exists with \(opened.maximum), and \(maximum) was asked for")
        }
        self = opened
    }

    /// Removes a named semaphore's name; handles already open keep working.
    ///
    /// - Throws: ``InterprocessError/Code/notFound`` if there is none;
    ///   ``InterprocessError/Code/wrongKind`` if the name holds another kind of segment (the header
    ///   is read first; a segment removed and created again as another kind in between is removed)
    public static func remove(_ name: String) throws(InterprocessError) {
        try removeNamed(name)
    }

    /// Whether this handle created the named semaphore (false for a placed one, or one opened).
    public var wasCreated: Bool {
        switch segment {
        case .some(let segment): segment.wasCreated
        case .none: false
        }
    }
}
#endif

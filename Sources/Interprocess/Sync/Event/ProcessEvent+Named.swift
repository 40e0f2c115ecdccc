#if os(Linux)
public import SystemPackage

extension ProcessEvent: NamedPrimitive {
    static var noun: String { "event" }
    static var segmentKind: SegmentKind { .event }
    static var bodyVersion: UInt32 { layoutVersion }

    /// Creates a named event: a segment of kind ``SegmentKind/event`` whose body holds the placed
    /// layout, initialized before the name appears.
    ///
    /// - Parameters:
    ///   - name: the segment's name (see ``SegmentName``).
    ///   - mode: auto-reset (one waiter per set) or manual-reset (all waiters, stays set).
    ///   - initiallySet: whether the event starts set.
    ///   - permissions: the segment's mode; default `0600`.
    ///   - lifetime: whether the name outlives this handle (default ``Lifetime/persistent``).
    /// - Throws: ``InterprocessError/Code/alreadyExists``, `invalidName`, `permissionDenied`,
    ///   `insufficientSpace` (reported as "create event").
    public init(
        create name: String,
        mode: Mode,
        initiallySet: Bool = false,
        permissions: FilePermissions = .ownerReadWrite,
        lifetime: Lifetime = .persistent
    ) throws(InterprocessError) {
        try self.init(creating: name, permissions: permissions, lifetime: lifetime) { address in
            ProcessEvent.writeLayout(at: address, mode: mode, initiallySet: initiallySet)
        }
    }

    /// Opens a named event that exists now; its mode is the one it was created with.
    ///
    /// - Throws: ``InterprocessError`` `notFound` at once if there is none; `wrongKind`,
    ///   `incompatibleVersion`, `corrupt`, `permissionDenied`.
    public init(open name: String) throws(InterprocessError) {
        try self.init(opening: name, until: .now)
    }

    /// Opens a named event, waiting until `deadline` for it to appear.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` if it did not appear in time; otherwise as
    ///   ``init(open:)``.
    public init(open name: String, until deadline: Deadline) throws(InterprocessError) {
        try self.init(opening: name, until: deadline)
    }

    /// Opens a named event, waiting up to `timeout` for it to appear; see ``init(open:until:)``.
    public init(open name: String, timeout: Duration) throws(InterprocessError) {
        try self.init(opening: name, until: .after(timeout))
    }

    /// Opens the named event if it exists, or creates it; two processes racing end up with one.
    /// ``wasCreated`` tells which happened.
    ///
    /// - Throws: ``InterprocessError/Code/incompatibleConfiguration`` if it exists with another
    ///   mode; otherwise as ``init(create:mode:initiallySet:permissions:lifetime:)`` and ``init(open:)``.
    public init(
        openOrCreate name: String,
        mode: Mode,
        initiallySet: Bool = false,
        permissions: FilePermissions = .ownerReadWrite,
        lifetime: Lifetime = .persistent
    ) throws(InterprocessError) {
        let opened = try ProcessEvent(openingOrCreating: name, permissions: permissions, lifetime: lifetime) { address in
            ProcessEvent.writeLayout(at: address, mode: mode, initiallySet: initiallySet)
        }
        guard opened.mode == mode else {
            throw ProcessEvent.incompatible("mode", name: name, reason: "it exists \(opened.mode), and \(mode) was asked for")
        }
        self = opened
    }

    /// Removes a named event's name; handles already open keep working.
    ///
    /// - Throws: ``InterprocessError/Code/notFound`` if there is none;
    ///   ``InterprocessError/Code/wrongKind`` if the name holds another kind of segment (the header
    ///   is read first; a segment removed and created again as another kind in between is removed)
    public static func remove(_ name: String) throws(InterprocessError) {
        try removeNamed(name)
    }

    /// Whether this handle created the named event (false for a placed one, or one opened).
    public var wasCreated: Bool {
        switch segment {
        case .some(let segment): segment.wasCreated
        case .none: false
        }
    }
}
#endif

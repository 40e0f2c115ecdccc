public import SystemPackage

extension ProcessEvent {
    /// Creates a named event: a segment of kind ``SegmentKind/event`` whose body holds the placed
    /// layout, initialized before any other process can open it.
    ///
    /// The segment stays until ``remove(_:)``; this handle keeps it mapped while it lives.
    ///
    /// - Parameters:
    ///   - name: the segment's name (see ``SegmentName``).
    ///   - mode: auto-reset (one waiter per set) or manual-reset (all waiters, stays set).
    ///   - initiallySet: whether the event starts set.
    ///   - permissions: the segment's mode; default `0600`.
    /// - Throws: ``InterprocessError/Code/alreadyExists``, `invalidName`, `permissionDenied`,
    ///   `insufficientSpace` as ``Segment/init(create:kind:kindVersion:bodySize:permissions:lifetime:initialize:)`` does.
    public init(
        create name: String,
        mode: Mode,
        initiallySet: Bool = false,
        permissions: FilePermissions = .ownerReadWrite
    ) throws(InterprocessError) {
        let segment: Segment
        do {
            segment = try Segment(create: name, kind: .event, kindVersion: ProcessEvent.layoutVersion,
                                  bodySize: ProcessEvent.size, permissions: permissions) { body in
                ProcessEvent.writeLayout(at: body.baseAddress!, mode: mode, initiallySet: initiallySet)
            }
        } catch let error as InterprocessError {
            throw error
        } catch {
            throw InterprocessError(.systemError, operation: "create an event", name: name, reason: "\(error)")
        }
        let base = segment.body.baseAddress!
        try self.init(validating: base, name: name, segment: segment)
    }

    /// Opens a named event another process created, waiting up to `timeout` for its creator to
    /// finish initializing it. The mode is the one it was created with.
    ///
    /// - Throws: ``InterprocessError/Code/notFound``; `wrongKind` when the segment holds
    ///   something else; `incompatibleVersion` for an event of another layout version;
    ///   `truncated` or `corrupt` for a damaged one; `creatorDied`, `timedOut`, `permissionDenied`.
    public init(open name: String, timeout: Duration = .zero) throws(InterprocessError) {
        let segment = try Segment(open: name, kind: .event, kindVersion: ProcessEvent.layoutVersion, timeout: timeout)
        guard segment.body.count >= ProcessEvent.size else {
            throw InterprocessError(.truncated, operation: "open an event", name: name,
                                    reason: "its body has \(segment.body.count) bytes; an event needs \(ProcessEvent.size)")
        }
        let base = segment.body.baseAddress!
        try self.init(validating: base, name: name, segment: segment)
    }

    /// Removes a named event's name; processes that have it open keep using it.
    ///
    /// - Throws: ``InterprocessError/Code/notFound`` if there is no segment of that name.
    public static func remove(_ name: String) throws(InterprocessError) {
        try Segment.remove(name)
    }
}

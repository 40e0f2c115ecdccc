public import SystemPackage

extension ProcessRWLock {
    /// Creates a named lock: a segment of kind ``SegmentKind/rwLock`` whose body holds the placed
    /// layout, initialized before any other process can open it.
    ///
    /// The segment stays until ``remove(_:)``; this handle keeps it mapped while it lives.
    ///
    /// - Throws: ``InterprocessError/Code/alreadyExists``, `invalidName`, `permissionDenied`,
    ///   `insufficientSpace` as ``Segment/init(create:kind:kindVersion:bodySize:permissions:lifetime:initialize:)`` does.
    public init(create name: String, permissions: FilePermissions = .ownerReadWrite) throws(InterprocessError) {
        let segment: Segment
        do {
            segment = try Segment(create: name, kind: .rwLock, kindVersion: RWLockLayout.version,
                                  bodySize: RWLockLayout.size, permissions: permissions) { body in
                RWLockLayout.write(at: body.baseAddress!)
            }
        } catch let error as InterprocessError {
            throw error
        } catch {
            throw InterprocessError(.systemError, operation: "create a reader-writer lock", name: name, reason: "\(error)")
        }
        let base = segment.body.baseAddress!
        try self.init(validating: base, name: name, segment: segment)
    }

    /// Opens a named lock another process created, waiting up to `timeout` for its creator to
    /// finish initializing it.
    ///
    /// - Throws: ``InterprocessError/Code/notFound``; `wrongKind` when the segment holds
    ///   something else; `incompatibleVersion` for a lock of another layout version;
    ///   `truncated` or `corrupt` for a damaged one; `creatorDied`, `timedOut`, `permissionDenied`.
    public init(open name: String, timeout: Duration = .zero) throws(InterprocessError) {
        let segment = try Segment(open: name, kind: .rwLock, kindVersion: RWLockLayout.version, timeout: timeout)
        guard segment.body.count >= RWLockLayout.size else {
            throw InterprocessError(.truncated, operation: "open a reader-writer lock", name: name,
                                    reason: "its body has \(segment.body.count) bytes; a reader-writer lock needs \(RWLockLayout.size)")
        }
        let base = segment.body.baseAddress!
        try self.init(validating: base, name: name, segment: segment)
    }

    /// Removes a named lock's name; processes that have it open keep using it.
    ///
    /// - Throws: ``InterprocessError/Code/notFound`` if there is no segment of that name.
    public static func remove(_ name: String) throws(InterprocessError) {
        try Segment.remove(name)
    }
}

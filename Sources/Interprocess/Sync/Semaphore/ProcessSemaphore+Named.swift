public import SystemPackage

extension ProcessSemaphore {
    /// Creates a named semaphore: a segment of kind ``SegmentKind/semaphore`` whose body holds
    /// the placed layout, initialized before any other process can open it.
    ///
    /// The segment stays until ``remove(_:)``; this handle keeps it mapped while it lives.
    ///
    /// - Parameters:
    ///   - name: the segment's name (see ``SegmentName``).
    ///   - initialCount: the units available at first, from 0 to `maximumCount`.
    ///   - maximumCount: the largest the count may become, from 1 to ``maximumCountLimit``.
    ///   - permissions: the segment's mode; default `0600`.
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for counts out of range;
    ///   `alreadyExists`, `invalidName`, `permissionDenied`, `insufficientSpace` as
    ///   ``Segment/init(create:kind:kindVersion:bodySize:permissions:lifetime:initialize:)`` does.
    public init(
        create name: String,
        initialCount: Int = 0,
        maximumCount: Int = ProcessSemaphore.maximumCountLimit,
        permissions: FilePermissions = .ownerReadWrite
    ) throws(InterprocessError) {
        let (initial, maximum) = try ProcessSemaphore.checkCounts(
            initialCount, maximumCount, operation: "create a semaphore", name: name)
        let segment: Segment
        do {
            segment = try Segment(create: name, kind: .semaphore, kindVersion: ProcessSemaphore.layoutVersion,
                                  bodySize: ProcessSemaphore.size, permissions: permissions) { body in
                ProcessSemaphore.writeLayout(at: body.baseAddress!, initialCount: initial, maximumCount: maximum)
            }
        } catch let error as InterprocessError {
            throw error
        } catch {
            throw InterprocessError(.systemError, operation: "create a semaphore", name: name, reason: "\(error)")
        }
        let base = segment.body.baseAddress!
        try self.init(validating: base, name: name, segment: segment)
    }

    /// Opens a named semaphore another process created, waiting up to `timeout` for its creator
    /// to finish initializing it.
    ///
    /// - Throws: ``InterprocessError/Code/notFound``; `wrongKind` when the segment holds
    ///   something else; `incompatibleVersion` for a semaphore of another layout version;
    ///   `truncated` or `corrupt` for a damaged one; `creatorDied`, `timedOut`, `permissionDenied`.
    public init(open name: String, timeout: Duration = .zero) throws(InterprocessError) {
        let segment = try Segment(open: name, kind: .semaphore, kindVersion: ProcessSemaphore.layoutVersion, timeout: timeout)
        guard segment.body.count >= ProcessSemaphore.size else {
            throw InterprocessError(.truncated, operation: "open a semaphore", name: name,
                                    reason: "its body has \(segment.body.count) bytes; a semaphore needs \(ProcessSemaphore.size)")
        }
        let base = segment.body.baseAddress!
        try self.init(validating: base, name: name, segment: segment)
    }

    /// Removes a named semaphore's name; processes that have it open keep using it.
    ///
    /// - Throws: ``InterprocessError/Code/notFound`` if there is no segment of that name.
    public static func remove(_ name: String) throws(InterprocessError) {
        try Segment.remove(name)
    }
}

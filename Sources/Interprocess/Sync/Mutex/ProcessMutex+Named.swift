public import SystemPackage

extension ProcessMutex {
    /// The layout version of a named mutex's body (its segment's `kindVersion`).
    static let kindVersion: UInt32 = 2

    /// Creates a named mutex: a segment of kind ``SegmentKind/mutex`` that holds one placed mutex.
    /// The segment stays mapped while the handle lives, and exists until ``remove(_:)``.
    ///
    /// - Throws: ``InterprocessError`` as ``Segment/init(create:kind:kindVersion:bodySize:permissions:lifetime:initialize:)``
    ///   does (`alreadyExists`, `invalidName`, ...), or as ``initialize(at:recursive:)`` does.
    public init(create name: String, recursive: Bool = false, permissions: FilePermissions = .ownerReadWrite) throws(InterprocessError) {
        let segment: Segment
        do {
            segment = try Segment(create: name, kind: .mutex, kindVersion: ProcessMutex.kindVersion,
                                  bodySize: ProcessMutex.size, permissions: permissions) { body in
                try ProcessMutex.initialize(at: body.baseAddress!, recursive: recursive)
            }
        } catch {
            throw InterprocessError.wrapping(error, operation: "create mutex", name: name)
        }
        let address = segment.body.baseAddress!
        try self.init(validating: address, segment: segment, name: name)
    }

    /// Opens a named mutex that ``init(create:recursive:permissions:)`` made, in this or another
    /// process, waiting up to `timeout` for its creator to finish initializing it.
    ///
    /// - Throws: ``InterprocessError`` as ``Segment/init(open:kind:kindVersion:access:timeout:)``
    ///   does: `notFound`, `wrongKind` (a segment of another kind), `incompatibleVersion`, ...
    public init(open name: String, timeout: Duration = .zero) throws(InterprocessError) {
        let segment = try Segment(open: name, kind: .mutex, kindVersion: ProcessMutex.kindVersion, timeout: timeout)
        guard segment.body.count >= ProcessMutex.size else {
            throw InterprocessError(.corrupt, operation: "open mutex", name: name,
                                    reason: "its body is \(segment.body.count) bytes, too small for a mutex (\(ProcessMutex.size))")
        }
        let address = segment.body.baseAddress!
        try self.init(validating: address, segment: segment, name: name)
    }

    /// Removes a named mutex's name; handles already open keep working.
    public static func remove(_ name: String) throws(InterprocessError) {
        try Segment.remove(name)
    }
}

extension InterprocessError {
    /// An error thrown through an untyped API (a segment with an initializer closure) as a library
    /// error again.
    static func wrapping(_ error: any Error, operation: String, name: String?) -> InterprocessError {
        if let error = error as? InterprocessError { return error }
        return InterprocessError(.systemError, operation: operation, name: name, reason: "\(error)")
    }
}

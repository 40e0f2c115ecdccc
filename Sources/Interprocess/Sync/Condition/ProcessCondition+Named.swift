public import SystemPackage

extension ProcessCondition {
    /// The layout version of a named condition's body (its segment's `kindVersion`).
    static let kindVersion: UInt32 = 1

    /// Creates a named condition: a segment of kind ``SegmentKind/condition`` that holds one placed
    /// condition. The segment stays mapped while the handle lives, and exists until ``remove(_:)``.
    ///
    /// - Throws: ``InterprocessError`` as ``Segment/init(create:kind:kindVersion:bodySize:permissions:lifetime:initialize:)`` does.
    public init(create name: String, permissions: FilePermissions = .ownerReadWrite) throws(InterprocessError) {
        let segment: Segment
        do {
            segment = try Segment(create: name, kind: .condition, kindVersion: ProcessCondition.kindVersion,
                                  bodySize: ProcessCondition.size, permissions: permissions) { body in
                try ProcessCondition.initialize(at: body.baseAddress!)
            }
        } catch {
            throw InterprocessError.wrapping(error, operation: "create condition", name: name)
        }
        let address = segment.body.baseAddress!
        try self.init(validating: address, segment: segment, name: name)
    }

    /// Opens a named condition, waiting up to `timeout` for its creator to finish initializing it.
    ///
    /// - Throws: ``InterprocessError`` as ``Segment/init(open:kind:kindVersion:access:timeout:)``
    ///   does: `notFound`, `wrongKind` (a segment of another kind), `incompatibleVersion`, ...
    public init(open name: String, timeout: Duration = .zero) throws(InterprocessError) {
        let segment = try Segment(open: name, kind: .condition, kindVersion: ProcessCondition.kindVersion, timeout: timeout)
        guard segment.body.count >= ProcessCondition.size else {
            throw InterprocessError(.corrupt, operation: "open condition", name: name,
                                    reason: "its body is \(segment.body.count) bytes, too small for a condition (\(ProcessCondition.size))")
        }
        let address = segment.body.baseAddress!
        try self.init(validating: address, segment: segment, name: name)
    }

    /// Removes a named condition's name; handles already open keep working.
    public static func remove(_ name: String) throws(InterprocessError) {
        try Segment.remove(name)
    }
}

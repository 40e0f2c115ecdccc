#if os(Linux)
public import SystemPackage

extension Segment {
    /// Opens the segment if it exists, or creates it (running `initialize` on its body) if not;
    /// two processes racing end up with one segment. ``wasCreated`` tells which happened.
    ///
    /// ```swift
    /// let segment = try Segment(openOrCreate: "prices", bodySize: 4096) { body in
    ///     body.storeBytes(of: 1, as: UInt64.self)  // only in the process that creates it
    /// }
    /// ```
    ///
    /// - Throws: ``InterprocessError/Code/incompatibleConfiguration`` if the existing segment's
    ///   body is not `bodySize` bytes; `wrongKind` or `incompatibleVersion` if it holds another
    ///   kind or body layout version; and the errors of
    ///   ``init(create:kind:kindVersion:bodySize:permissions:lifetime:initialize:)`` and
    ///   ``init(open:kind:kindVersion:access:until:)``.
    public init(
        openOrCreate name: String,
        kind: SegmentKind = .raw,
        kindVersion: UInt32 = 1,
        bodySize: Int,
        permissions: FilePermissions = .ownerReadWrite,
        lifetime: Lifetime = .persistent,
        initialize: (UnsafeMutableRawBufferPointer) throws(InterprocessError) -> Void = { _ in }
    ) throws(InterprocessError) {
        self = try Segment.openingOrCreating(name, operation: "open or create segment", bodySize: bodySize) { () throws(InterprocessError) in
            try Segment(create: name, kind: kind, kindVersion: kindVersion, bodySize: bodySize,
                        permissions: permissions, lifetime: lifetime, initialize: initialize)
        } open: { () throws(InterprocessError) in
            try Segment(open: name, kind: kind, kindVersion: kindVersion)
        }
    }

    /// Create or open (the race settled by ``CreateOrOpen``); the body size of an opened segment
    /// must be `bodySize` (a segment's only configuration of its own; callers check their own
    /// fields in the body afterwards).
    static func openingOrCreating(
        _ name: String, operation: String, bodySize: Int,
        create: () throws(InterprocessError) -> Segment,
        open: () throws(InterprocessError) -> Segment
    ) throws(InterprocessError) -> Segment {
        try CreateOrOpen.run(operation: operation, create: create) { () throws(InterprocessError) in
            let existing = try open()
            guard existing.body.count == bodySize else {
                throw InterprocessError(.incompatibleConfiguration, operation: operation, name: name,
                                        reason: "it exists with a body of \(existing.body.count) bytes, but \(bodySize) were asked for")
            }
            return existing
        }
    }
}
#endif

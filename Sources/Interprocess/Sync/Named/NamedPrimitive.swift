#if os(Linux)
internal import SystemPackage

/// A synchronization primitive that can live alone in a named segment of its own kind: the one
/// scaffold behind every named primitive's `init(create:)`, `init(open:)`, `init(open:until:)`,
/// `init(openOrCreate:)` and `remove(_:)`.
///
/// The segment's body holds the primitive's placed layout at its start (the body is 128-byte
/// aligned, more than any primitive needs). Creating runs the primitive's initializer before the
/// name is published, so an opener finds a whole primitive or nothing. Every error speaks of the
/// primitive ("Could not open semaphore 'jobs'"), never of the segment beneath.
///
/// Lifetime: a primitive created with `lifetime: .removedWhenCreatorCloses` loses its name when
/// the creating handle goes away; with `openOrCreate` that can split peers (one keeps the old
/// primitive, a later one creates a new one under the name): see ``Lifetime/removedWhenCreatorCloses``.
protocol NamedPrimitive: ~Copyable {
    /// What error messages call it: "mutex", "semaphore", "reader-writer lock".
    static var noun: String { get }
    /// The kind of the segment that holds it.
    static var segmentKind: SegmentKind { get }
    /// The layout version of the segment's body (its `kindVersion`).
    static var bodyVersion: UInt32 { get }
    /// The bytes of the placed layout: the segment's body size.
    static var size: Int { get }

    /// Validates the primitive at `address` and makes a handle that keeps `segment` mapped.
    init(validating address: UnsafeMutableRawPointer, name: String?, segment: consuming Segment?) throws(InterprocessError)
}

extension NamedPrimitive where Self: ~Copyable {
    /// Creates the segment and writes the primitive into it with `initialize`, before the name
    /// appears; then validates it as any opener would.
    init(
        creating name: String, permissions: FilePermissions, lifetime: Lifetime,
        initialize: (UnsafeMutableRawPointer) throws(InterprocessError) -> Void
    ) throws(InterprocessError) {
        let operation = "create \(Self.noun)"
        let segment: Segment
        do throws(InterprocessError) {
            segment = try Segment(create: name, kind: Self.segmentKind, kindVersion: Self.bodyVersion, bodySize: Self.size,
                                  permissions: permissions, lifetime: lifetime) { body throws(InterprocessError) in
                try initialize(body.baseAddress!)
            }
        } catch {
            throw error.reported(as: operation)
        }
        self = try Self(adopting: segment, name: name, operation: operation)
    }

    /// Opens the segment, waiting until `deadline` for it to appear, and validates the primitive.
    init(opening name: String, until deadline: Deadline) throws(InterprocessError) {
        let operation = "open \(Self.noun)"
        let segment: Segment
        do throws(InterprocessError) {
            segment = try Segment(open: name, kind: Self.segmentKind, kindVersion: Self.bodyVersion, until: deadline)
        } catch {
            throw error.reported(as: operation)
        }
        self = try Self(adopting: segment, name: name, operation: operation)
    }

    /// Opens the segment if it exists, or creates it as ``init(creating:permissions:lifetime:initialize:)``
    /// does; two processes racing end up with one. The caller then checks its own configuration
    /// (see ``incompatible(_:name:reason:)``).
    init(
        openingOrCreating name: String, permissions: FilePermissions, lifetime: Lifetime,
        initialize: (UnsafeMutableRawPointer) throws(InterprocessError) -> Void
    ) throws(InterprocessError) {
        let operation = "open or create \(Self.noun)"
        let segment: Segment
        do throws(InterprocessError) {
            segment = try Segment.openingOrCreating(name, operation: operation, bodySize: Self.size) { () throws(InterprocessError) in
                try Segment(create: name, kind: Self.segmentKind, kindVersion: Self.bodyVersion, bodySize: Self.size,
                            permissions: permissions, lifetime: lifetime) { body throws(InterprocessError) in
                    try initialize(body.baseAddress!)
                }
            } open: { () throws(InterprocessError) in
                try Segment(open: name, kind: Self.segmentKind, kindVersion: Self.bodyVersion)
            }
        } catch {
            throw error.reported(as: operation)
        }
        self = try Self(adopting: segment, name: name, operation: operation)
    }

    /// The handle on the primitive at the start of `segment`'s body, after checking that the
    /// body can hold it (the one place: a body too small is `corrupt` — the header says a
    /// primitive of this kind lives there, and no writer of one makes it that small).
    init(adopting segment: consuming Segment, name: String, operation: String) throws(InterprocessError) {
        let body = segment.body
        guard body.count >= Self.size else {
            throw InterprocessError(.corrupt, operation: operation, name: name,
                                    reason: "its body has \(body.count) bytes, too few for a \(Self.noun) (\(Self.size))")
        }
        do throws(InterprocessError) {
            self = try Self(validating: body.baseAddress!, name: name, segment: segment)
        } catch {
            throw error.reported(as: operation)
        }
    }

    /// The error of an `openOrCreate` that found the primitive made with another configuration.
    static func incompatible(_ field: String, name: String, reason: String) -> InterprocessError {
        InterprocessError(.incompatibleConfiguration, operation: "open or create \(noun)", name: name,
                          reason: "its \(field) differs: \(reason)")
    }

    /// Removes the name of a named primitive of this kind; handles already open keep working.
    /// Another kind under the name is left alone (`wrongKind`); see `Segment.remove(_:kind:operation:)`
    /// for the race between the check and the removal.
    static func removeNamed(_ name: String) throws(InterprocessError) {
        try Segment.remove(name, kind: segmentKind, operation: "remove \(noun)")
    }
}
#endif

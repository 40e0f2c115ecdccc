#if os(Linux)
import SystemPackage

/// The mapping of one opened queue segment, shared by a queue value and every endpoint made
/// from it.
///
/// A queue value (``SPSCQueue``, ``MPMCQueue``) is copyable and `Sendable`; its endpoints are
/// `~Copyable`. All of them hold a reference to this one object, so the segment stays mapped
/// while any of them lives, and is unmapped (and, for a queue created with
/// ``Lifetime/removedWhenCreatorCloses``, its name removed) when the last one goes away. The
/// reference is retained once when an endpoint is made; per-message code reads only the raw
/// pointers the endpoint copied out of it, so messages cause no reference counting.
@usableFromInline
final class QueueStorage: @unchecked Sendable {
    // @unchecked: immutable; `body` points into a mapping that `segment` or `managed` keeps alive.

    /// The queue's own segment, or nil for a queue placed in a managed segment's heap.
    let segment: Segment?
    /// The managed segment holding a placed queue (kept attached while the queue is used).
    let managed: ManagedSegment?
    /// The queue's bytes: its segment's body, or its block in the managed segment.
    let body: UnsafeMutableRawBufferPointer
    /// Whether this handle created the queue.
    let wasCreated: Bool
    /// The queue's name, for error messages.
    @usableFromInline
    let name: String

    /// Its mapping's truncation count (the segment's, or the managed segment's reservation).
    let truncation: TruncationProbe

    init(_ segment: consuming Segment) {
        self.name = segment.name.rawValue
        self.truncation = segment.memory.truncationProbe
        self.body = segment.body
        self.wasCreated = segment.memory.wasCreated
        self.segment = Optional(segment)
        self.managed = nil
    }

    /// A queue placed in a block of `managed`'s heap (see `SPSCQueue(create:in:…)`).
    init(placedIn managed: ManagedSegment, name: String, body: UnsafeMutableRawBufferPointer, wasCreated: Bool) {
        self.segment = nil
        self.managed = managed
        self.truncation = managed.attachment.reservation.truncationProbe(name: name)
        self.body = body
        self.wasCreated = wasCreated
        self.name = name
    }

    /// Whether this process touched a page of the queue past its file's end since a peer shrank
    /// it: the words there now read as zeros that never change, so a waiter must not go on
    /// waiting for them (it leaves as if timed out, and its error is ``judged(_:)``). A load of
    /// a counter, no system call: for the moment before each sleep.
    var wasTruncated: Bool { truncation.pages != 0 }

    /// The error for a queue whose file another process shrank under this mapping (see
    /// ``MappedRegion/wasTruncated``), or nil. Judged only on slow paths: a timeout, a bad word.
    func truncationProblem(operation: String) -> InterprocessError? {
        truncation.problem(operation: operation)
    }

    /// `error`, or the truncation that explains it (a shrunk file reads as zeros here, which a
    /// queue then sees as an empty ring or a corrupt word).
    @usableFromInline
    func judged(_ error: InterprocessError) -> InterprocessError {
        truncationProblem(operation: error.operation) ?? error
    }
}

/// The `create` / `open` / `openOrCreate` steps every queue type shares, with errors reported in
/// the caller's words ("create queue", "open queue").
enum QueueOpening {
    /// Creates the queue's segment, running `initialize` on its zero-filled body before any
    /// other process can open it.
    static func create(
        _ name: String, kind: SegmentKind, version: UInt32, bodySize: Int,
        permissions: FilePermissions, lifetime: Lifetime,
        initialize: (UnsafeMutableRawPointer) -> Void
    ) throws(InterprocessError) -> QueueStorage {
        do {
            return QueueStorage(try Segment(create: name, kind: kind, kindVersion: version, bodySize: bodySize,
                                            permissions: permissions, lifetime: lifetime) { body in
                initialize(body.baseAddress!)
            })
        } catch {
            throw error.reported(as: "create queue")
        }
    }

    /// Opens the queue's segment, waiting until `deadline` for it to appear.
    static func open(_ name: String, kind: SegmentKind, version: UInt32, until deadline: Deadline) throws(InterprocessError) -> QueueStorage {
        do {
            return QueueStorage(try Segment(open: name, kind: kind, kindVersion: version, until: deadline))
        } catch {
            throw error.reported(as: "open queue")
        }
    }

    /// Opens the queue, or creates it if there is none: a create that loses a race to another
    /// creator opens the winner's queue, and an open that loses a race to a remove creates again,
    /// so that two processes racing end up with one queue.
    static func openOrCreate<Queue>(
        _ name: String,
        create: () throws(InterprocessError) -> Queue,
        open: () throws(InterprocessError) -> Queue
    ) throws(InterprocessError) -> Queue {
        try CreateOrOpen.run(operation: "open or create queue", create: create, open: open)
    }

    /// The error for an existing queue whose `field` differs from the one asked for.
    static func incompatible(_ name: String, field: String, existing: Int, requested: Int) -> InterprocessError {
        InterprocessError(.incompatibleConfiguration, operation: "open or create queue", name: name,
                          reason: "it exists with a \(field) of \(existing), but \(requested) was asked for")
    }
}

/// Throwing from the endpoints' `_sendRecord` / `_receiveRecord`, and from the inlinable code
/// they inline (`tryReserve`, `claimSlot`), goes through this call rather than a `throw`
/// statement: with a `throw` there, Swift 6.3 stops devirtualizing the protocol witness when a
/// client calls a `QueueProducer` form on a concrete endpoint, and every message pays an
/// indirect call through the witness table (seen in `objdump` of `interprocess bench`'s loops).
@usableFromInline
enum QueueFailure {
    /// Throws `error`. Not inlinable on purpose (see the type's comment); only error paths call it.
    @usableFromInline
    static func raise(_ error: InterprocessError) throws(InterprocessError) -> Never {
        throw error
    }
}
#endif

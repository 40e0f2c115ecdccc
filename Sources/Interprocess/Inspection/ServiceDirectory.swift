#if os(Linux)
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Discovery: the named services in the shared-memory directory, of every kind that
/// ``ServiceDirectory/listableKinds`` lists, and a wait for one to appear.
///
/// ```swift
/// for listing in ServiceDirectory.all() { print(listing.name, listing.kindName) }
/// let robot = try ServiceDirectory.waitForService("robot", kind: .blackboard, timeout: .seconds(5))
/// ```
///
/// Each file's header is read once, without mapping it and without waiting: a file another
/// program made (not this library's header) or of another kind (a mutex, a sample pool) is
/// skipped, one still being created is skipped, and one of a listed kind that cannot be read
/// (a corrupt header or body) is listed with its ``ServiceListing/problem``. ``Service/all()``
/// stays the detailed snapshot of publish/subscribe services alone.
public enum ServiceDirectory {
    /// The kinds listed, each described by one function in `ServiceDirectory+Kinds.swift`.
    public static var listableKinds: [SegmentKind] { [.service, .broadcastStream, .blackboard, .eventService, .requestResponse, .spscQueue, .mpmcQueue, .messageQueue] }

    /// Every service of a listable kind in the shared-memory directory, sorted by name.
    public static func all() -> [ServiceListing] {
        SharedMemoryDirectory.entries().compactMap { name in
            switch probe(name) {
            case .ready(let kind): listing(name, kind: kind)
            case .broken(let kind, let error): ServiceListing(name: name, kind: kind, configuration: [], participants: [], problem: error.description)
            case .absent, .other, .unreadable: nil
            }
        }
    }

    /// The listing of the service `name` as it is now, without waiting; with `kind`, only a
    /// service of that kind.
    ///
    /// - Throws: `notFound` if there is none; `wrongKind` for a segment of another kind (or of
    ///   a kind that is not a service); `corrupt`, `foreignSegment`, `incompatibleVersion` for
    ///   a file that cannot be one.
    public static func service(named name: String, kind: SegmentKind? = nil) throws(InterprocessError) -> ServiceListing {
        try AppearanceWait.open(until: .now, operation: "look up service", name: name) { () throws(InterprocessError) in
            try listingNow(name, kind: kind)
        }
    }

    /// The listing of the service `name`, waiting until `deadline` (default: as long as it
    /// takes) for it to appear; with `kind`, only a service of that kind.
    ///
    /// - Throws: `timedOut` if it did not appear in time; otherwise as ``service(named:kind:)``.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public static func waitForService(_ name: String, kind: SegmentKind? = nil, until deadline: Deadline = .never) throws(InterprocessError) -> ServiceListing {
        try AppearanceWait.open(until: deadline, operation: operation, name: name) { () throws(InterprocessError) in
            try listingNow(name, kind: kind)
        }
    }

    /// The listing of the service `name`, waiting up to `timeout` for it to appear.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public static func waitForService(_ name: String, kind: SegmentKind? = nil, timeout: Duration) throws(InterprocessError) -> ServiceListing {
        try waitForService(name, kind: kind, until: .after(timeout))
    }

    /// The listing of the service `name`, suspending the task until it appears (at most until
    /// `deadline`).
    ///
    /// - Throws: as the blocking form; `cancelled` when the task is cancelled.
    public static func waitForService(_ name: String, kind: SegmentKind? = nil, until deadline: Deadline = .never) async throws(InterprocessError) -> ServiceListing {
        try await AppearanceWait.openAsync(until: deadline, operation: operation, name: name) { () throws(InterprocessError) in
            try listingNow(name, kind: kind)
        }
    }

    /// The listing of the service `name`, suspending the task at most `timeout` until it appears.
    public static func waitForService(_ name: String, kind: SegmentKind? = nil, timeout: Duration) async throws(InterprocessError) -> ServiceListing {
        try await waitForService(name, kind: kind, until: .after(timeout))
    }

    static let operation = "wait for service"

    /// The listing of `name` now: `notFound` while it is absent or being created.
    static func listingNow(_ name: String, kind expected: SegmentKind?) throws(InterprocessError) -> ServiceListing {
        _ = try SegmentName(name)
        switch probe(name) {
        case .absent:
            throw InterprocessError(.notFound, operation: operation, name: name, reason: "no service of that name exists (yet)")
        case .broken(_, let error), .unreadable(let error):
            throw error.reported(as: operation)
        case .other(let kind):
            throw InterprocessError(.wrongKind, operation: operation, name: name, reason: "it is \(kind.phrase), not a service")
        case .ready(let kind):
            if let expected, kind != expected {
                throw InterprocessError(.wrongKind, operation: operation, name: name, reason: "it is \(kind.phrase), not \(expected.phrase)")
            }
            let found = listing(name, kind: kind)
            // Removed between the probe and the open: not there after all.
            if let problem = found.problem, !exists(name) {
                throw InterprocessError(.notFound, operation: operation, name: name, reason: problem)
            }
            return found
        }
    }

    /// The listing of a ready segment of a listable kind; a failure to open it becomes its problem.
    static func listing(_ name: String, kind: SegmentKind) -> ServiceListing {
        do {
            return try describe(name, kind: kind)
        } catch {
            return ServiceListing(name: name, kind: kind, configuration: [], participants: [], problem: error.description)
        }
    }

    /// What a file in the directory holds, judged from its header alone.
    enum Probe {
        /// No such file, not yet published, not yet written, or still initializing.
        case absent
        /// A ready segment of a listable kind.
        case ready(SegmentKind)
        /// One of a listable kind whose header is invalid.
        case broken(SegmentKind, InterprocessError)
        /// Anything else: a foreign file, another kind.
        case other(SegmentKind)
        /// A file this process cannot open or read (permissions, say): listed by no one, and
        /// the reason when it is the one waited for.
        case unreadable(InterprocessError)
    }

    /// Reads `name`'s header once, without waiting and without mapping it.
    static func probe(_ name: String) -> Probe {
        guard !name.hasPrefix(".") else { return .absent }
        let descriptor = open(SharedMemoryDirectory.path(of: name), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard descriptor >= 0 else {
            let failure = currentErrno
            return failure == .noSuchFileOrDirectory ? .absent : .unreadable(.system(failure, operation: operation, name: name))
        }
        defer { close(descriptor) }
        let outcome: SegmentValidation.Outcome
        do {
            outcome = try SegmentValidation.read(descriptor: descriptor, name: name, operation: operation).outcome
        } catch {
            return .unreadable(error)
        }
        switch outcome {
        case .notYetWritten:
            return .absent
        case .invalid(let error, let header):
            guard let header, listableKinds.contains(header.kind) else { return .other(header?.kind ?? .raw) }
            return .broken(header.kind, error)
        case .valid(let header):
            guard listableKinds.contains(header.kind) else { return .other(header.kind) }
            return header.state == SegmentHeader.State.ready.rawValue ? .ready(header.kind) : .absent
        }
    }

    static func exists(_ name: String) -> Bool {
        access(SharedMemoryDirectory.path(of: name), F_OK) == 0
    }
}
#endif

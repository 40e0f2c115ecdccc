#if os(Linux)
/// One handle, shared by many tasks or threads: a `Sendable` reference that owns a `~Copyable`
/// handle (a mutex, a semaphore, an event, a segment) and keeps it open until the last reference
/// goes away.
///
/// Handles that own a mapping are `~Copyable`, so a closure that escapes — the body of
/// `TaskGroup.addTask`, `Task {}` or a thread — cannot capture one. Wrap the handle once and
/// capture the wrapper:
///
/// ```swift
/// let mutex = Shared(try ProcessMutex(create: "orders-lock"))
/// try await withThrowingTaskGroup(of: Void.self) { group in
///     for _ in 0..<4 {
///         group.addTask {
///             try mutex.handle.withLock(onOwnerDeath: .giveUp) { appendOrder() }
///         }
///     }
///     try await group.waitForAll()
/// }
/// ```
///
/// **Share or open another handle?** Share when the tasks are of one process and the handle is
/// made for concurrent use (every primitive is: its operations are atomic on shared memory) —
/// one mapping serves them all. Open a second handle (`init(open:)`) when a part of the program
/// should own its lifetime, or when the handle has per-handle state: a mutex taken through one
/// handle is released when *that* handle goes away, and queue endpoints admit one user at a time
/// (give each task its own endpoint instead). A lock belongs to a *thread*: never hold a
/// ``ProcessMutex`` across an `await`.
public final class Shared<Handle: ~Copyable & Sendable>: Sendable {
    /// The handle, borrowed for each use: `shared.handle.post()`.
    public let handle: Handle

    /// Takes ownership of `handle`; it closes when the last reference to this object goes away.
    public init(_ handle: consuming Handle) {
        self.handle = handle
    }
}
#endif

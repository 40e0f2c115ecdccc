#if os(Linux)
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The one thread per process on which async waits for *file descriptors* sleep (a
/// ``WaitSet``'s `wait() async`): it blocks in `epoll_wait` on every descriptor a task awaits.
///
/// It exists beside ``ProcessWaiter`` because neither system call can wait for the other's
/// kind: `futex_waitv` takes no descriptor and `epoll` takes no futex word. Like it, it is
/// started by the first wait that has to sleep and kept for the process's life, it never
/// blocks a thread of Swift's cooperative pool, and it resumes continuations only after
/// releasing its lock. Each wait adds its descriptor one-shot; a readable descriptor, a
/// deadline passed, or the task cancelled removes it and resumes the task.
final class DescriptorWaiter: @unchecked Sendable {
    // @unchecked: everything mutable is behind `state`'s lock.
    static let shared = DescriptorWaiter()

    struct Wait {
        let descriptor: Int32
        let deadline: Deadline
        let continuation: CheckedContinuation<ParkingOutcome, Never>
    }

    struct State: ~Copyable {
        var waits: [UInt64: Wait] = [:]
        var nextIdentifier: UInt64 = 1
        var epoll: Int32 = -1
        /// An eventfd (token 0) that makes the thread look at the deadlines again.
        var wake: Int32 = -1
        /// The process that started the thread (0: none yet; a fork child starts its own).
        var threadProcess: Int32 = 0
    }

    let state = ThreadLock(State())

    /// Suspends the task until `descriptor` is readable, `deadline` passes, or the task is
    /// cancelled.
    func wait(for descriptor: Int32, until deadline: Deadline, operation: String, name: String?) async throws(InterprocessError) -> ParkingOutcome {
        try startIfNeeded(operation: operation, name: name)
        let identifier = state.withLock { state in
            defer { state.nextIdentifier &+= 1 }
            return state.nextIdentifier
        }
        // An `epoll_ctl` that fails is thrown, not reported as readiness: the caller would look
        // at its sources, find nothing, and wait again at once until its deadline.
        var failure: InterprocessError?
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<ParkingOutcome, Never>) in
                let registered: ParkingOutcome? = state.withLock { state in
                    if Task.isCancelled { return .cancelled }
                    do throws(InterprocessError) {
                        try Epoll.add(descriptor, to: state.epoll, token: identifier, oneShot: true, operation: operation)
                    } catch {
                        failure = error
                        return .timedOut
                    }
                    state.waits[identifier] = Wait(descriptor: descriptor, deadline: deadline, continuation: continuation)
                    return nil
                }
                if let registered { return continuation.resume(returning: registered) }
                EventDescriptor.signal(state.withLock { $0.wake })
            }
        } onCancel: {
            let removed = state.withLock { state -> Wait? in
                guard let wait = state.waits.removeValue(forKey: identifier) else { return nil }
                Epoll.remove(wait.descriptor, from: state.epoll)
                return wait
            }
            removed?.continuation.resume(returning: .cancelled)
        }
        if let failure { throw failure }
        return outcome
    }

    private func startIfNeeded(operation: String, name: String?) throws(InterprocessError) {
        let process = CachedProcessIdentity.current.pid
        let failure: InterprocessError? = state.withLock { state in
            if state.threadProcess == process { return nil }
            state.waits.removeAll()
            if state.threadProcess != 0 {
                // A fork child: the epoll instance is the parent's (a descriptor names the same
                // kernel object in both), so the two threads would take each other's one-shot
                // events. The child gets its own instance and wake descriptor.
                close(state.epoll)
                close(state.wake)
                state.epoll = -1
                state.wake = -1
            }
            do throws(InterprocessError) {
                if state.epoll < 0 { state.epoll = try Epoll.make(operation: operation) }
                if state.wake < 0 {
                    state.wake = try EventDescriptor.make(operation: operation, name: name)
                    try Epoll.add(state.wake, to: state.epoll, token: 0, operation: operation)
                }
            } catch {
                return error
            }
            var thread = pthread_t()
            let argument = Unmanaged.passUnretained(self).toOpaque()
            let result = pthread_create(&thread, nil, { argument in
                Unmanaged<DescriptorWaiter>.fromOpaque(argument!).takeUnretainedValue().run()
            }, argument)
            guard result == 0 else {
                return InterprocessError(.resourceLimit, operation: operation, name: name, errno: .init(rawValue: result),
                                         reason: "could not start the process's descriptor waiter thread (pthread_create failed)")
            }
            pthread_detach(thread)
            state.threadProcess = process
            return nil
        }
        if let failure { throw failure }
    }

    /// The thread's loop: sleep in `epoll_wait` until the earliest deadline, resume what is
    /// ready or late. Never returns.
    private func run() -> Never {
        let tokens = UnsafeMutablePointer<UInt64>.allocate(capacity: 64)
        var ready: [(CheckedContinuation<ParkingOutcome, Never>, ParkingOutcome)] = []
        while true {
            let (epoll, wake, until) = state.withLock { state in
                (state.epoll, state.wake, state.waits.values.reduce(Deadline.never) { $0.earlier(than: $1.deadline) })
            }
            let count = Epoll.wait(epoll, tokens: tokens, capacity: 64, until: until)
            state.withLock { state in
                for index in 0..<count {
                    let token = tokens[index]
                    if token == 0 {
                        EventDescriptor.drain(wake)
                    } else if let wait = state.waits.removeValue(forKey: token) {
                        Epoll.remove(wait.descriptor, from: state.epoll)
                        ready.append((wait.continuation, .acquired))
                    }
                }
                let now = Deadline.now
                for (identifier, wait) in state.waits where wait.deadline <= now {
                    state.waits[identifier] = nil
                    Epoll.remove(wait.descriptor, from: state.epoll)
                    ready.append((wait.continuation, .timedOut))
                }
            }
            for (continuation, outcome) in ready { continuation.resume(returning: outcome) }
            ready.removeAll(keepingCapacity: true)
        }
    }
}
#endif

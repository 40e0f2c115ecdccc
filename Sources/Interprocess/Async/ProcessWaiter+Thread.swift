#if os(Linux)
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension ProcessWaiter {
    /// Starts the waiter thread unless it runs already.
    ///
    /// - Throws: ``InterprocessError/Code/resourceLimit`` when no thread could be started.
    func startIfNeeded(operation: String, name: String?) throws(InterprocessError) {
        let process = CachedProcessIdentity.current.pid
        let result: Int32 = state.withLock { state in
            if state.threadProcess == process { return 0 }
            if state.threadProcess != 0 {
                // A fork child: the parent's thread is not here, and its registrations belong to
                // the parent's tasks (and waiter counts): keep them unresumed, forever.
                state.orphaned.append(contentsOf: state.registrations.values)
                state.registrations.removeAll()
                state.threadProcess = 0
            }
            var thread = pthread_t()
            let argument = Unmanaged.passUnretained(self).toOpaque()
            let result = pthread_create(&thread, nil, { argument in
                Unmanaged<ProcessWaiter>.fromOpaque(argument!).takeUnretainedValue().run()
            }, argument)
            if result == 0 {
                pthread_detach(thread)
                state.threadProcess = process
            }
            return result
        }
        guard result == 0 else {
            throw InterprocessError(.resourceLimit, operation: operation, name: name, errno: .init(rawValue: result),
                                    reason: "could not start the process's waiter thread (pthread_create failed)")
        }
    }

    /// The thread's loop: look at every registration, resume those that may proceed, sleep on
    /// every word the others wait on. Never returns.
    private func run() -> Never {
        var list = Futex.WaitList()
        var waitvWorks = true
        var scratch = LookScratch()
        var agains = 0
        while true {
            // Read before looking: a registration made after this read bumps the word, and the
            // sleep below then returns at once.
            let wakeSeen = wakeWord.pointee.load(ordering: .sequentiallyConsistent)
            list.removeAll()
            list.append(wakeFutexWord, expecting: wakeSeen)
            var look = state.withLock { state in
                let look = lookAtRegistrations(&state.registrations, list: &list, scratch: &scratch)
                // A wait that timed out passes no wake-up on (as a cancelled one does): the MPMC
                // queues' waits time out every 20 ms slice, and a FUTEX_WAKE each time would wake
                // other processes' sleepers 50 times a second per wait. A wake-up it took is
                // found by its intended sleeper's own recheck, within 20 ms.
                for identifier in scratch.finished { _ = state.unregister(identifier) }
                return look
            }
            for (continuation, outcome) in scratch.ready { continuation.resume(returning: outcome) }
            scratch.ready.removeAll(keepingCapacity: true)
            if look.again {
                // A peer rewriting a shared word could keep this from ever sleeping: after a few
                // looks in a row, sleep briefly as when crowded.
                agains += 1
                if agains < ProcessWaiter.againLimit { continue }
                look.crowded = true
            }
            agains = 0
            sleepCount.wrappingAdd(1, ordering: .relaxed)
            var until = ProcessWaiter.sleepLimit(after: look, waitvWorks: waitvWorks)
            var slept = false
            if waitvWorks {
                switch Futex.waitAny(list, until: until) {
                case .recheck, .timedOut: slept = true
                case .unsupported: waitvWorks = false
                case .failed: break
                }
            }
            if !slept {
                // Without futex_waitv (or after it failed): sleep on the wake word alone, briefly
                // while anything is registered.
                until = ProcessWaiter.sleepLimit(after: look, waitvWorks: false)
                _ = Futex.wait(on: wakeFutexWord, expecting: wakeSeen, until: until)
            }
        }
    }

    /// How long the thread may sleep after `look`: until the next registration when nothing is
    /// registered (wakeBy is .never), with or without futex_waitv; otherwise at most until
    /// `look.wakeBy`, and at most ``crowdedSleep`` when some word could not be slept on.
    static func sleepLimit(after look: Look, waitvWorks: Bool) -> Deadline {
        if look.wakeBy == .never { return .never }
        return look.crowded || !waitvWorks ? look.wakeBy.earlier(than: .after(crowdedSleep)) : look.wakeBy
    }

    /// Buffers one look fills, kept across looks so that a look allocates nothing once warm.
    struct LookScratch {
        /// The continuations to resume after the lock is released, with their outcomes.
        var ready: [(CheckedContinuation<ParkingOutcome, Never>, ParkingOutcome)] = []
        /// The value each word in the wait list is expected to hold.
        var expected: [UnsafeMutablePointer<UInt32>: UInt32] = [:]
        /// Registrations that are over, for the caller to unregister after the pass.
        var finished: [UInt64] = []
        /// Watches signalled in this pass, with the progress value they were signalled for.
        var signalled: [(UInt64, WatchProgress)] = []
    }

    /// What one look at the registrations decided about the sleep after it.
    struct Look {
        /// The latest the thread may sleep until.
        var wakeBy: Deadline
        /// Some registration's word could not be slept on: sleep briefly.
        var crowded = false
        /// A word changed between two checks that share it: look again without sleeping.
        var again = false
    }

    /// Runs every registration's check; queues for resumption the waits that are over (or timed
    /// out) and lists them in `scratch.finished` for the caller to unregister; signals the watches that are ready; fills `list` with the words to
    /// sleep on. Called under the lock: checks are a few atomic operations each.
    func lookAtRegistrations(
        _ registrations: inout [UInt64: Registration],
        list: inout Futex.WaitList,
        scratch: inout LookScratch
    ) -> Look {
        var look = Look(wakeBy: registrations.isEmpty ? .never : .after(FutexParking.recheckInterval))
        scratch.expected.removeAll(keepingCapacity: true)
        scratch.finished.removeAll(keepingCapacity: true)
        scratch.signalled.removeAll(keepingCapacity: true)
        func watch(_ word: UnsafeMutablePointer<UInt32>, _ value: UInt32) {
            if let known = scratch.expected[word] {
                if known != value { look.again = true }
                return
            }
            guard !list.isFull else {
                look.crowded = true
                return
            }
            scratch.expected[word] = value
            list.append(word, expecting: value)
        }
        for (identifier, registration) in registrations {
            switch registration.kind {
            case .once(let check, let continuation):
                let poll = check()
                if case .proceed = poll {
                    scratch.finished.append(identifier)
                    scratch.ready.append((continuation, .acquired))
                    continue
                }
                if case .truncated = poll {
                    scratch.finished.append(identifier)
                    scratch.ready.append((continuation, .truncated))
                    continue
                }
                // Only after a check found nothing may a wait give up (FutexParking.park's rule).
                if registration.deadline.hasPassed {
                    scratch.finished.append(identifier)
                    scratch.ready.append((continuation, .timedOut))
                    continue
                }
                look.wakeBy = look.wakeBy.earlier(than: registration.deadline)
                switch poll {
                case .sleep(let value): watch(registration.parking.futexWord, value)
                case .retry, .proceed, .truncated: look.crowded = true
                }
            case .watch(let observe, let descriptor, let signalled):
                // A single-sleeper flag may have been cleared by the endpoint's own blocking wait
                // (or its attach): set it again. Until this look the other side may skip its
                // FUTEX_WAKE, so the signal may come up to the 20 ms recheck late. One-time
                // async waits of this process never clear it (State.singleSleeperUsers).
                if registration.parking.sleepers == .single { registration.parking.announce() }
                let observation = observe()
                if observation.ready, signalled != observation.progress {
                    EventDescriptor.signal(descriptor)
                    scratch.signalled.append((identifier, observation.progress))
                }
                watch(registration.parking.futexWord, observation.word)
            }
        }
        // Applied after the pass: writing to the dictionary while iterating a copy of it would
        // copy its storage on every signal.
        for (identifier, progress) in scratch.signalled {
            if case .watch(let observe, let descriptor, _) = registrations[identifier]?.kind {
                registrations[identifier]?.kind = .watch(observe: observe, descriptor: descriptor, signalled: progress)
            }
        }
        return look
    }
}
#endif

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
        let result: Int32 = state.withLock { state in
            if state.threadStarted { return 0 }
            var thread = pthread_t()
            let argument = Unmanaged.passUnretained(self).toOpaque()
            let result = pthread_create(&thread, nil, { argument in
                Unmanaged<ProcessWaiter>.fromOpaque(argument!).takeUnretainedValue().run()
            }, argument)
            if result == 0 {
                pthread_detach(thread)
                state.threadStarted = true
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
        var ready: [(CheckedContinuation<ParkingOutcome, Never>, ParkingOutcome)] = []
        while true {
            // Read before looking: a registration made after this read bumps the word, and the
            // sleep below then returns at once.
            let wakeSeen = wakeWord.pointee.load(ordering: .sequentiallyConsistent)
            list.removeAll()
            list.append(wakeFutexWord, expecting: wakeSeen)
            let look = state.withLock { state in
                lookAtRegistrations(&state.registrations, list: &list, ready: &ready)
            }
            for (continuation, outcome) in ready { continuation.resume(returning: outcome) }
            ready.removeAll(keepingCapacity: true)
            if look.again { continue }
            var until = look.wakeBy
            if look.crowded || !waitvWorks { until = until.earlier(than: .after(ProcessWaiter.crowdedSleep)) }
            var slept = false
            if waitvWorks {
                switch Futex.waitAny(list, until: until) {
                case .recheck, .timedOut: slept = true
                case .unsupported: waitvWorks = false
                case .failed: break
                }
            }
            if !slept {
                // Without futex_waitv (or after it failed): sleep on the wake word alone, briefly.
                _ = Futex.wait(on: wakeFutexWord, expecting: wakeSeen,
                               until: until.earlier(than: .after(ProcessWaiter.crowdedSleep)))
            }
        }
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

    /// Runs every registration's check; removes and queues for resumption the waits that are
    /// over (or timed out); signals the watches that are ready; fills `list` with the words to
    /// sleep on. Called under the lock: checks are a few atomic operations each.
    func lookAtRegistrations(
        _ registrations: inout [UInt64: Registration],
        list: inout Futex.WaitList,
        ready: inout [(CheckedContinuation<ParkingOutcome, Never>, ParkingOutcome)]
    ) -> Look {
        var look = Look(wakeBy: registrations.isEmpty ? .never : .after(FutexParking.recheckInterval))
        var expected: [UnsafeMutablePointer<UInt32>: UInt32] = [:]
        func watch(_ word: UnsafeMutablePointer<UInt32>, _ value: UInt32) {
            if let known = expected[word] {
                if known != value { look.again = true }
                return
            }
            guard !list.isFull else {
                look.crowded = true
                return
            }
            expected[word] = value
            list.append(word, expecting: value)
        }
        var finished: [UInt64] = []
        for (identifier, registration) in registrations {
            switch registration.kind {
            case .once(let check, let continuation):
                let poll = check()
                if case .proceed = poll {
                    finished.append(identifier)
                    ready.append((continuation, .acquired))
                    continue
                }
                // Only after a check found nothing may a wait give up (FutexParking.park's rule).
                if registration.deadline.hasPassed {
                    finished.append(identifier)
                    ready.append((continuation, .timedOut))
                    continue
                }
                look.wakeBy = look.wakeBy.earlier(than: registration.deadline)
                switch poll {
                case .sleep(let value): watch(registration.parking.futexWord, value)
                case .retry, .proceed: look.crowded = true
                }
            case .watch(let observe, let descriptor, let signalled):
                // A single-sleeper flag may have been cleared by the endpoint's own wait.
                if registration.parking.sleepers == .single { registration.parking.announce() }
                let observation = observe()
                if observation.ready, signalled != observation.progress {
                    EventDescriptor.signal(descriptor)
                    registrations[identifier]?.kind = .watch(observe: observe, descriptor: descriptor,
                                                             signalled: observation.progress)
                }
                watch(registration.parking.futexWord, observation.word)
            }
        }
        for identifier in finished {
            registrations.removeValue(forKey: identifier)?.parking.withdraw()
        }
        return look
    }
}

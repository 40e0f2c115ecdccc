#if os(Linux)
extension WaitSet {
    /// Waits until a source is ready; returns every ready one. Blocks the thread.
    @available(*, noasync, message: "blocks the thread; use the async form")
    public func wait() -> [Attachment] {
        // Without a deadline the only error is a timeout, which cannot happen.
        (try? wait(until: .never)) ?? []
    }

    /// The sources ready now, or nil when none is. Never blocks.
    public func tryWait() -> [Attachment]? {
        collect(until: .now) ? ready : nil
    }

    /// Waits until a source is ready or `deadline` passes.
    ///
    /// - Throws: `timedOut` when none became ready in time.
    @available(*, noasync, message: "blocks the thread; use the async form")
    public func wait(until deadline: Deadline) throws(InterprocessError) -> [Attachment] {
        guard collect(until: deadline) else { throw timedOut() }
        return ready
    }

    /// Waits until a source is ready or `timeout` passes.
    ///
    /// - Throws: `timedOut` when none became ready in time.
    @available(*, noasync, message: "blocks the thread; use the async form")
    public func wait(timeout: Duration) throws(InterprocessError) -> [Attachment] {
        try wait(until: .after(timeout))
    }

    /// Waits for ready sources and calls `body` with each, until it returns ``Progression/stop``
    /// (or throws). Sources may be attached and detached in `body`; one detached is not reported.
    ///
    /// - Throws: `timedOut` when `deadline` passes first; what `body` throws.
    @available(*, noasync, message: "blocks the thread; use the async form of wait in a loop")
    public func run(
        until deadline: Deadline = .never, _ body: (Attachment) throws(InterprocessError) -> Progression
    ) throws(InterprocessError) {
        while true {
            guard collect(until: deadline) else { throw timedOut() }
            let batch = ready
            for attachment in batch where sources[attachment.rawValue] != nil {
                if try body(attachment) == .stop { return }
            }
        }
    }

    /// Suspends the task until a source is ready; returns every ready one. The process's
    /// descriptor waiter thread sleeps in `epoll_wait` for it.
    ///
    /// - Throws: `cancelled` when the task is cancelled.
    nonisolated(nonsending)
    public func wait() async throws(InterprocessError) -> [Attachment] {
        try await wait(until: .never)
    }

    /// Suspends the task until a source is ready or `timeout` passes.
    ///
    /// - Throws: `timedOut`, `cancelled`.
    nonisolated(nonsending)
    public func wait(timeout: Duration) async throws(InterprocessError) -> [Attachment] {
        try await wait(until: .after(timeout))
    }

    /// Suspends the task until a source is ready or `deadline` passes.
    ///
    /// - Throws: `timedOut`, `cancelled`.
    nonisolated(nonsending)
    public func wait(until deadline: Deadline) async throws(InterprocessError) -> [Attachment] {
        let operation = "wait for wait set"
        while true {
            try ProcessWaiter.checkCancellation(operation: operation, name: nil)
            if collect(until: .now) { return ready }
            if deadline.hasPassed { throw timedOut() }
            let slice = listenerCount > 0 ? deadline.earlier(than: .after(WaitSet.recheckInterval)) : deadline
            let outcome = try await DescriptorWaiter.shared.wait(for: epoll, until: slice, operation: operation, name: nil)
            if case .cancelled = outcome { try ProcessWaiter.requireAcquired(.cancelled, operation: operation, name: nil) }
        }
    }

    /// How long a wait keeps looking (`epoll_wait` with no timeout, ~0.3 µs each) before it
    /// sleeps. Longer than a peer's usual answer, which a cold source (another service's
    /// mapping, another socket) stretches past 10 µs, and short beside a cross-core wake-up
    /// from sleep (~21 µs on this project's test machine): as long as the queues' spin.
    static let spinDuration: Duration = .microseconds(40)

    /// When every listener is looked at again: once per ``recheckInterval``, so that a notifier
    /// that died between setting an id and sending its datagram delays it by at most that.
    var nextScan: Deadline {
        lastScan.advanced(by: WaitSet.recheckInterval)
    }

    /// Reads the tags on the wake socket and looks at the listeners they name. Having read as
    /// many at once as the socket holds (so a notifier may have been refused, and its listener's
    /// tag lost), or a datagram without a tag, it looks at every listener at once: a listener
    /// notified before another is then never reported after it.
    func takeWakeTags() {
        var received = 0
        var lookAtAll = false
        while true {
            let count = WakeSocket.receive(wakeSocket, into: wakeTags, capacity: WaitSet.wakeBatch)
            for index in 0..<count {
                let token = wakeTags[index]
                // A tag is a hint: one this wait set never gave, or a detached listener's, is ignored.
                guard token != 0 else { lookAtAll = true; continue }
                if case .listener(let seat) = sources[token], seat.armAndCheck(), !candidates.contains(token) {
                    ready.append(Attachment(rawValue: token))
                    candidates.append(token)
                }
            }
            received &+= count
            if count < WaitSet.wakeBatch { break }
        }
        if lookAtAll || received >= WakeSocket.queueLimit { lookAtEveryListener() }
    }

    /// Re-arms and looks at every listener now; those with ids pending are the candidates and
    /// are in ``ready`` once each.
    func lookAtEveryListener() {
        lastScan = .now
        ready.removeAll { attachment in
            if case .listener = sources[attachment.rawValue] { true } else { false }
        }
        candidates.removeAll(keepingCapacity: true)
        for (token, source) in sources {
            if case .listener(let seat) = source, seat.armAndCheck() {
                ready.append(Attachment(rawValue: token))
                candidates.append(token)
            }
        }
    }

    func timedOut() -> InterprocessError {
        InterprocessError(.timedOut, operation: "wait for wait set", name: nil,
                          reason: "no source became ready before the deadline")
    }

    /// Fills ``ready`` with the sources ready by `deadline`; false when none was.
    ///
    /// Each pass: re-arm and look at the candidate listeners (those reported last time, just
    /// attached or whose socket fired; all of them every ``recheckInterval``); sleep in `epoll_wait` only if
    /// none has ids (else just collect what else is ready); then take in what fired.
    func collect(until deadline: Deadline) -> Bool {
        ready.removeAll(keepingCapacity: true)
        while true {
            if listenerCount > 0, nextScan <= .now {
                lookAtEveryListener()
            } else {
                nextCandidates.removeAll(keepingCapacity: true)
                for token in candidates {
                    if case .listener(let seat) = sources[token], seat.armAndCheck() {
                        ready.append(Attachment(rawValue: token))
                        nextCandidates.append(token)
                    }
                }
                swap(&candidates, &nextCandidates)
            }
            var sleepUntil = deadline
            if !ready.isEmpty {
                sleepUntil = .now
            } else if listenerCount > 0 {
                sleepUntil = deadline.earlier(than: nextScan)
            }
            var count = 0
            if ready.isEmpty, !deadline.hasPassed {
                // Spin briefly before sleeping, as every wait of the library does: a peer that
                // answers within microseconds is caught without a sleep and a wake-up. The
                // clock is read every 8 looks.
                let spinEnd = Deadline.after(WaitSet.spinDuration).earlier(than: deadline)
                var polls = 0
                repeat {
                    count = Epoll.poll(epoll, tokens: tokens, capacity: 64)
                    if count > 0 { break }
                    polls &+= 1
                } while polls & 7 != 0 || Deadline.now < spinEnd
            }
            if count == 0 { count = Epoll.wait(epoll, tokens: tokens, capacity: 64, until: sleepUntil) }
            for index in 0..<count {
                let token = tokens[index]
                if token == WaitSet.wakeToken {
                    takeWakeTags()
                    continue
                }
                switch sources[token] {
                case .listener:
                    // Listeners are not in the epoll instance: their tags come on the wake socket.
                    break
                case .readiness(let box):
                    box.descriptor.clear()
                    ready.append(Attachment(rawValue: token))
                case .timer(let descriptor):
                    if TimerDescriptor.expirations(descriptor) > 0 { ready.append(Attachment(rawValue: token)) }
                case .descriptor:
                    ready.append(Attachment(rawValue: token))
                case nil:
                    break
                }
            }
            if !ready.isEmpty { return true }
            if deadline.hasPassed { return false }
        }
    }
}
#endif

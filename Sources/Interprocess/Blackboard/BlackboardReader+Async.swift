#if os(Linux)
import Synchronization

/// The reader's `async` waits: they suspend the task until a write, sleeping on the process's
/// one waiter thread (see ``ProcessWaiter``), and never block a thread.
extension BlackboardReader {
    /// Waits until `key`'s entry has a version other than `seen`, suspending the task; returns
    /// the new version.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` when the deadline passed first;
    ///   ``InterprocessError/Code/cancelled`` when the task was cancelled.
    public func waitForChange<Value>(of key: BlackboardKey<Value>, after seen: UInt64, until deadline: Deadline = .never) async throws(InterprocessError) -> UInt64 {
        try await changedAsync(versionWord(key), seen: seen, until: deadline)
    }

    /// Waits up to `timeout` until `key`'s entry has a version other than `seen`, suspending the task.
    public func waitForChange<Value>(of key: BlackboardKey<Value>, after seen: UInt64, timeout: Duration) async throws(InterprocessError) -> UInt64 {
        try await waitForChange(of: key, after: seen, until: .after(timeout))
    }

    /// Waits until the board's ``changeCount`` differs from `seen`, suspending the task.
    ///
    /// - Throws: `timedOut`, `cancelled`.
    public func waitForAnyChange(after seen: UInt64, until deadline: Deadline = .never) async throws(InterprocessError) -> UInt64 {
        try await changedAsync(mapping.word64(BlackboardLayout.changeCountOffset), seen: seen, until: deadline)
    }

    /// Waits up to `timeout` until the board's ``changeCount`` differs from `seen`, suspending the task.
    public func waitForAnyChange(after seen: UInt64, timeout: Duration) async throws(InterprocessError) -> UInt64 {
        try await waitForAnyChange(after: seen, until: .after(timeout))
    }

    /// Suspends until `word` differs from `seen`.
    func changedAsync(_ word: UnsafeMutablePointer<Atomic<UInt64>>, seen: UInt64, until deadline: Deadline) async throws(InterprocessError) -> UInt64 {
        let operation = "wait for blackboard change", name = self.name
        while true {
            try ProcessWaiter.checkCancellation(operation: operation, name: name)
            let value = BlackboardReader.differs(word, seen)
            // A shrunk file's zero reads as a change from any version but 0: not a write.
            if mapping.storage.wasTruncated { throw timedOut("the board's file was shrunk") }
            if let value { return value }
            if deadline.hasPassed { try ProcessWaiter.requireAcquired(.timedOut, operation: operation, name: name) }
            let parking = mapping.changeParking
            let truncation = mapping.storage.truncation.slot
            let outcome = try await ProcessWaiter.shared.wait(
                on: parking, until: deadline, operation: operation, name: name
            ) { [changes = UnsafeSendable(parking.word), word = UnsafeSendable(word)] in
                let expected = changes.value.pointee.load(ordering: .sequentiallyConsistent)
                AsymmetricFence.rareSide()
                guard BlackboardReader.differs(word.value, seen) == nil else { return .proceed }
                return TruncationGuard.faults(truncation) != 0 ? .truncated : .sleep(expecting: expected)
            }
            // Timed out or truncated: the loop's own checks report it.
            if outcome == .cancelled { try ProcessWaiter.requireAcquired(outcome, operation: operation, name: name) }
        }
    }

    /// The latest value of `key`'s entry each time it changes, as an `AsyncSequence` of
    /// ``BlackboardUpdate``s: first the current value (if the entry was written), then one
    /// element per change seen. Values written between two `next()` calls are skipped (the board
    /// keeps only the latest); versions only grow.
    ///
    /// ```swift
    /// for try await update in reader.changes(of: poseKey) { steer(update.value) }
    /// ```
    ///
    /// Iteration never ends by itself; it throws ``InterprocessError/Code/cancelled`` when the
    /// task is cancelled.
    public func changes<Value: InterprocessValue>(of key: BlackboardKey<Value>) -> BlackboardUpdates<Value> {
        BlackboardUpdates(reader: self, key: key) { reader, key throws(InterprocessError) in try reader.readWithVersion(key) }
    }

    /// The latest bytes of `key`'s entry each time they change (as the value form does).
    public func changes(of key: BlackboardKey<[UInt8]>) -> BlackboardUpdates<[UInt8]> {
        BlackboardUpdates(reader: self, key: key) { reader, key throws(InterprocessError) in try reader.readWithVersion(key) }
    }

    /// The latest text of `key`'s entry each time it changes (as the value form does).
    public func changes(of key: BlackboardKey<String>) -> BlackboardUpdates<String> {
        BlackboardUpdates(reader: self, key: key) { reader, key throws(InterprocessError) in try reader.readWithVersion(key) }
    }
}

/// One element of ``BlackboardUpdates``: an entry's value and the version that wrote it.
public struct BlackboardUpdate<Value> {
    /// The value.
    public var value: Value
    /// The entry's version: how many writes of the entry made it.
    public var version: UInt64
}

extension BlackboardUpdate: Sendable where Value: Sendable {}

/// The changes of one blackboard entry as an `AsyncSequence` (see
/// `BlackboardReader.changes(of:)`).
public struct BlackboardUpdates<Value>: AsyncSequence {
    /// One change.
    public typealias Element = BlackboardUpdate<Value>
    /// What a read or a wait throws.
    public typealias Failure = InterprocessError

    let reader: BlackboardReader
    let key: BlackboardKey<Value>
    let read: (BlackboardReader, BlackboardKey<Value>) throws(InterprocessError) -> (value: Value, version: UInt64)?

    /// An iterator waiting for the next change.
    public func makeAsyncIterator() -> Iterator { Iterator(updates: self, seen: 0) }

    /// Waits for a version other than the last one returned, then reads it.
    public struct Iterator: AsyncIteratorProtocol {
        let updates: BlackboardUpdates
        var seen: UInt64
        var finished = false

        /// The next change, suspending the task until there is one.
        public mutating func next(isolation actor: isolated (any Actor)? = #isolation) async throws(InterprocessError) -> Element? {
            guard !finished else { return nil }
            do {
                while true {
                    if let (value, version) = try updates.read(updates.reader, updates.key), version != seen {
                        seen = version
                        return BlackboardUpdate(value: value, version: version)
                    }
                    _ = try await updates.reader.waitForChange(of: updates.key, after: seen)
                }
            } catch {
                finished = true
                throw error
            }
        }

        /// The next change (the form for callers without an isolation).
        public mutating func next() async throws(InterprocessError) -> Element? {
            try await next(isolation: nil)
        }
    }
}
#endif

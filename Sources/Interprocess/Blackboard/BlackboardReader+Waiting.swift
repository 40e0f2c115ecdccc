#if os(Linux)
import Synchronization

/// Waiting for a change: spin briefly, then sleep on the low half of the board's change count.
///
/// The writer does not pay a sequentially consistent store per write for the parking
/// handshake: its side is a release store and a compiler barrier, and a reader going to sleep
/// supplies the processor barrier for both with ``AsymmetricFence/rareSide()`` (membarrier)
/// between announcing itself and re-reading the versions, as broadcast readers do.
extension BlackboardReader {
    /// Waits until `key`'s entry has a version other than `seen` (a write newer than the one the
    /// caller saw; pass 0 to wait for the first), blocking the thread; returns the new version.
    ///
    /// ```swift
    /// var seen = reader.version(of: poseKey)
    /// seen = try reader.waitForChange(of: poseKey, after: seen, timeout: .seconds(1))
    /// ```
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` if the deadline passed first.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public func waitForChange<Value>(of key: BlackboardKey<Value>, after seen: UInt64, until deadline: Deadline = .never) throws(InterprocessError) -> UInt64 {
        let word = versionWord(key)
        guard let version = changed(until: deadline, { BlackboardReader.differs(word, seen) }) else {
            throw timedOut("no write of entry \(mapping.entries[key.index].key) came before the deadline")
        }
        return version
    }

    /// Waits up to `timeout` until `key`'s entry has a version other than `seen`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public func waitForChange<Value>(of key: BlackboardKey<Value>, after seen: UInt64, timeout: Duration) throws(InterprocessError) -> UInt64 {
        try waitForChange(of: key, after: seen, until: .after(timeout))
    }

    /// Waits until the board's ``changeCount`` differs from `seen` (any entry written),
    /// blocking the thread; returns the new count.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` if the deadline passed first.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public func waitForAnyChange(after seen: UInt64, until deadline: Deadline = .never) throws(InterprocessError) -> UInt64 {
        let word = mapping.word64(BlackboardLayout.changeCountOffset)
        guard let count = changed(until: deadline, { BlackboardReader.differs(word, seen) }) else {
            throw timedOut("nothing was written before the deadline")
        }
        return count
    }

    /// Waits up to `timeout` until the board's ``changeCount`` differs from `seen`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public func waitForAnyChange(after seen: UInt64, timeout: Duration) throws(InterprocessError) -> UInt64 {
        try waitForAnyChange(after: seen, until: .after(timeout))
    }

    /// Calls `body` with the latest value of `key`'s entry and its version each time it
    /// changes, starting with the current one if its version is not `seen` (default 0: the
    /// current value, if any), until `body` returns false. Blocks the thread between changes.
    /// Values written between two calls are skipped: the board keeps only the latest.
    ///
    /// ```swift
    /// try reader.onChange(of: poseKey) { pose, version in
    ///     steer(pose)
    ///     return !stopped
    /// }
    /// ```
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` if the deadline passes while waiting;
    ///   what `body` or a read throws.
    @available(*, noasync, message: "blocks the thread; in async code, iterate changes(of:)")
    public func onChange<Value: InterprocessValue>(
        of key: BlackboardKey<Value>, after seen: UInt64 = 0, until deadline: Deadline = .never,
        _ body: (Value, UInt64) throws(InterprocessError) -> Bool
    ) throws(InterprocessError) {
        var seen = seen
        while true {
            if let (value, version) = try readWithVersion(key), version != seen {
                seen = version
                guard try body(value, version) else { return }
                continue
            }
            _ = try waitForChange(of: key, after: seen, until: deadline)
        }
    }

    // MARK: Internals

    /// The version word of `key`'s entry.
    func versionWord<Value>(_ key: BlackboardKey<Value>) -> UnsafeMutablePointer<Atomic<UInt64>> {
        precondition(mapping.contains(key), "a BlackboardKey is used with a blackboard other than the one that made it")
        return mapping.word64(key.dataOffset)
    }

    /// The word's value if it differs from `seen`.
    static func differs(_ word: UnsafeMutablePointer<Atomic<UInt64>>, _ seen: UInt64) -> UInt64? {
        let value = word.pointee.load(ordering: .sequentiallyConsistent)
        return value != seen ? value : nil
    }

    /// Spins, then sleeps on the change count, until `check` returns a value or `deadline` passes.
    func changed(until deadline: Deadline, _ check: () -> UInt64?) -> UInt64? {
        var spins = 0
        while true {
            // A shrunk file's zero reads as a change from any version but 0: not a write.
            if let value = check() { return mapping.storage.wasTruncated ? nil : value }
            if spins < ChannelWaiting.spinLimit {
                spins += 1
                CPU.relax()
                if spins & 255 == 0, deadline.hasPassed { return nil }
                continue
            }
            // A shrunk file's words read as zeros that never change: waiting on is for ever.
            if deadline.hasPassed || mapping.storage.wasTruncated { return nil }
            mapping.changeParking.sleepOnce(until: deadline) {
                AsymmetricFence.rareSide()
                return check() == nil
            }
        }
    }

    /// `timedOut`, or `truncated` when that is why the wait ended.
    func timedOut(_ reason: String) -> InterprocessError {
        mapping.storage.judged(InterprocessError(.timedOut, operation: "wait for blackboard change", name: name, reason: reason))
    }
}
#endif

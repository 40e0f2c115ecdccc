#if os(Linux)
public import Synchronization

/// The two operations every send and receive form goes through, and their slow paths.
///
/// Both take the queue's robust lock (a compare-and-swap when free; a held lock is looked at
/// after doubling pauses, see `MessageQueue+Backoff.swift`), change the order and one slot,
/// store the count, release the lock, and wake a parked peer only when the peer's waiter count
/// says one may sleep: no system call and no allocation when nobody waits.
extension MessageQueue {
    /// Sends a message of up to `byteCount` bytes written by `write` (which returns how many it
    /// wrote) with `priority`. Without a deadline returns false at once when the queue is full;
    /// with one, waits for room and throws ``InterprocessError/Code/timedOut`` when it passes.
    /// The lock is waited for until `deadline`, or `lockDeadline` without one.
    @inlinable @inline(__always)
    func _send(
        byteCount: Int, priority: UInt32, until deadline: Deadline?, lockUntil lockDeadline: Deadline = .never,
        _ write: (UnsafeMutableRawPointer) -> Int
    ) throws(InterprocessError) -> Bool {
        let queue = mapping
        if byteCount > queue.maximumSize || byteCount < 0 { try queue.raiseTooLarge(byteCount) }
        while true {
            try queue.acquire(until: deadline ?? lockDeadline, operation: .send)
            let count = Int(truncatingIfNeeded: queue.count.pointee.load(ordering: .relaxed))
            if count < queue.capacity {
                // The first free entry names the slot to fill; it must be a free slot.
                queue.prefetchEntry(count)
                let free = queue.entry(count)
                let index = Int(truncatingIfNeeded: free.slot)
                if index >= queue.capacity { try queue.raiseCorrupt(.send, "a free entry names slot \(index)") }
                let slot = queue.slot(index)
                CPU.prefetchForWriting(slot)
                if slot.load(fromByteOffset: MessageQueueLayout.slotSequenceOffset, as: UInt64.self) != 0 {
                    try queue.raiseCorrupt(.send, "its free slot \(index) holds a message")
                }
                let written = write(slot + MessageQueueLayout.slotPayloadOffset)
                // A page of the queue cut by a shrink reads and takes writes as a private zero
                // page: nothing written since may ever reach another process, so no commit.
                try queue.requireNotTruncated(.send)
                var sequence = queue.nextSequence
                if sequence == 0 { sequence = 1 }
                slot.storeBytes(of: priority, toByteOffset: MessageQueueLayout.slotPriorityOffset, as: UInt32.self)
                slot.storeBytes(of: UInt32(truncatingIfNeeded: written), toByteOffset: MessageQueueLayout.slotLengthOffset, as: UInt32.self)
                // The commit point: from this store on, the message is in the queue, whatever
                // happens to this process.
                slot.storeBytes(of: sequence, toByteOffset: MessageQueueLayout.slotSequenceOffset, as: UInt64.self)
                queue.nextSequence = sequence &+ 1
                queue.siftUp(MessageQueueEntry(sequence: sequence, priority: priority, slot: free.slot), count: count)
                queue.count.pointee.store(UInt32(truncatingIfNeeded: count &+ 1), ordering: .sequentiallyConsistent)
                try queue.release(operation: .send)
                if FutexParking.mayHaveSleepers(queue.receiversWaiting) { queue.wake(MessageQueueLayout.notEmptyOffset) }
                return true
            }
            if count > queue.capacity { try queue.raiseCorrupt(.send, "its count \(count) is above its capacity \(queue.capacity)") }
            try queue.release(operation: .send)
            guard let deadline else { return false }
            try queue.awaitChange(.send, until: deadline)
        }
    }

    /// Receives the message that comes first (highest priority, then oldest) if its length is in
    /// `accepted`, calling `read` with it in place and its priority, then removes it (also when
    /// `read` throws). Without a deadline returns nil at once when the queue is empty; with one,
    /// waits and throws ``InterprocessError/Code/timedOut`` when it passes. A message of a length
    /// outside `accepted` is an ``InterprocessError/Code/invalidArgument`` error and stays.
    @inlinable @inline(__always)
    func _receive<Result>(
        accepting accepted: ClosedRange<Int>, until deadline: Deadline?, lockUntil lockDeadline: Deadline = .never,
        _ read: (UnsafeRawBufferPointer, UInt32) throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result? {
        let queue = mapping
        while true {
            try queue.acquire(until: deadline ?? lockDeadline, operation: .receive)
            let count = Int(truncatingIfNeeded: queue.count.pointee.load(ordering: .relaxed))
            if count > 0 && count <= queue.capacity {
                // The last entry moves to the top, and its place becomes the first free entry.
                queue.prefetchEntry(count &- 1)
                let top = queue.entry(0)
                let index = Int(truncatingIfNeeded: top.slot)
                if index >= queue.capacity { try queue.raiseCorrupt(.receive, "its first entry names slot \(index)") }
                let slot = queue.slot(index)
                CPU.prefetchForWriting(slot)
                let length = Int(truncatingIfNeeded: slot.load(fromByteOffset: MessageQueueLayout.slotLengthOffset, as: UInt32.self))
                if slot.load(fromByteOffset: MessageQueueLayout.slotSequenceOffset, as: UInt64.self) != top.sequence || top.sequence == 0
                    || length > queue.maximumSize {
                    try queue.raiseCorrupt(.receive, "its first entry and slot \(index) disagree")
                }
                if !accepted.contains(length) { try queue.raiseLengthMismatch(length, accepted) }
                let result: Result
                do throws(InterprocessError) {
                    result = try read(UnsafeRawBufferPointer(start: slot + MessageQueueLayout.slotPayloadOffset, count: length), top.priority)
                } catch {
                    queue.remove(slot, count: count)
                    try queue.release(operation: .receive)
                    queue.wakeSendersIfWaiting()
                    throw error
                }
                // A slot may straddle a page: its header real, its payload cut (zeros here). The
                // message stays in the queue rather than be handed over as zeros and removed.
                try queue.requireNotTruncated(.receive)
                queue.remove(slot, count: count)
                try queue.release(operation: .receive)
                if FutexParking.mayHaveSleepers(queue.sendersWaiting) { queue.wake(MessageQueueLayout.notFullOffset) }
                return result
            }
            if count > queue.capacity { try queue.raiseCorrupt(.receive, "its count \(count) is above its capacity \(queue.capacity)") }
            try queue.release(operation: .receive)
            guard let deadline else { return nil }
            try queue.awaitChange(.receive, until: deadline)
        }
    }
}

/// Which side of the queue a step is for: its error messages and what it waits for.
@usableFromInline
enum MessageQueueSide: Sendable {
    case send
    case receive

    var operation: String {
        switch self {
        case .send: "send to queue"
        case .receive: "receive from queue"
        }
    }
}

extension MessageQueueMapping {
    /// Takes the lock, waiting until `deadline` (it is held only for one message's copy); after
    /// a holder's death, rebuilds the order first. Then starts fetching the hot line owned: the
    /// other side changed it last, and this holder reads and then changes it.
    @inlinable @inline(__always)
    func acquire(until deadline: Deadline, operation: MessageQueueSide) throws(InterprocessError) {
        let acquisition: LockAcquisition
        do throws(InterprocessError) {
            acquisition = try lockAfterBackingOff() ? .acquired : try lock.lock(until: deadline)
        } catch {
            try raise(error, operation)
        }
        CPU.prefetchForWriting(UnsafeRawPointer(count))
        if case .previousOwnerDied = acquisition { try recoverFromDeadHolder(operation) }
    }

    /// Starts fetching the line of the entry at `position` (below the capacity) owned, if it is
    /// past the hot line.
    @inlinable @inline(__always)
    func prefetchEntry(_ position: Int) {
        if position >= 3 { CPU.prefetchForWriting(order + position &* MessageQueueLayout.entryStride) }
    }

    /// Releases the lock.
    @inlinable @inline(__always)
    func release(operation: MessageQueueSide) throws(InterprocessError) {
        do throws(InterprocessError) {
            try lock.unlock()
        } catch {
            try raise(error, operation)
        }
    }

    /// Removes the first message, in `slot`, from a heap of `count`: clears the slot (the commit
    /// point of a receive), then moves the last entry down from the top and files the slot as free.
    @inlinable @inline(__always)
    func remove(_ slot: UnsafeMutableRawPointer, count: Int) {
        let top = entry(0)
        slot.storeBytes(of: 0, toByteOffset: MessageQueueLayout.slotSequenceOffset, as: UInt64.self)
        let remaining = count &- 1
        siftDown(entry(remaining), from: 0, count: remaining)
        setEntry(remaining, MessageQueueEntry(sequence: 0, priority: 0, slot: top.slot))
        self.count.pointee.store(UInt32(truncatingIfNeeded: remaining), ordering: .sequentiallyConsistent)
    }

    /// Rebuilds the order after the lock's previous holder died, and marks the lock consistent.
    @usableFromInline
    func recoverFromDeadHolder(_ side: MessageQueueSide) throws(InterprocessError) {
        // An order rebuilt from slots a shrink cut would be built from zeros: the lock is given
        // back without being marked consistent (the mutex then becomes not recoverable).
        try requireNotTruncated(side)
        _ = rebuildOrder()
        try requireNotTruncated(side)
        do throws(InterprocessError) {
            try lock.markConsistent()
        } catch {
            throw error.reported(as: side.operation)
        }
    }

    /// Bumps the futex word at `offset` and wakes one of its sleepers.
    @usableFromInline
    func wake(_ offset: Int) {
        _ = word32(offset).pointee.wrappingAdd(1, ordering: .sequentiallyConsistent)
        Futex.wake(UnsafeMutablePointer(OpaquePointer(base + offset)), count: 1)
    }

    @usableFromInline
    func wakeSendersIfWaiting() {
        if FutexParking.mayHaveSleepers(sendersWaiting) { wake(MessageQueueLayout.notFullOffset) }
    }

    /// The parking of `side`: senders wait for room on `notFull`, receivers for a message on
    /// `notEmpty`.
    func parking(_ side: MessageQueueSide) -> FutexParking {
        switch side {
        case .send: FutexParking(word: word32(MessageQueueLayout.notFullOffset), waiters: sendersWaiting)
        case .receive: FutexParking(word: word32(MessageQueueLayout.notEmptyOffset), waiters: receiversWaiting)
        }
    }

    /// Whether `side` still cannot proceed, from the count alone (sequentially consistent: the
    /// other half of the parking handshake).
    func isBlocked(_ side: MessageQueueSide) -> Bool {
        let count = Int(truncatingIfNeeded: self.count.pointee.load(ordering: .sequentiallyConsistent))
        return switch side {
        case .send: count == capacity
        case .receive: count == 0
        }
    }

    /// Waits, after a look under the lock found the queue full (`.send`) or empty (`.receive`),
    /// until it may have changed: spins briefly, then sleeps once (at most
    /// ``FutexParking/recheckInterval``, so a wake-up lost to a killed peer only delays).
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` once `deadline` has passed.
    @usableFromInline
    func awaitChange(_ side: MessageQueueSide, until deadline: Deadline) throws(InterprocessError) {
        // Only the first waiter of a side spins: with more processes than CPUs, the others'
        // spinning takes the CPU from the very process (a lock holder, a sender) they wait for.
        if parking(side).waiterCount == 0, spinWhileBlocked(side) { return }
        if deadline.hasPassed || storage.wasTruncated {
            throw storage.judged(InterprocessError(.timedOut, operation: side.operation, name: storage.name,
                                                   reason: side == .send ? "it stayed full until the deadline" : "no message arrived before the deadline"))
        }
        parking(side).sleepOnce(until: deadline) { isBlocked(side) }
    }

    @usableFromInline
    func raise(_ error: InterprocessError, _ side: MessageQueueSide) throws(InterprocessError) -> Never {
        throw InterprocessError(error.code, operation: side.operation, name: storage.name, errno: error.errno, reason: error.reason)
    }

    /// Releases the lock and throws `truncated` once a peer shrank the queue's file (one load
    /// of the mapping's fault count otherwise).
    @inlinable @inline(__always)
    func requireNotTruncated(_ side: MessageQueueSide) throws(InterprocessError) {
        // The count is raised by the SIGBUS handler in this thread, at an access just above:
        // the fence (no instruction on x86) keeps the compiler from loading it before them.
        atomicMemoryFence(ordering: .acquiringAndReleasing)
        if lock.truncationFaults.pointee.load(ordering: .relaxed) != 0 { try raiseTruncated(side) }
    }

    @usableFromInline
    func raiseTruncated(_ side: MessageQueueSide) throws(InterprocessError) -> Never {
        try? lock.unlock()
        throw storage.judged(InterprocessError(.truncated, operation: side.operation, name: storage.name,
                                               reason: "another process shrank the queue's file"))
    }

    /// Releases the lock (if this thread holds it) and throws `.corrupt`.
    @usableFromInline
    func raiseCorrupt(_ side: MessageQueueSide, _ reason: String) throws(InterprocessError) -> Never {
        try? lock.unlock()
        throw storage.judged(InterprocessError(.corrupt, operation: side.operation, name: storage.name, reason: reason))
    }

    @usableFromInline
    func raiseTooLarge(_ byteCount: Int) throws(InterprocessError) -> Never {
        throw InterprocessError(.invalidArgument, operation: MessageQueueSide.send.operation, name: storage.name,
                                reason: "the message is \(byteCount) bytes; the queue's largest is \(maximumSize)")
    }

    /// Releases the lock and throws `.invalidArgument`: the message stays in the queue.
    @usableFromInline
    func raiseLengthMismatch(_ length: Int, _ accepted: ClosedRange<Int>) throws(InterprocessError) -> Never {
        try? lock.unlock()
        throw InterprocessError(.invalidArgument, operation: MessageQueueSide.receive.operation, name: storage.name,
                                reason: QueueBytes.lengthMismatch(length, accepted))
    }
}
#endif

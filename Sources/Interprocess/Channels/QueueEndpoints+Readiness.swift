#if os(Linux)
import Synchronization

// The looks a ReadinessDescriptor's watch takes at each kind of endpoint, on the queue's shared
// mapping. Every word read is only compared: a value a peer wrote at worst makes
// the descriptor readable when nothing is there (a hint), never a read outside the mapping.

extension SPSCConsumer {
    /// A descriptor that becomes readable when records are available (see ``ReadinessDescriptor``).
    ///
    /// - Throws: ``InterprocessError/Code/resourceLimit`` if no eventfd or waiter thread could
    ///   be had; errors of mapping the queue again.
    public func makeReadinessDescriptor() throws(InterprocessError) -> ReadinessDescriptor {
        try ReadinessDescriptor(storage: mapping.storage, operation: "watch queue") { body in
            let tail = (body + SPSCLayout.tailOffset).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
            let head = (body + SPSCLayout.headOffset).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
            let sleeping = (body + SPSCLayout.consumerSleepingOffset).bindMemory(to: Atomic<UInt32>.self, capacity: 1)
            let parking = FutexParking(word: body + SPSCLayout.tailOffset, waiters: sleeping, sleepers: .single)
            let words = UnsafeSendable((tail, head))
            return (parking, {
                let published = words.value.0.pointee.load(ordering: .sequentiallyConsistent)
                let released = words.value.1.pointee.load(ordering: .sequentiallyConsistent)
                return WatchObservation(word: UInt32(truncatingIfNeeded: published), ready: published != released,
                                        progress: WatchProgress(published, 0))
            })
        }
    }
}

extension SPSCProducer {
    /// A descriptor that becomes readable when the queue has room (see ``ReadinessDescriptor``):
    /// at least one byte free, which may still be too little for the next record (then
    /// ``tryReserve(_:)`` returns nil: clear and wait again).
    public func makeReadinessDescriptor() throws(InterprocessError) -> ReadinessDescriptor {
        let capacity = UInt64(truncatingIfNeeded: self.capacity)
        return try ReadinessDescriptor(storage: mapping.storage, operation: "watch queue") { body in
            let tail = (body + SPSCLayout.tailOffset).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
            let head = (body + SPSCLayout.headOffset).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
            let sleeping = (body + SPSCLayout.producerSleepingOffset).bindMemory(to: Atomic<UInt32>.self, capacity: 1)
            let parking = FutexParking(word: body + SPSCLayout.headOffset, waiters: sleeping, sleepers: .single)
            let words = UnsafeSendable((tail, head))
            return (parking, {
                let released = words.value.1.pointee.load(ordering: .sequentiallyConsistent)
                let published = words.value.0.pointee.load(ordering: .sequentiallyConsistent)
                return WatchObservation(word: UInt32(truncatingIfNeeded: released),
                                        ready: published &- released < capacity, progress: WatchProgress(released, 0))
            })
        }
    }
}

extension MPMCConsumer {
    /// A descriptor that becomes readable when a record may be available (see
    /// ``ReadinessDescriptor``; another consumer may take it first).
    public func makeReadinessDescriptor() throws(InterprocessError) -> ReadinessDescriptor {
        try mapping.readinessDescriptor(futex: MPMCLayout.notEmptyOffset, waiting: MPMCLayout.consumersWaitingOffset,
                                        index: MPMCLayout.headOffset, readyAt: 1)
    }
}

extension MPMCProducer {
    /// A descriptor that becomes readable when a slot may be free (see ``ReadinessDescriptor``;
    /// another producer may take it first).
    public func makeReadinessDescriptor() throws(InterprocessError) -> ReadinessDescriptor {
        try mapping.readinessDescriptor(futex: MPMCLayout.notFullOffset, waiting: MPMCLayout.producersWaitingOffset,
                                        index: MPMCLayout.tailOffset, readyAt: 0)
    }
}

extension MPMCMapping {
    /// A readiness descriptor for one side: parks on the futex word at `futex` counted at
    /// `waiting`; ready when the slot at the index at `index` (head or tail) holds a sequence of
    /// at least that index plus `readyAt` (1: its record is published; 0: it is free).
    ///
    /// Progress is the pair (index, sequence of the slot at the index): it changes exactly when
    /// readiness can. The other side's index would not do: it moves when a peer *claims* a slot,
    /// not when it publishes, so two producers publishing out of order (the later claim first)
    /// would signal once for two records, and the second would never be signalled.
    func readinessDescriptor(futex: Int, waiting: Int, index: Int, readyAt: UInt64) throws(InterprocessError) -> ReadinessDescriptor {
        let slotCount = self.slotCount, stride = self.stride
        return try ReadinessDescriptor(storage: storage, operation: "watch queue") { body in
            let view = MPMCRingView(index: (body + index).bindMemory(to: Atomic<UInt64>.self, capacity: 1),
                                    ring: body + MPMCLayout.ringOffset, slotCount: slotCount, stride: stride)
            let word = (body + futex).bindMemory(to: Atomic<UInt32>.self, capacity: 1)
            let parking = FutexParking(word: word, waiters: (body + waiting).bindMemory(to: Atomic<UInt32>.self, capacity: 1))
            let futexWord = UnsafeSendable(word)
            return (parking, {
                let seen = futexWord.value.pointee.load(ordering: .sequentiallyConsistent)
                let position = view.index.pointee.load(ordering: .sequentiallyConsistent)
                let sequence = view.sequence(at: position)
                return WatchObservation(word: seen, ready: sequence & MPMCLayout.positionMask >= position &+ readyAt,
                                        progress: WatchProgress(position, sequence))
            })
        }
    }
}
#endif

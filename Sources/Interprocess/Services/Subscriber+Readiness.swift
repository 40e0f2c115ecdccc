#if os(Linux)
import Synchronization

extension Subscriber {
    /// A descriptor that becomes readable when a sample is waiting for this subscriber (see
    /// ``ReadinessDescriptor``: clear it, then receive with ``tryReceive(_:)``-style calls until
    /// they find nothing). It watches the ring entry at this subscriber's position, which the
    /// subscriber publishes as it receives. A ``WaitSet`` takes one with
    /// ``WaitSet/attach(_:)-(ReadinessDescriptor)``.
    ///
    /// - Throws: ``InterprocessError/Code/resourceLimit`` if no eventfd or waiter thread could be had.
    public func makeReadinessDescriptor() throws(InterprocessError) -> ReadinessDescriptor {
        let storage = service.storage
        let records = storage.base + ServiceLayout.recordsOffset
        let stride = recordStride, mask = self.mask
        let cursorWord = UnsafeSendable(self.cursorWord)
        return try ReadinessDescriptor(keeping: seat, base: storage.base, name: storage.name, operation: "watch service") { _ in
            let parking = storage.publicationParking
            let word = UnsafeSendable(parking.word)
            let ring = UnsafeSendable(records)
            return (parking, {
                let seen = word.value.pointee.load(ordering: .sequentiallyConsistent)
                let cursor = cursorWord.value.pointee.load(ordering: .sequentiallyConsistent)
                let entry = ring.value + (Int(truncatingIfNeeded: cursor) & mask) &* stride
                let sequence = (entry + ServiceLayout.entrySequenceOffset).assumingMemoryBound(to: Atomic<UInt64>.self).pointee
                    .load(ordering: .sequentiallyConsistent)
                // A sample at the cursor, or a later lap's (missed ones are then skipped): ready.
                let ready = sequence != ServiceLayout.noSequence && Int64(bitPattern: sequence &- cursor) >= 0
                return WatchObservation(word: seen, ready: ready, progress: WatchProgress(cursor, sequence))
            })
        }
    }
}
#endif

#if os(Linux)
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension Service {
    /// A snapshot of the service (see ``ServiceState``): its publisher, subscribers and pools.
    public var state: ServiceState {
        let storage = self.storage
        var problems: [String] = storage.segment.memory.truncationProblem(operation: "inspect service").map { [$0.reason] } ?? []
        var subscribers: [SubscriberState] = []
        for index in 0..<storage.configuration.maximumSubscribers {
            guard let subscriber = SubscriberState.read(storage, index: index) else { continue }
            subscribers.append(subscriber)
        }
        // The count is read after the positions: while the service runs, a position read later
        // than the count may be ahead of it, so only a position past a count read after it is a
        // problem.
        let head = storage.word64(ServiceLayout.headOffset).pointee.load(ordering: .acquiring)
        for subscriber in subscribers where subscriber.position > head {
            problems.append("subscriber \(subscriber.index)'s position \(subscriber.position) is past the \(head) samples published")
        }
        var pools: [SamplePoolState] = []
        var inUse = [Int](repeating: 0, count: ServiceLayout.maximumGenerations)
        for slot in 0..<storage.geometry.slotCount {
            let record = storage.record(slot)
            let tag = (record + ServiceLayout.slotTagOffset).assumingMemoryBound(to: Atomic<UInt64>.self).pointee.load(ordering: .relaxed)
            let generation = Int((record + ServiceLayout.slotGenerationOffset).assumingMemoryBound(to: Atomic<UInt32>.self).pointee.load(ordering: .relaxed))
            if tag != ServiceLayout.freeTag, generation < ServiceLayout.maximumGenerations { inUse[generation] += 1 }
        }
        for generation in 0..<ServiceLayout.maximumGenerations
        where storage.generationState(generation).pointee.load(ordering: .acquiring) == ServiceLayout.GenerationState.live.rawValue {
            let size = Int(truncatingIfNeeded: storage.generationSize(generation).pointee.load(ordering: .acquiring))
            if size < 1 || size > storage.configuration.payload.size {
                problems.append("pool generation \(generation) records a slot size of \(size) bytes")
            }
            pools.append(SamplePoolState(generation: UInt32(generation), segmentName: SamplePool.name(of: storage, generation: generation),
                                         slotPayloadSize: size, slotCount: storage.geometry.slotCount, slotsInUse: inUse[generation]))
        }
        return ServiceState(
            name: storage.name, configuration: storage.configuration,
            publisher: QueueEndpointState(claimWord: storage.word64(ServiceLayout.publisherOffset).pointee.load(ordering: .acquiring)),
            publishedCount: head, subscribers: subscribers, pools: pools,
            sleepingSubscribers: storage.word32(ServiceLayout.publicationWaitersOffset).pointee.load(ordering: .relaxed),
            problem: problems.isEmpty ? nil : problems.joined(separator: "; "))
    }

    /// A snapshot of every service in the shared-memory directory that can be opened, sorted
    /// by name (services that cannot be read are left out).
    public static func all() -> [ServiceState] {
        SharedMemoryDirectory.entries().compactMap { name in
            guard isReadyService(name), let service = try? Service(open: name) else { return nil }
            return service.state
        }
    }

    /// Whether the file `name` holds a service that is ready, judged from its header read once
    /// without waiting (a foreign or half-written file is skipped at once, not waited for).
    static func isReadyService(_ name: String) -> Bool {
        guard !name.hasPrefix("."), !name.contains(".pool-") else { return false }
        let descriptor = open(SharedMemoryDirectory.path(of: name), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        guard case .valid(let header)? = try? SegmentValidation.read(descriptor: descriptor, name: name, operation: "list services").outcome
        else { return false }
        return header.kind == .service && header.state == SegmentHeader.State.ready.rawValue
    }
}

extension SubscriberState {
    /// The subscriber in table entry `index`, or nil when the entry is free.
    static func read(_ storage: ServiceStorage, index: Int) -> SubscriberState? {
        let claim = SubscriberTable.claimWord(storage, index).pointee.load(ordering: .acquiring)
        guard let process = QueueEndpointState(claimWord: claim) else { return nil }
        // An entry still joining (or leaving) has no position of its own yet.
        let policy = SubscriberTable.word32(storage, index, ServiceLayout.subscriberPolicyOffset).pointee.load(ordering: .acquiring)
        guard policy <= 1 else { return nil }
        let head = storage.word64(ServiceLayout.headOffset).pointee.load(ordering: .acquiring)
        let position = SubscriberTable.word64(storage, index, ServiceLayout.subscriberCursorOffset).pointee.load(ordering: .acquiring)
        return SubscriberState(
            index: index, process: process, overrunPolicy: policy == 1 ? .block : .dropOldest, position: position,
            depth: position <= head ? head - position : 0,
            receivedCount: SubscriberTable.word64(storage, index, ServiceLayout.subscriberReceivedOffset).pointee.load(ordering: .relaxed),
            missedCount: SubscriberTable.word64(storage, index, ServiceLayout.subscriberMissedOffset).pointee.load(ordering: .relaxed),
            heldSamples: Int(SubscriberTable.word32(storage, index, ServiceLayout.subscriberHeldOffset).pointee.load(ordering: .relaxed)))
    }
}

extension Publisher {
    /// A snapshot of the service this publisher publishes (see ``ServiceState``).
    public var state: ServiceState { service.state }
}
#endif

#if os(Linux)
import Synchronization

/// The one place where a service's shared words are judged before use. Any process that can map
/// the control segment can write any value into any word, so the configuration block is checked
/// when the segment is opened, and every slot index, generation, byte count and sequence is
/// checked here (or by the inlinable fast paths with the same comparisons, which call into this
/// file only on their error paths) before it is used: a bad value is a `.corrupt` error, never a
/// trap or an access outside a mapping.
extension ServiceStorage {
    /// Writes a new service's configuration and initial words into its zero-filled body.
    static func initialize(_ base: UnsafeMutableRawPointer, configuration: ServiceConfiguration,
                           geometry: ServiceGeometry, poolMode: UInt32) {
        func put32(_ value: Int, _ offset: Int) {
            base.storeBytes(of: UInt32(truncatingIfNeeded: value).littleEndian, toByteOffset: offset, as: UInt32.self)
        }
        put32(Int(ServiceLayout.tag), ServiceLayout.tagOffset)
        put32(Int(ServiceLayout.version), ServiceLayout.versionOffset)
        base.storeBytes(of: UInt64(configuration.payload.size).littleEndian, toByteOffset: ServiceLayout.payloadSizeOffset, as: UInt64.self)
        put32(configuration.payload.alignment, ServiceLayout.payloadAlignmentOffset)
        put32(configuration.payload.isFixedSize ? 1 : 0, ServiceLayout.payloadFlagsOffset)
        put32(configuration.maximumSubscribers, ServiceLayout.maximumSubscribersOffset)
        put32(configuration.bufferCapacity, ServiceLayout.bufferCapacityOffset)
        put32(configuration.history, ServiceLayout.historyOffset)
        put32(configuration.maximumLoansPerSubscriber, ServiceLayout.maximumLoansOffset)
        put32(configuration.overrunPolicy == .block ? 1 : 0, ServiceLayout.overrunPolicyOffset)
        put32(geometry.ringSize, ServiceLayout.ringSizeOffset)
        put32(geometry.slotCount, ServiceLayout.slotCountOffset)
        put32(geometry.recordStride, ServiceLayout.recordStrideOffset)
        let typeName = Array(configuration.payload.typeName.utf8)
        put32(typeName.count, ServiceLayout.typeNameLengthOffset)
        put32(Int(poolMode & 0o777), ServiceLayout.poolModeOffset)
        // Pools are named after this service instance, so that a publisher of a service removed
        // and created again under the same name never touches the new one's pools.
        put32(Int(UInt32.random(in: 1...UInt32.max)), ServiceLayout.poolNonceOffset)
        for (index, byte) in typeName.enumerated() {
            base.storeBytes(of: byte, toByteOffset: ServiceLayout.typeNameOffset + index, as: UInt8.self)
        }
        for index in 0..<configuration.maximumSubscribers {
            base.storeBytes(of: ServiceLayout.joiningPolicy, toByteOffset: geometry.subscribersOffset
                + index * ServiceLayout.subscriberEntrySize + ServiceLayout.subscriberPolicyOffset, as: UInt32.self)
        }
        for index in 0..<geometry.slotCount {
            let record = base + ServiceLayout.recordsOffset + index * geometry.recordStride
            // Entry k starts bound to slot k; spare slots (ringSize...) are bound to none.
            record.storeBytes(of: ServiceLayout.noSequence, toByteOffset: ServiceLayout.entrySequenceOffset, as: UInt64.self)
            record.storeBytes(of: UInt32(truncatingIfNeeded: index).littleEndian, toByteOffset: ServiceLayout.entrySlotOffset, as: UInt32.self)
            record.storeBytes(of: ServiceLayout.freeTag, toByteOffset: ServiceLayout.slotTagOffset, as: UInt64.self)
        }
    }

    /// Reads and checks the configuration block of an opened control segment.
    static func readConfiguration(
        _ body: UnsafeMutableRawBufferPointer, name: String, operation: String
    ) throws(InterprocessError) -> (ServiceConfiguration, ServiceGeometry, UInt32, UInt32) {
        func corrupt(_ reason: String) -> InterprocessError {
            InterprocessError(.corrupt, operation: operation, name: name, reason: reason)
        }
        guard body.count >= ServiceLayout.recordsOffset, let base = body.baseAddress else {
            throw corrupt("its body of \(body.count) bytes is too small for a service")
        }
        func get32(_ offset: Int) -> Int { Int(UInt32(littleEndian: base.load(fromByteOffset: offset, as: UInt32.self))) }
        guard UInt32(get32(ServiceLayout.tagOffset)) == ServiceLayout.tag else {
            throw corrupt("its body does not start with the service tag")
        }
        let payloadSize = Int(truncatingIfNeeded: UInt64(littleEndian: base.load(fromByteOffset: ServiceLayout.payloadSizeOffset, as: UInt64.self)))
        let nameLength = get32(ServiceLayout.typeNameLengthOffset)
        guard nameLength <= PayloadType.maximumTypeNameLength else {
            throw corrupt("its payload type name length \(nameLength) is above \(PayloadType.maximumTypeNameLength)")
        }
        let typeName = String(decoding: UnsafeRawBufferPointer(start: base + ServiceLayout.typeNameOffset, count: nameLength), as: UTF8.self)
        let policyWord = get32(ServiceLayout.overrunPolicyOffset)
        guard policyWord <= 1 else { throw corrupt("its overrun policy word \(policyWord) is neither 0 nor 1") }
        let flags = get32(ServiceLayout.payloadFlagsOffset)
        guard flags <= 1 else { throw corrupt("its payload flags \(flags) have unknown bits") }
        let configuration = ServiceConfiguration(
            payload: PayloadType(typeName: typeName, size: payloadSize, alignment: get32(ServiceLayout.payloadAlignmentOffset),
                                 isFixedSize: flags == 1),
            maximumSubscribers: get32(ServiceLayout.maximumSubscribersOffset),
            bufferCapacity: get32(ServiceLayout.bufferCapacityOffset),
            history: get32(ServiceLayout.historyOffset),
            maximumLoansPerSubscriber: get32(ServiceLayout.maximumLoansOffset),
            overrunPolicy: policyWord == 1 ? .block : .dropOldest)
        do throws(InterprocessError) {
            try configuration.validate(operation: operation, name: name)
        } catch {
            throw corrupt("its stored configuration is out of range: \(error.reason)")
        }
        let geometry = ServiceGeometry(configuration)
        guard get32(ServiceLayout.ringSizeOffset) == geometry.ringSize, get32(ServiceLayout.slotCountOffset) == geometry.slotCount,
              get32(ServiceLayout.recordStrideOffset) == geometry.recordStride
        else {
            throw corrupt("its ring size, slot count or record stride does not follow from its configuration")
        }
        guard body.count >= geometry.bodySize else {
            throw corrupt("its body of \(body.count) bytes is smaller than its configuration needs (\(geometry.bodySize))")
        }
        return (configuration, geometry, UInt32(get32(ServiceLayout.poolModeOffset) & 0o777), UInt32(get32(ServiceLayout.poolNonceOffset)))
    }

    /// The slot payload size recorded for pool generation `generation`, checked: a live
    /// generation with a size from 1 to the configured maximum.
    func generationSlotSize(_ generation: Int, operation: String) throws(InterprocessError) -> Int {
        guard generation >= 0, generation < ServiceLayout.maximumGenerations else {
            throw corruptError("generation \(generation) is outside 0..<\(ServiceLayout.maximumGenerations)", operation: operation)
        }
        let entry = generationEntry(generation)
        let size = (entry + ServiceLayout.generationSlotSizeOffset).assumingMemoryBound(to: Atomic<UInt64>.self).pointee.load(ordering: .acquiring)
        guard size >= 1, size <= UInt64(configuration.payload.size) else {
            throw corruptError("generation \(generation) records a slot size of \(size) bytes, outside 1...\(configuration.payload.size)",
                               operation: operation)
        }
        return Int(size)
    }

    /// The state word of generation `generation` (which must be < maximumGenerations).
    func generationState(_ generation: Int) -> UnsafeMutablePointer<Atomic<UInt32>> {
        (generationEntry(generation) + ServiceLayout.generationStateOffset).assumingMemoryBound(to: Atomic<UInt32>.self)
    }

    /// The slot-size word of generation `generation` (which must be < maximumGenerations).
    func generationSize(_ generation: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (generationEntry(generation) + ServiceLayout.generationSlotSizeOffset).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    /// The current generation, checked against the table.
    func currentGeneration(operation: String) throws(InterprocessError) -> Int {
        let generation = Int(word32(ServiceLayout.currentGenerationOffset).pointee.load(ordering: .acquiring))
        guard generation < ServiceLayout.maximumGenerations else {
            throw corruptError("its current pool generation \(generation) is outside 0..<\(ServiceLayout.maximumGenerations)",
                               operation: operation)
        }
        return generation
    }

    /// A `.corrupt` error naming the service.
    func corruptError(_ reason: String, operation: String) -> InterprocessError {
        judged(InterprocessError(.corrupt, operation: operation, name: name, reason: reason))
    }

    /// `error`, or the truncation that explains it: a control segment shrunk by another process
    /// reads as zeros here (see ``MappedRegion/wasTruncated``). For slow paths only.
    @usableFromInline
    func judged(_ error: InterprocessError) -> InterprocessError {
        segment.memory.truncationProblem(operation: error.operation) ?? error
    }

    /// The error for a slot index read from ring entry `entry` that is not a slot.
    @usableFromInline
    func slotIndexError(_ slot: Int, entry: Int, operation: String) -> InterprocessError {
        corruptError("ring entry \(entry) names slot \(slot), outside 0..<\(geometry.slotCount)", operation: operation)
    }

    /// The error for a sample size above its generation's slot size.
    @usableFromInline
    func byteCountError(_ count: Int, slot: Int, generation: Int, limit: Int, operation: String) -> InterprocessError {
        corruptError("slot \(slot) holds a sample of \(count) bytes, more than its generation \(generation) holds (\(limit))",
                     operation: operation)
    }

    /// The error for a sequence in the ring that the publisher cannot have published yet.
    @usableFromInline
    func sequenceError(_ sequence: UInt64, head: UInt64, operation: String) -> InterprocessError {
        corruptError("a ring entry holds sequence \(sequence), but only \(head) samples were published", operation: operation)
    }
}
#endif

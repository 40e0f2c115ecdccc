#if os(Linux)
public import Synchronization

/// Where one pool generation's slots are in this process: what the hot paths read to find a
/// sample's payload. `base` is nil for a generation not mapped here (yet).
@frozen @usableFromInline
struct PoolView {
    /// Slot 0's payload (slot `i`'s is at `base + i * stride`).
    @usableFromInline var base: UnsafeMutableRawPointer?
    @usableFromInline var stride: Int
    @usableFromInline var payloadSize: Int
    /// Where slot 0's sample header is (the payload follows it).
    @usableFromInline var headers: UnsafeMutableRawPointer?

    @usableFromInline init() {
        base = nil
        stride = 0
        payloadSize = 0
        headers = nil
    }

    /// Slot `slot`'s sample header, in a mapped generation.
    @inlinable @inline(__always)
    func header(_ slot: Int) -> UnsafeMutableRawPointer { headers.unsafelyUnwrapped + slot &* stride }

    /// The sequence word of slot `slot`'s sample header (its store is the publication).
    @inlinable @inline(__always)
    func sequenceWord(_ slot: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (header(slot) + ServiceLayout.sampleSequenceOffset).assumingMemoryBound(to: Atomic<UInt64>.self)
    }
}

/// One generation of a service's sample pool, mapped: a segment of kind `.samplePool` named
/// `<service>.pool-<nonce>-<generation>` (see `docs/FORMAT.md`). The publisher maps it read-write,
/// subscribers read-only, so a subscriber that writes into a sample traps.
final class SamplePool: Sendable {
    let segment: Segment
    let geometry: PoolGeometry
    let generation: Int

    /// The pool segment name of `generation` of the service instance `storage` maps.
    static func name(of storage: ServiceStorage, generation: Int) -> String {
        name(of: storage.name, nonce: storage.poolNonce, generation: generation)
    }

    /// `<service>.pool-<nonce, 8 hex digits>-<generation>`.
    static func name(of service: String, nonce: UInt32, generation: Int) -> String {
        let hex = String(nonce, radix: 16)
        return "\(service).pool-\(String(repeating: "0", count: 8 - hex.count))\(hex)-\(generation)"
    }

    /// Creates generation `generation` (removing a stale segment of that name first: a publisher
    /// killed while growing can leave one the table never recorded).
    init(creating generation: Int, of storage: ServiceStorage, slotPayloadSize: Int) throws(InterprocessError) {
        let name = SamplePool.name(of: storage, generation: generation)
        let geometry = PoolGeometry(slotPayloadSize: slotPayloadSize, alignment: storage.configuration.payload.alignment,
                                    slotCount: storage.geometry.slotCount)
        try? Segment.remove(name, kind: .samplePool, operation: "remove sample pool")
        do throws(InterprocessError) {
            segment = try Segment(create: name, kind: .samplePool, kindVersion: ServiceLayout.poolVersion, bodySize: geometry.bodySize,
                                  permissions: .init(rawValue: storage.poolMode)) { body in
                let base = body.baseAddress!
                base.storeBytes(of: ServiceLayout.poolTag.littleEndian, toByteOffset: ServiceLayout.poolTagOffset, as: UInt32.self)
                base.storeBytes(of: ServiceLayout.poolVersion.littleEndian, toByteOffset: ServiceLayout.poolVersionOffset, as: UInt32.self)
                base.storeBytes(of: UInt32(generation).littleEndian, toByteOffset: ServiceLayout.poolGenerationOffset, as: UInt32.self)
                base.storeBytes(of: UInt32(geometry.slotCount).littleEndian, toByteOffset: ServiceLayout.poolSlotCountOffset, as: UInt32.self)
                base.storeBytes(of: UInt64(slotPayloadSize).littleEndian, toByteOffset: ServiceLayout.poolSlotPayloadSizeOffset, as: UInt64.self)
                base.storeBytes(of: UInt64(geometry.slotStride).littleEndian, toByteOffset: ServiceLayout.poolSlotStrideOffset, as: UInt64.self)
                base.storeBytes(of: UInt32(geometry.payloadOffset).littleEndian, toByteOffset: ServiceLayout.poolPayloadOffsetOffset, as: UInt32.self)
                base.storeBytes(of: UInt32(geometry.slotsOffset).littleEndian, toByteOffset: ServiceLayout.poolSlotsOffsetOffset, as: UInt32.self)
                // No slot holds a sample yet: a zero sequence would read as sample 0 published.
                for slot in 0..<geometry.slotCount {
                    base.storeBytes(of: ServiceLayout.noSequence, toByteOffset: geometry.slotsOffset + slot * geometry.slotStride
                                        + ServiceLayout.sampleSequenceOffset, as: UInt64.self)
                }
            }
        } catch {
            throw error.reported(as: "grow service pool")
        }
        self.geometry = geometry
        self.generation = generation
    }

    /// Opens generation `generation`, whose slot payload size the control segment records as
    /// `slotPayloadSize`, and checks that the segment agrees.
    init(opening generation: Int, of storage: ServiceStorage, slotPayloadSize: Int, access: MappedRegion.Access,
         operation: String) throws(InterprocessError) {
        let name = SamplePool.name(of: storage, generation: generation)
        let geometry = PoolGeometry(slotPayloadSize: slotPayloadSize, alignment: storage.configuration.payload.alignment,
                                    slotCount: storage.geometry.slotCount)
        let segment: Segment
        do throws(InterprocessError) {
            segment = try Segment(open: name, kind: .samplePool, kindVersion: ServiceLayout.poolVersion, access: access)
        } catch {
            throw error.reported(as: operation)
        }
        let body = segment.readableBody
        func word32(_ offset: Int) -> UInt32 { UInt32(littleEndian: body.baseAddress!.load(fromByteOffset: offset, as: UInt32.self)) }
        func word64(_ offset: Int) -> UInt64 { UInt64(littleEndian: body.baseAddress!.load(fromByteOffset: offset, as: UInt64.self)) }
        guard body.count >= geometry.bodySize, body.count >= 128,
              word32(ServiceLayout.poolTagOffset) == ServiceLayout.poolTag,
              word32(ServiceLayout.poolGenerationOffset) == UInt32(generation),
              word32(ServiceLayout.poolSlotCountOffset) == UInt32(geometry.slotCount),
              word64(ServiceLayout.poolSlotPayloadSizeOffset) == UInt64(slotPayloadSize),
              word64(ServiceLayout.poolSlotStrideOffset) == UInt64(geometry.slotStride),
              word32(ServiceLayout.poolPayloadOffsetOffset) == UInt32(geometry.payloadOffset),
              word32(ServiceLayout.poolSlotsOffsetOffset) == UInt32(geometry.slotsOffset)
        else {
            throw InterprocessError(.corrupt, operation: operation, name: name,
                                    reason: "its pool header does not match generation \(generation) of service '\(storage.name)' (\(slotPayloadSize)-byte slots, \(geometry.slotCount) slots) or its body of \(body.count) bytes is too small")
        }
        self.segment = segment
        self.geometry = geometry
        self.generation = generation
    }

    /// The view the hot paths use.
    var view: PoolView {
        var view = PoolView()
        let headers = segment.body.baseAddress! + geometry.slotsOffset
        view.headers = headers
        view.base = headers + geometry.payloadOffset
        view.stride = geometry.slotStride
        view.payloadSize = geometry.slotPayloadSize
        return view
    }

    /// Removes every pool generation's segment of the service instance `service`/`nonce` (of
    /// kind `.samplePool` only), ignoring names that are not there.
    static func removeAll(of service: String, nonce: UInt32) {
        for generation in 0..<ServiceLayout.maximumGenerations {
            try? Segment.remove(name(of: service, nonce: nonce, generation: generation), kind: .samplePool, operation: "remove sample pool")
        }
    }
}

/// The pool generations one endpoint has mapped, by generation, and the views the hot paths read
/// (a buffer allocated once, whose address the endpoint copies).
final class PoolMappings: @unchecked Sendable {
    // @unchecked: `pools` changes only through the one endpoint that owns this object (a
    // `~Copyable` struct), or under `lock` for the async sequence's box.
    var pools: [SamplePool?]
    let views: UnsafeMutablePointer<PoolView>

    init() {
        pools = Array(repeating: nil, count: ServiceLayout.maximumGenerations)
        views = .allocate(capacity: ServiceLayout.maximumGenerations)
        views.initialize(repeating: PoolView(), count: ServiceLayout.maximumGenerations)
    }

    deinit {
        views.deinitialize(count: ServiceLayout.maximumGenerations)
        views.deallocate()
    }

    func install(_ pool: SamplePool) {
        pools[pool.generation] = pool
        views[pool.generation] = pool.view
    }

    func drop(_ generation: Int) {
        pools[generation] = nil
        views[generation] = PoolView()
    }
}
#endif

#if os(Linux)
import Synchronization

/// The untyped engine of ``SharedDictionary``: a fixed array of buckets, each a chain of nodes
/// in heap blocks, with the buckets split among striped placed ``ProcessRWLock``s (bucket `b`
/// belongs to stripe `b % stripeCount`). Layout in `docs/FORMAT.md` ("Containers").
///
/// Crash safety: a node is allocated and filled before any lock is taken, and enters its chain
/// with one store (the bucket word or its predecessor's `next`); a replaced or removed node leaves
/// with one store too and is freed after. So a writer killed anywhere leaves every chain whole:
/// at worst one node leaks (the one it was inserting, or the one it was unlinking). The stripe's
/// count word is stored after the link; the next writer or reader that takes the stripe over
/// from a dead writer recounts the stripe's chains (the repair).
final class DictionaryTable: @unchecked Sendable {
    // @unchecked: the address of a header in a mapping that stays while `segment` lives.

    enum Field {
        static let bucketCount = 8, stripeCount = 12, buckets = 16
    }
    enum Node {
        static let next = 0, hash = 8, keyLength = 16, valueLength = 20, key = 24
    }
    /// The stripes' count words, 8 bytes each, from byte 128.
    static let countsOffset = 128
    /// The first stripe lock; the others follow, ``ProcessRWLock/size`` apart.
    static let locksOffset = countsOffset + maximumStripeCount * 8
    /// Stripe limits.
    static let maximumStripeCount = 64
    /// Bucket limits: a power of two.
    static let bucketCountRange = 1...(1 << 24)
    /// The longest key or value, in bytes.
    static let maximumItemLength = 1 << 30

    static func headerSize(stripeCount: Int) -> Int { locksOffset + stripeCount * ProcessRWLock.size }

    let segment: ManagedSegment
    let header: UnsafeMutableRawPointer
    let buckets: UnsafeMutablePointer<Atomic<UInt64>>
    let bucketMask: Int
    let stripeCount: Int
    /// "dictionary 'prices'", for messages.
    let described: String
    /// A chain longer than this has a cycle: each node takes at least 32 bytes of the heap as
    /// mapped now (read at each walk, since the segment grows).
    var chainLimit: Int { segment.size / 32 }

    /// Opens the table whose header was validated.
    init(segment: ManagedSegment, header: UnsafeMutableRawPointer, described: String) throws(InterprocessError) {
        let (bucketCount, stripeCount, buckets) = try Self.check(header, segment: segment, described: described)
        self.segment = segment
        self.header = header
        self.buckets = buckets
        self.bucketMask = bucketCount - 1
        self.stripeCount = stripeCount
        self.described = described
    }

    /// Writes an empty table: a header (zero counts, unlocked stripes) and a zeroed bucket array.
    static func initialize(_ header: UnsafeMutableRawPointer, segment: ManagedSegment, bucketCount: Int, stripeCount: Int,
                           magic: UInt32, version: UInt32, operation: String) throws(InterprocessError) {
        header.initializeMemory(as: UInt8.self, repeating: 0, count: locksOffset)
        let array = try segment.allocate(byteCount: bucketCount * 8, alignment: 64)
        try segment.pointer(at: array, byteCount: bucketCount * 8).initializeMemory(as: UInt8.self, repeating: 0, count: bucketCount * 8)
        SharedWord.store32(UInt32(bucketCount), header, Field.bucketCount)
        SharedWord.store32(UInt32(stripeCount), header, Field.stripeCount)
        SharedWord.store(array.rawValue, header, Field.buckets)
        for stripe in 0..<stripeCount {
            try ProcessRWLock.initialize(at: header + locksOffset + stripe * ProcessRWLock.size)
        }
        ContainerHeader.publish(header, magic: magic, version: version)
    }

    /// The header's geometry, checked: counts in range, the bucket array inside the heap.
    static func check(_ header: UnsafeMutableRawPointer, segment: ManagedSegment, described: String)
        throws(InterprocessError) -> (bucketCount: Int, stripeCount: Int, buckets: UnsafeMutablePointer<Atomic<UInt64>>)
    {
        let bucketCount = Int(SharedWord.load32(header, Field.bucketCount)), stripeCount = Int(SharedWord.load32(header, Field.stripeCount))
        let array = SharedWord.load(header, Field.buckets)
        guard bucketCountRange.contains(bucketCount), bucketCount & (bucketCount - 1) == 0,
              (1...maximumStripeCount).contains(stripeCount), stripeCount <= bucketCount, array % 8 == 0,
              let buckets = try? segment.pointer(at: SegmentOffset(rawValue: array), byteCount: bucketCount * 8),
              (try? segment.pointer(at: segment.offset(of: header) ?? .null, byteCount: headerSize(stripeCount: stripeCount))) != nil
        else {
            throw InterprocessError(.corrupt, operation: "open shared dictionary", name: segment.name,
                                    reason: "\(described): its header says \(bucketCount) buckets at offset \(array) and \(stripeCount) stripes, which cannot be")
        }
        return (bucketCount, stripeCount, buckets.assumingMemoryBound(to: Atomic<UInt64>.self))
    }

    /// The blocks to free when the table is removed: every node, then the bucket array. Taken
    /// holding every stripe's exclusive side, with the buckets emptied, so a handle still open
    /// sees an empty table rather than freed nodes.
    static func blocksForRemoval(_ header: UnsafeMutableRawPointer, segment: ManagedSegment) -> [SegmentOffset] {
        guard let table = try? DictionaryTable(segment: segment, header: header, described: "dictionary") else { return [] }
        var blocks: [SegmentOffset] = []
        for stripe in 0..<table.stripeCount {
            _ = try? table.withStripe(stripe, exclusive: true, operation: "remove shared dictionary") { () throws(InterprocessError) in
                for bucket in table.bucketsOf(stripe) {
                    try table.walk(bucket, operation: "remove shared dictionary") { node, _ in blocks.append(node.offset); return true }
                    table.buckets[bucket].store(0, ordering: .releasing)
                }
            }
        }
        blocks.append(SegmentOffset(rawValue: SharedWord.load(header, Field.buckets)))
        return blocks
    }

    func bucket(of hash: UInt64) -> Int { Int(truncatingIfNeeded: hash) & bucketMask }
    func stripe(of bucket: Int) -> Int { bucket % stripeCount }
    func bucketsOf(_ stripe: Int) -> StrideTo<Int> { Swift.stride(from: stripe, to: bucketMask + 1, by: stripeCount) }
    func countWord(_ stripe: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (header + Self.countsOffset + stripe * 8).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    /// Runs `body` holding one side of a stripe's lock; a dead writer's stripe is recounted first.
    func withStripe<R>(_ stripe: Int, exclusive: Bool, operation: String, _ body: () throws(InterprocessError) -> R) throws(InterprocessError) -> R {
        let lock = try ProcessRWLock(placedAt: header + Self.locksOffset + stripe * ProcessRWLock.size)
        // The repair closures are literals at the calls, so they stay non-escaping (no allocation).
        if exclusive {
            return try lock.withExclusiveLock(onOwnerDeath: { (_: ProcessIdentity) throws(InterprocessError) in
                try recount(stripe, operation: operation)
            }, body)
        }
        return try lock.withSharedLock(onOwnerDeath: { (_: ProcessIdentity) throws(InterprocessError) in
            try recount(stripe, operation: operation)
        }, body)
    }

    /// Sets a stripe's count word to the number of nodes in its chains (the repair).
    func recount(_ stripe: Int, operation: String) throws(InterprocessError) {
        var count: UInt64 = 0
        for bucket in bucketsOf(stripe) {
            try walk(bucket, operation: operation) { _, _ in count += 1; return true }
        }
        countWord(stripe).pointee.store(count, ordering: .releasing)
    }

    /// A node's words, checked: the whole node inside the heap, lengths within bounds.
    struct NodeView {
        let offset: SegmentOffset
        let base: UnsafeMutableRawPointer
        var next: UInt64 { SharedWord.load(base, Node.next) }
        var hash: UInt64 { base.load(fromByteOffset: Node.hash, as: UInt64.self) }
        let keyLength: Int
        let valueLength: Int
        var key: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base + Node.key, count: keyLength) }
        var value: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base + Node.key + keyLength, count: valueLength) }
    }

    func node(_ raw: UInt64, operation: String) throws(InterprocessError) -> NodeView {
        let offset = SegmentOffset(rawValue: raw)
        guard raw % 8 == 0, let words = try? segment.pointer(at: offset, byteCount: Node.key) else {
            throw corrupt(operation, "a chain links to offset \(raw), which is not a node inside the heap")
        }
        let keyLength = Int(words.load(fromByteOffset: Node.keyLength, as: UInt32.self))
        let valueLength = Int(words.load(fromByteOffset: Node.valueLength, as: UInt32.self))
        guard keyLength <= Self.maximumItemLength, valueLength <= Self.maximumItemLength,
              (try? segment.pointer(at: offset, byteCount: Node.key + keyLength + valueLength)) != nil else {
            throw corrupt(operation, "the node at offset \(raw) claims a \(keyLength)-byte key and a \(valueLength)-byte value, past the heap")
        }
        return NodeView(offset: offset, base: words, keyLength: keyLength, valueLength: valueLength)
    }

    func corrupt(_ operation: String, _ reason: String) -> InterprocessError {
        InterprocessError(.corrupt, operation: operation, name: segment.name, reason: "\(described): \(reason)")
    }

    /// Calls `visit` with each node of a bucket's chain and the address of the word that links to
    /// it, until `visit` returns false. Bounded: a cycle is `corrupt`.
    func walk(_ bucket: Int, operation: String,
              _ visit: (NodeView, UnsafeMutablePointer<Atomic<UInt64>>) throws(InterprocessError) -> Bool) throws(InterprocessError) {
        var link = buckets + bucket
        var steps = 0
        let limit = chainLimit
        while true {
            let raw = link.pointee.load(ordering: .acquiring)
            if raw == 0 { return }
            steps += 1
            guard steps <= limit else { throw corrupt(operation, "bucket \(bucket)'s chain has a cycle") }
            let node = try node(raw, operation: operation)
            guard try visit(node, link) else { return }
            link = node.base.assumingMemoryBound(to: Atomic<UInt64>.self)
        }
    }

    /// The node of `key` in `bucket`'s chain and the word that links to it, or nil (call holding
    /// the bucket's stripe).
    func find(_ key: UnsafeRawBufferPointer, hash: UInt64, in bucket: Int, operation: String)
        throws(InterprocessError) -> (NodeView, UnsafeMutablePointer<Atomic<UInt64>>)?
    {
        var found: (NodeView, UnsafeMutablePointer<Atomic<UInt64>>)?
        try walk(bucket, operation: operation) { (node, link) throws(InterprocessError) -> Bool in
            guard node.hash == hash, node.keyLength == key.count, node.key.elementsEqual(key) else { return true }
            found = (node, link)
            return false
        }
        return found
    }

    /// Finds `key` (hashed to `hash`) holding its stripe's shared side, and calls `body` with the
    /// value's bytes in place; nil when absent.
    func lookup<R>(_ key: UnsafeRawBufferPointer, hash: UInt64, operation: String,
                   _ body: (UnsafeRawBufferPointer) throws(InterprocessError) -> R) throws(InterprocessError) -> R? {
        let bucket = bucket(of: hash)
        return try withStripe(stripe(of: bucket), exclusive: false, operation: operation) { () throws(InterprocessError) -> R? in
            guard let (node, _) = try find(key, hash: hash, in: bucket, operation: operation) else { return nil }
            return try body(node.value)
        }
    }

    /// A filled node for `key` and `value`, not linked yet (a process killed now leaks it).
    func makeNode(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, hash: UInt64, operation: String) throws(InterprocessError) -> NodeView {
        guard key.count <= Self.maximumItemLength, value.count <= Self.maximumItemLength else {
            throw InterprocessError(.invalidArgument, operation: operation, name: segment.name,
                                    reason: "keys and values are at most \(Self.maximumItemLength) bytes (got \(key.count) and \(value.count))")
        }
        let size = Node.key + key.count + value.count
        let offset = try segment.allocate(byteCount: size, alignment: 8)
        let base = try segment.pointer(at: offset, byteCount: size)
        SharedWord.store(0, base, Node.next)
        base.storeBytes(of: hash, toByteOffset: Node.hash, as: UInt64.self)
        base.storeBytes(of: UInt32(key.count), toByteOffset: Node.keyLength, as: UInt32.self)
        base.storeBytes(of: UInt32(value.count), toByteOffset: Node.valueLength, as: UInt32.self)
        if let source = key.baseAddress { (base + Node.key).copyMemory(from: source, byteCount: key.count) }
        if let source = value.baseAddress { (base + Node.key + key.count).copyMemory(from: source, byteCount: value.count) }
        return NodeView(offset: offset, base: base, keyLength: key.count, valueLength: value.count)
    }

    /// Links `fresh` (a node for `key`) into its chain, replacing the node with the same key if
    /// there is one; `replaced` sees the old value before that node is freed. Returns whether a
    /// node was replaced. When this throws, `fresh` was not linked.
    func insert(_ fresh: NodeView, key: UnsafeRawBufferPointer, hash: UInt64, operation: String,
                replaced: (UnsafeRawBufferPointer) -> Void) throws(InterprocessError) -> Bool {
        let bucket = bucket(of: hash), stripe = stripe(of: bucket)
        return try withStripe(stripe, exclusive: true, operation: operation) { () throws(InterprocessError) -> Bool in
            if let (node, link) = try find(key, hash: hash, in: bucket, operation: operation) {
                SharedWord.store(node.next, fresh.base, Node.next)
                link.pointee.store(fresh.offset.rawValue, ordering: .releasing)
                replaced(node.value)
                try? segment.deallocate(node.offset)
                return true
            }
            SharedWord.store(buckets[bucket].load(ordering: .acquiring), fresh.base, Node.next)
            buckets[bucket].store(fresh.offset.rawValue, ordering: .releasing)
            countWord(stripe).pointee.wrappingAdd(1, ordering: .releasing)
            return false
        }
    }

    /// Unlinks the node of `key`, shows its value to `removed`, and frees it. Returns whether
    /// there was one.
    func remove(_ key: UnsafeRawBufferPointer, hash: UInt64, operation: String,
                removed: (UnsafeRawBufferPointer) -> Void) throws(InterprocessError) -> Bool {
        let bucket = bucket(of: hash), stripe = stripe(of: bucket)
        return try withStripe(stripe, exclusive: true, operation: operation) { () throws(InterprocessError) -> Bool in
            guard let (node, link) = try find(key, hash: hash, in: bucket, operation: operation) else { return false }
            link.pointee.store(node.next, ordering: .releasing)
            countWord(stripe).pointee.wrappingSubtract(1, ordering: .releasing)
            removed(node.value)
            try? segment.deallocate(node.offset)
            return true
        }
    }

    /// The number of entries: the stripes' counts summed (each exact; the sum is a snapshot).
    var count: Int {
        var total: UInt64 = 0
        for stripe in 0..<stripeCount { total &+= countWord(stripe).pointee.load(ordering: .acquiring) }
        return Int(truncatingIfNeeded: min(total, UInt64(Int.max)))
    }

    /// Calls `visit` with every entry's key and value bytes, stripe by stripe, holding each
    /// stripe's shared side in turn.
    func forEach(operation: String, _ visit: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws(InterprocessError) -> Void) throws(InterprocessError) {
        for stripe in 0..<stripeCount {
            try withStripe(stripe, exclusive: false, operation: operation) { () throws(InterprocessError) in
                for bucket in bucketsOf(stripe) {
                    try walk(bucket, operation: operation) { (node, _) throws(InterprocessError) -> Bool in
                        try visit(node.key, node.value)
                        return true
                    }
                }
            }
        }
    }
}
#endif

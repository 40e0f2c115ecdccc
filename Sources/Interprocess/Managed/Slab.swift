#if os(Linux)
import Synchronization

/// One slab, seen through its address: its owner allocates from the local bitmap with plain
/// loads and stores (nobody else writes it while it is owned), and every process frees into the
/// remote bitmap with one atomic OR, so a consumer in another process never takes a lock to
/// give a producer's block back (`docs/FORMAT.md`, "Small blocks").
struct Slab {
    /// The chunk's first byte.
    let address: UnsafeMutableRawPointer

    @inline(__always)
    init(_ address: UnsafeMutableRawPointer) { self.address = address }

    @inline(__always)
    var owner: UnsafeMutablePointer<Atomic<UInt64>> {
        (address + SlabClass.ownerOffset).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    @inline(__always)
    func local(_ word: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (address + SlabClass.localBitmap + word &* 8).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    @inline(__always)
    func remote(_ word: Int, _ slabClass: SlabClass) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (address + slabClass.remoteBitmap + word &* 8).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    @inline(__always)
    var hint: UnsafeMutablePointer<UInt32> {
        (address + SlabClass.hintOffset).assumingMemoryBound(to: UInt32.self)
    }

    /// The class index + 1 the slab's header names.
    var classTag: UInt32 {
        UInt32(littleEndian: address.load(fromByteOffset: SlabClass.classOffset, as: UInt32.self))
    }

    var tag: UInt32 {
        UInt32(littleEndian: address.load(fromByteOffset: SlabClass.tagOffset, as: UInt32.self))
    }

    /// Writes a new slab's header with every block free in the local bitmap, owned by `owner`.
    static func initialize(at address: UnsafeMutableRawPointer, classIndex: Int, slabClass: SlabClass, owner: UInt64) {
        address.initializeMemory(as: UInt8.self, repeating: 0, count: slabClass.firstBlock)
        address.storeBytes(of: SlabClass.tag.littleEndian, toByteOffset: SlabClass.tagOffset, as: UInt32.self)
        address.storeBytes(of: UInt32(classIndex + 1).littleEndian, toByteOffset: SlabClass.classOffset, as: UInt32.self)
        address.storeBytes(of: owner.littleEndian, toByteOffset: SlabClass.ownerOffset, as: UInt64.self)
        var remaining = slabClass.count
        var word = 0
        while remaining > 0 {
            let bits = remaining >= 64 ? UInt64.max : (UInt64(1) << UInt64(remaining)) &- 1
            address.storeBytes(of: bits.littleEndian, toByteOffset: SlabClass.localBitmap + word * 8, as: UInt64.self)
            remaining -= 64
            word += 1
        }
    }

    /// Takes a free block from the local bitmap (owner only): its index, or nil when empty.
    @inline(__always)
    func takeLocal(_ slabClass: SlabClass) -> Int? {
        var word = Int(hint.pointee)
        let words = slabClass.words
        if word >= words { word = 0 }
        while word < words {
            let bits = local(word).pointee.load(ordering: .relaxed)
            if bits != 0 {
                local(word).pointee.store(bits & (bits &- 1), ordering: .relaxed)
                hint.pointee = UInt32(truncatingIfNeeded: word)
                return word &* 64 &+ bits.trailingZeroBitCount
            }
            word &+= 1
        }
        return nil
    }

    /// Moves every block freed by others into the local bitmap (owner only); whether any was.
    func collectRemote(_ slabClass: SlabClass) -> Bool {
        var any = false
        for word in 0..<slabClass.words {
            let remoteWord = remote(word, slabClass)
            guard remoteWord.pointee.load(ordering: .relaxed) != 0 else { continue }
            let freed = remoteWord.pointee.exchange(0, ordering: .acquiring)
            let localWord = local(word).pointee.load(ordering: .relaxed)
            local(word).pointee.store(localWord | freed, ordering: .relaxed)
            any = any || freed != 0
        }
        hint.pointee = 0
        return any
    }

    /// Whether any block is free, in either bitmap (for choosing a slab to adopt).
    func hasFreeBlock(_ slabClass: SlabClass) -> Bool {
        for word in 0..<slabClass.words
        where local(word).pointee.load(ordering: .relaxed) | remote(word, slabClass).pointee.load(ordering: .relaxed) != 0 {
            return true
        }
        return false
    }
}
#endif

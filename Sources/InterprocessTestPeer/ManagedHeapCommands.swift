import Interprocess
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `heap-random`, `heap-survivor` and `heap-victim`: a ``ManagedSegment``'s allocator used by
/// several processes at once, some of them SIGKILLed at random points.
///
/// Every block a peer allocates is filled with one byte derived from its tag and the block's
/// serial, and checked whole before it is freed: a block another process was also given (an
/// overlap) or wrote into shows as a wrong byte.
enum ManagedHeapCommands {
    /// A live block of this peer.
    struct Block {
        var offset: SegmentOffset
        var count: Int
        var byte: UInt8
    }

    /// A random size: mostly small blocks (1 B to 1 KiB), some large ones (to 8 KiB).
    static func randomSize(_ random: inout PeerRandom, largest: Int = 8192) -> Int {
        random.next() % 10 < 7 ? Int(random.next() % 1024) + 1 : Int(random.next() % UInt64(largest - 1024)) + 1025
    }

    static func fill(_ heap: ManagedSegment, _ block: Block) throws {
        _ = try heap.withUnsafeMutableBytes(at: block.offset, byteCount: block.count) {
            $0.initializeMemory(as: UInt8.self, repeating: block.byte)
        }
    }

    static func check(_ heap: ManagedSegment, _ block: Block) throws {
        let intact = try heap.withUnsafeMutableBytes(at: block.offset, byteCount: block.count) { bytes in
            bytes.allSatisfy { $0 == block.byte }
        }
        guard intact else {
            throw PeerFailure("block \(block.offset) of \(block.count) bytes was overwritten (expected 0x\(String(block.byte, radix: 16)) throughout)")
        }
    }

    /// One random step: allocate a block (while fewer than `limit` are live) or check and free one.
    static func step(_ heap: ManagedSegment, _ live: inout [Block], _ random: inout PeerRandom, tag: UInt8, serial: inout Int,
                     limit: Int, largest: Int = 8192) throws {
        if live.isEmpty || (live.count < limit && random.next() % 2 == 0) {
            let count = randomSize(&random, largest: largest)
            let offset = try heap.allocate(byteCount: count)
            serial &+= 1
            let block = Block(offset: offset, count: count, byte: tag &+ UInt8(truncatingIfNeeded: serial &* 7))
            try fill(heap, block)
            live.append(block)
        } else {
            let block = live.remove(at: Int(random.next() % UInt64(live.count)))
            try check(heap, block)
            try heap.deallocate(block.offset)
        }
    }

    /// `heap-random NAME SEED ROUNDS TAG`: ROUNDS random steps keeping up to 200 blocks live, then
    /// checks every live block and prints one "live OFFSET COUNT BYTE" line each, then "done N".
    static func random(_ arguments: inout Arguments) throws {
        let heap = try ManagedSegment(open: arguments.next("NAME"))
        var random = PeerRandom(seed: UInt64(try arguments.nextInt("SEED")))
        let rounds = try arguments.nextInt("ROUNDS")
        let tag = UInt8(truncatingIfNeeded: try arguments.nextInt("TAG"))
        try arguments.finish()
        var live: [Block] = []
        var serial = 0
        for _ in 0..<rounds { try step(heap, &live, &random, tag: tag, serial: &serial, limit: 200) }
        for block in live {
            try check(heap, block)
            print("live \(block.offset.rawValue) \(block.count) \(block.byte)")
        }
        print("done \(rounds)")
    }

    /// `heap-survivor NAME SEED MS TAG LEDGER`: random steps for MS milliseconds (or until the
    /// ledger's second word is set) keeping up to 64 blocks live, checking each before it is
    /// freed, then frees them all; prints "ok STEPS".
    static func survivor(_ arguments: inout Arguments) throws {
        let heap = try ManagedSegment(open: arguments.next("NAME"))
        var random = PeerRandom(seed: UInt64(try arguments.nextInt("SEED")))
        let end = Deadline.after(.milliseconds(try arguments.nextInt("MS")))
        let tag = UInt8(truncatingIfNeeded: try arguments.nextInt("TAG"))
        let ledger = try SharedMemory(open: arguments.next("LEDGER"))
        try arguments.finish()
        let stop = (ledger.region.baseAddress + 8).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
        var live: [Block] = []
        var serial = 0, steps = 0
        while !end.hasPassed && stop.pointee.load(ordering: .relaxed) == 0 {
            try step(heap, &live, &random, tag: tag, serial: &serial, limit: 64)
            steps += 1
        }
        for block in live {
            try check(heap, block)
            try heap.deallocate(block.offset)
        }
        print("ok \(steps)")
    }

    /// `heap-victim NAME LEDGER SEED allocate|deallocate`: runs until killed, counting its steps
    /// in the ledger's first word (a raw shared-memory segment). `allocate` allocates until 8
    /// blocks are live and frees one at a time; `deallocate` allocates 8, then frees all 8.
    /// Blocks are at most 4 KiB, so a killed victim leaks at most 8 × 4 KiB and one slab per class.
    static func victim(_ arguments: inout Arguments) throws {
        let heap = try ManagedSegment(open: arguments.next("NAME"))
        let ledger = try SharedMemory(open: arguments.next("LEDGER"))
        var random = PeerRandom(seed: UInt64(try arguments.nextInt("SEED")))
        let mode = try arguments.next("MODE")
        try arguments.finish()
        let steps = ledger.region.baseAddress.bindMemory(to: Atomic<UInt64>.self, capacity: 1)
        var live: [Block] = []
        var serial = 0
        while true {
            if mode == "allocate" {
                try step(heap, &live, &random, tag: 0x5a, serial: &serial, limit: 8, largest: 4096)
            } else {
                while live.count < 8 {
                    let count = randomSize(&random, largest: 4096)
                    live.append(Block(offset: try heap.allocate(byteCount: count), count: count, byte: 0))
                }
                while let block = live.popLast() { try heap.deallocate(block.offset) }
            }
            steps.pointee.wrappingAdd(1, ordering: .relaxed)
        }
    }

    /// `heap-lock-die NAME`: takes a managed segment's heap lock (the placed mutex at byte 256)
    /// and exits holding it, as a process killed inside the allocator would; prints "locked".
    static func lockAndDie(_ arguments: inout Arguments) throws {
        let memory = try SharedMemory(open: arguments.next("NAME"))
        try arguments.finish()
        _ = try ProcessMutex(placedAt: memory.region.baseAddress + 256).lock()
        print("locked")
        fflush(nil)
        _exit(0)
    }
}

import Interprocess

/// Peer commands for the async tests: wakers in another process.
enum AsyncCommands {
    /// `sem-post-each SHM COUNT STRIDE`: posts one unit to each of COUNT semaphores placed in the
    /// shared memory SHM at offsets 0, STRIDE, 2 × STRIDE…; prints "posted COUNT".
    static func postEach(_ arguments: inout Arguments) throws {
        let name = try arguments.next("SHM")
        let count = try arguments.nextInt("COUNT")
        let stride = try arguments.nextInt("STRIDE")
        try arguments.finish()
        let memory = try SharedMemory(open: name)
        try SharedMemoryCommands.checkRange(offset: 0, count: count * stride, size: memory.size)
        for index in 0..<count {
            try ProcessSemaphore(placedAt: memory.region.baseAddress + index * stride).post()
        }
        print("posted \(count)")
    }
}

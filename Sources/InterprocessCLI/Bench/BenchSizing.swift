/// Sizes shared by both processes of a throughput case.
enum BenchSizing {
    /// The ring's bytes for messages of `messageSize` bytes: at least 256 KiB, and room for four
    /// records with their 8-byte headers (so a 1 MiB message gets an 8 MiB ring). A power of two.
    static func ringBytes(for messageSize: Int) -> Int {
        var bytes = 256 * 1024
        while bytes < 4 * (messageSize + 8) { bytes <<= 1 }
        return bytes
    }

    /// How many records the SPSC producer commits (and the consumer releases) between two
    /// publishes: up to 64, and at most an eighth of the ring. A power of two.
    static func batch(for messageSize: Int) -> Int {
        let perEighth = ringBytes(for: messageSize) / 8 / (messageSize + 8)
        var batch = 1
        while batch * 2 <= min(64, perEighth) { batch *= 2 }
        return batch
    }

    /// How long the initiator of `spsc-parked` idles before each ping: longer than a blocked
    /// receiver spins (`ChannelWaiting.spinLimit` pauses, a few µs to a few tens of µs) before
    /// it parks.
    static let parkingIdleNanoseconds = 200_000.0

    /// The capacity of each latency queue: 4 KiB for 8-byte messages, else as a throughput
    /// ring's (room for four messages at least).
    static func latencyQueueBytes(for messageSize: Int) -> Int {
        messageSize <= BenchCase.latencyMessageSize ? 4096 : ringBytes(for: messageSize)
    }
}

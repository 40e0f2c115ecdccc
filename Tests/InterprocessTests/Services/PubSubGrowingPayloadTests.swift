import Foundation
import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Payloads that grow during a run, from 8 B to 8 MiB: the pool grows (new generations that
/// subscribers map on demand) instead of fixing a size at creation.
@Suite("Publish/subscribe: payloads growing from 8 B to 8 MiB", .serialized, .timeLimit(.minutes(5)))
struct PubSubGrowingPayloadTests {
    /// The peers' "grow" sizes: 21 levels (8 B … 8 MiB) of 6 samples, every third one small.
    static let growCount = 21 * 6

    @Test("a publisher process sends 8 B … 8 MiB; subscriber processes check every byte of every sample")
    func growingAcrossProcesses() throws {
        let name = TestSupport.uniqueName("pubsub-grow")
        let configuration = ServiceConfiguration(payload: .bytes(maximumSize: 8 << 20), maximumSubscribers: 2, bufferCapacity: 4,
                                                 maximumLoansPerSubscriber: 1, overrunPolicy: .block)
        let service = try Service(create: name, configuration: configuration)
        defer { try? Service.remove(name) }
        let last = String(Self.growCount - 1)
        let subscribers = try (0..<2).map { _ in try ServicePeer("pubsub-subscribe", name, last, "block", "grow") }
        for subscriber in subscribers {
            #expect(subscriber.waitForOutput("attached"), "\(subscriber.description)")
        }
        let publisher = try ServicePeer("pubsub-publish", name, String(Self.growCount), "grow", "2")
        publisher.waitForExit(timeout: 120)
        #expect(publisher.exitedCleanly && publisher.output.contains("published \(Self.growCount)"), "\(publisher.description)")
        for subscriber in subscribers {
            subscriber.waitForExit(timeout: 60)
            #expect(subscriber.exitedCleanly, "\(subscriber.description)")
            let report = subscriber.report("received")
            #expect(report?["received"] == String(Self.growCount) && report?["missed"] == "0" && report?["last"] == last,
                    "\(subscriber.description)")
        }
        // The pool grew: its newest generation holds the largest sample.
        let pools = service.state.pools
        #expect((pools.last?.slotPayloadSize ?? 0) >= 8 << 20, "\(pools)")

        // Removing the service removes every pool generation too.
        let poolNames = pools.map(\.segmentName)
        try Service.remove(name)
        for pool in poolNames { #expect(!SharedMemory.exists(pool), "\(pool) outlived its service") }
        let leftovers = ((try? FileManager.default.contentsOfDirectory(atPath: "/dev/shm")) ?? []).filter { $0.hasPrefix(name) }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test("in one process: a sample larger than any before grows the pool; above the maximum is invalidArgument")
    func growthAndLimitInProcess() throws {
        let name = TestSupport.uniqueName("pubsub-grow-local")
        let maximum = 1 << 20
        let service = try Service(create: name, configuration: ServiceConfiguration(payload: .bytes(maximumSize: maximum), bufferCapacity: 4))
        defer { try? Service.remove(name) }
        var publisher = try Publisher(service: service)
        var subscriber = try Subscriber(service: service)
        var size = 8
        while size <= maximum {
            let fill = UInt8(truncatingIfNeeded: size.trailingZeroBitCount)
            try publisher.send(byteCount: size) { span in
                span.withUnsafeMutableBytes { bytes in
                    for index in bytes.indices { bytes[index] = fill }
                }
            }
            let (count, uniform) = try subscriber.receive(until: .after(.seconds(5))) { sample in
                sample.withUnsafeBytes { bytes in (bytes.count, bytes.allSatisfy { $0 == fill }) }
            }
            #expect(count == size && uniform, "a sample of \(size) bytes came back as \(count) bytes, uniform: \(uniform)")
            size *= 2
        }
        #expect(service.state.pools.count >= 1)
        let tooLarge = #expect(throws: InterprocessError.self) {
            try publisher.send(byteCount: maximum + 1) { _ in Issue.record("the closure ran for an oversized sample") }
        }
        #expect(tooLarge?.code == .invalidArgument, "\(String(describing: tooLarge))")
        let tooLargeCopy = #expect(throws: InterprocessError.self) { try publisher.send(contentsOf: [UInt8](repeating: 1, count: maximum + 1)) }
        #expect(tooLargeCopy?.code == .invalidArgument, "\(String(describing: tooLargeCopy))")
        // Nothing was published by the refused sends.
        #expect(try subscriber.tryReceive { $0.sequence } == nil)
    }

    @Test("a value service accepts exactly the value's size")
    func valueServiceSize() throws {
        let name = TestSupport.uniqueName("pubsub-value-size")
        let service = try Service(create: name, configuration: ServiceConfiguration(payload: .value(UInt64.self)))
        defer { try? Service.remove(name) }
        var publisher = try Publisher(service: service)
        var subscriber = try Subscriber(service: service)
        for byteCount in [0, 4, 16] {
            let error = #expect(throws: InterprocessError.self) { try publisher.send(byteCount: byteCount) { _ in } }
            #expect(error?.code == .invalidArgument, "\(byteCount) bytes: \(String(describing: error))")
        }
        try publisher.send(UInt64(0xFEED))
        #expect(try subscriber.receive(as: UInt64.self) == 0xFEED)
    }

    @Test("empty samples and samples shorter than their loan: byte counts arrive exactly (0, 1, and what send(upTo:) wrote)")
    func edgeSizes() throws {
        let name = TestSupport.uniqueName("pubsub-edge-sizes")
        let service = try Service(create: name, configuration: ServiceConfiguration(payload: .bytes(maximumSize: 4096), bufferCapacity: 8))
        defer { try? Service.remove(name) }
        var publisher = try Publisher(service: service)
        var subscriber = try Subscriber(service: service)
        try publisher.send(contentsOf: [])
        try publisher.send(byteCount: 0) { _ in }
        try publisher.send(contentsOf: [7])
        try publisher.send(upTo: 4096) { out in out.append(repeating: UInt8(9), count: 3, as: UInt8.self) }
        try publisher.send(upTo: 4096) { _ in }
        var seen: [[UInt8]] = []
        for _ in 0..<5 { seen.append(try subscriber.receive(until: .after(.seconds(2)))) }
        #expect(seen == [[], [], [7], [9, 9, 9], []])
        #expect(try subscriber.tryReceive { $0.byteCount } == nil)
    }
}

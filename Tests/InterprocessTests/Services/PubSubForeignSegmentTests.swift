import Interprocess
import Testing

/// What lies under a service's name, or under one of its pools' names, may be anything: a file
/// the library did not write, a cut-short service, another kind of segment, a later layout.
/// Each is a typed error — never a crash — and the library never removes what it did not make.
@Suite("Publish/subscribe: foreign, truncated and mismatched segments", .timeLimit(.minutes(5)))
struct PubSubForeignSegmentTests {
    static let configuration = ServiceConfiguration(payload: .bytes(maximumSize: 256), maximumSubscribers: 4, bufferCapacity: 4, history: 1)

    /// The codes that say "this is not a sound segment of ours".
    static let refusals: Set<InterprocessError.Code> = [.foreignSegment, .corrupt, .wrongKind, .truncated, .incompatibleVersion]

    /// The error `body` throws, or nil (recording an issue) when it does not throw.
    static func failure(_ what: String, sourceLocation: SourceLocation = #_sourceLocation,
                        _ body: () throws(InterprocessError) -> Void) -> InterprocessError? {
        do {
            try body()
            Issue.record("\(what) succeeded, but should have failed", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    @Test("a foreign file under a service name: open and openOrCreate are foreignSegment, create alreadyExists, remove refuses it")
    func foreignFileUnderServiceName() throws {
        let name = TestSupport.uniqueName("pubsub-foreign")
        defer { SegmentFile.remove(name) }
        let garbage = SegmentForeignInputTests.randomBytes(4096)
        try SegmentFile.create(name, contents: garbage)
        #expect(Self.failure("open") { () throws(InterprocessError) in _ = try Service(open: name) }?.code == .foreignSegment)
        #expect(Self.failure("open(timeout:)") { () throws(InterprocessError) in _ = try Service(open: name, timeout: .milliseconds(50)) }?.code == .foreignSegment)
        #expect(Self.failure("openOrCreate") { () throws(InterprocessError) in _ = try Service(openOrCreate: name, configuration: Self.configuration) }?.code == .foreignSegment)
        #expect(Self.failure("create") { () throws(InterprocessError) in _ = try Service(create: name, configuration: Self.configuration) }?.code == .alreadyExists)
        #expect(Self.failure("remove") { () throws(InterprocessError) in try Service.remove(name) }?.code == .foreignSegment)
        #expect(try SegmentFile.contents(name) == garbage, "the foreign file was changed")
        #expect(!Service.all().contains { $0.name == name })
    }

    @Test("a foreign file under the next pool generation's name: growing is a typed error, the file is left alone, and smaller samples still flow")
    func foreignFileUnderPoolName() throws {
        let name = TestSupport.uniqueName("pubsub-foreign-pool")
        let service = try Service(create: name, configuration: ServiceConfiguration(payload: .bytes(maximumSize: 1 << 16)))
        defer { try? Service.remove(name) }
        var publisher = try Publisher(service: service)
        var subscriber = try Subscriber(service: service)
        try publisher.send(contentsOf: [1, 2, 3])
        #expect(try subscriber.receive(until: .after(.seconds(2))) == [1, 2, 3])
        // Pool names end in the generation number; the next one's name is where growth goes.
        guard let current = service.state.pools.last, current.segmentName.hasSuffix("-\(current.generation)") else {
            Issue.record("unexpected pool names: \(service.state.pools)")
            return
        }
        let next = String(current.segmentName.dropLast(String(current.generation).count)) + String(current.generation + 1)
        defer { SegmentFile.remove(next) }
        let garbage = SegmentForeignInputTests.randomBytes(4096)
        try SegmentFile.create(next, contents: garbage)

        let error = Self.failure("growing into a foreign file") { () throws(InterprocessError) in
            try publisher.send(contentsOf: [UInt8](repeating: 9, count: current.slotPayloadSize + 1))
        }
        #expect(error.map { [.alreadyExists, .foreignSegment].contains($0.code) } == true, "\(String(describing: error))")
        #expect(try SegmentFile.contents(next) == garbage, "the foreign file under \(next) was changed")
        try publisher.send(contentsOf: [4, 5])
        #expect(try subscriber.receive(until: .after(.seconds(2))) == [4, 5])
    }

    @Test("a pool replaced under a live service (by garbage, or by another kind of segment): a new subscriber gets a typed error",
          arguments: ["garbage", "kind"])
    func poolReplacedUnderService(replacement: String) throws {
        let name = TestSupport.uniqueName("pubsub-pool-swap")
        let service = try Service(create: name, configuration: Self.configuration)
        defer { try? Service.remove(name) }
        var publisher = try Publisher(service: service)
        try publisher.send(contentsOf: [7, 7, 7])
        let pools = service.state.pools.map(\.segmentName)
        #expect(!pools.isEmpty)
        for pool in pools {
            SegmentFile.remove(pool)
            if replacement == "garbage" {
                try SegmentFile.create(pool, contents: SegmentForeignInputTests.randomBytes(1 << 16))
            } else {
                _ = try Segment(create: pool, kind: .raw, bodySize: 1 << 16)
            }
        }
        defer { for pool in pools { SegmentFile.remove(pool) } }
        let error = Self.failure("receiving through a replaced pool") { () throws(InterprocessError) in
            var subscriber = try Subscriber(service: Service(open: name), history: true)
            _ = try subscriber.receive(until: .after(.seconds(2)))
        }
        #expect(error.map { Self.refusals.contains($0.code) } == true, "\(String(describing: error))")
    }

    @Test("a truncated control segment: open and openOrCreate are truncated, never a SIGBUS", arguments: [64, 200, 1000])
    func truncatedControlSegment(size: Int) throws {
        let name = TestSupport.uniqueName("pubsub-trunc")
        _ = try Service(create: name, configuration: Self.configuration)
        defer { try? Service.remove(name); SegmentFile.remove(name) }
        try SegmentFile.truncate(name, to: size)
        #expect(Self.failure("open") { () throws(InterprocessError) in _ = try Service(open: name) }?.code == .truncated)
        #expect(Self.failure("openOrCreate") { () throws(InterprocessError) in _ = try Service(openOrCreate: name, configuration: Self.configuration) }?.code == .truncated)
        #expect(!Service.all().contains { $0.name == name })
    }

    @Test("an empty or half-written control file (its creator killed first): remove takes it away without waiting out an open's 2 s allowance",
          arguments: [0, 64])
    func removeUnwrittenControlFile(size: Int) throws {
        let name = TestSupport.uniqueName("pubsub-unwritten")
        defer { SegmentFile.remove(name) }
        try SegmentFile.create(name, contents: [UInt8](repeating: 0, count: size))
        let start = ContinuousClock.now
        try Service.remove(name)
        let elapsed = ContinuousClock.now - start
        #expect(elapsed < .seconds(1), "remove took \(elapsed)")
        #expect(Self.failure("open") { () throws(InterprocessError) in _ = try Service(open: name) }?.code == .notFound)
    }

    @Test("another kind of segment under the name: wrongKind, and remove leaves it")
    func otherKind() throws {
        let name = TestSupport.uniqueName("pubsub-kind")
        _ = try SPSCQueue(create: name, capacity: 1024, maximumRecordSize: 64)
        defer { try? SPSCQueue.remove(name) }
        #expect(Self.failure("open") { () throws(InterprocessError) in _ = try Service(open: name) }?.code == .wrongKind)
        #expect(Self.failure("openOrCreate") { () throws(InterprocessError) in _ = try Service(openOrCreate: name, configuration: Self.configuration) }?.code == .wrongKind)
        #expect(Self.failure("remove") { () throws(InterprocessError) in try Service.remove(name) }?.code == .wrongKind)
        #expect(SharedMemory.exists(name))
        // And the other way round: a service is not a queue.
        let service = TestSupport.uniqueName("pubsub-not-queue")
        _ = try Service(create: service, configuration: Self.configuration)
        defer { try? Service.remove(service) }
        #expect(Self.failure("open a service as a queue") { () throws(InterprocessError) in _ = try SPSCQueue(open: service) }?.code == .wrongKind)
    }

    @Test("a later layout (header version or service kind version): incompatibleVersion", arguments: ["version", "kindVersion"])
    func laterLayout(field: String) throws {
        let name = TestSupport.uniqueName("pubsub-version")
        _ = try Service(create: name, configuration: Self.configuration)
        defer { try? Service.remove(name); SegmentFile.remove(name) }
        let header = try SegmentFile.header(name)
        if field == "version" {
            try SegmentFile.store(SegmentHeader.currentVersion + 1, in: .version, of: name)
        } else {
            try SegmentFile.store(header.kindVersion + 1, in: .kindVersion, of: name)
        }
        try SegmentFile.resealChecksum(name)
        #expect(Self.failure("open") { () throws(InterprocessError) in _ = try Service(open: name) }?.code == .incompatibleVersion)
        #expect(Self.failure("openOrCreate") { () throws(InterprocessError) in _ = try Service(openOrCreate: name, configuration: Self.configuration) }?.code == .incompatibleVersion)
    }
}

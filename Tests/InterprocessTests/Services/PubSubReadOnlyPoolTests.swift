import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Subscribers map the sample pool read-only: one that writes into a received sample dies,
/// and what the others read stays as the publisher wrote it.
@Suite("Publish/subscribe: the pool is read-only for subscribers", .timeLimit(.minutes(5)))
struct PubSubReadOnlyPoolTests {
    @Test("a subscriber process that writes into a received sample dies by SIGSEGV (or SIGBUS); the sample is unchanged")
    func writeIntoSampleTraps() throws {
        let name = TestSupport.uniqueName("pubsub-ro")
        let service = try Service(create: name, configuration: ServiceConfiguration(payload: .bytes(maximumSize: 64), history: 1))
        defer { try? Service.remove(name) }
        var publisher = try Publisher(service: service)
        let content: [UInt8] = Array(0..<16)
        try publisher.send(contentsOf: content)

        // The control: the same peer only reading exits cleanly (so the death below is the write's).
        let reader = try TestSupport.peer("pubsub-write-sample", name, "read")
        #expect(reader.status == 0 && reader.standardOutput.contains("received 0 16") && reader.standardOutput.contains("read"), "\(reader)")

        let writer = try TestSupport.peer("pubsub-write-sample", name, "write")
        #expect(writer.standardOutput.contains("received 0 16"), "\(writer)")
        #expect(!writer.standardOutput.contains("wrote") && !writer.standardOutput.contains("survived"), "\(writer)")
        if Sanitizers.active {
            // A sanitizer runtime reports the fault and exits with an error status instead.
            #expect(writer.status != 0, "\(writer)")
        } else {
            #expect(writer.signal == SIGSEGV || writer.signal == SIGBUS, "\(writer)")
        }

        // Another subscriber still reads what the publisher wrote.
        var subscriber = try Subscriber(service: service, history: true)
        let seen = try subscriber.receive(until: .after(.seconds(5)))
        #expect(seen == content)
    }
}

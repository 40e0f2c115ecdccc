import Interprocess
import Testing

/// One verb per step in queue errors, blocking and async alike: "send to queue", "receive from
/// queue", "make producer of queue", "make consumer of queue", "open or create queue".
@Suite("Queue error wording", .timeLimit(.minutes(1)))
struct QueueErrorWordingTests {
    static func expectMessage(_ error: InterprocessError?, _ phrase: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(error?.description.contains("Could not \(phrase) '\(name)'") == true, "\(String(describing: error))",
                sourceLocation: sourceLocation)
    }

    @Test("blocking and async sends and receives say 'send to queue' / 'receive from queue'")
    func sendAndReceive() async throws {
        let name = TestSupport.uniqueName("words-spsc"), mpmcName = TestSupport.uniqueName("words-mpmc")
        let queue = try SPSCQueue(create: name, capacity: 64, maximumRecordSize: 24, lifetime: .removedWhenCreatorCloses)
        let mpmc = try MPMCQueue(create: mpmcName, slotCount: 2, slotSize: 8, lifetime: .removedWhenCreatorCloses)
        var producer = try queue.makeProducer(), consumer = try queue.makeConsumer()
        var mpmcProducer = try mpmc.makeProducer(), mpmcConsumer = try mpmc.makeConsumer()
        Self.expectMessage(interprocessError { _ = try consumer.tryReceive(as: String.self); _ = try consumer.receive(timeout: .milliseconds(5)) }, "receive from queue", name)
        Self.expectMessage(interprocessError { _ = try mpmcConsumer.receive(timeout: .milliseconds(5)) }, "receive from queue", mpmcName)
        Self.expectMessage(interprocessError { _ = try producer.trySend(contentsOf: [UInt8](repeating: 0, count: 25)) }, "send to queue", name)
        Self.expectMessage(interprocessError { _ = try mpmcProducer.trySend(contentsOf: [UInt8](repeating: 0, count: 9)) }, "send to queue", mpmcName)
        while try producer.trySend(UInt64(1)) {}
        Self.expectMessage(interprocessError { try producer.send(UInt64(1), timeout: .milliseconds(5)) }, "send to queue", name)
        var asyncError: InterprocessError?
        do { try await producer.send(UInt64(1), timeout: .milliseconds(5)) } catch { asyncError = error }
        Self.expectMessage(asyncError, "send to queue", name)
        do { _ = try await mpmcConsumer.receive(timeout: .milliseconds(5)) } catch { asyncError = error }
        Self.expectMessage(asyncError, "receive from queue", mpmcName)
    }

    @Test("a second producer or consumer: 'make producer of queue' / 'make consumer of queue'")
    func endpoints() throws {
        let name = TestSupport.uniqueName("words-ends")
        let queue = try SPSCQueue(create: name, capacity: 64, maximumRecordSize: 24, lifetime: .removedWhenCreatorCloses)
        let producer = try queue.makeProducer(), consumer = try queue.makeConsumer()
        Self.expectMessage(interprocessError { _ = try queue.makeProducer() }, "make producer of queue", name)
        Self.expectMessage(interprocessError { _ = try queue.makeConsumer() }, "make consumer of queue", name)
        withExtendedLifetime(producer) {}
        withExtendedLifetime(consumer) {}
    }

    @Test("openOrCreate's configuration errors say 'open or create queue'")
    func openOrCreateConfiguration() throws {
        let name = TestSupport.uniqueName("words-ooc")
        Self.expectMessage(interprocessError { _ = try SPSCQueue(openOrCreate: name, capacity: 100, maximumRecordSize: 8) }, "open or create queue", name)
        Self.expectMessage(interprocessError { _ = try MPMCQueue(openOrCreate: name, slotCount: 3, slotSize: 8) }, "open or create queue", name)
        Self.expectMessage(interprocessError { _ = try SPSCQueue(create: name, capacity: 100, maximumRecordSize: 8) }, "create queue", name)
    }
}

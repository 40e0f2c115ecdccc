import Foundation
import Interprocess
import Testing

@Suite("SPSC queue across processes", .timeLimit(.minutes(5)))
struct SPSCQueueCrossProcessTests {
    /// Runs two peers at once and returns their outcomes.
    private func runTogether(_ first: [String], _ second: [String]) throws -> (TestSupport.Outcome, TestSupport.Outcome) {
        let background = try TestSupport.BackgroundPeer(first, timeout: 240)
        let secondOutcome = try TestSupport.run(TestSupport.executable("interprocess-test-peer"), second, timeout: 240)
        return (try background.wait(), secondOutcome)
    }

    @Test("ten million records of random sizes arrive exactly, in order, with valid checksums")
    func tenMillionRecords() throws {
        let name = TestSupport.uniqueName("spsc-10m")
        _ = try SPSCQueue(create: name, capacity: 1 << 16, maximumRecordSize: 200)
        defer { try? SPSCQueue.remove(name) }
        let count = "10000000"
        let (producer, consumer) = try runTogether(
            ["spsc-produce", name, "7", count, "200", "32"],
            ["spsc-consume", name, count, "200000", "--expect-empty"])
        #expect(producer.status == 0, "\(producer)")
        #expect(consumer.status == 0, "\(consumer)")
        #expect(producer.standardOutput.contains("sent \(count)"))
        #expect(consumer.standardOutput.contains("received \(count) runs 1"))
    }

    @Test("a producer killed while writing a record never exposes it, and the next producer continues (100 times)")
    func producerKilledMidWrite() throws {
        let name = TestSupport.uniqueName("spsc-kill-p")
        _ = try SPSCQueue(create: name, capacity: 1 << 14, maximumRecordSize: 1000)
        defer { try? SPSCQueue.remove(name) }
        for run in 0..<100 {
            let dying = try TestSupport.peer("spsc-produce-then-die", name, String(run), "3", "1000")
            #expect(dying.signal == SIGKILL, "\(dying)")
            if run > 0 { #expect(dying.standardOutput.contains("replaced "), "the dead producer's place was taken over: \(dying)") }
            // Exactly the 3 committed records of this run, whole, and nothing of the half-written one.
            let consumer = try TestSupport.peer("spsc-consume", name, "3", "10000", "--expect-empty")
            #expect(consumer.status == 0, "run \(run): \(consumer)")
            #expect(consumer.standardOutput.contains("received 3 runs 1"), "run \(run): \(consumer)")
        }
    }

    @Test("a consumer killed while it borrows a record: the next consumer receives that record again (100 times)")
    func consumerKilledWhileBorrowing() throws {
        let name = TestSupport.uniqueName("spsc-kill-c")
        _ = try SPSCQueue(create: name, capacity: 4096, maximumRecordSize: 64)
        defer { try? SPSCQueue.remove(name) }
        var producer = try SPSCQueue(open: name).makeProducer()
        for value in UInt64(1000)..<UInt64(1100) {
            try producer.send(value)
            let borrower = try TestSupport.peer("spsc-borrow-then-die", name)
            #expect(borrower.signal == SIGKILL, "\(borrower)")
            #expect(borrower.standardOutput.contains("borrowed \(value)"), "\(borrower)")
            // Taking over the dead consumer's place, this process gets the same record.
            var consumer = try SPSCQueue(open: name).makeConsumer()
            #expect(consumer.replacedConsumer != nil)
            let received: UInt64? = try consumer.receive(as: UInt64.self, until: .after(.seconds(5)))
            #expect(received == value)
        }
    }
}

import Foundation
@testable import Interprocess
import Testing

/// Creating, opening and removing services, and the round trip in one process.
@Suite("Service basics", .timeLimit(.minutes(1)))
struct ServiceBasicsTests {
    @Test("a sample sent is received in place, as bytes, as a value and as a string, with its sequence")
    func roundTrip() throws {
        let name = TestSupport.uniqueName("svc-rt")
        defer { try? Service.remove(name) }
        let service = try Service(create: name, configuration: .init(payload: .bytes(maximumSize: 4096)))
        var publisher = try Publisher(service: service)
        var subscriber = try Subscriber(service: try Service(open: name))
        #expect(try subscriber.tryReceive() == nil)
        #expect(try publisher.send(contentsOf: [1, 2, 3]) == 0)
        #expect(try publisher.send(UInt64(42)) == 1)
        #expect(try publisher.send("hello") == 2)
        #expect(try publisher.send(byteCount: 4) { span in
            span.withUnsafeMutableBytes { $0.copyBytes(from: [9, 8, 7, 6]) }
        } == 3)
        #expect(try publisher.send(upTo: 16) { out in out.append(UInt16(7), as: UInt16.self) } == 4)
        #expect(try subscriber.receive() == [1, 2, 3])
        #expect(try subscriber.receive(as: UInt64.self) == 42)
        #expect(try subscriber.receive(as: String.self) == "hello")
        let (sequence, bytes) = try subscriber.receive { sample in (sample.sequence, sample.withUnsafeBytes { [UInt8]($0) }) }
        #expect(sequence == 3 && bytes == [9, 8, 7, 6])
        #expect(try subscriber.receive(as: UInt16.self) == 7)
        #expect(subscriber.receivedCount == 5 && subscriber.missedCount == 0)
        #expect(try subscriber.tryReceive() == nil)
        #expect(publisher.nextSequence == 5)
    }

    @Test("a receive with a deadline times out, and a sample sent later wakes a blocked receive")
    func deadlines() throws {
        let name = TestSupport.uniqueName("svc-dl")
        defer { try? Service.remove(name) }
        let service = try Service(create: name, configuration: .init())
        var subscriber = try Subscriber(service: service)
        #expect(throws: InterprocessError.self) { try subscriber.receive(until: .after(.milliseconds(50))) }
        let sender = Thread {
            Thread.sleep(forTimeInterval: 0.1)
            guard var publisher = try? Publisher(service: service) else { return }
            _ = try? publisher.send(contentsOf: [5])
        }
        sender.start()
        #expect(try subscriber.receive(timeout: .seconds(5)) == [5])
    }

    @Test("openOrCreate with another configuration names the field that differs")
    func incompatibleConfiguration() throws {
        let name = TestSupport.uniqueName("svc-cfg")
        defer { try? Service.remove(name) }
        _ = try Service(create: name, configuration: .init(maximumSubscribers: 8))
        let error = try #require(throws: InterprocessError.self) {
            _ = try Service(openOrCreate: name, configuration: .init(maximumSubscribers: 9))
        }
        #expect(error.code == .incompatibleConfiguration)
        #expect(error.reason.contains("maximumSubscribers: 8 vs 9"), "\(error)")
        let opened = try Service(openOrCreate: name, configuration: .init(maximumSubscribers: 8))
        #expect(!opened.wasCreated)
    }
}

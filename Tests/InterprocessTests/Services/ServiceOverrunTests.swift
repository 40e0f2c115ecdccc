import Foundation
@testable import Interprocess
import Testing

/// Slow subscribers: exact missed accounting for `.dropOldest`, back-pressure for `.block`,
/// and history for late joiners.
@Suite("Service overrun and history", .timeLimit(.minutes(1)))
struct ServiceOverrunTests {
    @Test("a lagging .dropOldest subscriber is told exactly how many it missed: received + missed = published")
    func exactMissedAccounting() throws {
        let name = TestSupport.uniqueName("svc-miss")
        defer { try? Service.remove(name) }
        let service = try Service(create: name, configuration: .init(payload: .value(UInt64.self), bufferCapacity: 16))
        var publisher = try Publisher(service: service)
        var subscriber = try Subscriber(service: service)
        var published: UInt64 = 0
        var lastSeen: UInt64?
        // Rounds of bursts of different lengths, each followed by a partial read.
        for burst in [5, 40, 1, 100, 17, 31, 32, 33, 500] {
            for _ in 0..<burst {
                try publisher.send(published)
                published += 1
            }
            for _ in 0..<(burst % 7) {
                guard let value = try subscriber.tryReceive({ sample throws(InterprocessError) in
                    (try sample.load(as: UInt64.self), sample.sequence, sample.missedBefore)
                }) else { break }
                #expect(value.0 == value.1, "the payload is the sequence")
                if let lastSeen { #expect(value.1 == lastSeen + 1 + value.2, "missedBefore counts the gap exactly") }
                lastSeen = value.1
            }
        }
        while let value = try subscriber.tryReceive({ sample in (sample.sequence, sample.missedBefore) }) {
            if let lastSeen { #expect(value.0 == lastSeen + 1 + value.1) }
            lastSeen = value.0
        }
        #expect(lastSeen == published - 1, "the newest sample is always delivered")
        #expect(subscriber.receivedCount + subscriber.missedCount == published)
        #expect(subscriber.missedCount > 0)
        let state = subscriber.state
        #expect(state.receivedCount == subscriber.receivedCount && state.missedCount == subscriber.missedCount)
        #expect(state.position == published && state.depth == 0)
    }

    @Test("at least bufferCapacity samples stay readable for a lagging subscriber")
    func bufferCapacityStaysReadable() throws {
        let name = TestSupport.uniqueName("svc-window")
        defer { try? Service.remove(name) }
        for capacity in [1, 2, 3, 15, 16, 17] {
            let service = try Service(openOrCreate: name + "-\(capacity)", configuration: .init(payload: .value(UInt64.self), bufferCapacity: capacity))
            defer { try? Service.remove(name + "-\(capacity)") }
            var publisher = try Publisher(service: service)
            var subscriber = try Subscriber(service: service)
            for value in 0..<UInt64(200) { try publisher.send(value) }
            var received: [UInt64] = []
            while let value = try subscriber.tryReceive(as: UInt64.self) { received.append(value) }
            #expect(received.count >= capacity, "capacity \(capacity)")
            #expect(received.last == 199)
            #expect(subscriber.missedCount + UInt64(received.count) == 200)
        }
    }

    @Test(".block: a publisher a full buffer ahead times out with .timedOut, trySend returns nil, and it resumes when the subscriber reads")
    func blockingPublisher() throws {
        let name = TestSupport.uniqueName("svc-block")
        defer { try? Service.remove(name) }
        let service = try Service(create: name, configuration: .init(payload: .value(UInt64.self), bufferCapacity: 4, overrunPolicy: .block))
        var publisher = try Publisher(service: service)
        var subscriber = try Subscriber(service: service)
        for value in 0..<UInt64(4) { try publisher.send(value, until: .after(.seconds(1))) }
        #expect(try publisher.trySend(UInt64(4)) == nil)
        let error = try #require(throws: InterprocessError.self) { try publisher.send(UInt64(4), timeout: .milliseconds(50)) }
        #expect(error.code == .timedOut)
        #expect(try subscriber.receive(as: UInt64.self) == 0)
        #expect(try publisher.trySend(UInt64(4)) == 4)
        // A blocked publisher on another thread is woken by a receive.
        let box = PublisherBox(publisher)
        let sent = DispatchSemaphore(value: 0)
        Thread {
            _ = try? box.publisher.send(UInt64(5), timeout: .seconds(10))
            sent.signal()
        }.start()
        Thread.sleep(forTimeInterval: 0.05)
        #expect(try subscriber.receive(as: UInt64.self) == 1)
        #expect(sent.wait(timeout: .now() + 10) == .success)
        for expected in UInt64(2)...5 { #expect(try subscriber.receive(as: UInt64.self) == expected) }
        #expect(subscriber.missedCount == 0)
    }

    @Test("a .dropOldest subscriber never holds back a publisher, even next to a .block one that keeps up")
    func mixedPolicies() throws {
        let name = TestSupport.uniqueName("svc-mixed")
        defer { try? Service.remove(name) }
        let service = try Service(create: name, configuration: .init(payload: .value(UInt64.self), bufferCapacity: 8))
        var publisher = try Publisher(service: service)
        var blocking = try Subscriber(service: service, overrun: .block)
        var dropping = try Subscriber(service: service)
        for value in 0..<UInt64(100) {
            #expect(try publisher.trySend(value) == value)
            #expect(try blocking.receive(as: UInt64.self) == value)
        }
        var count: UInt64 = 0
        while try dropping.tryReceive(as: UInt64.self) != nil { count += 1 }
        #expect(count + dropping.missedCount == 100)
    }

    @Test("a late joiner receives the last `history` samples first; without history it starts at the next")
    func history() throws {
        let name = TestSupport.uniqueName("svc-history")
        defer { try? Service.remove(name) }
        let service = try Service(create: name, configuration: .init(payload: .value(UInt64.self), bufferCapacity: 8, history: 5))
        var publisher = try Publisher(service: service)
        for value in 0..<UInt64(20) { try publisher.send(value) }
        var late = try Subscriber(service: Service(open: name))
        var fresh = try Subscriber(service: service, history: false)
        try publisher.send(UInt64(20))
        var received: [UInt64] = []
        while let value = try late.tryReceive(as: UInt64.self) { received.append(value) }
        #expect(received == Array(15...20))
        #expect(late.missedCount == 0)
        #expect(try fresh.receive(as: UInt64.self) == 20)
        #expect(try fresh.tryReceive(as: UInt64.self) == nil)
    }
}

final class PublisherBox: @unchecked Sendable {
    var publisher: Publisher
    init(_ publisher: consuming Publisher) { self.publisher = publisher }
}

import Foundation
@testable import Interprocess
import Testing

/// Publisher and subscriber in different processes (swift-testing exit tests run the child).
@Suite("Service across processes", .timeLimit(.minutes(2)))
struct ServiceCrossProcessTests {
    /// Receives `count` samples on a thread, checking sequence and content; the result is read
    /// after `join()`.
    final class ReceivingThread: @unchecked Sendable {
        private var thread: Thread?
        private let done = DispatchSemaphore(value: 0)
        private(set) var failure: String?
        private(set) var received = 0

        init(_ subscriber: consuming Subscriber, count: Int) {
            let box = SubscriberBox(subscriber)
            thread = Thread { [self] in
                defer { done.signal() }
                do throws(InterprocessError) {
                    for expected in 0..<UInt64(count) {
                        let ok = try box.subscriber.receive(until: .after(.seconds(30))) { sample in
                            sample.sequence == expected && sample.byteCount == 8 + Int(expected % 100)
                                && (try? sample.load(as: UInt64.self)) == expected &* 0x9E37_79B9
                        }
                        guard ok else {
                            failure = "sample \(expected) is wrong"
                            return
                        }
                        received += 1
                    }
                } catch {
                    failure = "\(error)"
                }
            }
            thread?.start()
        }

        func join() { done.wait() }
    }


    static func publishSamples(_ name: String, count: Int) throws(InterprocessError) {
        var publisher = try Publisher(service: Service(open: name))
        for index in 0..<UInt64(count) {
            try publisher.send(byteCount: 8 + Int(index % 100), until: .after(.seconds(30))) { span in
                span.withUnsafeMutableBytes { $0.storeBytes(of: index &* 0x9E37_79B9, as: UInt64.self) }
            }
        }
    }

    @Test("a .block subscriber receives every one of 200 000 samples sent by another process, in order")
    func everySampleAcrossProcesses() async throws {
        let name = TestSupport.uniqueName("svc-xp")
        defer { try? Service.remove(name) }
        let service = try Service(create: name, configuration: .init(payload: .bytes(maximumSize: 256), bufferCapacity: 64))
        let receiver = ReceivingThread(try Subscriber(service: service, overrun: .block), count: 200_000)
        await #expect(processExitsWith: .success) { [name = name as String] in
            try ServiceCrossProcessTests.publishSamples(name, count: 200_000)
        }
        receiver.join()
        #expect(receiver.failure == nil, "\(receiver.failure ?? "")")
        #expect(receiver.received == 200_000)
    }

    @Test("a publisher killed mid-write never publishes that sample, and a new publisher takes its seat")
    func publisherKilledMidWrite() async throws {
        let name = TestSupport.uniqueName("svc-kill-pub")
        defer { try? Service.remove(name) }
        let service = try Service(create: name, configuration: .init(payload: .bytes(maximumSize: 1 << 16)))
        var subscriber = try Subscriber(service: service)
        await #expect(processExitsWith: .signal(SIGKILL)) { [name = name as String] in
            try ServiceCrossProcessTests.publishThenDieWriting(name)
        }
        try Self.checkTakeover(service, &subscriber)
    }

    static func publishThenDieWriting(_ name: String) throws(InterprocessError) {
        var publisher = try Publisher(service: Service(open: name))
        for value in 0..<UInt64(3) { try publisher.send(value) }
        try publisher.send(byteCount: 1000) { span in
            span.withUnsafeMutableBytes { $0.storeBytes(of: UInt64(999), as: UInt64.self) }
            kill(getpid(), SIGKILL)
        }
    }

    static func checkTakeover(_ service: Service, _ subscriber: inout Subscriber) throws {
        for value in 0..<UInt64(3) { #expect(try subscriber.receive(as: UInt64.self) == value) }
        #expect(try subscriber.tryReceive() == nil, "the half-written sample is never published")
        var publisher = try Publisher(service: service)
        #expect(publisher.replacedPublisher != nil)
        #expect(try publisher.send(UInt64(3)) == 3)
        #expect(try subscriber.receive(as: UInt64.self) == 3)
        #expect(subscriber.missedCount == 0)
    }

    @Test("a second live publisher is refused with alreadyExists naming the live one")
    func onePublisher() throws {
        let name = TestSupport.uniqueName("svc-one-pub")
        defer { try? Service.remove(name) }
        let service = try Service(create: name, configuration: .init())
        let first = try Publisher(service: service)
        let error = try #require(throws: InterprocessError.self) { _ = try Publisher(service: service) }
        #expect(error.code == .alreadyExists)
        #expect(error.reason.contains("process \(getpid())"), "\(error)")
        _ = consume first
        _ = try Publisher(service: service)
    }
}

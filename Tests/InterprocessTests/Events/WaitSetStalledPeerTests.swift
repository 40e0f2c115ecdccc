import Foundation
@testable import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A process's notifiers share one sender socket; the datagrams that stalled wait sets leave
/// unread are charged to its send buffer. A wait set that does read must still get its wake-up.
@Suite("Wait sets beside stalled ones", .timeLimit(.minutes(2)))
struct WaitSetStalledPeerTests {
    @Test("wait sets in another process that never read fill the shared sender's buffer: a healthy wait set still gets its wake datagram")
    func stalledWaitSetsDoNotCostOthersTheirWakeUp() throws {
        // One unread datagram per armed listener (up to each socket's queue), ~100 in all.
        let perSet = min(WakeSocket.queueLimit + 1, 16)
        let waitSets = max(4, 96 / perSet)
        let stalledName = TestSupport.uniqueName("ws-stall"), healthyName = TestSupport.uniqueName("ws-healthy")
        defer { try? EventService.remove(stalledName); try? EventService.remove(healthyName) }
        let stalled = try EventService(create: stalledName, configuration: .init(maximumListeners: waitSets * perSet))
        let healthy = try EventService(create: healthyName, configuration: .init())
        let peer = try LockPeerProcess("events-stall", stalledName, String(waitSets), String(perSet))
        let attached = peer.nextLine(timeout: 60)
        try #require(attached?.hasPrefix("attached") == true, "the stalling peer printed \(attached ?? "nothing")")

        let listener = try Listener(service: healthy)
        let waitSet = try WaitSet()
        let attachment = try waitSet.attach(listener)
        #expect(waitSet.tryWait() == nil, "the first look arms the listener")
        let stalledNotifier = try Notifier(service: stalled)
        try stalledNotifier.notify(1)
        // The stalled datagrams went out through the shared socket (its default buffer holds
        // them); shrinking the buffer to the kernel's minimum now leaves it full whatever else
        // the process's other tests send and read meanwhile. Restored at the end.
        let sender = WakeSocket.sharedSender
        try #require(sender >= 0)
        var original: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        try #require(getsockopt(sender, SOL_SOCKET, SO_SNDBUF, &original, &length) == 0)
        var minimum: Int32 = 1
        try #require(setsockopt(sender, SOL_SOCKET, SO_SNDBUF, &minimum, socklen_t(MemoryLayout<Int32>.size)) == 0)
        defer {
            // The kernel doubles what is set: set half of what it reported.
            var restored = original / 2
            _ = setsockopt(sender, SOL_SOCKET, SO_SNDBUF, &restored, socklen_t(MemoryLayout<Int32>.size))
        }

        // The case under test: the shared socket is full, while a receiver's queue is empty.
        let probeNonce = UInt64.random(in: 1...UInt64.max)
        let probe = try WakeSocket.make(nonce: probeNonce, operation: "probe", name: nil)
        defer { close(probe) }
        guard case .full = WakeSocket.send(from: sender, to: probeNonce, tag: 1) else {
            Issue.record("the stalled wait sets did not fill the shared sender's buffer: the test proves nothing")
            return
        }

        let healthyNotifier = try Notifier(service: healthy)
        try healthyNotifier.notify(2)
        var tags = [UInt64](repeating: 0, count: WaitSet.wakeBatch)
        let received = tags.withUnsafeMutableBufferPointer {
            WakeSocket.receive(waitSet.wakeSocket, into: $0.baseAddress!, capacity: $0.count)
        }
        #expect(received == 1 && tags[0] == attachment.rawValue,
                "the healthy wait set's socket holds \(received) datagrams (tag \(tags[0])), not its listener's tag")
        #expect(WakeSocket.sharedSenderFullUntil.load(ordering: .relaxed) != 0, "notifiers skip the full shared socket for a while")
        #expect(listener.tryWait() == EventSet([2]))
        try peer.killAndReap()
    }
}

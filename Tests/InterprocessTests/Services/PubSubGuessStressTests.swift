import Foundation
@testable import Interprocess
import Synchronization
import Testing

/// What the publisher and the subscriber threads share: how far the publisher got, and what
/// went wrong.
private final class GuessStressState: @unchecked Sendable {
    let published = Atomic<UInt64>(0)
    let done = Atomic<Bool>(false)
    let failures = Mutex<[String]>([])
    func fail(_ s: String) { failures.withLock { if $0.count < 20 { $0.append(s) } } }
}

/// The size of sample `seq`: 16–22 bytes, and with `grow` every 5000th sample larger (up to
/// 16 KiB), so that the pool grows new generations under the subscribers' guesses.
private func expectedSize(_ seq: UInt64, grow: Bool) -> Int {
    if grow, seq % 5000 == 4999 { return min(16 << Int(seq / 5000 % 10), 1 << 14) }
    return 16 + Int(seq % 7)
}

/// Subscribers that guess where their next sample is, against a publisher whose slots are held
/// (spares), whose pool grows, with rings of 2 and 4 entries: every sample they get is whole and
/// in order, none waits unseen (a `tryReceive` returning nil for 3 s while samples are there is a
/// failure), and received + missed = what was published since they attached. Threads of one
/// process: the cross-process suites run the same protocol between processes.
@Suite("Publish/subscribe: guesses under held slots and growth", .serialized, .timeLimit(.minutes(2)))
struct PubSubGuessStressTests {
    private func run(label: String, capacity: Int, subs: Int, loans: Int, count: UInt64, grow: Bool, holdEvery: Int) throws {
        let name = TestSupport.uniqueName(label)
        let service = try Service(create: name, configuration: .init(payload: .bytes(maximumSize: 1 << 14), maximumSubscribers: subs,
                                                                    bufferCapacity: capacity, maximumLoansPerSubscriber: loans))
        defer { try? Service.remove(name) }
        let shared = GuessStressState()
        var threads: [Thread] = []
        let ready = Atomic<Int>(0)
        for index in 0..<subs {
            let t = Thread {
                do {
                    var sub = try Subscriber(service: service, history: false)
                    let start = sub.position
                    ready.add(1, ordering: .sequentiallyConsistent)
                    var held: [HeldSample] = []
                    var rng = SystemRandomNumberGenerator()
                    var nilStreakStart: Date? = nil
                    var lastSeen = start &- 1
                    while true {
                        let pub = shared.published.load(ordering: .acquiring)
                        let finished = shared.done.load(ordering: .acquiring)
                        if finished && sub.position >= pub { break }
                        var got: UInt64? = nil
                        if holdEvery > 0 && index % 2 == 0 && Int.random(in: 0..<holdEvery, using: &rng) == 0 && held.count < loans {
                            if let h = try sub.tryReceiveHeld() {
                                got = h.sequence
                                h.withUnsafeBytes { b in
                                    if b.count != expectedSize(h.sequence, grow: grow) || b.load(as: UInt64.self) != h.sequence || b.last != UInt8(truncatingIfNeeded: h.sequence) {
                                        shared.fail("sub \(index) held seq \(h.sequence) count \(b.count) first \(b.count >= 8 ? b.load(as: UInt64.self) : 0)")
                                    }
                                }
                                held.append(h)
                            }
                        } else {
                            got = try sub.tryReceive { s in
                                s.withUnsafeBytes { b in
                                    if b.count != expectedSize(s.sequence, grow: grow) || b.load(as: UInt64.self) != s.sequence || b.last != UInt8(truncatingIfNeeded: s.sequence) {
                                        shared.fail("sub \(index) seq \(s.sequence) count \(b.count) first \(b.count >= 8 ? b.load(as: UInt64.self) : 0)")
                                    }
                                }
                                return s.sequence
                            }
                        }
                        if let g = got {
                            if g <= lastSeen && lastSeen != start &- 1 { shared.fail("sub \(index) out of order \(g) after \(lastSeen)") }
                            lastSeen = g
                            nilStreakStart = nil
                            if held.count > 0 && Int.random(in: 0..<3, using: &rng) == 0 { held.removeFirst().release() }
                        } else {
                            if !held.isEmpty { held.removeFirst().release() }
                            if sub.position < shared.published.load(ordering: .acquiring) {
                                if nilStreakStart == nil { nilStreakStart = Date() }
                                else if Date().timeIntervalSince(nilStreakStart!) > 3 {
                                    shared.fail("sub \(index) stuck: tryReceive nil at cursor \(sub.position), published \(shared.published.load(ordering: .acquiring))")
                                    break
                                }
                            } else { nilStreakStart = nil }
                        }
                    }
                    held.removeAll()
                    let end = sub.position
                    if sub.receivedCount + sub.missedCount != end - start {
                        shared.fail("sub \(index) accounting: received \(sub.receivedCount) missed \(sub.missedCount) span \(end - start)")
                    }
                } catch { shared.fail("sub \(index) error \(error)") }
            }
            threads.append(t)
            t.start()
        }
        while ready.load(ordering: .sequentiallyConsistent) < subs { usleep(1000) }
        var publisher = try Publisher(service: service)
        for seq in 0..<count {
            let size = expectedSize(seq, grow: grow)
            var bytes = [UInt8](repeating: UInt8(truncatingIfNeeded: seq), count: size)
            withUnsafeBytes(of: seq) { s in for i in 0..<8 { bytes[i] = s[i] } }
            var sent: UInt64? = nil
            var attempts = 0
            while sent == nil {
                do { sent = try publisher.send(contentsOf: bytes) }
                catch { attempts += 1; if attempts > 1000 { shared.fail("publisher: \(error)"); break }; usleep(100) }
            }
            if sent != seq { shared.fail("publisher seq \(String(describing: sent)) != \(seq)") ; break }
            shared.published.store(seq + 1, ordering: .releasing)
        }
        shared.done.store(true, ordering: .releasing)
        let deadline = Date().addingTimeInterval(60)
        while threads.contains(where: { !$0.isFinished }) && Date() < deadline { usleep(10_000) }
        let failures = shared.failures.withLock { $0 }
        #expect(failures.isEmpty, "\(failures)")
        #expect(!threads.contains(where: { !$0.isFinished }), "threads hung")
    }

    @Test("a ring of 2, subscribers holding samples (spares)")
    func heldSlots() throws { try run(label: "svc-guess-held", capacity: 1, subs: 3, loans: 2, count: 100_000, grow: false, holdEvery: 3) }

    @Test("a ring of 4, subscribers holding samples while the pool grows")
    func growth() throws { try run(label: "svc-guess-growth", capacity: 3, subs: 3, loans: 2, count: 50_000, grow: true, holdEvery: 4) }
}

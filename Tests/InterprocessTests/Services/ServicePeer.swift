import Foundation
import Interprocess
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A test peer for the publish/subscribe tests: started with `posix_spawn`, its standard
/// output collected in a file (readable while it runs, and after a SIGKILL), reaped with
/// `waitpid` (Foundation's `Process` sometimes never notices a child killed in a tight loop).
final class ServicePeer {
    let pid: pid_t
    let arguments: [String]
    private let outputPath: String
    private var status: Int32?

    convenience init(_ arguments: String...) throws { try self.init(arguments: arguments) }

    init(arguments: [String]) throws {
        self.arguments = arguments
        let path = try TestSupport.executable("interprocess-test-peer").path
        outputPath = NSTemporaryDirectory() + TestSupport.uniqueName("peer-out")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, outputPath + ".err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        let result = posix_spawn(&pid, path, &actions, nil, argv, environ)
        guard result == 0 else { throw TestFailure("posix_spawn failed: \(result)") }
        self.pid = pid
    }

    deinit {
        killAndReap()
        unlink(outputPath)
        unlink(outputPath + ".err")
    }

    /// What it printed on standard output so far.
    var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }
    /// What it printed on standard error so far.
    var errorOutput: String { (try? String(contentsOfFile: outputPath + ".err", encoding: .utf8)) ?? "" }

    /// Everything about it, for a failure message.
    var description: String {
        "peer \(pid) \(arguments.joined(separator: " ")): status \(status.map { String($0, radix: 16) } ?? "running"), stdout: \(output) stderr: \(errorOutput)"
    }

    /// Waits (polling, up to `timeout` seconds) until its standard output contains `text`.
    func waitForOutput(_ text: String, timeout: TimeInterval = 15) -> Bool {
        TestSupport.eventually(timeout: timeout) { output.contains(text) || hasExited }
            && output.contains(text)
    }

    /// Whether it has exited (reaping it if so).
    var hasExited: Bool {
        if status != nil { return true }
        var raw: Int32 = 0
        if waitpid(pid, &raw, WNOHANG) == pid { status = raw }
        return status != nil
    }

    /// SIGKILL, then reap (once: later calls do nothing).
    func killAndReap() {
        guard status == nil else { return }
        kill(pid, SIGKILL)
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) == -1 && errno == EINTR {}
        status = raw
    }

    /// Waits up to `timeout` seconds for it to exit by itself; its wait status, or nil if it
    /// was still running (it is then killed).
    @discardableResult
    func waitForExit(timeout: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while !hasExited && Date() < deadline { usleep(2_000) }
        if hasExited { return status }
        killAndReap()
        return nil
    }

    /// Expects each of `peers` still running, then kills them all.
    static func stopAll(_ peers: [ServicePeer], _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for peer in peers {
            #expect(!peer.hasExited, "\(context): \(peer.description)", sourceLocation: sourceLocation)
            peer.killAndReap()
        }
    }

    /// Whether it exited by itself with status 0.
    var exitedCleanly: Bool { ChaosSeed.exitedCleanly(status) }

    /// The signal that ended it, if one did.
    var terminatingSignal: Int32? {
        guard let status, status & 0x7f != 0 else { return nil }
        return status & 0x7f
    }

    /// The values after each `key` in its last output line that has them ("received 5 missed 0"
    /// gives ["received": "5", "missed": "0"]).
    func report(_ keyword: String) -> [String: String]? {
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix(keyword) }) else { return nil }
        let words = line.split(separator: " ").map(String.init)
        var values: [String: String] = [:]
        var index = 0
        while index + 1 < words.count {
            values[words[index]] = words[index + 1]
            index += 2
        }
        return values
    }
}

/// The chaos peers' counters (PubSubLedger in the test peer has the same offsets).
final class PubSubLedger {
    static let bad = 0, order = 8, sent = 16, resourceLimit = 24, refused = 32, longestWait = 40
    static let errors = 48, received = 56, sequenceMismatch = 64, attachFailures = 72, publishers = 80
    static let timedOut = 88, missed = 96, lastError = 104
    static let size = 4096

    let name = TestSupport.uniqueName("pubsub-ledger")
    let memory: SharedMemory

    init() throws { memory = try SharedMemory(create: name, size: Self.size) }
    deinit { try? SharedMemory.remove(name) }

    subscript(_ offset: Int) -> UInt64 {
        (memory.region.baseAddress + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1).pointee.load(ordering: .relaxed)
    }

    /// The code of the last error a peer did not expect.
    var lastError: String {
        let word = self[Self.lastError]
        return String(decoding: (0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) }.filter { $0 != 0 }, as: UTF8.self)
    }

    /// Expects what every chaos run must leave: no wrong, torn or out-of-order sample, no error
    /// the peers did not expect, no attach refused, the pool never dry, no send refused or timed
    /// out, each send the sequence promised, and no send that waited 2 s or more (liveness, not
    /// speed: a dead subscriber is reclaimed long before).
    func expectClean(_ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
        expectSafe(context, sourceLocation: sourceLocation)
        expectLive(context, sourceLocation: sourceLocation)
    }

    /// The safety half of ``expectClean(_:sourceLocation:)``: nothing wrong, torn, out of order,
    /// refused or unexpected, the pool never dry, something received.
    func expectSafe(_ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let zeros = [(Self.bad, "torn or wrong samples"), (Self.order, "samples out of order"), (Self.errors, "unexpected errors"),
                     (Self.attachFailures, "subscribers refused"), (Self.resourceLimit, "the pool ran dry"),
                     (Self.refused, "trySend refused with no .block subscriber"),
                     (Self.sequenceMismatch, "a send returned another sequence than nextSequence")]
        for (offset, what) in zeros {
            #expect(self[offset] == 0, "\(context): \(what): \(summary)", sourceLocation: sourceLocation)
        }
        #expect(self[Self.received] > 0, "\(context): nothing received: \(summary)", sourceLocation: sourceLocation)
    }

    /// The liveness half: no send timed out (10 s) or waited 2 s or more.
    func expectLive(_ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(self[Self.timedOut] == 0, "\(context): a send waited 10 s: \(summary)", sourceLocation: sourceLocation)
        #expect(self[Self.longestWait] < 2_000_000_000, "\(context): a send waited 2 s or more: \(summary)", sourceLocation: sourceLocation)
    }

    /// Every counter, for a failure message.
    var summary: String {
        "sent \(self[Self.sent]) received \(self[Self.received]) missed \(self[Self.missed]) bad \(self[Self.bad]) order \(self[Self.order]) "
            + "resourceLimit \(self[Self.resourceLimit]) refused \(self[Self.refused]) timedOut \(self[Self.timedOut]) "
            + "longestWait \(self[Self.longestWait] / 1_000_000) ms errors \(self[Self.errors]) (last: \(lastError)) "
            + "sequenceMismatch \(self[Self.sequenceMismatch]) attachFailures \(self[Self.attachFailures]) publishers \(self[Self.publishers])"
    }
}

/// A subscriber kept attached in an array (a ``Subscriber`` is not copyable); it detaches when
/// the object goes.
final class AttachedSubscriber {
    let subscriber: Subscriber
    init(_ service: Service, overrun: OverrunPolicy? = nil) throws(InterprocessError) {
        subscriber = try Subscriber(service: service, overrun: overrun)
    }
}

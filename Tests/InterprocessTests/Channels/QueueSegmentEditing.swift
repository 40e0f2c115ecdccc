import Foundation
import Interprocess

/// Rewriting a live queue's segment from another process (the test peer's `shm-write`), and
/// probing it with the peer's `spsc-…`/`mpmc-…` commands, which a crash or hang cannot take the
/// test runner down with.
enum QueueSegmentEditing {
    /// Where a queue's body starts in its segment (after the segment header).
    static let bodyOffset = 128

    /// Writes `value` (little-endian, `width` bytes) at `offset` in the queue's body, from the
    /// test peer.
    static func write(_ name: String, body offset: Int, _ value: UInt64, width: Int = 8) throws {
        let bytes = (0..<width).map { String(format: "%02x", UInt8(truncatingIfNeeded: value >> (8 * UInt64($0)))) }.joined()
        let outcome = try TestSupport.peer("shm-write", name, String(bodyOffset + offset), bytes)
        guard outcome.status == 0 else { throw TestFailure("shm-write failed: \(outcome)") }
    }

    /// Runs a probe command; a peer still running after 60 s is killed (a hang shows as SIGKILL).
    static func probe(_ arguments: String...) throws -> TestSupport.Outcome {
        try TestSupport.run(TestSupport.executable("interprocess-test-peer"), arguments, timeout: 60)
    }
}

extension TestSupport.Outcome {
    /// Whether the peer ended with a typed `corrupt` error whose message names the queue and
    /// contains `detail`.
    func isCorrupt(_ name: String, _ detail: String) -> Bool {
        signal == nil && status == 1 && standardOutput.hasSuffix("error corrupt\n")
            && standardError.contains(name) && standardError.contains(detail)
    }
}

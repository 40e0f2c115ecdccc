import Interprocess

// MERGE: queue state. The queue rewrite (a colleague's branch) adds `SPSCQueue.State` and
// `MPMCQueue.State` (capacity, depth, head/tail, producer/consumer pids and liveness,
// skipped/redelivered). Replace `QueueSummary` with those snapshots — `LiveState.queue` becomes
// `.spsc(SPSCQueue.State)` and `.mpmc(MPMCQueue.State)`, read through `SPSCQueue(open:).state` —
// and delete this file. Until then inspect prints what the segment header says.

/// What `inspect` can say of a queue before the queues have a `state` snapshot: its kind,
/// layout version and body size, from the segment header.
struct QueueSummary: Encodable {
    var kind: String
    var layoutVersion: UInt32
    var bodyBytes: Int
    /// Why there is no more.
    var note = "the queue's live state (depth, head/tail, endpoints) is not available in this build"

    static func read(_ name: String, kind: SegmentKind) throws(InterprocessError) -> QueueSummary {
        let segment = try Segment(open: name, kind: kind, access: .readOnly)
        return QueueSummary(kind: kind.name, layoutVersion: segment.header.kindVersion, bodyBytes: segment.body.count)
    }

    var rows: [[String]] {
        [["queue", "\(kind), layout version \(layoutVersion), \(Formatting.size(bodyBytes)) body"], ["live state", note]]
    }
}

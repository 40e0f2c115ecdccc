import Interprocess
import Testing

/// Opening a segment that must be refused: the error it throws, recorded as an issue if it
/// opens instead.
func openFailure(
    _ name: String, kind: SegmentKind? = nil, kindVersion: UInt32? = nil, timeout: Duration = .zero,
    sourceLocation: SourceLocation = #_sourceLocation
) -> InterprocessError? {
    do {
        _ = try Segment(open: name, kind: kind, kindVersion: kindVersion, timeout: timeout)
        Issue.record("segment '\(name)' opened, but should have been refused", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

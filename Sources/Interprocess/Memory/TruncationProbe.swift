#if os(Linux)
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A copyable view of one mapping's ``TruncationGuard`` count, for owners that hold the mapping
/// where it cannot be borrowed (an optional segment in a class) and for error messages.
/// Valid while the mapping lives: its owner keeps both.
struct TruncationProbe: Sendable {
    let slot: TruncationGuard.Slot
    /// What the mapping maps, for error messages.
    let name: String
    /// The bytes mapped.
    let count: Int
    /// The mapped file's descriptor while it is open (to report the file's size now), or -1.
    let descriptor: Int32

    /// The pages replaced by zero pages so far.
    var pages: UInt64 { TruncationGuard.faults(slot) }

    /// `.truncated` for a mapping that ``wasTruncated``, or whose file (when the descriptor is
    /// known, and the mapping starts at the file's start) is now shorter than the mapping, even
    /// if this process has not touched a page past the new end yet: a peer that waits on such a
    /// queue would otherwise just time out. Nil when all is well. One `fstat`: slow paths only.
    func problem(operation: String) -> InterprocessError? {
        var info = stat()
        let fileSize: Int? = descriptor >= 0 && fstat(descriptor, &info) == 0 ? Int(info.st_size) : nil
        let faults = pages
        guard faults != 0 || fileSize.map({ $0 < count }) == true else { return nil }
        let size = fileSize.map { " (to \($0) bytes)" } ?? ""
        return InterprocessError(.truncated, operation: operation, name: name,
                                 reason: "its file was truncated by another process\(size) while \(count) bytes of it were mapped here; \(faults) page(s) touched past the new end read as zeros here")
    }
}
#endif

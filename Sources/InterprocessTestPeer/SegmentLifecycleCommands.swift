import Interprocess

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `segment-create`, `segment-create-many`, `segment-open-loop`: creators and openers for the
/// tests of publishing and `gc` races.
enum SegmentLifecycleCommands {

    /// `segment-create NAME BODY-BYTES [INIT-MS] [fail]`: creates a raw segment whose
    /// initialization takes INIT-MS and then fails if asked; prints "created", or "failed" and
    /// lives on for a second.
    static func create(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let bodySize = try arguments.nextInt("BODY-BYTES")
        var initMilliseconds = 0
        if let text = arguments.nextIfPresent() {
            guard let value = Int(text), value >= 0 else { throw UsageError("INIT-MS must be a non-negative integer") }
            initMilliseconds = value
        }
        let fails = arguments.nextIfPresent() == "fail"
        try arguments.finish()
        let outcome = Result { () throws(InterprocessError) in
            _ = try Segment(create: name, bodySize: bodySize) { _ throws(InterprocessError) in
                if initMilliseconds > 0 { usleep(UInt32(initMilliseconds) * 1000) }
                if fails { throw InterprocessError(.invalidArgument, operation: "initialize", reason: "asked to fail") }
            }
        }
        if case .failure(let error) = outcome {
            guard error.operation == "initialize" else { throw error }
            // A creator that lives on after its create failed: openers must not wait for it.
            print("failed")
            fflush(nil)
            sleep(1)
            return
        }
        print("created")
    }

    /// `segment-create-many PREFIX COUNT`: creates PREFIX-0 … PREFIX-(COUNT-1), skipping names
    /// that exist; prints "created N".
    static func createMany(_ arguments: inout Arguments) throws {
        let prefix = try arguments.next("PREFIX")
        let count = try arguments.nextInt("COUNT")
        try arguments.finish()
        var created = 0
        for index in 0..<count {
            switch Result(catching: { () throws(InterprocessError) in try Segment(create: "\(prefix)-\(index)", bodySize: 64) }) {
            case .success: created += 1
            case .failure(let error) where error.code == .alreadyExists: break
            case .failure(let error): throw error
            }
        }
        print("created \(created)")
    }

    /// `segment-open-loop PREFIX COUNT MILLISECONDS`: for that long, opens PREFIX-i for random i
    /// and checks, while it holds the segment, that its name still refers to it (`gc` must
    /// never remove a segment a process has open); prints "opened N missing M orphaned K".
    static func openLoop(_ arguments: inout Arguments) throws {
        let prefix = try arguments.next("PREFIX")
        let count = try arguments.nextInt("COUNT")
        let milliseconds = try arguments.nextInt("MILLISECONDS")
        try arguments.finish()
        guard count > 0 else { throw UsageError("COUNT must be at least 1") }
        let deadline = Deadline.after(.milliseconds(milliseconds))
        var opened = 0, missing = 0, orphaned = 0
        while !deadline.hasPassed {
            switch try openAndCheck("\(prefix)-\(Int.random(in: 0..<count))") {
            case nil: missing += 1
            case true?: opened += 1
            case false?: opened += 1; orphaned += 1
            }
        }
        print("opened \(opened) missing \(missing) orphaned \(orphaned)")
    }

    /// Opens `name` and uses it a moment, as a real opener would: nil if there is no such
    /// segment, else whether its name still referred to it at the end.
    private static func openAndCheck(_ name: String) throws(InterprocessError) -> Bool? {
        let segment: Segment
        do {
            segment = try Segment(open: name, kind: .raw)
        } catch {
            if error.code == .notFound { return nil }
            throw error
        }
        _ = segment.readableBody.load(as: UInt64.self)
        sched_yield()
        return segment.memory.isReachableByName
    }
}

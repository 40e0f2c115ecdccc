import Interprocess

#if canImport(Glibc)
import Glibc
#endif

/// Eight of a kind: nested to make a fixed-size value without 512 spelled-out fields.
typealias Eight<T> = (T, T, T, T, T, T, T, T)

/// A 4 KiB self-checking blackboard value (the "page" entry; the tests record its type name
/// "CheckedPage"): the bytes of `BlackboardCommands.fill`, so `isWhole` judges it.
struct CheckedPage: InterprocessValue {
    var words: Eight<Eight<Eight<UInt64>>>

    init(version: UInt64) {
        let zero: Eight<UInt64> = (0, 0, 0, 0, 0, 0, 0, 0)
        let block: Eight<Eight<UInt64>> = (zero, zero, zero, zero, zero, zero, zero, zero)
        words = (block, block, block, block, block, block, block, block)
        withUnsafeMutableBytes(of: &words) { BlackboardCommands.fill($0, version: version) }
    }

    /// Whether it is a whole value written as `version`.
    func isWhole(version: UInt64) -> Bool {
        withUnsafeBytes(of: words) { BlackboardCommands.isWhole($0, count: $0.count, version: version) }
    }

    /// The version it says it was written as (its first word).
    var writtenAs: UInt64 { words.0.0.0 }
}

/// Peer commands for the entry reader tests: boards with a "page" entry of `CheckedPage`.
enum BlackboardPageCommands {
    /// `board-write-page NAME forever`: writes self-checking pages as fast as it can until
    /// killed; prints "replaced PID" if it took a dead writer's place, then "writing".
    static func write(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        _ = try arguments.next("forever")
        let board = try Blackboard(open: name, timeout: .seconds(10))
        let page = try board.key("page", as: CheckedPage.self)
        var writer = try board.makeWriter()
        let reader = board.makeReader()
        if let replaced = writer.replacedWriter { print("replaced \(replaced)") }
        print("writing")
        fflush(nil)
        while true {
            let version = reader.version(of: page) &+ 1
            let got = writer.write(page, CheckedPage(version: version))
            guard got == version else { throw PeerFailure("wrote version \(got), expected \(version)") }
        }
    }

    /// `board-read-entry NAME MILLISECONDS`: polls "page" through an entry reader for
    /// MILLISECONDS, `read()` and `readIfChanged()` in turn, checking every value it returns
    /// against the version the reader reports; prints "ready", then "reads R versions V torn T
    /// backwards B" (B: a version below the one before, or a changed value at an unchanged one).
    static func read(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let milliseconds = try arguments.nextInt("MILLISECONDS")
        let board = try Blackboard(open: name, timeout: .seconds(10))
        var entry = board.makeReader().entry(try board.key("page", as: CheckedPage.self))
        print("ready")
        fflush(nil)
        let end = Deadline.after(.milliseconds(milliseconds))
        var reads = 0, versions = 0, torn = 0, backwards = 0, round = 0
        var last: UInt64 = 0
        repeat {
            round += 1
            let value = round & 1 == 0 ? try entry.read() : try entry.readIfChanged()
            guard let value else { continue }
            reads += 1
            let version = entry.lastVersion
            if !value.isWhole(version: version) { torn += 1 }
            if version < last || (version == last && value.writtenAs != last) { backwards += 1 }
            if version != last { versions += 1 }
            last = version
        } while !end.hasPassed
        print("reads \(reads) versions \(versions) torn \(torn) backwards \(backwards)")
    }
}

#if os(Linux)
/// The records of a journal as an `AsyncSequence`, following the writer live: iteration
/// suspends (on ``ProcessWaiter``'s thread) while there is nothing new, and ends only by
/// cancellation (which throws `cancelled`) or an error.
///
/// ```swift
/// for try await entry in journal.records(from: .end) {
///     print(entry.sequence, entry.string)
/// }
/// ```
public struct JournalRecords: AsyncSequence, Sendable {
    /// Each record, copied.
    public typealias Element = JournalEntry
    /// The library's one error type.
    public typealias Failure = InterprocessError

    let journal: Journal
    let start: JournalStart
    let name: String?

    /// The iterator: owns one tailer, made on the first `next()`.
    public struct AsyncIterator: AsyncIteratorProtocol {
        /// The records copied out.
        public typealias Element = JournalEntry
        /// The library's one error type.
        public typealias Failure = InterprocessError

        let source: JournalRecords
        let box = TailerBox()

        /// The next record, suspending while there is none.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(InterprocessError) -> JournalEntry? {
            if box.tailer == nil { box.tailer = try source.journal.makeTailer(from: source.start, named: source.name) }
            return try await box.next()
        }

        /// The next record, suspending while there is none.
        public mutating func next() async throws(InterprocessError) -> JournalEntry? {
            try await next(isolation: nil)
        }
    }

    /// Starts an iterator.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(source: self) }
}

/// Holds an iterator's tailer (a non-copyable value) for the copyable iterator.
final class TailerBox: @unchecked Sendable {
    // @unchecked: an iterator is advanced by one task at a time, as AsyncIteratorProtocol requires.
    var tailer: JournalTailer?

    func next() async throws(InterprocessError) -> JournalEntry? {
        guard var current = tailer.take() else { return nil }
        do {
            let entry = try await current.next()
            tailer = consume current
            return entry
        } catch {
            tailer = consume current
            throw error
        }
    }
}

extension Journal {
    /// The journal's records from `start` (for a named tailer, from its stored position) as an
    /// async sequence.
    public func records(from start: JournalStart = .beginning, named name: String? = nil) -> JournalRecords {
        JournalRecords(journal: self, start: start, name: name)
    }
}
#endif

#if os(Linux)
import Synchronization

extension Client {
    /// The responses to request `id` as an `AsyncSequence` of byte arrays, ending when the
    /// server completes the request (see ``ResponseStream``).
    public func responses(to id: RequestID) -> ResponseStream {
        ResponseStream(storage: storage, seat: seat, id: id)
    }
}

/// The responses to one request as they arrive, copied out: iteration ends (nil) when the
/// server completes the request, throws `peerDied` when the server dies, and `.cancelled` when
/// the task is cancelled (which also cancels the request). Waiting suspends the task on the
/// process's waiter thread.
///
/// ```swift
/// let id = try client.send(contentsOf: Array("ls".utf8))
/// for try await chunk in client.responses(to: id) { print(String(decoding: chunk, as: UTF8.self)) }
/// ```
///
/// The sequence reads the client's seat directly: iterate it while the client is open, and do
/// not receive responses to the same request through the client meanwhile. Dropping the last
/// iterator before the end cancels the request.
public struct ResponseStream: AsyncSequence, Sendable {
    /// A copy of one response's bytes.
    public typealias Element = [UInt8]
    /// Errors are typed.
    public typealias Failure = InterprocessError

    let box: Box

    init(storage: RequestResponseStorage, seat: UnsafeMutableRawPointer, id: RequestID) {
        box = Box(storage: storage, seat: seat, id: id)
    }

    /// Iterates the responses.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let box: Box

        /// The next response, or nil after the last.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(InterprocessError) -> [UInt8]? {
            try await box.next()
        }

        /// The next response, or nil after the last.
        public mutating func next() async throws(InterprocessError) -> [UInt8]? {
            try await box.next()
        }
    }

    /// An iterator over the responses.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(box: box) }

    /// Where the request lives; cancels it when the sequence goes away unfinished.
    final class Box: @unchecked Sendable {
        // @unchecked: immutable addresses in the mapping `storage` keeps alive; the responses are
        // read by one iteration at a time (documented).
        let storage: RequestResponseStorage
        let seat: UnsafeMutableRawPointer
        let slot: RequestSlot?
        let id: RequestID

        init(storage: RequestResponseStorage, seat: UnsafeMutableRawPointer, id: RequestID) {
            self.storage = storage
            self.seat = seat
            self.id = id
            slot = id.slot < storage.geometry.slotsPerSeat ? RequestSlot(storage.slot(id.slot, of: seat), geometry: storage.geometry) : nil
        }

        deinit { slot?.abandon(id.rawValue, in: storage) }

        func next() async throws(InterprocessError) -> [UInt8]? {
            guard let slot else { return nil }
            do {
                switch try await ResponseReading.receive(seat: seat, slot: slot, id: id.rawValue, storage: storage, until: .never,
                                                         { response in response.bytes }) {
                case .response(let bytes): return bytes
                case .complete, .notYet: return nil
                }
            } catch {
                slot.abandon(id.rawValue, in: storage)
                throw error
            }
        }
    }
}
#endif

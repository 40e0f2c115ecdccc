#if os(Linux)
import Synchronization

/// How a byte stream's endpoint waits for the other: spin, then park on the low half of the
/// other side's index (FutexParking's handshake; the other side's commit is the waker), and
/// look at the other side's claim every ``peerCheckInterval`` so that a dead peer is reported
/// instead of waited on until the deadline.
struct ByteStreamWaiting {
    /// The index the other side moves (the futex word is its low half).
    let index: UnsafeMutablePointer<Atomic<UInt64>>
    /// The other side's claim word.
    let peerOwner: UnsafeMutablePointer<Atomic<UInt64>>
    /// The parking of this side: the index's low half and this side's sleeping flag.
    let parking: FutexParking
    /// The writer's end-of-stream flag, for the reader: once set, waiting ends (the reader's
    /// next try finds what is left). Nil for the writer.
    let finished: UnsafeMutablePointer<Atomic<UInt32>>?
    /// "writer" or "reader": the side waited for.
    let peerRole: String
    let operation: String
    let name: String
    /// The stream's mapping's truncation count: a wait that times out on a stream whose file a
    /// peer shrank reports that instead.
    let truncation: TruncationProbe

    /// How long a side waits before it looks whether the peer is dead: the longest a wake-up
    /// can be lost anyway (``FutexParking/recheckInterval``), and rare enough that the `/proc`
    /// read it costs never shows.
    static let peerCheckInterval: Duration = .milliseconds(20)

    init(storage: ByteStreamStorage, indexOffset: Int, peerOwnerOffset: Int, sleepingOffset: Int, peerRole: String, operation: String) {
        index = storage.word64(indexOffset)
        peerOwner = storage.word64(peerOwnerOffset)
        parking = FutexParking(word: UnsafeMutableRawPointer(storage.futexWord(indexOffset)),
                               waiters: storage.word32(sleepingOffset), sleepers: .single)
        finished = peerRole == "writer" ? storage.word32(ByteStreamLayout.finishedOffset) : nil
        self.peerRole = peerRole
        self.operation = operation
        self.name = storage.name
        truncation = storage.mirror.truncationProbe(name: storage.name)
    }

    /// Blocks until `isReady` holds for the index (or the index cannot be right, which the
    /// caller's next try reports), the deadline passes (`timedOut`) or the peer is found dead
    /// (`peerDied`).
    func wait(until deadline: Deadline, isReady indexIsReady: (UInt64) -> Bool) throws(InterprocessError) {
        let finished = finished
        func isReady(_ index: UInt64) -> Bool {
            indexIsReady(index) || finished?.pointee.load(ordering: .sequentiallyConsistent) ?? 0 != 0
        }
        var spins = 0
        while spins < ChannelWaiting.spinLimit {
            if isReady(index.pointee.load(ordering: .acquiring)) { return }
            spins += 1
            CPU.relax()
        }
        var nextPeerCheck = Deadline.after(Self.peerCheckInterval)
        while true {
            if isReady(index.pointee.load(ordering: .acquiring)) { return }
            // A shrunk file's words read as zeros that never change: waiting on is for ever.
            if deadline.hasPassed || truncation.pages != 0 { throw timedOut() }
            if nextPeerCheck.hasPassed {
                try checkPeer()
                nextPeerCheck = .after(Self.peerCheckInterval)
            }
            parking.sleepOnce(until: deadline.earlier(than: nextPeerCheck)) {
                let observed = index.pointee.load(ordering: .sequentiallyConsistent)
                return isReady(observed) ? nil : UInt32(truncatingIfNeeded: observed)
            }
        }
    }

    /// The async twin of ``wait(until:isReady:)``: suspends the task on the process's waiter
    /// thread (never a thread of the cooperative pool).
    func wait(until deadline: Deadline, isReady indexIsReady: @escaping @Sendable (UInt64) -> Bool) async throws(InterprocessError) {
        let index = UnsafeSendable(index)
        let finished = finished.map(UnsafeSendable.init)
        let isReady = { @Sendable (index: UInt64) -> Bool in
            indexIsReady(index) || finished?.value.pointee.load(ordering: .sequentiallyConsistent) ?? 0 != 0
        }
        while true {
            try ProcessWaiter.checkCancellation(operation: operation, name: name)
            if isReady(index.value.pointee.load(ordering: .acquiring)) { return }
            if deadline.hasPassed || truncation.pages != 0 { throw timedOut() }
            let slice = deadline.earlier(than: .after(Self.peerCheckInterval))
            let outcome = try await ProcessWaiter.shared.wait(on: parking, until: slice, operation: operation, name: name) {
                let observed = index.value.pointee.load(ordering: .sequentiallyConsistent)
                return isReady(observed) ? .proceed : .sleep(expecting: UInt32(truncatingIfNeeded: observed))
            }
            switch outcome {
            case .acquired: return
            case .cancelled, .truncated: try ProcessWaiter.requireAcquired(outcome, operation: operation, name: name)
            case .timedOut:
                if !isReady(index.value.pointee.load(ordering: .acquiring)) && !deadline.hasPassed { try checkPeer() }
            }
        }
    }

    /// Throws ``InterprocessError/Code/peerDied`` if the other side's claim names a dead process.
    func checkPeer() throws(InterprocessError) {
        let word = peerOwner.pointee.load(ordering: .acquiring)
        guard word != 0, EndpointClaim.isDead(word) else { return }
        throw InterprocessError(.peerDied, operation: operation, name: name,
                                reason: "its \(peerRole) (pid \(EndpointClaim.pid(of: word))) died; a new \(peerRole) can take its place")
    }

    func timedOut() -> InterprocessError {
        truncation.problem(operation: operation) ?? InterprocessError(.timedOut, operation: operation, name: name,
                          reason: peerRole == "reader" ? "the stream stayed full until the deadline" : "no data arrived before the deadline")
    }
}
#endif

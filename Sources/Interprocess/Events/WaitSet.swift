#if os(Linux)
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Waits on many sources at once — event ``Listener``s, queue endpoints and ``Subscriber``s
/// (through their ``ReadinessDescriptor``), timers and raw file descriptors — and tells which
/// are ready. This is how one thread serves hundreds of channels.
///
/// ```swift
/// let waitSet = try WaitSet()
/// let jobs = try waitSet.attach(jobsListener)
/// let ticks = try waitSet.attach(try subscriber.makeReadinessDescriptor())
/// let heartbeat = try waitSet.attach(.every(.seconds(1)))
/// try waitSet.run { ready in
///     switch ready {
///     case jobs: for id in jobsListener.tryWait() ?? EventSet() { handle(id) }
///     case ticks: while let sample = try subscriber.tryReceive() { handle(sample) }
///     case heartbeat: beat()
///     default: break
///     }
///     return .continue
/// }
/// ```
///
/// ## How it waits
///
/// One `epoll` instance holds one descriptor per source, and one for all the listeners: the
/// wait set's wake socket (a datagram socket in the abstract namespace, named in each attached
/// listener's shared entry). A notifier sends it the listener's tag (the attachment's number)
/// only when the listener's *armed* flag is set, and clears the flag as it does, so a busy
/// listener costs notifiers no system call. The wait set reads the tags in one system call,
/// re-arms each such listener (a sequentially consistent store) and then looks at its pending
/// ids (a sequentially consistent load), as it does for those it reported last time: a wait
/// with one listener fired among a thousand does constant work, on one socket. The pending ids
/// always live in shared memory: a datagram lost (a full socket, a notifier killed between
/// clearing the flag and sending) loses no event. The socket holds few datagrams
/// (`net.unix.max_dgram_qlen`, often 10): when the wait set reads that many at once (some may
/// have been refused), it looks at every listener at once, so a burst of notifications is
/// reported in the order it was sent, and every 20 ms while listeners are attached, so a
/// datagram lost otherwise (a notifier killed between clearing the flag and sending, or whose
/// own send buffer is full) delays a wake-up by at most that. Before it sleeps, a wait polls `epoll` for about 40 µs, as every wait of the library
/// spins briefly before it parks.
///
/// ## What "ready" means
///
/// - A listener: it has ids pending. It is reported on every wait until they are taken
///   (``Listener/tryWait()``).
/// - A readiness descriptor (a queue endpoint, a subscriber): it signalled progress; the wait
///   set clears it before reporting it, so take everything there is (until the non-blocking
///   receive finds nothing), as ``ReadinessDescriptor`` describes.
/// - A timer: it expired (a periodic one once per period; missed periods are folded).
/// - A raw descriptor: it is readable (level-triggered: until you read it).
///
/// A wait set is used by one thread (or task) at a time; sources may be attached and detached
/// between waits and from inside ``run(until:_:)``'s body. A listener belongs to one wait set
/// at a time.
public final class WaitSet {
    /// A source attached to a wait set: compare it with what ``attach(_:)-(Listener)`` returned.
    public struct Attachment: Hashable, Sendable, Comparable, CustomStringConvertible {
        /// The number the wait set gave the source (its epoll token).
        public let rawValue: UInt64
        /// Orders attachments by number.
        public static func < (lhs: Attachment, rhs: Attachment) -> Bool { lhs.rawValue < rhs.rawValue }
        /// "attachment N".
        public var description: String { "attachment \(rawValue)" }
    }

    /// What ``run(until:_:)``'s body wants next.
    public enum Progression: Sendable {
        /// Keep running.
        case `continue`
        /// Return from ``run(until:_:)``.
        case stop
    }

    /// A timer source: one expiry, or one per period.
    public struct Timer: Sendable, Hashable {
        /// The first expiry, from the moment it is attached.
        public var delay: Duration
        /// The period after the first expiry; nil for a one-shot timer.
        public var interval: Duration?

        /// Expires once, `delay` after it is attached.
        public static func once(after delay: Duration) -> Timer { Timer(delay: delay, interval: nil) }

        /// Expires every `interval`, the first time `delay` (default: `interval`) after it is attached.
        public static func every(_ interval: Duration, startingAfter delay: Duration? = nil) -> Timer {
            Timer(delay: delay ?? interval, interval: interval)
        }
    }

    enum Source {
        case listener(ListenerSeat)
        case readiness(ReadinessBox)
        case timer(Int32)
        case descriptor(Int32)

        /// The descriptor in the epoll instance; nil for a listener (the wake socket is there).
        var descriptor: Int32? {
            switch self {
            case .listener: nil
            case .readiness(let box): box.descriptor.fileDescriptor
            case .timer(let descriptor), .descriptor(let descriptor): descriptor
            }
        }
    }

    /// The wake socket's epoll token (sources are numbered from 1).
    static let wakeToken: UInt64 = 0

    /// How often, while listeners are attached, every one of them is looked at.
    public static var recheckInterval: Duration { FutexParking.recheckInterval }

    let epoll: Int32
    var sources: [UInt64: Source] = [:]
    var listenerCount = 0
    var nextToken: UInt64 = 1
    /// Listeners to re-arm and look at before the next sleep: reported last time, just
    /// attached, or whose socket fired.
    var candidates: [UInt64] = []
    var nextCandidates: [UInt64] = []
    var ready: [Attachment] = []
    var lastScan = Deadline.now
    let tokens = UnsafeMutablePointer<UInt64>.allocate(capacity: 64)
    /// The socket notifiers send attached listeners' tags to, made with the first listener
    /// (-1 before), and its address's nonce.
    var wakeSocket: Int32 = -1
    var wakeNonce: UInt64 = 0
    /// Tags read from the wake socket.
    let wakeTags = UnsafeMutablePointer<UInt64>.allocate(capacity: WaitSet.wakeBatch)
    static let wakeBatch = 32

    /// An empty wait set.
    ///
    /// - Throws: `resourceLimit` and the like when no epoll instance could be made.
    public init() throws(InterprocessError) {
        epoll = try Epoll.make(operation: "make wait set")
    }

    deinit {
        for source in sources.values {
            switch source {
            case .timer(let descriptor): close(descriptor)
            case .listener(let seat): seat.detach(from: ObjectIdentifier(self))
            case .readiness, .descriptor: break
            }
        }
        if wakeSocket >= 0 { close(wakeSocket) }
        close(epoll)
        tokens.deallocate()
        wakeTags.deallocate()
    }

    /// How many sources are attached.
    public var count: Int { sources.count }

    // MARK: Attaching

    /// Attaches a listener: ready while it has ids pending. The wait set keeps the listener's
    /// entry until it is detached, even if the listener goes first.
    ///
    /// - Throws: `invalidArgument` when the listener is attached to another wait set (a
    ///   listener belongs to one at a time); what making the wake socket throws.
    public func attach(_ listener: borrowing Listener) throws(InterprocessError) -> Attachment {
        let seat = listener.seat
        if wakeSocket < 0 { try makeWakeSocket() }
        let token = nextToken
        try seat.attach(to: ObjectIdentifier(self), nonce: wakeNonce, tag: token)
        nextToken &+= 1
        sources[token] = .listener(seat)
        listenerCount += 1
        candidates.append(token)
        return Attachment(rawValue: token)
    }

    /// Makes the wake socket, at a random address, and adds it to the epoll instance.
    private func makeWakeSocket() throws(InterprocessError) {
        let operation = "attach listener to wait set"
        var nonce: UInt64 = 0
        while nonce == 0 { nonce = UInt64.random(in: .min ... .max) }
        let socket = try WakeSocket.make(nonce: nonce, operation: operation, name: nil)
        do throws(InterprocessError) {
            try Epoll.add(socket, to: epoll, token: WaitSet.wakeToken, operation: operation)
        } catch {
            close(socket)
            throw error
        }
        wakeSocket = socket
        wakeNonce = nonce
    }

    /// Attaches a readiness descriptor (of a queue endpoint or a subscriber), which the wait set
    /// owns from now on: ready when it signals, and cleared before it is reported.
    public func attach(_ readiness: consuming ReadinessDescriptor) throws(InterprocessError) -> Attachment {
        Attachment(rawValue: try add(.readiness(ReadinessBox(readiness))))
    }

    /// Attaches a timer (a `timerfd` the wait set owns): ready when it expires.
    public func attach(_ timer: Timer) throws(InterprocessError) -> Attachment {
        let descriptor = try TimerDescriptor.make(after: timer.delay, every: timer.interval, operation: "attach timer to wait set")
        do throws(InterprocessError) {
            return Attachment(rawValue: try add(.timer(descriptor)))
        } catch {
            close(descriptor)
            throw error
        }
    }

    /// Attaches a file descriptor the caller owns (and keeps open until it detaches it): ready
    /// while it is readable.
    public func attach(fileDescriptor: Int32) throws(InterprocessError) -> Attachment {
        Attachment(rawValue: try add(.descriptor(fileDescriptor)))
    }

    /// Detaches a source (nothing happens for one not attached). A timer or readiness
    /// descriptor is closed; a listener's entry is let go.
    public func detach(_ attachment: Attachment) {
        guard let source = sources.removeValue(forKey: attachment.rawValue) else { return }
        if let descriptor = source.descriptor { Epoll.remove(descriptor, from: epoll) }
        switch source {
        case .listener(let seat):
            seat.detach(from: ObjectIdentifier(self))
            listenerCount -= 1
            candidates.removeAll { $0 == attachment.rawValue }
        case .timer(let descriptor): close(descriptor)
        case .readiness, .descriptor: break
        }
    }

    private func add(_ source: Source) throws(InterprocessError) -> UInt64 {
        let token = nextToken
        if let descriptor = source.descriptor { try Epoll.add(descriptor, to: epoll, token: token, operation: "attach to wait set") }
        nextToken &+= 1
        sources[token] = source
        return token
    }
}

/// A readiness descriptor owned by a wait set.
final class ReadinessBox {
    let descriptor: ReadinessDescriptor
    init(_ descriptor: consuming ReadinessDescriptor) { self.descriptor = descriptor }
}
#endif

import ArgumentParser

/// What a group of bench cases measures. New groups (the locks of the Sync issue: lock handoff,
/// condition and semaphore ping-pong beside glibc's robust pthread objects) add a case here, their
/// transports to ``BenchTransport``, and their sides to ``BenchSides``.
enum BenchGroup: String, CaseIterable, Codable, ExpressibleByArgument {
    /// One-way latency, from ping-pong round trips of 8-byte to 1 MiB messages.
    case latency
    /// Messages per second and bytes per second, one producer process to one consumer process.
    case throughput
    /// Nanoseconds per uncontended lock + unlock pair, in one process.
    case lock
    /// A broadcast stream's writer rate with 0, 1 and 4 reader processes (8-byte records).
    case broadcast
    /// Publish/subscribe services (issue 9): handoff latency by payload size, with and without
    /// the payload's memory work, and publish cost by subscriber count (see ``PubSubBench``).
    case pubsub
    /// libsharedmemory streams (`LegacyStream`): a string written and read back in one thread,
    /// beside the same protocol in C (see ``LegacyBench``).
    case legacy
    /// A managed segment's allocator (issue 10): allocate + deallocate pairs beside glibc's
    /// malloc + free, four processes at once, and producer-allocates / consumer-frees records
    /// (see ``HeapBench``).
    case heap
    /// Containers in a managed segment: dictionary lookups from 2 reader processes while a third
    /// inserts, and a vector's append rate (see ``ContainerBench``).
    case containers
    /// A blackboard's read rate per reader process and its writer's rate, 1 and 4 readers
    /// (see ``BlackboardBench``).
    case blackboard
    case rpc
    /// Event services and wait sets (issue 11): wake-up latency through a `WaitSet` of 1 and of
    /// 1,000 listeners (see ``WaitSetBench``).
    case waitset
    /// A priority message queue (issue 12): 1 × 1 and 4 × 4 sender and receiver processes,
    /// beside a C pthread-mutex priority queue (see ``MessageQueueBench``).
    case messageQueue = "message-queue"
    /// The seed table (issue 12): a blocking one-way handoff through POSIX shared memory and
    /// through a mapped file, beside published figures (see ``ShmVsMmapBench``).
    case shmVsMmap = "shm-vs-mmap"
    /// A journal's append+read rate and writer→tailer latency beside the SPSC queue's (see ``JournalBench``).
    case journal
}

/// How the two processes of a case talk to each other.
enum BenchTransport: String, Codable, CaseIterable {
    /// Latency floor: two processes spinning on two shared cache lines (C).
    case cSpin = "c-spin"
    /// Throughput floor: a plain C ring of fixed-size slots, written in place.
    case cRing = "c-ring"
    /// Ours: two `SPSCQueue`s (one each way), receivers spinning on `tryPeek`, releases published
    /// after the answer is sent.
    case spscSpin = "spsc-spin"
    /// Ours: two `SPSCQueue`s, receivers blocking in `receive` (spin briefly, then park on a futex).
    case spscBlocking = "spsc-blocking"
    /// Ours, blocking, with each receiver parked when its message arrives: the initiator idles
    /// (``BenchSizing/parkingIdleNanoseconds``) before each ping, so the responder stops spinning
    /// and sleeps; the round trip is timed from the ping to the pong. Compare with the futex handoff.
    case spscParked = "spsc-parked"
    /// Ours: one `SPSCQueue`, batched commits and releases.
    case spsc
    /// Ours: one `MPMCQueue`, two producer processes (the second pinned to the first's CPU) and
    /// one consumer; 8- and 64-byte messages only.
    case mpmc = "mpmc-2p1c"
    /// The cost of a sleep and a wake-up: two processes handing a futex word back and forth (C).
    case futex = "futex-handoff"
    /// The cost of waking a parked process: the initiator idles as `spsc-parked`'s does, then
    /// wakes the sleeping responder with FUTEX_WAKE and spins for its answer (C).
    case futexWake = "futex-wake"
    /// An anonymous pipe (two for ping-pong).
    case pipe
    /// A connected Unix domain socket pair (SOCK_STREAM).
    case unixSocket = "unix-socket"
    /// A TCP connection over 127.0.0.1 with TCP_NODELAY.
    case tcp = "tcp-loopback"
    /// Ours: a lock handoff, two `ProcessSemaphore`s posted and waited in turn (latency group).
    case processSemaphore = "process-semaphore"
    /// glibc's process-shared POSIX `sem_t`, posted and waited in turn (latency group).
    case posixSemaphore = "posix-semaphore"
    /// Ours: `ProcessCondition` with `ProcessMutex`, a turn handed back and forth (latency group).
    case processCondition = "process-condition"
    /// glibc's process-shared `pthread_cond_t` with a robust mutex, the same way (latency group).
    case pthreadCondition = "pthread-condition"
    /// Ours: a `ProcessMutex` handed back and forth between two processes, each retrying
    /// lock/check/unlock until the turn word says it is its turn (latency group).
    case processMutexHandoff = "process-mutex-handoff"
    /// glibc's process-shared robust `pthread_mutex_t`, handed back and forth the same way.
    case pthreadMutexHandoff = "pthread-mutex-handoff"
    /// Ours: `ProcessMutex` (lock group).
    case processMutex = "process-mutex"
    /// glibc's process-shared robust `pthread_mutex_t` (lock group).
    case pthreadRobust = "pthread-robust"
    /// Ours: a `BroadcastStream`, one writer process and 0, 1 or 4 reader processes (broadcast group).
    case broadcast
    /// Ours: two pub/sub services, one each way; loan, write a small header, send; receive, read
    /// the header, release (pubsub group).
    case pubsub
    /// Ours: as `pubsub`, with the whole payload written by the publisher and read (copied out)
    /// by the subscriber (pubsub group).
    case pubsubFull = "pubsub-full"
    /// Ours: the time of a publisher's `send` with 1, 4 or 16 subscriber processes (pubsub group).
    case pubsubFanout = "pubsub-fanout"
    /// C: the spin floor with the whole message copied into a shared buffer before each handoff
    /// and out of it after: the baseline of `pubsub-full` (pubsub group).
    case cMemcpySpin = "c-memcpy-spin"
    /// C: the pub/sub handoff protocol itself (the lines and locked instructions of a service
    /// with one subscriber), ping-pong over two such services: what the design costs before any
    /// Swift (pubsub group).
    case cPubSubProtocol = "c-pubsub-protocol"
    /// Ours: `LegacyStream` (2.x layout), write a `LegacyValue` string and read one back (legacy group).
    case legacyV2 = "legacy-v2"
    /// Ours: `LegacyStream` (2.x layout), the zero-copy forms: write bytes, read them in place (legacy group).
    case legacyV2Bytes = "legacy-v2-bytes"
    /// Ours: `LegacyStream` (1.x layout), the zero-copy forms (legacy group).
    case legacyV1Bytes = "legacy-v1-bytes"
    /// C: libsharedmemory 2.x's write + read as its C++ classes do them (legacy group).
    case cLegacyV2 = "c-legacy-v2"
    /// Ours: allocate + deallocate in a managed segment, one process (heap group).
    case heapAllocFree = "heap-alloc-free"
    /// glibc's malloc + free, the same sizes (heap group).
    case mallocFree = "malloc-free"
    /// Ours: allocate + deallocate of 64 B in four processes at once (heap group).
    case heapAllocFree4 = "heap-alloc-free-4"
    /// Ours: a producer allocates 64 B records and sends their offsets over an SPSC queue; the
    /// consumer process reads and frees them (heap group).
    case heapProduceConsume = "heap-produce-consume"
    /// Ours: a `SharedDictionary` in a managed segment, 2 reader processes and an inserter
    /// (containers group).
    case sharedDictionary = "shared-dictionary"
    /// Ours: a `SharedVector` in a managed segment, one process appending (containers group).
    case sharedVector = "shared-vector"
    /// Ours: a `Blackboard`, one writer process and 0, 1 or 4 reader processes (blackboard group).
    case blackboard
    case rpc
    /// Ours: event listeners in a `WaitSet`, notified from another process (waitset group).
    case waitset
    /// Ours: one event listener in a blocked `wait()` (futex, no wait set), the same ping-pong (waitset group).
    case listenerWait = "listener-wait"
    /// Ours: a `MessageQueue` (message-queue group).
    case priorityQueue = "priority-queue"
    /// C: a heap under a process-shared robust pthread mutex and two conditions (message-queue group).
    case cPriorityQueue = "c-priority-queue"
    /// Ours: a futex-woken handoff through a POSIX shared-memory segment (shm-vs-mmap group).
    case posixShm = "posix-shm"
    /// Ours: the same handoff through a regular file mapped shared (shm-vs-mmap group).
    case mappedFile = "mapped-file"
    /// Ours: a `Journal`, the writer and a tailer process (journal group).
    case journal
    /// Ours: a `ByteStream` (mirrored ring), each message written and read as one span
    /// (throughput group; `--only byte-stream` runs the SPSC queue's cases beside it).
    case byteStream = "byte-stream"

    /// What a result of this transport is compared with.
    var role: BenchRole {
        switch self {
        case .cSpin, .cRing, .cMemcpySpin, .cPubSubProtocol, .cLegacyV2: .floor
        case .spscSpin, .spscBlocking, .spscParked, .spsc, .mpmc, .processMutex, .processSemaphore, .processCondition,
             .processMutexHandoff, .broadcast, .pubsub, .pubsubFull, .pubsubFanout, .legacyV2, .legacyV2Bytes, .legacyV1Bytes,
             .heapAllocFree, .heapAllocFree4, .heapProduceConsume, .sharedDictionary, .sharedVector, .blackboard, .rpc,
             .waitset, .priorityQueue, .posixShm, .mappedFile, .journal, .byteStream: .subject
        case .futex, .futexWake, .pipe, .unixSocket, .tcp, .pthreadRobust, .posixSemaphore, .pthreadCondition,
             .pthreadMutexHandoff, .mallocFree, .listenerWait, .cPriorityQueue: .baseline
        }
    }

    /// The glibc object a lock-handoff transport is compared with (nil for the others, whose
    /// ×best is over the best channel baseline).
    var pairedBaseline: BenchTransport? {
        switch self {
        case .processSemaphore, .posixSemaphore: .posixSemaphore
        case .processCondition, .pthreadCondition: .pthreadCondition
        case .processMutexHandoff, .pthreadMutexHandoff: .pthreadMutexHandoff
        default: nil
        }
    }

    /// The transports `--only` selects with this one beside itself: `spsc` is the SPSC queue
    /// in every group (its latency cases `spsc-spin`, `spsc-blocking`, `spsc-parked` too).
    var family: [BenchTransport] {
        switch self {
        case .spsc: [.spscSpin, .spscBlocking, .spscParked]
        case .byteStream: [.spsc]
        default: []
        }
    }

    /// Whether the transport is a byte stream between two descriptors.
    var isStream: Bool { self == .pipe || self == .unixSocket || self == .tcp }
}

/// The part a transport plays in the report.
enum BenchRole: String, Codable {
    /// The hardware floor: plain C, the best any transport can do.
    case floor
    /// What is being measured: this package.
    case subject
    /// What people use otherwise.
    case baseline
}

/// What `--only` selects: a group, or one transport (in every group it appears in).
enum BenchSelection: ExpressibleByArgument, Equatable {
    case group(BenchGroup)
    case transport(BenchTransport)

    init?(argument: String) {
        if let group = BenchGroup(rawValue: argument) {
            self = .group(group)
        } else if let transport = BenchTransport(rawValue: argument) {
            self = .transport(transport)
        } else {
            return nil
        }
    }

    static var allValueStrings: [String] {
        BenchGroup.allCases.map(\.rawValue) + BenchTransport.allCases.map(\.rawValue)
    }

    /// Whether `benchCase` is selected by any of `selections` (all cases when there are none).
    static func selects(_ selections: [BenchSelection], _ benchCase: BenchCase) -> Bool {
        selections.isEmpty || selections.contains { selection in
            switch selection {
            case .group(let group): group == benchCase.group
            case .transport(let transport): transport == benchCase.transport || transport.family.contains(benchCase.transport)
            }
        }
    }
}

/// One measurement: a group, a transport and a message size.
struct BenchCase: Hashable, CustomStringConvertible {
    var group: BenchGroup
    var transport: BenchTransport
    var messageSize: Int

    var description: String {
        group == .lock ? "\(group.rawValue) \(transport.rawValue)" : "\(group.rawValue) \(transport.rawValue) \(messageSize) B"
    }

    /// The message size of every latency case, and the smallest of ``latencySizes``.
    static let latencyMessageSize = 8
    /// The message sizes of the latency cases: 8 bytes for every transport, the bigger ones for
    /// the transports that carry a payload (``payloadLatencyTransports``).
    static let latencySizes = [8, 1024, 64 * 1024, 1024 * 1024]
    /// The latency transports that carry messages of any size; the C floor, the futex and the
    /// lock handoffs carry none, and `spsc-parked` measures wake-ups (8 bytes only).
    static let payloadLatencyTransports: [BenchTransport] = [.spscSpin, .spscBlocking, .pipe, .unixSocket, .tcp]
    /// The message sizes of the throughput cases.
    static let throughputSizes = [8, 64, 1024, 64 * 1024, 1024 * 1024]
    /// The message sizes of the MPMC throughput cases.
    static let mpmcSizes = [8, 64]
    /// The message sizes of the byte stream's throughput cases.
    static let byteStreamSizes = [64, 64 * 1024, 1024 * 1024]

    /// The latency cases, floor first.
    static let latencyCases: [BenchCase] = [.cSpin, .spscSpin, .spscBlocking, .spscParked, .processSemaphore, .processCondition, .processMutexHandoff, .futex, .futexWake, .posixSemaphore, .pthreadCondition, .pthreadMutexHandoff, .pipe, .unixSocket, .tcp].map {
        BenchCase(group: .latency, transport: $0, messageSize: latencyMessageSize)
    } + latencySizes.dropFirst().flatMap { size in
        payloadLatencyTransports.map { BenchCase(group: .latency, transport: $0, messageSize: size) }
    }

    /// The throughput cases, by size, floor first.
    static let throughputCases: [BenchCase] = throughputSizes.flatMap { size in
        let mpmc: [BenchTransport] = mpmcSizes.contains(size) ? [.mpmc] : []
        let byteStream: [BenchTransport] = byteStreamSizes.contains(size) ? [.byteStream] : []
        return ([BenchTransport.cRing, .spsc] + byteStream + mpmc + [.pipe, .unixSocket, .tcp]).map {
            BenchCase(group: .throughput, transport: $0, messageSize: size)
        }
    }
}

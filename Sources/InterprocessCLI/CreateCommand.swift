import ArgumentParser
import Interprocess
import SystemPackage

/// `interprocess create NAME --kind KIND …`: a raw segment, a queue or a named lock, made
/// through the library's own `create` of that kind.
struct CreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a segment: raw, a queue (spsc, mpmc), a named lock (mutex, semaphore, event, rwlock, condition) or a service.",
        discussion: """
            Options per kind: raw --size; spsc --capacity --max-record; mpmc --slots --slot-size; \
            message-queue --slots (messages) --slot-size (largest message); \
            byte-stream --capacity (a power of two, 4 KiB … 2 GiB); \
            mutex [--recursive]; semaphore [--initial] [--maximum]; event --event-mode auto|manual \
            [--initially-set]; rwlock and condition none; service [--max-size] \
            [--max-subscribers] [--buffer] [--history] [--loans] (byte samples). An option of another kind is a usage \
            error. The segment outlives this command. Its creator (this command) exits at once, so \
            `interprocess gc` treats it as abandoned as soon as no process has it mapped. \
            JSON: {"segment": {...}, "state": {...}}.
            """
    )

    @Argument(help: "The segment's name: letters, digits, '.', '_' and '-'.")
    var name: String

    @Option(name: .long, help: "What to create.")
    var kind: CreateKind = .raw

    @Option(name: .long, parsing: .unconditional,
            help: "raw: the body's size in bytes; K, M, G suffixes are powers of 1024 (the 128-byte header is added).")
    var size: String?

    @Option(name: .long, parsing: .unconditional, help: "spsc: the ring's bytes, a power of two (K, M suffixes).")
    var capacity: String?

    @Option(name: .customLong("max-record"), parsing: .unconditional, help: "spsc: the largest record in bytes.")
    var maxRecord: String?

    @Option(name: .long, parsing: .unconditional, help: "mpmc: how many records the queue holds, a power of two; message-queue: how many messages.")
    var slots: String?

    @Option(name: .customLong("slot-size"), parsing: .unconditional, help: "mpmc: the largest record in bytes; message-queue: the largest message.")
    var slotSize: String?

    @Flag(name: .long, help: "mutex: the owning thread may lock it again.")
    var recursive = false

    @Option(name: .long, parsing: .unconditional, help: "semaphore: the units available at first (default 0).")
    var initial: String?

    @Option(name: .long, parsing: .unconditional, help: "semaphore: the largest the count may become (default 4294967295).")
    var maximum: String?

    @Option(name: .customLong("event-mode"), help: "event: auto (one waiter per set) or manual (all waiters, stays set).")
    var eventMode: EventModeArgument?

    @Flag(name: .customLong("initially-set"), help: "event: start set.")
    var initiallySet = false

    @OptionGroup var serviceOptions: ServiceOptions

    @Option(name: .long, parsing: .unconditional, help: "The permission bits in octal.")
    var mode: String = "600"

    @OptionGroup var output: OutputOptions

    /// The kind-specific options given on the command line.
    private var given: [String] {
        var given: [String] = []
        if size != nil { given.append("--size") }
        if capacity != nil { given.append("--capacity") }
        if maxRecord != nil { given.append("--max-record") }
        if slots != nil { given.append("--slots") }
        if slotSize != nil { given.append("--slot-size") }
        if recursive { given.append("--recursive") }
        if initial != nil { given.append("--initial") }
        if maximum != nil { given.append("--maximum") }
        if eventMode != nil { given.append("--event-mode") }
        if initiallySet { given.append("--initially-set") }
        return given + serviceOptions.given
    }

    func validate() throws {
        if kind == .service { try UsageChecks.serviceName(name) } else { try UsageChecks.segmentName(name) }
        if let foreign = given.first(where: { !kind.options.contains($0) }) {
            throw ValidationError("\(foreign) does not apply to --kind \(kind.rawValue)" +
                (kind.options.isEmpty ? " (it takes no options)" : " (it takes \(kind.options.sorted().joined(separator: ", ")))"))
        }
        if let missing = kind.requiredOptions.first(where: { !given.contains($0) }) {
            throw ValidationError("--kind \(kind.rawValue) needs \(missing)")
        }
        guard let bits = UInt32(mode, radix: 8), bits <= 0o777 else {
            throw ValidationError("--mode must be octal permission bits such as 600 or 640 (got '\(mode)')")
        }
        _ = try configuration()
    }

    /// The checked configuration: every number parsed and in range.
    private func configuration() throws(ValidationError) -> Configuration {
        switch kind {
        case .raw:
            return .raw(bodySize: try UsageChecks.byteCount(size ?? "", option: "--size"))
        case .spsc:
            return .spsc(capacity: try UsageChecks.byteCount(capacity ?? "", option: "--capacity"),
                         maximumRecordSize: try UsageChecks.byteCount(maxRecord ?? "", option: "--max-record"))
        case .mpmc:
            return .mpmc(slotCount: try UsageChecks.integer(slots ?? "", option: "--slots", in: 1...Int(Int32.max)),
                         slotSize: try UsageChecks.byteCount(slotSize ?? "", option: "--slot-size"))
        case .messageQueue:
            return .messageQueue(capacity: try UsageChecks.integer(slots ?? "", option: "--slots", in: MessageQueue.capacityRange),
                                 maximumSize: try UsageChecks.integer(slotSize ?? "", option: "--slot-size", in: MessageQueue.maximumSizeRange))
        case .byteStream:
            return .byteStream(capacity: try UsageChecks.byteCount(capacity ?? "", option: "--capacity"))
        case .mutex:
            return .mutex(recursive: recursive)
        case .semaphore:
            let limit = ProcessSemaphore.maximumCountLimit
            let maximumCount = try maximum.map { (text) throws(ValidationError) in
                try UsageChecks.integer(text, option: "--maximum", in: 1...limit)
            } ?? limit
            let initialCount = try initial.map { (text) throws(ValidationError) in
                try UsageChecks.integer(text, option: "--initial", in: 0...maximumCount)
            } ?? 0
            return .semaphore(initialCount: initialCount, maximumCount: maximumCount)
        case .event:
            return .event(mode: (eventMode ?? .auto).mode, initiallySet: initiallySet)
        case .rwlock:
            return .rwLock
        case .condition:
            return .condition
        case .service:
            return .service(try serviceOptions.configuration())
        }
    }

    /// What to create, with its checked numbers.
    private enum Configuration {
        case raw(bodySize: Int)
        case spsc(capacity: Int, maximumRecordSize: Int)
        case mpmc(slotCount: Int, slotSize: Int)
        case messageQueue(capacity: Int, maximumSize: Int)
        case byteStream(capacity: Int)
        case mutex(recursive: Bool)
        case semaphore(initialCount: Int, maximumCount: Int)
        case event(mode: ProcessEvent.Mode, initiallySet: Bool)
        case rwLock
        case condition
        case service(ServiceConfiguration)
    }

    func run() throws {
        let permissions = FilePermissions(rawValue: CModeT(mode, radix: 8)!)
        do {
            try make(try configuration(), permissions: permissions)
            let snapshot = try Snapshot.take(name)
            if output.json {
                try output.printJSON(snapshot.json)
            } else {
                print("created \(kind.rawValue) \(name): \(snapshot.report.fileSize) bytes in all")
            }
        } catch let error as InterprocessError {
            throw output.report(error)
        }
    }

    /// Creates it; the handle goes away at once (the name stays: persistent lifetime).
    private func make(_ configuration: Configuration, permissions: FilePermissions) throws(InterprocessError) {
        switch configuration {
        case .raw(let bodySize):
            try QueueCreation.createRaw(name, bodySize: bodySize, permissions: permissions)
        case .spsc(let capacity, let maximumRecordSize):
            try QueueCreation.createSPSC(name, capacity: capacity, maximumRecordSize: maximumRecordSize, permissions: permissions)
        case .mpmc(let slotCount, let slotSize):
            try QueueCreation.createMPMC(name, slotCount: slotCount, slotSize: slotSize, permissions: permissions)
        case .messageQueue(let capacity, let maximumSize):
            _ = try MessageQueue(create: name, capacity: capacity, maximumSize: maximumSize, permissions: permissions)
        case .byteStream(let capacity):
            _ = try ByteStream(create: name, capacity: capacity, permissions: permissions)
        case .mutex(let recursive):
            _ = try ProcessMutex(create: name, recursive: recursive, permissions: permissions)
        case .semaphore(let initialCount, let maximumCount):
            _ = try ProcessSemaphore(create: name, initialCount: initialCount, maximumCount: maximumCount, permissions: permissions)
        case .event(let mode, let initiallySet):
            _ = try ProcessEvent(create: name, mode: mode, initiallySet: initiallySet, permissions: permissions)
        case .rwLock:
            _ = try ProcessRWLock(create: name, permissions: permissions)
        case .condition:
            _ = try ProcessCondition(create: name, permissions: permissions)
        case .service(let configuration):
            _ = try Service(create: name, configuration: configuration, permissions: permissions)
        }
    }
}

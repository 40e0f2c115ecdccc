import ArgumentParser
import Interprocess

/// What `interprocess create --kind` makes.
enum CreateKind: String, CaseIterable, ExpressibleByArgument {
    case raw, spsc, mpmc, mutex, semaphore, event, rwlock, condition, service
    case messageQueue = "message-queue"
    case byteStream = "byte-stream"

    /// The segment kind it creates.
    var segmentKind: SegmentKind {
        switch self {
        case .raw: .raw
        case .spsc: .spscQueue
        case .mpmc: .mpmcQueue
        case .mutex: .mutex
        case .semaphore: .semaphore
        case .event: .event
        case .rwlock: .rwLock
        case .condition: .condition
        case .service: .service
        case .messageQueue: .messageQueue
        case .byteStream: .byteStream
        }
    }

    /// The kind-specific options this kind accepts (every other one is a usage error).
    var options: Set<String> {
        switch self {
        case .raw: ["--size"]
        case .spsc: ["--capacity", "--max-record"]
        case .mpmc, .messageQueue: ["--slots", "--slot-size"]
        case .byteStream: ["--capacity"]
        case .mutex: ["--recursive"]
        case .semaphore: ["--initial", "--maximum"]
        case .event: ["--event-mode", "--initially-set"]
        case .rwlock, .condition: []
        case .service: ServiceOptions.all
        }
    }

    /// The options this kind cannot do without.
    var requiredOptions: [String] {
        switch self {
        case .raw: ["--size"]
        case .spsc: ["--capacity", "--max-record"]
        case .mpmc, .messageQueue: ["--slots", "--slot-size"]
        case .byteStream: ["--capacity"]
        case .event: ["--event-mode"]
        case .mutex, .semaphore, .rwlock, .condition, .service: []
        }
    }
}

/// `--event-mode`.
enum EventModeArgument: String, CaseIterable, ExpressibleByArgument {
    case auto, manual

    var mode: ProcessEvent.Mode { self == .auto ? .autoReset : .manualReset }
}

import Foundation
import Interprocess

/// The live state of a segment's structure, as `inspect` and `watch` print it: the library's
/// own `state` snapshot of each kind (encoded as is under the `state` key), read through a
/// handle opened for the purpose.
enum LiveState: Encodable {
    case mutex(ProcessMutex.State)
    case semaphore(ProcessSemaphore.State)
    case event(ProcessEvent.State)
    case rwLock(ProcessRWLock.State)
    case condition(ProcessCondition.State)
    case spsc(SPSCQueue.State)
    case mpmc(MPMCQueue.State)
    case service(ServiceState)
    case broadcast(BroadcastStream.State)
    case managedSegment(ManagedSegmentState)
    case blackboard(Blackboard.State)
    case requestResponse(RequestResponseState)
    case eventService(EventServiceState)
    case messageQueue(MessageQueue.State)
    case byteStream(ByteStream.State)

    /// Opens `name` as its `kind` and reads its state; nil for kinds without one (raw, foreign).
    static func read(_ name: String, kind: SegmentKind) throws(InterprocessError) -> LiveState? {
        switch kind {
        case .mutex: return .mutex(try ProcessMutex(open: name).state)
        case .semaphore: return .semaphore(try ProcessSemaphore(open: name).state)
        case .event: return .event(try ProcessEvent(open: name).state)
        case .rwLock: return .rwLock(try ProcessRWLock(open: name).state)
        case .condition: return .condition(try ProcessCondition(open: name).state)
        case .spscQueue: return .spsc(try SPSCQueue(open: name).state)
        case .mpmcQueue: return .mpmc(try MPMCQueue(open: name).state)
        case .service: return .service(try Service(open: name).state)
        case .broadcastStream: return .broadcast(try BroadcastStream(open: name).state)
        case .managedSegment: return .managedSegment(try ManagedSegmentState.read(name))
        case .blackboard: return .blackboard(try Blackboard(open: name).state)
        case .requestResponse: return .requestResponse(try RequestResponseService(open: name).state)
        case .eventService: return .eventService(try EventService(open: name).state)
        case .messageQueue: return .messageQueue(try MessageQueue(open: name).state)
        case .byteStream: return .byteStream(try ByteStream(open: name).state)
        default: return nil
        }
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .mutex(let state): try state.encode(to: encoder)
        case .semaphore(let state): try state.encode(to: encoder)
        case .event(let state): try state.encode(to: encoder)
        case .rwLock(let state): try state.encode(to: encoder)
        case .condition(let state): try state.encode(to: encoder)
        case .spsc(let state): try state.encode(to: encoder)
        case .mpmc(let state): try state.encode(to: encoder)
        case .service(let state): try state.encode(to: encoder)
        case .broadcast(let state): try state.encode(to: encoder)
        case .managedSegment(let state): try state.encode(to: encoder)
        case .blackboard(let state): try state.encode(to: encoder)
        case .requestResponse(let state): try state.encode(to: encoder)
        case .eventService(let state): try state.encode(to: encoder)
        case .messageQueue(let state): try state.encode(to: encoder)
        case .byteStream(let state): try state.encode(to: encoder)
        }
    }

    /// Label and value rows, for people.
    var rows: [[String]] {
        switch self {
        case .mutex(let state):
            let owner = state.owner.map { "\(LiveState.describe($0, state.ownerLiveness)), thread \(state.ownerThread ?? 0)" }
            return [
                ["locked", state.isLocked ? "yes, depth \(state.depth)" : "no"],
                ["owner", owner ?? (state.isLocked ? "thread \(state.ownerThread ?? 0) (not yet recorded)" : "none")],
                ["consistency", state.consistency.rawValue],
                ["waiters", state.hasWaiters ? "some may be asleep" : "none"],
                ["recursive", state.isRecursive ? "yes" : "no"],
            ]
        case .semaphore(let state):
            return [["count", "\(state.count) of at most \(state.maximumCount)"], ["waiters", "\(state.waiters)"]]
        case .event(let state):
            return [["set", state.isSet ? "yes" : "no"], ["mode", state.mode.description],
                    ["times set", "\(state.setCount)"], ["waiters", "\(state.waiters)"]]
        case .rwLock(let state):
            let readers = state.readers.map { "\(LiveState.describe($0.identity, $0.liveness)) ×\($0.holds)" }
            return [
                ["writer", state.writer.map { LiveState.describe($0, state.writerLiveness) } ?? "none"],
                ["readers", readers.isEmpty ? "none" : readers.joined(separator: ", ")],
                ["consistency", state.consistency.rawValue],
                ["waiters", "\(state.releaseWaiters) for a release, \(state.drainWaiters) for readers to leave"],
            ]
        case .condition(let state):
            return [["waiters", "\(state.waiters)"], ["wake sequence", "\(state.wakeSequence)"]]
        case .spsc(let state):
            return [
                ["capacity", "\(Formatting.size(state.capacity)), records up to \(Formatting.size(state.maximumRecordSize))"],
                ["depth", state.depth.map { "\(Formatting.size($0)) published, not yet released" } ?? "unknown"],
                ["tail / head", "\(state.tail) / \(state.head)"],
                ["producer", state.producer.map { LiveState.describe($0.identity, $0.liveness) } ?? "none"],
                ["consumer", state.consumer.map { LiveState.describe($0.identity, $0.liveness) } ?? "none"],
                ["parked", "producer \(state.producerSleeping ? "yes" : "no"), consumer \(state.consumerSleeping ? "yes" : "no")"],
            ] + (state.problem.map { [["problem", $0]] } ?? [])
        case .mpmc(let state):
            return [
                ["capacity", "\(state.slotCount) slots of \(Formatting.size(state.slotSize))"],
                ["depth", state.depth.map { "\($0) records" } ?? "unknown"],
                ["tail / head", "\(state.tail) / \(state.head)"],
                ["waiting", "\(state.producersWaiting) producers, \(state.consumersWaiting) consumers"],
                ["skipped / redelivered", "\(state.skippedRecords) / \(state.redeliveredRecords)"],
            ] + (state.problem.map { [["problem", $0]] } ?? [])
        case .service(let state):
            return ServiceText.rows(state)
        case .broadcast(let state):
            return [
                ["capacity", "\(Formatting.size(state.capacity)), records up to \(Formatting.size(state.maximumRecordSize))"],
                ["published", "\(state.nextSequence) records; tail \(state.tail), intent \(state.tailIntent)"],
                ["readable from", "ring position \(state.oldest)\(state.latest.map { ", latest record at \($0)" } ?? ", nothing published")"],
                ["writer", state.writer.map { LiveState.describe($0.identity, $0.liveness) } ?? "none"],
                ["parked readers", "\(state.parkedReaders)"],
            ] + (state.problem.map { [["problem", $0]] } ?? [])
        case .managedSegment(let state):
            return state.rows
        case .blackboard(let state):
            return state.entries.map { ["entry \($0.entry.key)", BlackboardText.entry($0)] } + [
                ["copies", "\(state.copies) per entry"],
                ["writes", "\(state.changeCount)"],
                ["writer", state.writer.map { LiveState.describe($0.identity, $0.liveness) } ?? "none"],
                ["sleeping readers", "\(state.sleepingReaders)"],
            ] + (state.problem.map { [["problem", $0]] } ?? [])
        case .requestResponse(let state):
            return RequestResponseText.rows(state)
        case .eventService(let state):
            return EventServiceText.rows(state)
        case .messageQueue(let state):
            return [
                ["capacity", "\(state.capacity) messages of up to \(Formatting.size(state.maximumSize))"],
                ["count", "\(state.count) messages; \(state.nextSequence &- 1) sent in all"],
                ["lock", state.lockOwner.map { "held by " + LiveState.describe($0, state.lockOwnerLiveness) } ?? "free"],
                ["waiting", "\(state.sendersWaiting) senders, \(state.receiversWaiting) receivers"],
                ["repairs", "\(state.repairs) after a holder of the lock died"],
            ] + (state.problem.map { [["problem", $0]] } ?? [])
        case .byteStream(let state):
            return [
                ["capacity", Formatting.size(state.capacity)],
                ["depth", state.depth.map { "\(Formatting.size($0)) written, not yet read" } ?? "unknown"],
                ["written / read", "\(state.written) / \(state.read)\(state.finished ? " (finished: end of stream)" : "")"],
                ["writer", state.writer.map { LiveState.describe($0.identity, $0.liveness) } ?? "none"],
                ["reader", state.reader.map { LiveState.describe($0.identity, $0.liveness) } ?? "none"],
                ["parked", "writer \(state.writerSleeping ? "yes" : "no"), reader \(state.readerSleeping ? "yes" : "no")"],
            ] + (state.problem.map { [["problem", $0]] } ?? [])
        }
    }

    /// The state on one line, for `watch` in a pipe.
    var summary: String {
        rows.map { "\($0[0].replacingOccurrences(of: " ", with: "-"))=\($0[1])" }.joined(separator: " ")
    }

    static func describe(_ identity: ProcessIdentity, _ liveness: ProcessIdentity.Liveness?) -> String {
        "pid \(identity.pid) (\(liveness?.rawValue ?? "unknown"))"
    }
}

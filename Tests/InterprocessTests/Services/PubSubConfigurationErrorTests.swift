import Interprocess
import Testing

/// A service's configuration is stored in shared memory: opening it with another one is
/// `incompatibleConfiguration` naming the field and both values, and creating one out of range
/// is `invalidArgument` naming the field.
@Suite("Publish/subscribe: configuration errors", .timeLimit(.minutes(5)))
struct PubSubConfigurationErrorTests {
    static let base = ServiceConfiguration(payload: .bytes(maximumSize: 4096), maximumSubscribers: 4, bufferCapacity: 8, history: 2,
                                           maximumLoansPerSubscriber: 2, overrunPolicy: .dropOldest)

    /// One change per field, with the words the error must contain (field name and both values).
    static let changes: [(String, ServiceConfiguration, [String])] = {
        func changed(_ change: (inout ServiceConfiguration) -> Void) -> ServiceConfiguration {
            var configuration = base
            change(&configuration)
            return configuration
        }
        return [
            ("payload type", changed { $0.payload.typeName = "frames" }, ["payload type", "bytes", "frames"]),
            ("payload kind", changed { $0.payload.isFixedSize = true }, ["payload kind", "bytes", "value"]),
            ("payload size", changed { $0.payload.size = 8192 }, ["payload size", "4096", "8192"]),
            ("payload alignment", changed { $0.payload.alignment = 64 }, ["payload alignment", "8", "64"]),
            ("maximumSubscribers", changed { $0.maximumSubscribers = 5 }, ["maximumSubscribers", "4", "5"]),
            ("bufferCapacity", changed { $0.bufferCapacity = 16 }, ["bufferCapacity", "8", "16"]),
            ("history", changed { $0.history = 1 }, ["history", "2", "1"]),
            ("maximumLoansPerSubscriber", changed { $0.maximumLoansPerSubscriber = 3 }, ["maximumLoansPerSubscriber", "2", "3"]),
            ("overrunPolicy", changed { $0.overrunPolicy = .block }, ["overrunPolicy", "dropOldest", "block"]),
        ]
    }()

    @Test("openOrCreate with a configuration that differs in one field: incompatibleConfiguration naming it",
          arguments: 0..<9)
    func incompatibleField(index: Int) throws {
        let (field, configuration, words) = Self.changes[index]
        let name = TestSupport.uniqueName("pubsub-incompat")
        let created = try Service(create: name, configuration: Self.base)
        defer { try? Service.remove(name) }
        #expect(created.wasCreated && created.configuration == Self.base)
        let error = #expect(throws: InterprocessError.self, "\(field)") {
            _ = try Service(openOrCreate: name, configuration: configuration)
        }
        #expect(error?.code == .incompatibleConfiguration, "\(field): \(String(describing: error))")
        for word in words {
            #expect(error?.reason.contains(word) == true, "\(field): '\(word)' missing from \(String(describing: error))")
        }
        #expect(error?.name == name, "\(String(describing: error))")
        // The same configuration opens, and open reads back what was stored.
        let same = try Service(openOrCreate: name, configuration: Self.base)
        #expect(!same.wasCreated && same.configuration == Self.base)
        #expect(try Service(open: name).configuration == Self.base)
    }

    @Test("a peer process opening with another configuration gets incompatibleConfiguration; with the same one it opens")
    func incompatibleAcrossProcesses() throws {
        let name = TestSupport.uniqueName("pubsub-incompat-peer")
        let created = try TestSupport.peer("pubsub-open-or-create", name, "subscribers=4", "capacity=8")
        #expect(created.status == 0 && created.standardOutput.contains("created"), "\(created)")
        defer { try? Service.remove(name) }
        let same = try TestSupport.peer("pubsub-open-or-create", name, "subscribers=4", "capacity=8")
        #expect(same.status == 0 && same.standardOutput.contains("opened"), "\(same)")
        let other = try TestSupport.peer("pubsub-open-or-create", name, "subscribers=4", "capacity=16")
        #expect(other.status == 1 && other.standardOutput.contains("error incompatibleConfiguration"), "\(other)")
        #expect(other.standardError.contains("bufferCapacity"), "\(other)")
        let here = #expect(throws: InterprocessError.self) {
            _ = try Service(openOrCreate: name, configuration: ServiceConfiguration(maximumSubscribers: 5, bufferCapacity: 8))
        }
        #expect(here?.code == .incompatibleConfiguration && here?.reason.contains("maximumSubscribers") == true, "\(String(describing: here))")
    }

    @Test("create with a value out of range: invalidArgument naming the field, and no service appears",
          arguments: [
            ("maximumSubscribers", ServiceConfiguration(maximumSubscribers: 0)),
            ("maximumSubscribers", ServiceConfiguration(maximumSubscribers: 1025)),
            ("bufferCapacity", ServiceConfiguration(bufferCapacity: 0)),
            ("bufferCapacity", ServiceConfiguration(bufferCapacity: 65_537)),
            ("history", ServiceConfiguration(bufferCapacity: 4, history: 5)),
            ("maximumLoansPerSubscriber", ServiceConfiguration(maximumLoansPerSubscriber: 0)),
            ("maximumLoansPerSubscriber", ServiceConfiguration(maximumLoansPerSubscriber: 65)),
            ("payload size", ServiceConfiguration(payload: .bytes(maximumSize: 0))),
            ("payload alignment", ServiceConfiguration(payload: PayloadType(typeName: "x", size: 8, alignment: 3, isFixedSize: true))),
          ])
    func outOfRange(field: String, configuration: ServiceConfiguration) throws {
        let name = TestSupport.uniqueName("pubsub-range")
        defer { try? Service.remove(name) }
        let error = #expect(throws: InterprocessError.self) { _ = try Service(create: name, configuration: configuration) }
        #expect(error?.code == .invalidArgument, "\(field): \(String(describing: error))")
        #expect(error?.reason.contains(field) == true, "\(field): \(String(describing: error))")
        let missing = #expect(throws: InterprocessError.self) { _ = try Service(open: name) }
        #expect(missing?.code == .notFound, "\(String(describing: missing))")
    }
}

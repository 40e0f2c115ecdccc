import Foundation

/// One JSON value that is not an array or object, decoded exactly: 64-bit integers such as
/// checksums keep every bit (JSONSerialization may turn them into doubles).
enum JSONScalar: Decodable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    case unsigned(UInt64)
    case negative(Int64)
    case double(Double)
    case string(String)

    static func integer(_ value: some BinaryInteger) -> JSONScalar {
        value < 0 ? .negative(Int64(value)) : .unsigned(UInt64(value))
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(UInt64.self) {
            self = .unsigned(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .negative(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    var description: String {
        switch self {
        case .null: "null"
        case .bool(let value): "\(value)"
        case .unsigned(let value): "\(value)"
        case .negative(let value): "\(value)"
        case .double(let value): "\(value)"
        case .string(let value): "\"\(value)\""
        }
    }

    /// Decodes a JSON object whose members are all scalars.
    static func object(_ text: String) throws -> [String: JSONScalar] {
        try JSONDecoder().decode([String: JSONScalar].self, from: Data(text.utf8))
    }
}

import Foundation

/// Decoding the CLI's `--json` output in tests.
enum CLIJSON {
    static func object(_ text: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw TestFailure("expected a JSON object, got: \(text)")
        }
        return object
    }

    /// The list under `key` of the one object a command prints (the CLI's JSON convention).
    static func list(_ text: String, _ key: String) throws -> [[String: Any]] {
        guard let list = try object(text)[key] as? [[String: Any]] else {
            throw TestFailure("expected a list under \"\(key)\", got: \(text)")
        }
        return list
    }

    /// The object under `key` of the one object a command prints.
    static func member(_ text: String, _ key: String) throws -> [String: Any] {
        guard let member = try object(text)[key] as? [String: Any] else {
            throw TestFailure("expected an object under \"\(key)\", got: \(text)")
        }
        return member
    }

    /// One object per line (`watch --json`).
    static func lines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { try object(String($0)) }
    }
}

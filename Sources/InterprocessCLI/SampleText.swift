import Foundation

/// A received sample as `sub` prints it: text on a line (for people) or one JSON object (for
/// programs).
struct SampleText: Encodable {
    /// The sample's sequence number.
    var sequence: UInt64
    /// How many samples were missed right before it.
    var missedBefore: UInt64
    /// Its size in bytes.
    var byteCount: Int
    /// The payload, when it is valid UTF-8.
    var text: String?
    /// The payload in base64, when it is not valid UTF-8.
    var base64: String?
    /// The payload itself (not encoded: `text` or `base64` carry it).
    var bytes: [UInt8]

    private enum CodingKeys: String, CodingKey {
        case sequence, missedBefore, byteCount, text, base64
    }

    init(sequence: UInt64, missedBefore: UInt64, bytes: [UInt8]) {
        self.sequence = sequence
        self.missedBefore = missedBefore
        byteCount = bytes.count
        self.bytes = bytes
        if let text = String(validating: bytes, as: UTF8.self) {
            self.text = text
        } else {
            base64 = Data(bytes).base64EncodedString()
        }
    }

    /// `bytes` as one line of text: valid UTF-8 as it is, except control characters (a newline
    /// too, so that one sample stays one line) and bytes that are not UTF-8, which are shown as
    /// `\xHH`. (`--json` is the exact form.)
    static func line(_ bytes: [UInt8]) -> String {
        var line = ""
        line.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            let length = lead < 0x80 ? 1 : lead >> 5 == 0b110 ? 2 : lead >> 4 == 0b1110 ? 3 : lead >> 3 == 0b11110 ? 4 : 0
            if length > 0, index + length <= bytes.count,
               let character = String(validating: bytes[index..<(index + length)], as: UTF8.self) {
                let scalar = character.unicodeScalars.first!.value
                if (scalar < 0x20 && scalar != 0x09) || scalar == 0x7F || (0x80...0x9F).contains(scalar) {
                    line += bytes[index..<(index + length)].map(escape).joined()
                } else {
                    line += character
                }
                index += length
            } else {
                line += escape(lead)
                index += 1
            }
        }
        return line
    }

    private static func escape(_ byte: UInt8) -> String {
        let hex = String(byte, radix: 16, uppercase: false)
        return "\\x" + (hex.count == 1 ? "0" + hex : hex)
    }
}

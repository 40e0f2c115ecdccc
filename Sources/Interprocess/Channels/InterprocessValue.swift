#if os(Linux)
/// A fixed-size value whose bytes mean the same in another process: no pointers, no references,
/// no handles. The values a queue's `send(_:)` and `receive(as:)` copy.
///
/// The standard integer and floating-point types and `Bool` conform. Conform your own
/// `BitwiseCopyable` structs of such fields:
///
/// ```swift
/// struct Tick: InterprocessValue { var price: Double; var volume: UInt32 }
/// try producer.send(Tick(price: 101.5, volume: 300))
/// let tick = try consumer.receive(as: Tick.self)
/// ```
///
/// Why not `BitwiseCopyable` itself: pointers are `BitwiseCopyable` too, and a `send` that
/// accepted them copied the address, not the bytes it points to (`string.withUTF8 {
/// try producer.send($0) }` delivered 16 bytes of garbage). With this bound a lone pointer
/// (`UnsafeRawPointer`, `UnsafeMutableRawPointer`, `UnsafePointer<T>`,
/// `UnsafeMutablePointer<T>`, `OpaquePointer`) does not compile as a `send` argument, and a
/// buffer pointer sends the bytes it points to.
public protocol InterprocessValue: BitwiseCopyable {}

extension Int: InterprocessValue {}
extension Int8: InterprocessValue {}
extension Int16: InterprocessValue {}
extension Int32: InterprocessValue {}
extension Int64: InterprocessValue {}
extension UInt: InterprocessValue {}
extension UInt8: InterprocessValue {}
extension UInt16: InterprocessValue {}
extension UInt32: InterprocessValue {}
extension UInt64: InterprocessValue {}
extension Float: InterprocessValue {}
extension Double: InterprocessValue {}
extension Bool: InterprocessValue {}
#endif

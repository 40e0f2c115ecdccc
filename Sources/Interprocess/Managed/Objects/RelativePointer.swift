#if os(Linux)
/// A pointer stored inside shared memory as the signed distance in bytes from its own address
/// to its target — Boost.Interprocess's `offset_ptr`. Two processes that map the same memory at
/// different addresses (or one process that maps it twice) each read a pointer into their own
/// mapping, so a linked structure built in a ``ManagedSegment`` works in every process.
///
/// A relative pointer means something only at the address it lives at: read and write it in
/// place, through ``load(from:)`` and ``store(_:at:)`` (or `target()` and `setTarget(_:)` on an
/// `UnsafeMutablePointer` to it), never by copying the value elsewhere and reading it there.
///
/// ```swift
/// struct Node: BitwiseCopyable {
///     var value: Int
///     var next: RelativePointer<Node>
/// }
/// let nodes = try segment.construct(Node.self, named: "list", count: 2) { _ in
///     Node(value: 0, next: RelativePointer())
/// }
/// let first = try segment.pointer(to: nodes)
/// first.pointer(to: \.next)!.setTarget(first + 1)   // valid in every process
/// ```
///
/// ## Null
///
/// A distance of 0 is null, as in Boost: a relative pointer cannot point at itself (its own
/// first byte). Every other target, before or after it, is representable. A zero-filled
/// mapping therefore holds null pointers.
///
/// ## Hostile memory
///
/// The distance is a word of shared memory that any peer may overwrite. ``load(from:)`` does
/// no bounds check (it cannot know the mapping); where a peer may be hostile, read through
/// ``ManagedSegment/loadRelativePointer(at:as:)``, which checks that the target lies inside the
/// segment and is aligned for `Pointee`, and throws ``InterprocessError/Code/corrupt`` otherwise.
@frozen
public struct RelativePointer<Pointee: BitwiseCopyable>: BitwiseCopyable, Equatable {
    /// The distance in bytes from this pointer's own address to its target; 0 is null.
    public var distance: Int64

    /// A null pointer (distance 0).
    @inlinable
    public init() { distance = 0 }

    /// A pointer with the given distance from its own address (0: null). For layouts written by
    /// other programs; prefer ``store(_:at:)``.
    @inlinable
    public init(distance: Int64) { self.distance = distance }

    /// The value to store at `address` so that it points at `target` (nil: null).
    ///
    /// - Precondition: `target` is not `address` itself (that distance means null).
    @inlinable
    public init(pointingAt target: UnsafeMutablePointer<Pointee>?, from address: UnsafeRawPointer) {
        guard let target else { distance = 0; return }
        let distance = Int64(Int(bitPattern: target) &- Int(bitPattern: address))
        precondition(distance != 0, "a RelativePointer cannot point at its own address (distance 0 means null)")
        self.distance = distance
    }

    /// Whether this pointer is null (distance 0).
    @inlinable
    public var isNull: Bool { distance == 0 }

    /// The target of the relative pointer stored at `address`, or nil if it is null.
    ///
    /// No bounds check: the result is the stored distance added to `address` (wrapping). See
    /// "Hostile memory" above.
    @inlinable
    public static func load(from address: UnsafeRawPointer) -> UnsafeMutablePointer<Pointee>? {
        let distance = address.loadUnaligned(as: Int64.self)
        guard distance != 0 else { return nil }
        return UnsafeMutablePointer(bitPattern: Int(bitPattern: address) &+ Int(truncatingIfNeeded: distance))
    }

    /// Stores at `address` a relative pointer to `target` (nil: null).
    ///
    /// - Precondition: `target` is not `address` itself.
    @inlinable
    public static func store(_ target: UnsafeMutablePointer<Pointee>?, at address: UnsafeMutableRawPointer) {
        address.storeBytes(of: RelativePointer(pointingAt: target, from: address).distance, as: Int64.self)
    }
}

extension UnsafeMutablePointer {
    /// The target of the relative pointer this pointer points at: reading and writing it in
    /// place, where its distance means something.
    ///
    /// ```swift
    /// let next = node.pointer(to: \.next)!.target()
    /// ```
    @inlinable
    public func target<T>() -> UnsafeMutablePointer<T>? where Pointee == RelativePointer<T> {
        RelativePointer<T>.load(from: UnsafeRawPointer(self))
    }

    /// Points the relative pointer this pointer points at to `target` (nil: null).
    @inlinable
    public func setTarget<T>(_ target: UnsafeMutablePointer<T>?) where Pointee == RelativePointer<T> {
        RelativePointer<T>.store(target, at: UnsafeMutableRawPointer(self))
    }
}
#endif

#if os(Linux)
extension ManagedSegment {
    /// The address of `count` elements at `object`, checked: inside the heap and aligned for `T`.
    /// Valid while this instance lives (growth never moves the mapping); prefer
    /// ``withSpan(of:count:_:)`` and ``withMutableSpan(of:count:_:)``.
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for elements outside the heap, a
    ///   misaligned or null offset, or a count below 1.
    public func pointer<T: BitwiseCopyable>(to object: TypedSegmentOffset<T>, count: Int = 1) throws(InterprocessError) -> UnsafeMutablePointer<T> {
        let operation = "access object in managed segment"
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
        guard count >= 1, !overflow, !object.isNull, object.offset.rawValue % UInt64(MemoryLayout<T>.alignment) == 0 else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "\(count) × \(T.self) at offset \(object.offset.rawValue): a null or misaligned offset, or a bad count")
        }
        do throws(InterprocessError) {
            return try pointer(at: object.offset, byteCount: byteCount).assumingMemoryBound(to: T.self)
        } catch {
            throw error.reported(as: operation)
        }
    }

    /// The typed offset of `pointer`, or nil when it does not point into this segment's heap
    /// (as this process maps it).
    public func typedOffset<T: BitwiseCopyable>(of pointer: UnsafePointer<T>) -> TypedSegmentOffset<T>? {
        offset(of: UnsafeRawPointer(pointer)).map(TypedSegmentOffset.init)
    }

    /// Calls `body` with the `count` elements at `object`, read in place (no copy).
    ///
    /// ```swift
    /// let total = try segment.withSpan(of: samples, count: n) { span in
    ///     (0..<span.count).reduce(0) { $0 + span[$1] }
    /// }
    /// ```
    ///
    /// Other processes may write the elements meanwhile: the span gives no more consistency than
    /// the memory does (use a lock or atomics in the objects for that).
    ///
    /// - Throws: as ``pointer(to:count:)``, and what `body` throws.
    public func withSpan<T: BitwiseCopyable, R>(
        of object: TypedSegmentOffset<T>, count: Int = 1, _ body: (Span<T>) throws(InterprocessError) -> R
    ) throws(InterprocessError) -> R {
        let elements = UnsafeBufferPointer(start: try pointer(to: object, count: count), count: count)
        return try body(elements.span)
    }

    /// Calls `body` with the `count` elements at `object`, written in place (no copy).
    ///
    /// ```swift
    /// try segment.withMutableSpan(of: counters, count: 4) { span in span[2] += 1 }
    /// ```
    ///
    /// - Throws: as ``pointer(to:count:)``, and what `body` throws.
    public func withMutableSpan<T: BitwiseCopyable, R>(
        of object: TypedSegmentOffset<T>, count: Int = 1, _ body: (inout MutableSpan<T>) throws(InterprocessError) -> R
    ) throws(InterprocessError) -> R {
        let elements = UnsafeMutableBufferPointer(start: try pointer(to: object, count: count), count: count)
        var span = elements.mutableSpan
        return try body(&span)
    }

    /// The target of the ``RelativePointer`` stored at `slot` (a segment offset), checked:
    /// nil for a null pointer, else a target inside the heap and aligned for `T`.
    ///
    /// - Throws: ``InterprocessError/Code/corrupt`` for a target outside the heap or misaligned
    ///   (a word no correct peer wrote); `invalidArgument` for a `slot` outside the heap or not
    ///   8-byte aligned.
    public func loadRelativePointer<T: BitwiseCopyable>(at slot: SegmentOffset, as type: T.Type) throws(InterprocessError) -> TypedSegmentOffset<T>? {
        let operation = "read relative pointer in managed segment"
        let address = try slotAddress(slot, operation: operation)
        let distance = address.load(as: Int64.self)
        guard distance != 0 else { return nil }
        let target = slot.rawValue &+ UInt64(bitPattern: distance)
        let stride = UInt64(MemoryLayout<T>.stride)
        guard target % UInt64(MemoryLayout<T>.alignment) == 0,
              (try? pointer(at: SegmentOffset(rawValue: target), byteCount: Int(stride))) != nil else {
            throw InterprocessError(.corrupt, operation: operation, name: name,
                                    reason: "the relative pointer at offset \(slot.rawValue) has distance \(distance), which leads to offset \(target): not a \(T.self) inside the heap")
        }
        return TypedSegmentOffset(SegmentOffset(rawValue: target))
    }

    /// Stores at `slot` (a segment offset) a ``RelativePointer`` to `target` (nil: null).
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for a `slot` outside the heap or not
    ///   8-byte aligned, or a `target` equal to `slot` (distance 0 means null).
    public func storeRelativePointer<T: BitwiseCopyable>(_ target: TypedSegmentOffset<T>?, at slot: SegmentOffset) throws(InterprocessError) {
        let operation = "write relative pointer in managed segment"
        let address = try slotAddress(slot, operation: operation)
        guard let target, !target.isNull else {
            address.storeBytes(of: 0, as: Int64.self)
            return
        }
        guard target.offset != slot else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "a relative pointer cannot point at itself (offset \(slot.rawValue)): distance 0 means null")
        }
        address.storeBytes(of: Int64(bitPattern: target.offset.rawValue &- slot.rawValue), as: Int64.self)
    }

    /// The address of an 8-byte relative-pointer slot, checked.
    private func slotAddress(_ slot: SegmentOffset, operation: String) throws(InterprocessError) -> UnsafeMutableRawPointer {
        guard slot.rawValue % 8 == 0 else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "offset \(slot.rawValue) is not 8-byte aligned")
        }
        do throws(InterprocessError) {
            return try pointer(at: slot, byteCount: 8)
        } catch {
            throw error.reported(as: operation)
        }
    }
}
#endif

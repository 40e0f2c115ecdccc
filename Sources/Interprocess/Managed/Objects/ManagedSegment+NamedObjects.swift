#if os(Linux)
extension ManagedSegment {
    /// The longest object name, in UTF-8 bytes.
    public static let maximumObjectNameLength = ObjectKey.maximumNameLength
    /// The longest type name, in UTF-8 bytes.
    public static let maximumTypeNameLength = ObjectType.maximumNameLength

    /// Constructs `count` values of `T` under `name`, so that any process attached to the segment
    /// can ``find(_:named:typeName:)`` them; returns their offset.
    ///
    /// ```swift
    /// let segment = try ManagedSegment(openOrCreate: "telemetry", size: 1 << 20)
    /// let stats = try segment.construct(Stats.self, named: "stats") { _ in Stats() }
    /// ```
    ///
    /// Crash-safe: a process killed at any point inside leaves either no object under `name` or
    /// a completely initialized one; the blocks of an unfinished one go back to the heap when
    /// the next process uses the directory. `initializer` runs holding the directory's lock
    /// (other processes' directory operations wait); it may call this segment's directory
    /// operations itself.
    ///
    /// - Parameters:
    ///   - type: the element type; plain data (`BitwiseCopyable`), with no pointers: use
    ///     ``RelativePointer`` or ``TypedSegmentOffset`` inside it to refer to other objects.
    ///   - name: 1 to ``maximumObjectNameLength`` bytes of UTF-8, without NUL.
    ///   - count: elements, at least 1.
    ///   - typeName: the type's identity together with its size and alignment; by default
    ///     `String(reflecting: T.self)` ("MyModule.Point"). Every program that finds the object
    ///     must use the same string: pass one explicitly when programs name their modules
    ///     differently or are written in another language.
    ///   - initializer: the value of element `index`.
    /// - Throws: ``InterprocessError/Code/alreadyExists`` if an object has this name;
    ///   `invalidName`; `invalidArgument` for a count below 1 or a bad type name;
    ///   `insufficientSpace` when the heap is full; `corrupt` for a damaged directory.
    @discardableResult
    public func construct<T: BitwiseCopyable>(
        _ type: T.Type, named name: String, count: Int = 1, typeName: String = String(reflecting: T.self),
        initializer: (Int) -> T
    ) throws(InterprocessError) -> TypedSegmentOffset<T> {
        try constructObject(T.self, key: .named, name: name, typeName: typeName, count: count, findExisting: false,
                            operation: "construct object '\(name)' in managed segment", initializer: initializer).offset
    }

    /// Constructs `count` values of `T` with no name and returns their offset: to be linked from
    /// other objects (by ``TypedSegmentOffset`` or ``RelativePointer``) and freed with
    /// ``destroy(_:)``.
    ///
    /// Crash-safe as the named form: the block being initialized is recorded in the directory,
    /// which frees it if the process dies before this returns. `initializer` runs holding the
    /// directory's lock. What the caller does with the offset afterwards is its own: an offset
    /// stored nowhere before a kill is leaked, as with ``allocate(byteCount:alignment:)``.
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for a count below 1,
    ///   `insufficientSpace` when the heap is full.
    public func construct<T: BitwiseCopyable>(
        _ type: T.Type, count: Int = 1, initializer: (Int) -> T
    ) throws(InterprocessError) -> TypedSegmentOffset<T> {
        try constructAnonymousObject(T.self, count: count, operation: "construct anonymous object in managed segment",
                                     initializer: initializer)
    }

    /// Constructs the one instance of `T` in the segment (its name is its type name), as
    /// ``construct(_:named:count:typeName:initializer:)`` does.
    ///
    /// - Throws: ``InterprocessError/Code/alreadyExists`` if it exists, and as `construct`.
    @discardableResult
    public func constructUnique<T: BitwiseCopyable>(
        _ type: T.Type, count: Int = 1, typeName: String = String(reflecting: T.self), initializer: (Int) -> T
    ) throws(InterprocessError) -> TypedSegmentOffset<T> {
        try constructObject(T.self, key: .unique, name: typeName, typeName: typeName, count: count, findExisting: false,
                            operation: "construct unique \(typeName) in managed segment", initializer: initializer).offset
    }

    /// The object named `name` and its element count, or nil if there is none.
    ///
    /// ```swift
    /// if let (stats, _) = try segment.find(Stats.self, named: "stats") {
    ///     try segment.withMutableSpan(of: stats) { $0[0].requests += 1 }
    /// }
    /// ```
    ///
    /// - Throws: ``InterprocessError/Code/wrongKind`` naming both types when the object was
    ///   constructed under another type (size, alignment or type name differ); `invalidName`;
    ///   `corrupt` for a damaged directory.
    public func find<T: BitwiseCopyable>(
        _ type: T.Type, named name: String, typeName: String = String(reflecting: T.self)
    ) throws(InterprocessError) -> (offset: TypedSegmentOffset<T>, count: Int)? {
        try findObject(T.self, key: .named, name: name, typeName: typeName, operation: "find object '\(name)' in managed segment")
    }

    /// The unique instance of `T` (see ``constructUnique(_:count:typeName:initializer:)``) and its
    /// element count, or nil if there is none.
    ///
    /// - Throws: as ``find(_:named:typeName:)``.
    public func findUnique<T: BitwiseCopyable>(
        _ type: T.Type, typeName: String = String(reflecting: T.self)
    ) throws(InterprocessError) -> (offset: TypedSegmentOffset<T>, count: Int)? {
        try findObject(T.self, key: .unique, name: typeName, typeName: typeName, operation: "find unique \(typeName) in managed segment")
    }

    /// The object named `name`, constructed first if there is none. Processes racing to do this
    /// end up with one object: exactly one of them constructs it (`wasConstructed`), the others
    /// find it. An existing object keeps its count, which may differ from `count`.
    ///
    /// - Throws: ``InterprocessError/Code/wrongKind`` naming both types when it exists under
    ///   another type, and as ``construct(_:named:count:typeName:initializer:)``.
    @discardableResult
    public func findOrConstruct<T: BitwiseCopyable>(
        _ type: T.Type, named name: String, count: Int = 1, typeName: String = String(reflecting: T.self),
        initializer: (Int) -> T
    ) throws(InterprocessError) -> (offset: TypedSegmentOffset<T>, count: Int, wasConstructed: Bool) {
        try constructObject(T.self, key: .named, name: name, typeName: typeName, count: count, findExisting: true,
                            operation: "find or construct object '\(name)' in managed segment", initializer: initializer)
    }

    /// Removes the object named `name` and frees its memory. Offsets to it that processes still
    /// hold become dangling, as after ``deallocate(_:)``.
    ///
    /// - Throws: ``InterprocessError/Code/notFound`` if there is none; `invalidName`; `corrupt`.
    public func destroy(named name: String) throws(InterprocessError) {
        try destroyObject(key: .named, name: name, operation: "destroy object '\(name)' in managed segment")
    }

    /// Removes the unique instance of `T` and frees its memory.
    ///
    /// - Throws: ``InterprocessError/Code/notFound`` if there is none; `corrupt`.
    public func destroyUnique<T: BitwiseCopyable>(_ type: T.Type, typeName: String = String(reflecting: T.self)) throws(InterprocessError) {
        try destroyObject(key: .unique, name: typeName, operation: "destroy unique \(typeName) in managed segment")
    }

    /// Frees an anonymous object (``construct(_:count:initializer:)``).
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` when `object` is a named or unique
    ///   object (destroy those by name, so the directory never names freed memory) or not an
    ///   allocated block.
    public func destroy<T: BitwiseCopyable>(_ object: TypedSegmentOffset<T>) throws(InterprocessError) {
        let operation = "destroy anonymous object in managed segment"
        do throws(InterprocessError) {
            guard try !isPublishedObject(object.offset, operation: operation) else {
                throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                        reason: "offset \(object.offset.rawValue) is a named object: destroy it by name")
            }
            try deallocate(object.offset)
        } catch {
            throw error.reported(as: operation)
        }
    }

    /// Every named and unique object in the segment, complete ones only, in directory order.
    ///
    /// - Throws: ``InterprocessError/Code/corrupt`` for a damaged directory.
    public var namedObjects: [NamedObjectInfo] {
        get throws(InterprocessError) { try listObjects(operation: "list objects in managed segment") }
    }
}
#endif

/// The elements of a list value: an array behind one reference, copied on write.
///
/// Lists are boxed (rather than a plain `[Value]` inside `Value`) so that freeing a list
/// can take its nested lists apart one at a time (see `ValueTeardown`): Swift frees nested
/// arrays recursively, and a list nested 100,000 deep would overflow the native stack.
///
/// ```swift
/// var xs: ValueList = [1, 2]
/// xs.append(3)
/// let v = Value.list(xs)   // [1, 2, 3]
/// ```
public struct ValueList: RandomAccessCollection, MutableCollection, RangeReplaceableCollection, ExpressibleByArrayLiteral,
    @unchecked Sendable
{
    final class Storage {
        var items: [Value]
        init(_ items: [Value]) { self.items = items }
        deinit { ValueTeardown.dismantle(&items) }
    }

    var storage: Storage

    /// An empty list.
    public init() { storage = Storage([]) }
    /// A list of these elements.
    public init(_ items: [Value]) { storage = Storage(items) }
    /// A list of the elements of a sequence.
    public init<S: Sequence>(_ elements: S) where S.Element == Value { storage = Storage(Array(elements)) }
    public init(arrayLiteral elements: Value...) { storage = Storage(elements) }

    /// The elements as an array (shares the storage until one of them is changed).
    public var array: [Value] { storage.items }

    public typealias Indices = Range<Int>
    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.items.count }
    public var count: Int { storage.items.count }
    public var isEmpty: Bool { storage.items.isEmpty }
    @inline(__always) public func index(after i: Int) -> Int { i + 1 }
    @inline(__always) public func index(before i: Int) -> Int { i - 1 }

    public subscript(position: Int) -> Value {
        @inline(__always) get { storage.items[position] }
        set { unique().items[position] = newValue }
    }

    public mutating func replaceSubrange<C: Collection>(_ subrange: Range<Int>, with newElements: C)
    where C.Element == Value {
        unique().items.replaceSubrange(subrange, with: newElements)
    }

    public mutating func reserveCapacity(_ n: Int) { unique().items.reserveCapacity(n) }
    public mutating func append(_ newElement: Value) { unique().items.append(newElement) }
    public mutating func append<S: Sequence>(contentsOf newElements: S) where S.Element == Value {
        unique().items.append(contentsOf: newElements)
    }
    @discardableResult public mutating func removeLast() -> Value { unique().items.removeLast() }

    /// The storage, copied first if another list shares it.
    private mutating func unique() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.items) }
        return storage
    }
}

extension ValueList: Equatable {
    public static func == (a: ValueList, b: ValueList) -> Bool {
        a.storage === b.storage || Value.list(a) == Value.list(b)
    }
}

extension Value {
    /// A list value holding these elements.
    public static func list(_ items: [Value]) -> Value { .list(ValueList(items)) }
}

/// The fixed part of a frame: how many slots it has and the frame the function was defined in.
struct FrameHeader {
    let count: Int
    let parent: Frame?
}

/// The variables of one function call (or one top-level evaluation), addressed by slot
/// numbers the compiler assigned. `parent` is the frame the function was defined in, so
/// closures reach captured variables by walking up a known number of frames.
///
/// The slots live in the same allocation as the object (one malloc per call).
final class Frame: ManagedBuffer<FrameHeader, Value> {
    static func make(count: Int, parent: Frame?) -> Frame {
        let buffer = Frame.create(minimumCapacity: max(count, 1)) { _ in FrameHeader(count: count, parent: parent) }
        let frame = unsafeDowncast(buffer, to: Frame.self)
        frame.withUnsafeMutablePointerToElements { $0.initialize(repeating: .nil, count: count) }
        return frame
    }

    deinit {
        _ = withUnsafeMutablePointers { h, e in
            ValueTeardown.dismantle(e, count: h.pointee.count)  // captured closures may chain deeply
            return e.deinitialize(count: h.pointee.count)
        }
    }

    /// The slots. Valid while the frame is alive (the caller holds it).
    @inline(__always)
    var slots: UnsafeMutablePointer<Value> { withUnsafeMutablePointerToElements { $0 } }

    @inline(__always)
    var parent: Frame? { header.parent }

    /// The frame `depth` levels up the definition chain.
    @inline(__always)
    func ancestor(_ depth: Int) -> Frame {
        var f = self
        for _ in 0..<depth { f = f.parent.unsafelyUnwrapped }
        return f
    }
}

/// A global variable: one box per name, shared by every piece of code that uses it, so code
/// compiled in one cell sees the values set by later cells.
final class GlobalCell {
    let name: String
    var value: Value = .nil
    /// False until a `let`, `var` or `fn` at the top level has run (reading it is an error).
    var isDefined = false
    /// Declared with `let` or `fn`: assignments are rejected.
    var isConstant = false

    init(name: String) { self.name = name }
}

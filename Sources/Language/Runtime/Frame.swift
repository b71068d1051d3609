/// The variables of one function call (or one top-level evaluation), addressed by slot
/// numbers the compiler assigned. `parent` is the frame the function was defined in, so
/// closures reach captured variables by walking up a known number of frames.
final class Frame {
    let slots: UnsafeMutablePointer<Value>
    let count: Int
    let parent: Frame?

    init(count: Int, parent: Frame?) {
        self.count = count
        self.parent = parent
        slots = .allocate(capacity: max(count, 1))
        slots.initialize(repeating: .nil, count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

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

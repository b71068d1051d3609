/// Whether ops record the autograd tape. Turn it off for inference with `noGrad`.
///
/// The mode is task-local (per thread outside Swift concurrency), so concurrent work elsewhere
/// keeps its own setting.
public enum GradMode {
    @TaskLocal static var disabled = false

    /// True unless inside `noGrad`.
    public static var isEnabled: Bool { !disabled }
}

/// Runs `body` without recording gradients (inference, evaluation, optimizer updates).
///
/// ```swift
/// let logits = try noGrad { try model.logits(tokens) }
/// ```
public func noGrad<T>(_ body: () throws -> T) rethrows -> T {
    try GradMode.$disabled.withValue(true) { try body() }
}

extension Tensor {
    /// Builds an op's output and, when any input needs gradients, records it on the tape.
    ///
    /// `backward` receives the output (whose `grad` is set) and must *add* into the inputs' grads.
    static func record(
        _ data: [Float], _ shape: [Int], _ parents: [Tensor], backward: @escaping (Tensor) -> Void
    ) -> Tensor {
        let out = Tensor(unchecked: data, shape: shape)
        if GradMode.isEnabled, parents.contains(where: { $0.requiresGrad }) {
            out.requiresGrad = true
            out.parents = parents
            out.backwardFn = backward
        }
        return out
    }

    /// Adds `g` into this tensor's gradient (taking it over when there was none).
    func addGrad(_ g: [Float]) {
        guard requiresGrad else { return }
        if grad == nil {
            grad = g
            return
        }
        grad!.withUnsafeMutableBufferPointer { dst in
            g.withUnsafeBufferPointer { src in
                for i in 0..<dst.count { dst[i] += src[i] }
            }
        }
    }

    /// Hands `body` this tensor's gradient buffer and whether it already holds values: `body`
    /// must add into it when `accumulate` is true and overwrite every value otherwise. A new
    /// buffer is left uninitialised, so no zero-fill is paid for values about to be written.
    func updateGrad(_ body: (_ grad: UnsafeMutablePointer<Float>, _ accumulate: Bool) -> Void) {
        guard requiresGrad else { return }
        if grad == nil {
            let n = count
            grad = [Float](unsafeUninitializedCapacity: n) { buf, len in
                if n > 0 { body(buf.baseAddress!, false) }
                len = n
            }
            return
        }
        grad!.withUnsafeMutableBufferPointer { if $0.count > 0 { body($0.baseAddress!, true) } }
    }

    /// Gives mutable access to this tensor's gradient, creating a zero one first if needed.
    func withGrad(_ body: (UnsafeMutablePointer<Float>) -> Void) {
        guard requiresGrad else { return }
        if grad == nil { grad = [Float](repeating: 0, count: count) }
        grad!.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    }

    /// Back-propagates from this tensor: every tensor it depends on with `requiresGrad` gets
    /// `d self / d tensor` added to its `grad`. Without `gradient`, self must hold one value.
    ///
    /// The tape is consumed: intermediate grads and closures are released afterwards, while
    /// leaves (parameters) keep accumulating until `zeroGrad`.
    public func backward(gradient: [Float]? = nil) throws {
        guard requiresGrad else {
            throw TensorError("backward", "tensor \(shapeText(shape)) does not require gradients")
        }
        if let gradient {
            guard gradient.count == count else {
                throw TensorError("backward", "gradient of \(gradient.count) values for tensor \(shapeText(shape))")
            }
            addGrad(gradient)
        } else {
            guard count == 1 else {
                throw TensorError("backward", "tensor \(shapeText(shape)) is not a scalar: pass a gradient")
            }
            addGrad([1])
        }
        let order = topologicalOrder()
        for node in order.reversed() {
            guard let fn = node.backwardFn else { continue }
            if node.grad != nil { fn(node) }
            node.backwardFn = nil
            node.parents = []
            node.grad = nil
        }
    }

    /// Nodes reachable from self through recorded ops, parents before children.
    private func topologicalOrder() -> [Tensor] {
        var order: [Tensor] = []
        var seen = Set<ObjectIdentifier>()
        var stack: [(Tensor, Int)] = [(self, 0)]
        seen.insert(ObjectIdentifier(self))
        while let (node, next) = stack.popLast() {
            if next < node.parents.count {
                stack.append((node, next + 1))
                let p = node.parents[next]
                if p.requiresGrad, seen.insert(ObjectIdentifier(p)).inserted {
                    stack.append((p, 0))
                }
            } else {
                order.append(node)
            }
        }
        return order
    }

    /// Clears the accumulated gradient.
    public func zeroGrad() { grad = nil }
}

/// Scales the gradients of `tensors` so their global L2 norm is at most `maxNorm`.
///
/// Returns the norm before clipping (non-finite when some gradient is NaN or infinite).
@discardableResult
public func clipGradNorm(_ tensors: [Tensor], maxNorm: Float) -> Float {
    var total: Double = 0
    for t in tensors {
        guard let g = t.grad else { continue }
        var s: Float = 0
        g.withUnsafeBufferPointer { p in for v in p { s += v * v } }
        total += Double(s)
    }
    let norm = Float(total.squareRoot())
    if norm.isFinite, maxNorm > 0, norm > maxNorm {
        let scale = maxNorm / (norm + 1e-6)
        for t in tensors where t.grad != nil {
            t.grad!.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] *= scale } }
        }
    }
    return norm
}

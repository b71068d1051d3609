import PortableMath

/// Elementwise unary ops: exp, log, tanh, sigmoid, relu, GELU (tanh form), SiLU.
///
/// The transcendental functions are PortableMath's `Reproducible` ones: the same bits on every machine.
extension Tensor {
    /// Applies `f`; `df(x, y)` is the derivative at input `x` with output `y`.
    @inline(__always)
    private func unary(_ f: (Float) -> Float, _ df: @escaping (Float, Float) -> Float) -> Tensor {
        let x = data
        let n = x.count
        let y = [Float](unsafeUninitializedCapacity: n) { buf, len in
            x.withUnsafeBufferPointer { px in
                let dst = buf.baseAddress!
                Parallel.forRange(n) { s, e in for i in s..<e { dst[i] = f(px[i]) } }
            }
            len = n
        }
        return Tensor.record(y, shape, [self]) { res in
            let g = res.grad!
            let gx = [Float](unsafeUninitializedCapacity: n) { buf, len in
                for i in 0..<n { buf[i] = g[i] * df(x[i], y[i]) }
                len = n
            }
            self.addGrad(gx)
        }
    }

    /// `e^x` elementwise.
    public func exp() -> Tensor { unary({ Reproducible.exp($0) }, { _, y in y }) }
    /// Natural logarithm elementwise (`-inf` at 0, NaN below).
    public func log() -> Tensor { unary({ Reproducible.log($0) }, { x, _ in 1 / x }) }
    /// Hyperbolic tangent elementwise.
    public func tanh() -> Tensor { unary({ Reproducible.tanh($0) }, { _, y in 1 - y * y }) }
    /// Logistic sigmoid elementwise.
    public func sigmoid() -> Tensor { unary({ 1 / (1 + Reproducible.exp(-$0)) }, { _, y in y * (1 - y) }) }
    /// `max(x, 0)` elementwise.
    public func relu() -> Tensor { unary({ Swift.max($0, 0) }, { x, _ in x > 0 ? 1 : 0 }) }
    /// SiLU (`x * sigmoid(x)`) elementwise.
    public func silu() -> Tensor {
        unary({ $0 / (1 + Reproducible.exp(-$0)) }) { x, _ in
            let s = 1 / (1 + Reproducible.exp(-x))
            return s * (1 + x * (1 - s))
        }
    }
}

import Testing

@testable import Tensor

/// Finite-difference gradient check: compares autograd's gradient of
/// `loss = sum(f(inputs) * probe)` with central differences, for every input value.
func gradCheck(
    _ inputs: [Tensor], eps: Float = 1e-2, tolerance: Float = 2e-2,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ f: ([Tensor]) throws -> Tensor
) throws {
    for t in inputs { t.requiresGrad = true; t.grad = nil }
    let out = try f(inputs)
    var rng = SeededRandom(seed: 99)
    let probe = try Tensor(rng.normal(count: out.count), shape: out.shape)
    func lossValue() throws -> Double {
        let y = try noGrad { try f(inputs) }
        return zip(y.data, probe.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }
    try (out * probe).sum().backward()
    for (ti, t) in inputs.enumerated() {
        let analytic = t.grad ?? [Float](repeating: 0, count: t.count)
        for i in 0..<t.count {
            let saved = t.data[i]
            t.data[i] = saved + eps
            let up = try lossValue()
            t.data[i] = saved - eps
            let down = try lossValue()
            t.data[i] = saved
            let numeric = Float((up - down) / Double(2 * eps))
            let err = abs(numeric - analytic[i])
            #expect(
                err <= tolerance * max(1, abs(numeric)),
                "input \(ti)[\(i)]: analytic \(analytic[i]) vs numeric \(numeric)",
                sourceLocation: sourceLocation)
        }
    }
}

func randomTensor(_ shape: [Int], seed: UInt64, std: Float = 1) -> Tensor {
    Tensor.randn(shape, std: std, seed: seed)
}

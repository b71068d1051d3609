import Foundation
import PortableMath
import Tensor

/// Updates parameters from their gradients.
public protocol Optimizer: AnyObject {
    /// The learning rate of the next step (the schedule sets it).
    var learningRate: Float { get set }
    /// Applies one update from the current gradients (parameters without a gradient are skipped).
    func step()
}

/// The default rule for which parameters get weight decay: matrices that are not embeddings.
/// Norm weights, biases (rank 1), GPT's `wte`/`wpe` and Llama's `embed_tokens` are left alone.
public func decaysByDefault(_ p: NamedParameter) -> Bool {
    p.tensor.rank >= 2 && !p.name.hasSuffix("wte.weight") && !p.name.hasSuffix("wpe.weight")
        && !p.name.hasSuffix("embed_tokens.weight")
}

/// AdamW (Loshchilov and Hutter): Adam with bias correction and decoupled weight decay,
/// computed as PyTorch's `torch.optim.AdamW` does.
public final class AdamW: Optimizer {
    public var learningRate: Float
    public let beta1: Float, beta2: Float, eps: Float, weightDecay: Float
    private let params: [NamedParameter]
    private let decays: [Bool]
    private let scales: [Float]
    private var m: [[Float]], v: [[Float]]
    private var t = 0

    /// - Parameters:
    ///   - decay: which parameters get weight decay (default: `decaysByDefault`).
    ///   - scale: the factor on `learningRate` for each parameter (1 for all by default).
    public init(
        _ params: [NamedParameter], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
        eps: Float = 1e-8, weightDecay: Float = 0.01, decay: (NamedParameter) -> Bool = decaysByDefault,
        scale: (NamedParameter) -> Float = { _ in 1 }
    ) {
        self.params = params
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weightDecay = weightDecay
        decays = params.map(decay)
        scales = params.map(scale)
        m = params.map { [Float](repeating: 0, count: $0.tensor.count) }
        v = m
    }

    public func step() {
        t += 1
        // Bias corrections in Double, as PyTorch computes them in Python floats (PortableMath's
        // pow: the same bits on every machine).
        let bc1 = 1 - Reproducible.pow(Double(beta1), Double(t))
        let bc2Sqrt = Float((1 - Reproducible.pow(Double(beta2), Double(t))).squareRoot())
        for (i, p) in params.enumerated() {
            guard let g = p.tensor.grad else { continue }
            let rate = learningRate * scales[i]
            let stepSize = Float(Double(rate) / bc1)
            let shrink = decays[i] ? 1 - rate * weightDecay : 1
            let constants = AdamWKernel.Step(
                beta1: beta1, beta2: beta2, stepSize: stepSize, bias2Sqrt: bc2Sqrt, eps: eps, shrink: shrink)
            p.tensor.data.withUnsafeMutableBufferPointer { w in
                m[i].withUnsafeMutableBufferPointer { mm in
                    v[i].withUnsafeMutableBufferPointer { vv in
                        g.withUnsafeBufferPointer { gg in
                            let (w0, m0, v0, g0) = (w.baseAddress!, mm.baseAddress!, vv.baseAddress!, gg.baseAddress!)
                            Parallel.forRange(w.count, grain: 32_768) { s, e in
                                AdamWKernel.update(
                                    weights: w0 + s, m: m0 + s, v: v0 + s, gradients: g0 + s, count: e - s, constants)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Stochastic gradient descent with momentum (PyTorch's form: `b = mu b + g; p -= lr b`).
public final class SGD: Optimizer {
    public var learningRate: Float
    public let momentum: Float, weightDecay: Float
    private let params: [NamedParameter]
    private var buffers: [[Float]?]

    public init(_ params: [NamedParameter], learningRate: Float = 0.01, momentum: Float = 0.9, weightDecay: Float = 0) {
        self.params = params
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        buffers = Array(repeating: nil, count: params.count)
    }

    public func step() {
        for (i, p) in params.enumerated() {
            guard var g = p.tensor.grad else { continue }
            if weightDecay != 0 { for j in 0..<g.count { g[j] += weightDecay * p.tensor.data[j] } }
            if momentum != 0 {
                if var b = buffers[i] {
                    for j in 0..<g.count { b[j] = momentum * b[j] + g[j] }
                    buffers[i] = b
                    g = b
                } else {
                    buffers[i] = g
                }
            }
            let lr = learningRate
            p.tensor.data.withUnsafeMutableBufferPointer { w in
                for j in 0..<w.count { w[j] -= lr * g[j] }
            }
        }
    }
}

/// Linear warm-up from 0 to `peak` over `warmupSteps`, then cosine decay to `peak * minRatio`
/// at `totalSteps`.
public struct LearningRateSchedule: Sendable {
    public var peak: Float
    public var warmupSteps: Int
    public var totalSteps: Int
    public var minRatio: Float

    public init(peak: Float, warmupSteps: Int, totalSteps: Int, minRatio: Float = 0.1) {
        self.peak = peak
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
        self.minRatio = minRatio
    }

    /// The rate for step `step` (0-based).
    public func rate(at step: Int) -> Float {
        if step < warmupSteps { return peak * Float(step + 1) / Float(warmupSteps) }
        let span = max(1, totalSteps - warmupSteps)
        let progress = min(1, Float(step - warmupSteps) / Float(span))
        let cosine = 0.5 * (1 + Float(Reproducible.cos(Double.pi * Double(progress))))
        return peak * (minRatio + (1 - minRatio) * cosine)
    }
}

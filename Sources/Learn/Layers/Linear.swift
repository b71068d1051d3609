import Tensor

/// `y = x W + b` with W stored `[in, out]` (GPT-2's Conv1D layout, so checkpoints map directly).
public final class Linear: ParameterHolder {
    /// `[in, out]`
    public let weight: Tensor
    /// `[out]`, or nil for a bias-free layer.
    public let bias: Tensor?

    /// A layer with weights drawn from N(0, std) and a zero bias.
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, std: Float = 0.02, rng: inout SeededRandom) {
        weight = Tensor.randn([inFeatures, outFeatures], std: std, rng: &rng, requiresGrad: true)
        self.bias = bias ? Tensor.zeros([outFeatures], requiresGrad: true) : nil
    }

    /// A layer around given tensors (loaded weights): weight `[in, out]`, bias `[out]` or nil.
    public init(weight: Tensor, bias: Tensor?) {
        self.weight = weight
        self.bias = bias
    }

    /// `[..., in] -> [..., out]`
    public func callAsFunction(_ x: Tensor) throws -> Tensor { try x.linear(weight: weight, bias: bias) }

    public func parameters(prefix: String) -> [NamedParameter] {
        [NamedParameter(name: join(prefix, "weight"), tensor: weight)]
            + (bias.map { [NamedParameter(name: join(prefix, "bias"), tensor: $0)] } ?? [])
    }
}

/// A lookup table of learned vectors, `[count, dim]`.
public final class Embedding: ParameterHolder {
    /// `[count, dim]`
    public let weight: Tensor

    /// A table drawn from N(0, std).
    public init(_ count: Int, _ dim: Int, std: Float = 0.02, rng: inout SeededRandom) {
        weight = Tensor.randn([count, dim], std: std, rng: &rng, requiresGrad: true)
    }

    /// A table around a given tensor `[count, dim]` (loaded weights).
    public init(weight: Tensor) { self.weight = weight }

    /// Rows for `indices`, shaped `shape + [dim]`.
    public func callAsFunction(_ indices: [Int], shape: [Int]) throws -> Tensor {
        try Tensor.embedding(weight, indices: indices, shape: shape)
    }

    public func parameters(prefix: String) -> [NamedParameter] {
        [NamedParameter(name: join(prefix, "weight"), tensor: weight)]
    }
}

/// LayerNorm over the last axis with a learned scale (1) and shift (0).
public final class LayerNorm: ParameterHolder {
    /// `[dim]`
    public let weight: Tensor
    /// `[dim]`
    public let bias: Tensor
    /// Added to the variance.
    public let eps: Float

    public init(_ dim: Int, eps: Float = 1e-5) {
        weight = Tensor.full([dim], 1, requiresGrad: true)
        bias = Tensor.zeros([dim], requiresGrad: true)
        self.eps = eps
    }

    /// A LayerNorm around given tensors (loaded weights), both `[dim]`.
    public init(weight: Tensor, bias: Tensor, eps: Float) {
        self.weight = weight
        self.bias = bias
        self.eps = eps
    }

    /// `[..., dim] -> [..., dim]`
    public func callAsFunction(_ x: Tensor) throws -> Tensor { try x.layerNorm(weight: weight, bias: bias, eps: eps) }

    public func parameters(prefix: String) -> [NamedParameter] {
        [NamedParameter(name: join(prefix, "weight"), tensor: weight), NamedParameter(name: join(prefix, "bias"), tensor: bias)]
    }
}

/// RMSNorm over the last axis with a learned scale (1).
public final class RMSNorm: ParameterHolder {
    /// `[dim]`
    public let weight: Tensor
    /// Added to the mean square.
    public let eps: Float

    public init(_ dim: Int, eps: Float = 1e-6) {
        weight = Tensor.full([dim], 1, requiresGrad: true)
        self.eps = eps
    }

    /// `[..., dim] -> [..., dim]`
    public func callAsFunction(_ x: Tensor) throws -> Tensor { try x.rmsNorm(weight: weight, eps: eps) }

    public func parameters(prefix: String) -> [NamedParameter] {
        [NamedParameter(name: join(prefix, "weight"), tensor: weight)]
    }
}

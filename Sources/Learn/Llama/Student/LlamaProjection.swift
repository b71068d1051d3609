import Tensor

/// Settings of LoRA adapters (Hu et al., 2021): each adapted projection `W` (out, in) gains
/// `(alpha / rank) * B A` with `A` (rank, in) and `B` (out, rank), and only `A` and `B` train.
public struct LoRAOptions: Sendable, Equatable, Codable {
    /// The adapters' inner width `r`.
    public var rank: Int
    /// The scale numerator: updates are multiplied by `alpha / rank`.
    public var alpha: Float

    /// Rank 8, alpha 16 (PEFT's usual choice for small models).
    public init(rank: Int = 8, alpha: Float = 16) {
        self.rank = rank
        self.alpha = alpha
    }

    /// `alpha / rank`.
    public var scale: Float { alpha / Float(rank) }
}

/// A bias-free projection `y = x W^T` with W stored `[out, in]` (Hugging Face's `nn.Linear`
/// layout, the rows GGUF stores), optionally with a LoRA adapter.
///
/// Without an adapter the weight trains. With one, the weight is frozen (no gradient, no
/// optimizer state) and `y = x W^T + scale * (x A^T) B^T`; `B` starts at zero, so a fresh
/// adapter leaves the output unchanged.
public final class LlamaProjection: ParameterHolder {
    /// `[out, in]`
    public let weight: Tensor
    /// `[r, in]`, drawn like PEFT's (Kaiming-uniform bound `1/sqrt(in)`), when adapted.
    public let loraA: Tensor?
    /// `[out, r]`, zeros at first, when adapted.
    public let loraB: Tensor?
    /// `alpha / rank` of the adapter.
    public let scale: Float

    /// Wraps `weight` (`[out, in]`); with `lora` the weight is frozen and an adapter added.
    public init(weight: Tensor, lora: LoRAOptions?, rng: inout SeededRandom) {
        self.weight = weight
        if let lora {
            let (outF, inF) = (weight.shape[0], weight.shape[1])
            let bound = 1 / Float(inF).squareRoot()
            weight.requiresGrad = false
            loraA = Tensor.rand([lora.rank, inF], low: -bound, high: bound, rng: &rng, requiresGrad: true)
            loraB = Tensor.zeros([outF, lora.rank], requiresGrad: true)
            scale = lora.scale
        } else {
            weight.requiresGrad = true
            loraA = nil
            loraB = nil
            scale = 0
        }
    }

    /// `[..., in] -> [..., out]`
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        guard let loraA, let loraB else { return try x.matmul(weight, transposeB: true) }  // (..., out)
        let low = try x.matmul(loraA, transposeB: true).scaled(scale)  // (..., r)
        // One op for x W^T + low B^T: separate products and a sum would keep three (..., out)
        // tensors on the tape per projection, most of a LoRA student's memory.
        return try Tensor.productSum(x, weight, low, loraB)  // (..., out)
    }

    /// The adapter `lora_A.weight` and `lora_B.weight` when adapted, else `weight`.
    public func parameters(prefix: String) -> [NamedParameter] {
        if let loraA, let loraB {
            return [
                NamedParameter(name: join(prefix, "lora_A.weight"), tensor: loraA),
                NamedParameter(name: join(prefix, "lora_B.weight"), tensor: loraB),
            ]
        }
        return [NamedParameter(name: join(prefix, "weight"), tensor: weight)]
    }

    /// `W + scale * B A`, the weight an inference model uses (`[out, in]` row-major).
    public func mergedWeight() throws -> [Float] {
        guard let loraA, let loraB else { return weight.data }
        let delta = try noGrad { try loraB.matmul(loraA).scaled(scale) }  // (out, in)
        var merged = weight.data
        for i in merged.indices { merged[i] += delta.data[i] }
        return merged
    }
}

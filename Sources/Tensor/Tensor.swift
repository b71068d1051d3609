/// A Float32 tensor: a shape and contiguous row-major values, plus its place on the autograd tape.
///
/// Values live in a Swift array, so they are copy-on-write: `reshaped` and other views share
/// the buffer until one side writes. A tensor produced by an op while gradients are recorded
/// remembers its parents and a backward closure; `backward()` walks that tape in reverse.
///
/// ```swift
/// let w = Tensor.randn([3, 2], seed: 0, requiresGrad: true)
/// let x = Tensor([1, 2, 3], shape: [1, 3])
/// let loss = try x.matmul(w).sum()
/// try loss.backward()            // w.grad now holds d loss / d w
/// ```
public final class Tensor {
    /// The extent of each axis, outermost first. A scalar has shape `[]`.
    public let shape: [Int]
    /// The values, row-major. Writing here bypasses autograd (optimizers do it).
    public var data: [Float]
    /// The accumulated gradient of the last `backward()` calls (same count as `data`), or nil.
    public var grad: [Float]?
    /// Whether gradients flow into this tensor. Leaves set it; op outputs inherit it.
    public var requiresGrad: Bool

    var parents: [Tensor] = []
    var backwardFn: ((Tensor) -> Void)?

    /// Creates a tensor from values and a shape; throws if their sizes differ.
    public init(_ data: [Float], shape: [Int], requiresGrad: Bool = false) throws {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw TensorError("Tensor", "negative extent in shape \(shapeText(shape))")
        }
        let n = shape.reduce(1, *)
        guard n == data.count else {
            throw TensorError("Tensor", "shape \(shapeText(shape)) needs \(n) values, got \(data.count)")
        }
        self.shape = shape
        self.data = data
        self.requiresGrad = requiresGrad
    }

    /// Internal unchecked initialiser: callers guarantee `data.count == product(shape)`.
    init(unchecked data: [Float], shape: [Int]) {
        self.shape = shape
        self.data = data
        self.requiresGrad = false
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        let t = Tensor(unchecked: [Float](repeating: 0, count: shape.reduce(1, *)), shape: shape)
        t.requiresGrad = requiresGrad
        return t
    }

    /// A tensor filled with `value`.
    public static func full(_ shape: [Int], _ value: Float, requiresGrad: Bool = false) -> Tensor {
        let t = Tensor(unchecked: [Float](repeating: value, count: shape.reduce(1, *)), shape: shape)
        t.requiresGrad = requiresGrad
        return t
    }

    /// A scalar tensor.
    public static func scalar(_ value: Float) -> Tensor { Tensor(unchecked: [value], shape: []) }

    /// Normal draws (mean 0, standard deviation `std`) from a generator.
    public static func randn(
        _ shape: [Int], std: Float = 1, rng: inout SeededRandom, requiresGrad: Bool = false
    ) -> Tensor {
        let t = Tensor(unchecked: rng.normal(count: shape.reduce(1, *), std: std), shape: shape)
        t.requiresGrad = requiresGrad
        return t
    }

    /// Normal draws from a fresh generator seeded with `seed`.
    public static func randn(_ shape: [Int], std: Float = 1, seed: UInt64, requiresGrad: Bool = false) -> Tensor {
        var rng = SeededRandom(seed: seed)
        return randn(shape, std: std, rng: &rng, requiresGrad: requiresGrad)
    }

    /// Uniform draws in `[low, high)` from a generator.
    public static func rand(
        _ shape: [Int], low: Float = 0, high: Float = 1, rng: inout SeededRandom, requiresGrad: Bool = false
    ) -> Tensor {
        let t = Tensor(unchecked: rng.uniform(count: shape.reduce(1, *), low: low, high: high), shape: shape)
        t.requiresGrad = requiresGrad
        return t
    }

    /// Number of values.
    public var count: Int { data.count }
    /// Number of axes.
    public var rank: Int { shape.count }
    /// The single value of a one-element tensor.
    public var item: Float { data[0] }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = data.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor(\(shapeText(shape)), [\(shown)\(data.count > 8 ? ", ..." : "")])"
    }
}

import Tensor

/// A parameter with its checkpoint name (GPT-2's names: `h.0.attn.c_attn.weight`).
public struct NamedParameter {
    /// Dotted path of the parameter inside its model.
    public let name: String
    /// The trainable tensor (a leaf with `requiresGrad`).
    public let tensor: Tensor
}

/// Anything holding parameters: layers and models list theirs under dotted names.
public protocol ParameterHolder: AnyObject {
    /// Every parameter, in a stable order, named with `prefix` prepended.
    func parameters(prefix: String) -> [NamedParameter]
}

extension ParameterHolder {
    /// Every parameter under its full name.
    public var namedParameters: [NamedParameter] { parameters(prefix: "") }

    /// The parameter called `name`, if any.
    public func parameter(named name: String) -> Tensor? {
        namedParameters.first { $0.name == name }?.tensor
    }

    /// Total number of trainable values.
    public var parameterCount: Int { namedParameters.reduce(0) { $0 + $1.tensor.count } }

    /// Clears every gradient.
    public func zeroGrad() { for p in namedParameters { p.tensor.zeroGrad() } }

    /// A copy of every parameter's values, to restore later with `restore(_:)`.
    public func snapshot() -> [[Float]] { namedParameters.map { $0.tensor.data } }

    /// Puts back values taken by `snapshot()`.
    public func restore(_ values: [[Float]]) {
        for (p, v) in zip(namedParameters, values) { p.tensor.data = v }
    }
}

/// Joins a prefix and a name with a dot (no dot when the prefix is empty).
func join(_ prefix: String, _ name: String) -> String { prefix.isEmpty ? name : prefix + "." + name }

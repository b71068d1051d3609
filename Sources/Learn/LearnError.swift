/// Errors from models, training and checkpoints, each with a message fit to show a user.
public enum LearnError: Error, CustomStringConvertible {
    /// A model configuration that cannot be built.
    case invalidConfig(String)
    /// Input the model cannot take (empty, too long, unknown token or label).
    case invalidInput(String)
    /// Training hit a NaN or infinite loss or gradient; the weights are those before that step.
    case nonFiniteLoss(step: Int, epoch: Int, history: TrainingHistory)
    /// A checkpoint file that is missing, truncated, corrupt or of the wrong shape.
    case checkpoint(String)

    public var description: String {
        switch self {
        case .invalidConfig(let m): return "invalid model config: \(m)"
        case .invalidInput(let m): return "invalid input: \(m)"
        case .nonFiniteLoss(let step, let epoch, _):
            return
                "training stopped: the loss became NaN or infinite at step \(step) (epoch \(epoch)); the weights from the last good step are kept. Try a lower learning rate."
        case .checkpoint(let m): return "checkpoint: \(m)"
        }
    }
}

/// One instruction of a compiled pattern (Thompson's construction).
enum PatternInstruction {
    /// Consume one scalar equal to this one (ignoring case when `fold`).
    case scalar(UInt32, fold: Bool)
    /// Consume any scalar but `\n` (any at all when `dotAll`).
    case any(dotAll: Bool)
    /// Consume one scalar in the set.
    case set(ScalarSet)
    /// Continue at both targets.
    case split(Int, Int)
    case jump(Int)
    /// Continue only if the assertion holds here.
    case assert(PatternAssertion)
    case match
}

/// A compiled pattern: a list of instructions, started at 0.
struct PatternProgram {
    /// Largest program accepted: the matcher's work is (text length) x (program size).
    static let maxInstructions = 20_000

    private(set) var instructions: [PatternInstruction] = []

    static func compile(_ node: PatternNode) throws -> PatternProgram {
        var p = PatternProgram()
        try p.emit(node)
        p.instructions.append(.match)
        return p
    }

    private mutating func append(_ i: PatternInstruction) throws -> Int {
        if instructions.count >= PatternProgram.maxInstructions {
            throw PatternError(
                message: "pattern too large (it expands to more than \(PatternProgram.maxInstructions) steps)", offset: 0)
        }
        instructions.append(i)
        return instructions.count - 1
    }

    private mutating func emit(_ node: PatternNode) throws {
        switch node {
        case .empty: return
        case .scalar(let c, let fold): _ = try append(.scalar(c, fold: fold))
        case .any(let dotAll): _ = try append(.any(dotAll: dotAll))
        case .set(let s): _ = try append(.set(s))
        case .assertion(let a): _ = try append(.assert(a))
        case .concat(let items): for item in items { try emit(item) }
        case .alternation(let branches):
            // split L1, next; L1: branch; jump end; next: split L2, ...
            var jumps: [Int] = []
            for (i, branch) in branches.enumerated() {
                if i < branches.count - 1 {
                    let split = try append(.split(0, 0))
                    try emit(branch)
                    jumps.append(try append(.jump(0)))
                    instructions[split] = .split(split + 1, instructions.count)
                } else {
                    try emit(branch)
                }
            }
            for j in jumps { instructions[j] = .jump(instructions.count) }
        case .repetition(let inner, let min, let max):
            for _ in 0..<min { try emit(inner) }
            if let max {
                // Each optional copy: split body, end.
                for _ in min..<max {
                    let split = try append(.split(0, 0))
                    try emit(inner)
                    instructions[split] = .split(split + 1, instructions.count)
                }
            } else {
                // loop: split body, end; body; jump loop.
                let split = try append(.split(0, 0))
                try emit(inner)
                _ = try append(.jump(split))
                instructions[split] = .split(split + 1, instructions.count)
            }
        }
    }
}

import Foundation

/// Token usage (and cost, given prices) per request, per scope (a notebook cell) and in total.
///
/// ```swift
/// let meter = UsageMeter(prices: PriceTable(["gpt-4o-mini": ModelPrice(promptPerMillion: 0.15, completionPerMillion: 0.6)]))
/// meter.scope = "cell-3"
/// // ... run requests through a MeteredTeacher using this meter ...
/// meter.usage(in: "cell-3")   // TokenUsage(promptTokens: 1200, completionTokens: 800)
/// meter.totalCost              // 0.00066
/// ```
public final class UsageMeter: @unchecked Sendable {
    /// One metered request.
    public struct Entry: Hashable, Sendable {
        /// The scope it was charged to.
        public var scope: String
        /// The model the request named.
        public var model: String
        /// Its tokens.
        public var usage: TokenUsage
        /// Its cost, when the price table knows the model.
        public var cost: Double?
    }

    /// The label new usage is charged to, e.g. `"cell-3"`.
    public var scope: String {
        get { locked { currentScope } }
        set { locked { currentScope = newValue } }
    }
    /// Prices for cost estimates; nil means tokens only.
    public let prices: PriceTable?

    private var currentScope: String
    private var log: [Entry] = []
    private let lock = NSLock()

    /// Creates an empty meter charging to `scope`.
    public init(prices: PriceTable? = nil, scope: String = "session") {
        self.prices = prices
        self.currentScope = scope
    }

    /// Every metered request, oldest first.
    public var entries: [Entry] { locked { log } }

    /// How many answers have been charged so far: a mark for `charged(since:)`.
    public var count: Int { locked { log.count } }

    /// What was charged after `mark` (an earlier `count`): the answers, their tokens and their
    /// cost (nil when none could be priced).
    public func charged(since mark: Int) -> (answers: Int, usage: TokenUsage, cost: Double?) {
        locked {
            let recent = log[min(mark, log.count)...]
            return (recent.count, recent.reduce(TokenUsage()) { $0 + $1.usage }, cost(of: Array(recent)))
        }
    }

    /// All tokens so far.
    public var total: TokenUsage { locked { log.reduce(TokenUsage()) { $0 + $1.usage } } }

    /// Tokens charged to `scope`.
    public func usage(in scope: String) -> TokenUsage {
        locked { log.filter { $0.scope == scope }.reduce(TokenUsage()) { $0 + $1.usage } }
    }

    /// The estimated cost so far; nil when nothing could be priced (no price table and no
    /// priced request). Requests without a price count 0.
    public var totalCost: Double? {
        locked { cost(of: log) }
    }

    /// The estimated cost charged to `scope`; nil when nothing in it could be priced.
    public func cost(in scope: String) -> Double? {
        locked { cost(of: log.filter { $0.scope == scope }) }
    }

    /// Charges one request's usage to the current scope, priced at `price` when given, else by
    /// the meter's table.
    public func add(model: String, usage: TokenUsage, price: ModelPrice? = nil) {
        let cost = price.map { $0.cost(of: usage) } ?? prices?.cost(model: model, usage: usage)
        locked { log.append(Entry(scope: currentScope, model: model, usage: usage, cost: cost)) }
    }

    private func cost(of entries: [Entry]) -> Double? {
        guard prices != nil || entries.contains(where: { $0.cost != nil }) else { return nil }
        return entries.reduce(0) { $0 + ($1.cost ?? 0) }
    }

    private func locked<Value>(_ body: () -> Value) -> Value {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }
}

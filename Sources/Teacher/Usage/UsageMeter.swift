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

    /// All tokens so far.
    public var total: TokenUsage { locked { log.reduce(TokenUsage()) { $0 + $1.usage } } }

    /// Tokens charged to `scope`.
    public func usage(in scope: String) -> TokenUsage {
        locked { log.filter { $0.scope == scope }.reduce(TokenUsage()) { $0 + $1.usage } }
    }

    /// The estimated cost so far; nil without a price table. Models missing from the table count 0.
    public var totalCost: Double? {
        guard prices != nil else { return nil }
        return locked { log.reduce(0) { $0 + ($1.cost ?? 0) } }
    }

    /// The estimated cost charged to `scope`; nil without a price table.
    public func cost(in scope: String) -> Double? {
        guard prices != nil else { return nil }
        return locked { log.filter { $0.scope == scope }.reduce(0) { $0 + ($1.cost ?? 0) } }
    }

    /// Charges one request's usage to the current scope.
    public func add(model: String, usage: TokenUsage) {
        let cost = prices?.cost(model: model, usage: usage)
        locked { log.append(Entry(scope: currentScope, model: model, usage: usage, cost: cost)) }
    }

    private func locked<Value>(_ body: () -> Value) -> Value {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }
}

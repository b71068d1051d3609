/// What a model's tokens cost, in currency units per million tokens.
public struct ModelPrice: Codable, Hashable, Sendable {
    /// Price of a million prompt tokens.
    public var promptPerMillion: Double
    /// Price of a million generated tokens.
    public var completionPerMillion: Double

    /// Creates a price, e.g. `ModelPrice(promptPerMillion: 0.15, completionPerMillion: 0.60)`.
    public init(promptPerMillion: Double, completionPerMillion: Double) {
        self.promptPerMillion = promptPerMillion
        self.completionPerMillion = completionPerMillion
    }

    /// A price of nothing, e.g. the local model's.
    public static let free = ModelPrice(promptPerMillion: 0, completionPerMillion: 0)

    /// The Batch API's price for the same model: half of each (OpenAI's batch discount).
    public var batch: ModelPrice {
        ModelPrice(promptPerMillion: promptPerMillion / 2, completionPerMillion: completionPerMillion / 2)
    }

    /// Whether tokens cost nothing at this price.
    public var isFree: Bool { promptPerMillion == 0 && completionPerMillion == 0 }

    /// The cost of `usage` at this price.
    public func cost(of usage: TokenUsage) -> Double {
        (Double(usage.promptTokens) * promptPerMillion + Double(usage.completionTokens) * completionPerMillion) / 1e6
    }
}

/// Prices by model name, for cost estimates. No prices are built in: they change, so the user
/// supplies the ones they pay.
public struct PriceTable: Codable, Hashable, Sendable {
    /// The prices, keyed by model name as requests spell it.
    public var prices: [String: ModelPrice]

    /// Creates a table, e.g. `PriceTable(["gpt-4o-mini": ModelPrice(promptPerMillion: 0.15, completionPerMillion: 0.6)])`.
    public init(_ prices: [String: ModelPrice] = [:]) {
        self.prices = prices
    }

    /// The cost of `usage` on `model`, or nil when the table has no price for it.
    public func cost(model: String, usage: TokenUsage) -> Double? {
        prices[model]?.cost(of: usage)
    }
}

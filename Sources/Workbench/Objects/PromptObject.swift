import Datasets
import Language

/// A prompt template as the language sees it (`prompt(...)`): the task, its `{field}` slots,
/// and what the teacher's reply should look like.
public final class PromptObject: HostObject {
    /// The template and its output specification.
    public let template: PromptTemplate

    /// Wraps a template.
    public init(_ template: PromptTemplate) { self.template = template }

    public var typeName: String { "prompt" }

    public var summary: String {
        var text = "prompt(\(Value.string(template.template).repr)"
        switch template.output {
        case .text(let field): text += " → text in \(field)"
        case .label(let field, let allowed): text += " → \(field)" + (allowed.map { " " + $0.joined(separator: "|") } ?? "")
        case .json(let schema): text += " → JSON " + schema.properties.map(\.name).joined(separator: ", ")
        case .dialogue(let format): text += " → dialogue \(format.user)/\(format.bot)"
        }
        return text + ")"
    }

    public var fieldNames: [String] { ["template", "system", "slots", "output"] }

    public func field(_ name: String) -> Value? {
        switch name {
        case "template": return .string(template.template)
        case "system": return template.system.map(Value.string) ?? .nil
        case "slots": return .list(template.slots.map(Value.string))
        case "output": return .list(template.output.fields.map(Value.string))
        default: return nil
        }
    }
}

/// A few-shot set (`shots(...)`): k worked examples picked from a pool of labelled rows, the
/// same ones for every query, or chosen again per query (`select: "similar"`).
public final class ShotsObject: HostObject {
    /// How shots are picked; nil for zero shots.
    public let selector: ShotSelector?

    /// Wraps a selector (nil: zero-shot).
    public init(_ selector: ShotSelector?) { self.selector = selector }

    /// The shots for one query record (the fixed set unless selection is per query).
    public func shots(for query: Row?) throws -> [Row] {
        guard let selector else { return [] }
        return try selector.select(for: selector.selection.perQuery ? query : nil)
    }

    public var typeName: String { "shots" }

    /// `len(s)`: how many shots each prompt gets.
    public var length: Int? { selector?.k ?? 0 }

    public var summary: String {
        guard let selector else { return "shots(0: zero-shot)" }
        let measured = selector.selection == .similar || selector.selection == .diverse
        let by = measured ? " by \(selector.measure.description)" : ""
        return "shots(\(selector.k) \(selector.selection.rawValue)\(by) from \(selector.pool.count) rows)"
    }

    public var display: String? {
        guard let selector, !selector.selection.perQuery, let rows = try? selector.select() else { return nil }
        return summary + "\n" + Dataset(rows).table()
    }

    public var fieldNames: [String] { ["k", "rows"] }

    public func field(_ name: String) -> Value? {
        switch name {
        case "k": return .int(selector?.k ?? 0)
        case "rows":
            guard let selector, let rows = try? selector.select() else { return .list([]) }
            return .list(rows.map { .record(Record($0)) })
        default: return nil
        }
    }
}

/// The exact messages a prompt sends for one record (`render(...)`).
public final class RenderedObject: HostObject {
    /// The rendered prompt.
    public let rendered: RenderedPrompt

    init(_ rendered: RenderedPrompt) { self.rendered = rendered }

    public var typeName: String { "rendered" }
    public var summary: String { "rendered(\(rendered.messages.count) messages, \(rendered.text.count) characters)" }

    public var display: String? {
        rendered.messages.map { "[\($0.role.rawValue)]\n\($0.content)" }.joined(separator: "\n\n")
    }

    public var fieldNames: [String] { ["text", "messages"] }

    public func field(_ name: String) -> Value? {
        switch name {
        case "text": return .string(rendered.text)
        case "messages":
            return .list(
                rendered.messages.map {
                    Value.record(Record(["role": Value.string($0.role.rawValue), "content": Value.string($0.content)]))
                })
        default: return nil
        }
    }
}

import Language
import Teacher

/// The teacher usage of a session (`usage()`): the requests really sent, their prompt and
/// completion tokens and their cost, per cell and in total. Answers replayed at the REPL are
/// free and not counted; replaying a notebook counts what its recorded answers used.
public final class UsageObject: HostObject {
    /// One line of the table: a cell, or the session.
    struct Line {
        var name: String
        var requests = 0
        var usage = TokenUsage()
        var cost: Double?

        mutating func add(_ entry: UsageMeter.Entry) {
            requests += 1
            usage = usage + entry.usage
            if let entryCost = entry.cost { cost = (cost ?? 0) + entryCost }
        }
    }

    let cells: [Line]
    let session: Line

    /// A snapshot of `meter`, cells in the order they first sent a request.
    public init(_ meter: UsageMeter) {
        var order: [String] = []
        var byCell: [String: Line] = [:]
        var session = Line(name: "session")
        for entry in meter.entries {
            if byCell[entry.scope] == nil {
                order.append(entry.scope)
                byCell[entry.scope] = Line(name: entry.scope)
            }
            byCell[entry.scope]!.add(entry)
            session.add(entry)
        }
        cells = order.map { byCell[$0]! }
        self.session = session
    }

    public var typeName: String { "usage" }

    public var summary: String {
        "usage(\(session.requests) requests, \(session.usage.promptTokens) in + \(session.usage.completionTokens) out tokens"
            + (session.cost.map { ", \(CostFormat.usd($0))" } ?? "") + ")"
    }

    public var display: String? {
        guard session.requests > 0 else {
            return "no request sent to a teacher yet in this session (answers replayed from a recording are free)"
        }
        let priced = session.cost != nil
        // The cached column shows once some prompt tokens came from a teacher's prefix cache.
        let cachedColumn = session.usage.cachedPromptTokens > 0
        var lines = ["teacher requests sent in this session, per cell:"]
        func cells(_ values: [String]) -> String {
            values.enumerated().map { index, value in
                index == 0
                    ? value.padding(toLength: 10, withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: max(0, 11 - value.count)) + value
            }.joined()
        }
        lines.append(
            cells(["", "requests", "prompt"] + (cachedColumn ? ["cached"] : []) + ["completion"] + (priced ? ["cost"] : [])))
        for line in self.cells + [session] {
            var values = [line.name, "\(line.requests)", "\(line.usage.promptTokens)"]
            if cachedColumn { values.append("\(line.usage.cachedPromptTokens)") }
            values.append("\(line.usage.completionTokens)")
            if priced { values.append(line.cost.map(CostFormat.usd) ?? "-") }
            lines.append(cells(values))
        }
        return lines.joined(separator: "\n")
    }

    public var fieldNames: [String] {
        ["requests", "prompt_tokens", "cached_prompt_tokens", "completion_tokens", "tokens", "usd", "cells"]
    }

    public func field(_ name: String) -> Value? {
        switch name {
        case "cells": return .list(cells.map { .record(record($0)) })
        default: return record(session)[name]
        }
    }

    private func record(_ line: Line) -> Record {
        Record([
            "cell": .string(line.name), "requests": .int(line.requests), "prompt_tokens": .int(line.usage.promptTokens),
            "cached_prompt_tokens": .int(line.usage.cachedPromptTokens), "completion_tokens": .int(line.usage.completionTokens),
            "tokens": .int(line.usage.promptTokens + line.usage.completionTokens), "usd": line.cost.map(Value.float) ?? .nil,
        ])
    }
}

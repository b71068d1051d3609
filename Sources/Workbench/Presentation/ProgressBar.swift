import Foundation

/// A one-line progress bar for long work (generation, training), redrawn in place with a
/// carriage return on a terminal and reduced to its final line in saved notebook outputs.
///
/// ```
/// generate ▕██████████▌         ▏  52% 104/200 3.1 it/s ETA 0:31 tokens 9812
/// ```
public struct ProgressBar {
    /// What is progressing, e.g. `"generate"` or `"epoch 2/3"`.
    public var label: String
    /// Units of work in all.
    public var total: Int
    /// Bar width in character cells.
    public var width: Int = 20
    private let started: Date

    /// Starts a bar now.
    public init(label: String, total: Int, width: Int = 20, now: Date = Date()) {
        self.label = label
        self.total = max(total, 0)
        self.width = width
        self.started = now
    }

    /// The bar's text after `done` units, with extra fields appended (`loss 1.234`,
    /// `5120 tok/s`): write rates as `NUMBER UNIT/s` so `fewshot check` recognises them.
    /// `eta: false` leaves out the time left (for the final line of work that stopped early).
    public func line(done: Int, fields: [String] = [], now: Date = Date(), eta: Bool = true) -> String {
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let elapsed = now.timeIntervalSince(started)
        var parts = [label, bar(fraction), String(format: "%3d%%", Int(fraction * 100)), "\(done)/\(total)"]
        if elapsed > 0, done > 0 {
            let rate = Double(done) / elapsed
            parts.append(String(format: rate >= 10 ? "%.0f it/s" : "%.1f it/s", rate))
            if eta, done < total { parts.append("ETA " + ProgressBar.clock(Double(total - done) / rate)) }
        }
        parts += fields
        return parts.joined(separator: " ")
    }

    /// `m:ss` (or `h:mm:ss`) for a duration in seconds.
    public static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) }
        return String(format: "%d:%02d", s / 60, s % 60)
    }

    /// Eighth-block bar: full cells, one partial cell, then spaces, between thin edges.
    private func bar(_ fraction: Double) -> String {
        let eighths = Int((fraction * Double(width * 8)).rounded(.down))
        let partials = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        var cells = String(repeating: "█", count: eighths / 8)
        if eighths / 8 < width { cells += partials[eighths % 8] }
        cells += String(repeating: " ", count: max(0, width - cells.count))
        return "▕" + cells + "▏"
    }
}

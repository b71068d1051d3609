import Foundation
import TestSupport
import Testing

/// Ctrl-C at the REPL works in every session, from the first cell, on a busy machine: the
/// signal handler must be in place before the first prompt, whatever the thread scheduling.
@Suite(.serialized) struct ReplInterruptTests {
    /// Two processes spinning on the CPU for as long as the value lives.
    final class CPUHogs {
        private var processes: [Process] = []

        init(count: Int) throws {
            for _ in 0..<count {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/bin/sh")
                process.arguments = ["-c", "while :; do :; done"]
                try process.run()
                processes.append(process)
            }
        }

        deinit {
            for process in processes {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }
    }

    @Test func ctrlCStopsARunawayCellInEveryFreshSessionUnderLoad() throws {
        // The release binary when there is one (scripts/test builds it): it reaches its first
        // prompt fastest, which is when a handler installed late loses the race.
        let binary = try #require(
            FewshotProcess.binary(release: true) ?? FewshotProcess.binary(), "swift build makes .build/debug/fewshot")
        let home = try FewshotProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: home) }
        let hogs = try CPUHogs(count: 2)
        defer { withExtendedLifetime(hogs) {} }
        let sessions = 20
        var stoppedInTime = 0
        var slowest = 0.0
        var failures: [String] = []
        for session in 0..<sessions {
            let terminal = try PseudoTerminal(
                binary,
                environment: [
                    "HOME": home.path, "XDG_STATE_HOME": home.appendingPathComponent("state").path, "NO_COLOR": "1",
                ], directory: home)
            try terminal.waitForPrompt("fewshot [1]> ")
            // The loop starts once "spinning" shows: the Ctrl-C after it must stop the loop itself.
            terminal.type("print(\"spin\" + \"ning\"); while true {}" + PseudoTerminal.enter)
            try terminal.waitFor("spinning\n")
            let pressed = Date()
            terminal.type(PseudoTerminal.ctrlC)
            do {
                try terminal.waitFor("fewshot [2]> ", timeout: 1)
                let took = Date().timeIntervalSince(pressed)
                slowest = max(slowest, took)
                if took <= 1 { stoppedInTime += 1 } else { failures.append("session \(session + 1): \(took) s") }
            } catch {
                failures.append("session \(session + 1): no prompt within 1 s (\(status(of: terminal.pid)))")
            }
        }
        #expect(stoppedInTime == sessions, "Ctrl-C stopped the cell within 1 s in \(stoppedInTime) of \(sessions): \(failures)")
        print("Ctrl-C under load: \(stoppedInTime)/\(sessions) sessions stopped within 1 s; slowest \(slowest) s")
    }

    /// How SIGINT stands in the process (from /proc), for the failure message.
    private func status(of pid: pid_t) -> String {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return "no status" }
        return text.split(separator: "\n").filter { $0.hasPrefix("SigIgn") || $0.hasPrefix("SigCgt") }.joined(separator: ", ")
    }
}

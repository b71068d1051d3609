import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A program running on a pseudo-terminal, driven as a person at a keyboard drives it: the
/// tests type keys and wait for text to show on the screen.
///
///     let terminal = try PseudoTerminal(binary, environment: ["HOME": home])
///     try terminal.waitForPrompt("fewshot [1]> ")
///     terminal.type("1 + 1" + PseudoTerminal.enter)
///     try terminal.waitFor("2")
///
/// The program is the leader of a new session whose controlling terminal is the pty, so
/// Ctrl-C (`PseudoTerminal.ctrlC`) reaches it as SIGINT exactly when its terminal settings
/// say so. Waits never sleep a fixed time: they poll the output until the text shows or the
/// timeout passes.
final class PseudoTerminal {
    /// Keys as the terminal sends them.
    static let enter = "\r", tab = "\t", up = "\u{1B}[A", ctrlC = "\u{03}", ctrlD = "\u{04}"

    /// Why a wait failed.
    struct Timeout: Error, CustomStringConvertible {
        let description: String
    }

    /// The child's process id.
    let pid: pid_t
    private let master: Int32
    private var output = Data()
    /// How much of `screenText` (in UTF-8 bytes) earlier waits have already matched.
    private var matchedBytes = 0
    private var exitStatus: Int32?

    /// Starts `executable` with `arguments` on a new 120x40 terminal, in `directory`, with
    /// the current environment plus `TERM=xterm` and `environment`.
    init(_ executable: String, arguments: [String] = [], environment: [String: String] = [:], directory: URL? = nil) throws {
        master = try Self.openMaster()
        let slavePath = try Self.slavePath(of: master)
        var size = winsize(ws_row: 40, ws_col: 120, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Opened after setsid, the terminal becomes the child's controlling terminal.
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Started as a shell starts it: no signal blocked, none ignored. (A test runs on a thread
        // that blocks most signals, and a spawned child would inherit that mask, which hides
        // how the program really handles Ctrl-C.)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGTSTP, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Self.spawnSetSID | Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let env = ProcessInfo.processInfo.environment.merging(["TERM": "xterm"].merging(environment) { $1 }) { $1 }
        // The shell changes to the folder and becomes the program (same process).
        let command = ["/bin/sh", "-c", #"cd "$1" && shift && exec "$@""#, "sh", directory?.path ?? ".", executable] + arguments
        let argv = command.map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, "/bin/sh", &actions, &attributes, argv, envp)
        guard status == 0 else {
            close(master)
            throw Timeout(description: "cannot start \(executable): \(String(cString: strerror(status)))")
        }
        pid = child
    }

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        close(master)
    }

    /// Sends keys, as typed.
    func type(_ keys: String) {
        var bytes = Array(keys.utf8)
        while !bytes.isEmpty {
            let written = write(master, bytes, bytes.count)
            if written <= 0 { return }
            bytes.removeFirst(written)
        }
    }

    /// Everything the program has written so far, control sequences removed.
    var screenText: String { Self.plainText(output) }

    /// Everything the program has written so far, control sequences included.
    var rawText: String { String(decoding: output, as: UTF8.self) }

    /// Waits until `text` shows after what earlier waits matched; returns the screen text
    /// from there to the end of the match.
    @discardableResult
    func waitFor(_ text: String, timeout: TimeInterval = 20) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let screen = screenText
            let from = screen.utf8.index(screen.startIndex, offsetBy: min(matchedBytes, screen.utf8.count))
            if let found = screen.range(of: text, range: from..<screen.endIndex) {
                matchedBytes = screen.utf8.distance(from: screen.startIndex, to: found.upperBound)
                return String(screen[from..<found.upperBound])
            }
            guard Date() < deadline, readAvailable(waitingUpTo: deadline) else {
                throw Timeout(description: "no \(text.debugDescription) on the screen; it shows:\n\(screen[from...])")
            }
        }
    }

    /// Waits for `prompt`, then until the program reads keys (`waitUntilReadingKeys`).
    @discardableResult
    func waitForPrompt(_ prompt: String, timeout: TimeInterval = 20) throws -> String {
        let shown = try waitFor(prompt, timeout: timeout)
        try waitUntilReadingKeys(timeout: timeout)
        return shown
    }

    /// Waits until the program reads keys one at a time. A line editor prints its prompt
    /// before it switches the terminal out of line mode, and a key typed in between is
    /// handled by the terminal instead (Ctrl-D as end of file, Ctrl-C as a signal).
    func waitUntilReadingKeys(timeout: TimeInterval = 20) throws {
        let deadline = Date().addingTimeInterval(timeout)
        var settings = termios()
        // The master reports the terminal's settings, as the program set them.
        while tcgetattr(master, &settings) == 0, settings.c_lflag & tcflag_t(ICANON) != 0 {
            guard Date() < deadline else { throw Timeout(description: "the terminal stayed in line mode") }
            _ = readAvailable(waitingUpTo: Date().addingTimeInterval(0.005))
        }
    }

    /// Waits for the program to exit; its exit status (128 + N when killed by signal N).
    func waitForExit(timeout: TimeInterval = 20) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while exitStatus == nil {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                let signal = status & 0x7F
                exitStatus = signal == 0 ? (status >> 8) & 0xFF : 128 + signal
                break
            }
            guard Date() < deadline else { throw Timeout(description: "the program is still running") }
            _ = readAvailable(waitingUpTo: min(deadline, Date().addingTimeInterval(0.05)))
        }
        while readAvailable(waitingUpTo: Date()) {}
        return exitStatus!
    }

    // MARK: Reading

    /// Reads what the program wrote, waiting for output up to `deadline`; false once the
    /// deadline passed with nothing, or the program closed its terminal.
    private func readAvailable(waitingUpTo deadline: Date) -> Bool {
        var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(max(0, min(deadline.timeIntervalSinceNow, 0.25)) * 1000)
        guard poll(&poller, 1, milliseconds) > 0 else { return Date() < deadline }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(master, &buffer, buffer.count)
        guard count > 0 else { return false }  // EIO: the program exited
        output.append(contentsOf: buffer[..<count])
        return true
    }

    /// Text without escape sequences (CSI, OSC, two-byte), bells, carriage returns and
    /// backspaces: what matters to a test is which characters were written.
    static func plainText(_ data: Data) -> String {
        let text = String(decoding: data, as: UTF8.self)
        let patterns = [
            #"\x1B\[[0-9;?]*[ -/]*[@-~]"#, #"\x1B\][^\x07\x1B]*(\x07|\x1B\\)"#, #"\x1B[()][0-9A-Za-z]"#, #"\x1B[=>78MDEc]"#,
            #"[\x07\x08\r]"#,
        ]
        return patterns.reduce(text) { $0.replacingOccurrences(of: $1, with: "", options: .regularExpression) }
    }

    // MARK: Opening the terminal

    /// `POSIX_SPAWN_SETSID` from `<spawn.h>` (glibc 2.26+), a GNU extension Swift does not import.
    private static let spawnSetSID: Int16 = 0x80

    /// The master side of a new pseudo-terminal, its slave side unlocked.
    private static func openMaster() throws -> Int32 {
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else { throw Timeout(description: "cannot open /dev/ptmx") }
        // grantpt and unlockpt are XSI functions that Swift's Glibc module leaves out: look
        // them up in the C library (a nil handle is RTLD_DEFAULT).
        typealias PtyCall = @convention(c) (Int32) -> Int32
        for name in ["grantpt", "unlockpt"] {
            guard let symbol = dlsym(nil, name),
                unsafeBitCast(symbol, to: PtyCall.self)(master) == 0
            else {
                close(master)
                throw Timeout(description: "\(name) failed")
            }
        }
        return master
    }

    /// The path of the slave side, such as `/dev/pts/3`.
    private static func slavePath(of master: Int32) throws -> String {
        typealias NameCall = @convention(c) (Int32, UnsafeMutablePointer<CChar>, Int) -> Int32
        var name = [CChar](repeating: 0, count: 128)
        guard let symbol = dlsym(nil, "ptsname_r"),
            unsafeBitCast(symbol, to: NameCall.self)(master, &name, name.count) == 0
        else {
            close(master)
            throw Timeout(description: "ptsname_r failed")
        }
        return String(cString: name)
    }
}

import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Ends the process when a run goes past `--timeout` or `--max-memory`, so a notebook in CI
/// cannot hang or exhaust the machine.
///
/// A background thread checks the clock and the process's peak resident memory
/// (`getrusage`) every 50 ms. On a limit it writes one clear error line to standard error and
/// exits at once with `timeoutExitCode` or `memoryExitCode`, without running any more of the
/// notebook, so nothing is saved: a notebook is only written after a run finishes, and only
/// with `--save`, and saves replace files atomically. Resident memory (not address space) is
/// what is limited: address-space limits (`RLIMIT_AS`) break on the large reserved stack of
/// the evaluation thread, OpenBLAS's buffers and memory-mapped models. A very fast allocation
/// can overshoot the ceiling for up to one sampling interval.
///
/// ```swift
/// let watchdog = ResourceWatchdog(limits: ResourceLimits(timeout: 60, maxMemoryMB: 2048), subject: "nb.fsnb")
/// watchdog.start()
/// defer { watchdog.stop() }
/// ```
public final class ResourceWatchdog: @unchecked Sendable {
    /// The exit status after `--timeout` (as `timeout(1)` uses).
    public static let timeoutExitCode: Int32 = 124
    /// The exit status after `--max-memory`.
    public static let memoryExitCode: Int32 = 125

    /// The limits watched.
    public let limits: ResourceLimits
    /// What is running, for the message (e.g. the notebook's path).
    public let subject: String
    private let lock = NSLock()
    private var running = false
    private var started = Date()
    private var thread: Thread?

    /// A watchdog for `subject`; nothing is watched until `start()`.
    public init(limits: ResourceLimits, subject: String) {
        self.limits = limits
        self.subject = subject
    }

    /// Starts watching (the clock starts now). Does nothing when no limit is set.
    public func start() {
        guard limits.timeout != nil || limits.maxMemoryMB != nil else { return }
        lock.lock()
        defer { lock.unlock() }
        guard !running else { return }
        running = true
        started = Date()
        let thread = Thread { [self] in watch() }
        thread.name = "fewshot-watchdog"
        self.thread = thread
        thread.start()
    }

    /// Stops watching (e.g. before saving, so a limit never cuts a save short).
    public func stop() {
        lock.lock()
        running = false
        lock.unlock()
    }

    private var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        return running
    }

    private func watch() {
        while isRunning {
            if let timeout = limits.timeout, Date().timeIntervalSince(started) >= timeout {
                end("it ran longer than --timeout \(Self.format(timeout)) s", code: Self.timeoutExitCode)
            }
            if let ceiling = limits.maxMemoryMB {
                let used = Self.peakResidentMB()
                if used > Double(ceiling) {
                    end("it used \(Int(used)) MB of memory, more than --max-memory \(ceiling) MB", code: Self.memoryExitCode)
                }
            }
            usleep(50_000)
        }
    }

    private func end(_ reason: String, code: Int32) {
        lock.lock()  // held until exit: a concurrent stop() cannot start a save now
        guard running else {
            lock.unlock()
            return
        }
        fflush(stdout)
        let message = "error: \(subject): stopped, \(reason); nothing was saved\n"
        FileHandle.standardError.write(Data(message.utf8))
        _exit(code)
    }

    /// The most resident memory the process has used so far, in MiB.
    static func peakResidentMB() -> Double {
        var usage = rusage()
        #if os(Linux)
            let who = RUSAGE_SELF.rawValue
        #else
            let who = RUSAGE_SELF
        #endif
        guard getrusage(who, &usage) == 0 else { return 0 }
        #if os(Linux)
            return Double(usage.ru_maxrss) / 1024  // kilobytes
        #else
            return Double(usage.ru_maxrss) / (1024 * 1024)  // bytes
        #endif
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}

/// The limits of one run: wall-clock seconds and resident memory in MiB (nil: no limit).
public struct ResourceLimits: Sendable, Equatable {
    public var timeout: Double?
    public var maxMemoryMB: Int?

    public init(timeout: Double? = nil, maxMemoryMB: Int? = nil) {
        self.timeout = timeout
        self.maxMemoryMB = maxMemoryMB
    }
}

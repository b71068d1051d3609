import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Turns Ctrl-C (SIGINT) into a call to `onInterrupt` instead of ending the process, for as
/// long as the handler lives: the REPL uses it to stop the running cell and keep the session,
/// `fewshot run` and `-e` to stop the code, keep what the teacher answered, and exit 130.
///
/// Why not a `DispatchSource`: on Linux, libdispatch installs its own SIGINT handler later, on
/// its manager thread, and only once that thread gets to it. Until then the signal is ignored
/// (`SIG_IGN` had to be set first), and libedit, which saves the handlers when a line is read
/// and restores them when it returns, could save `SIG_IGN` before libdispatch's arrived and
/// then put it back over it: Ctrl-C was ignored for the rest of the session, in most fresh
/// sessions on a loaded machine. Here the handler is installed with `sigaction` before this
/// initialiser returns, does nothing but write a byte to a pipe (async-signal-safe), and a
/// thread of its own reads the pipe and calls `onInterrupt`.
public final class InterruptHandler {
    private let readEnd: Int32
    private let writeEnd: Int32
    private let state: State

    /// What the reading thread and the owner share.
    private final class State: @unchecked Sendable {
        let lock = NSLock()
        var count = 0
    }

    /// Installs the handler. `onInterrupt` runs on the handler's own thread, once per Ctrl-C.
    /// With `secondInterruptExits`, a second Ctrl-C ends the process at once with status 130
    /// (for commands that stop on the first: a way out if stopping hangs).
    public init(secondInterruptExits: Bool = false, onInterrupt: @escaping () -> Void) {
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) != 0 { ends = [-1, -1] }
        readEnd = ends[0]
        writeEnd = ends[1]
        for end in ends where end >= 0 { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        if writeEnd >= 0 { _ = fcntl(writeEnd, F_SETFL, fcntl(writeEnd, F_GETFL) | O_NONBLOCK) }
        state = State()
        let state = state
        let readEnd = readEnd
        Thread.detachNewThread {
            var byte: UInt8 = 0
            while readEnd >= 0 {
                let got = read(readEnd, &byte, 1)
                if got == 0 || (got < 0 && errno != EINTR) { break }
                guard got == 1 else { continue }
                state.lock.lock()
                state.count += 1
                let count = state.count
                state.lock.unlock()
                if secondInterruptExits && count >= 2 { _exit(130) }
                onInterrupt()
            }
            if readEnd >= 0 { close(readEnd) }
        }
        // The handler reads this global: set it (which also runs its lazy initialisation) before
        // the handler can run, so the handler itself only loads it.
        interruptPipe = writeEnd
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in interruptArrived() }
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(SIGINT, &action, nil)
        // A parent may have started us with SIGINT blocked (e.g. from a thread that blocks it).
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    }

    /// How many times Ctrl-C was pressed (SIGINT arrived) since the handler was installed.
    public var count: Int {
        state.lock.lock()
        defer { state.lock.unlock() }
        return state.count
    }

    deinit {
        signal(SIGINT, SIG_DFL)
        interruptPipe = -1
        if writeEnd >= 0 { close(writeEnd) }  // the reading thread sees the end and stops
    }
}

/// The pipe the SIGINT handler writes to; -1 when no `InterruptHandler` is installed.
nonisolated(unsafe) private var interruptPipe: Int32 = -1

/// The SIGINT handler's body: one byte down the pipe, nothing else (a signal handler may only
/// make async-signal-safe calls; `write` is one, and `errno` is kept for the interrupted code).
private func interruptArrived() {
    let saved = errno
    var byte: UInt8 = 1
    let fd = interruptPipe
    if fd >= 0 { _ = write(fd, &byte, 1) }
    errno = saved
}

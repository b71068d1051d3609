import Foundation

/// Runs a program that takes over the terminal, such as the user's editor, the way `git
/// commit` runs it: in fewshot's own session and process group, so it is in the terminal's
/// foreground and can read keys from it; with fewshot's standard input, output and error;
/// and with fewshot waiting, ignoring Ctrl-C meanwhile (the program handles its own keys).
///
/// Foundation's `Process` starts its child in a new session, without the terminal, where a
/// full-screen editor cannot read: vim stopped with "Vim: Error reading input, exiting...".
enum ForegroundCommand {
    struct SpawnError: Error, CustomStringConvertible {
        let code: Int32
        var description: String { String(cString: strerror(code)) }
    }

    /// Runs `arguments` (the first is the program's path) and returns its exit status (128 +
    /// the signal when a signal ended it).
    static func run(_ arguments: [String]) throws -> Int32 {
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var previous = sigaction()
        var ignore = sigaction()
        ignore.__sigaction_handler.sa_handler = SIG_IGN
        sigaction(SIGINT, &ignore, &previous)
        defer { sigaction(SIGINT, &previous, nil) }
        // The child starts with Ctrl-C at its default, whatever fewshot does with it.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], nil, &attributes, &argv, environ)
        guard spawned == 0 else { throw SpawnError(code: spawned) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}

import Dispatch
import Foundation

/// Turns Ctrl-C (SIGINT) into a call to `onInterrupt` instead of ending the process, for as
/// long as the handler lives: the REPL uses it to stop the running cell and keep the session.
final class InterruptHandler {
    private let source: DispatchSourceSignal

    init(onInterrupt: @escaping () -> Void) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler(handler: onInterrupt)
        source.resume()
    }

    deinit {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}

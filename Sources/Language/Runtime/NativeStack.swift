import Foundation

/// How much of the current thread's native stack is left.
///
/// The call-depth limit counts fewshot calls, but native recursion also comes from default
/// values, built-ins calling back into fewshot, and deep expressions; this is the backstop
/// that turns "about to run out of stack" into a "stack depth exceeded" error instead of a
/// crash.
enum NativeStack {
    /// Per thread: the lowest safe address, stored by `markThread` (absent on other threads).
    private static let floorKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Bytes kept free below the floor for the error path and for native code called at the
    /// deepest point (a built-in, a Foundation call).
    static let reserve = 1 << 20

    /// Records, at the start of a thread whose stack is `size` bytes, where its stack ends.
    static func markThread(stackSize size: Int) {
        let floor = current() &- UInt(size) &+ UInt(min(reserve, size / 4))
        pthread_setspecific(floorKey, UnsafeRawPointer(bitPattern: floor))
    }

    /// Whether `markThread` ran on this thread.
    static var isMarkedThread: Bool { pthread_getspecific(floorKey) != nil }

    /// The lowest address the current thread's stack may safely reach, as `markThread`
    /// recorded it; 0 (no check) on a thread not marked, e.g. a worker thread a built-in
    /// calls back into fewshot from, where the call-depth limit still applies.
    static var floor: UInt {
        pthread_getspecific(floorKey).map { UInt(bitPattern: $0) } ?? 0
    }

    /// An address near the top of the caller's frame (the stack grows down).
    @inline(never)
    static func current() -> UInt {
        var marker: UInt8 = 0
        return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
    }
}

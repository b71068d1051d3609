import CCurl

/// Owns one libcurl multi handle: it drives many easy handles at once on the calling thread and
/// keeps a cache of open connections, so consecutive transfers to one server reuse them.
final class CurlMulti {
    let handle: UnsafeMutableRawPointer

    init() throws {
        guard CurlRuntime.initialised else {
            throw CurlError(operation: "initialising", reason: "curl_global_init failed")
        }
        guard let handle = curl_multi_init() else {
            throw CurlError(operation: "creating a multi handle", reason: "curl_multi_init returned NULL")
        }
        self.handle = handle
    }

    deinit {
        curl_multi_cleanup(handle)
    }

    /// Starts driving `easy`.
    func add(_ easy: CurlEasy) throws {
        try CurlError.check(curl_multi_add_handle(handle, easy.handle), "adding a transfer")
    }

    /// Stops driving `easy` (finished or abandoned).
    func remove(_ easy: CurlEasy) {
        _ = curl_multi_remove_handle(handle, easy.handle)
    }

    /// Does whatever work is ready without blocking; returns how many transfers are still running.
    @discardableResult
    func perform() throws -> Int {
        var running: Int32 = 0
        try CurlError.check(curl_multi_perform(handle, &running), "driving transfers")
        return Int(running)
    }

    /// Waits up to `milliseconds` for socket activity on any transfer.
    func poll(milliseconds: Int) throws {
        try CurlError.check(curl_multi_poll(handle, nil, 0, Int32(milliseconds), nil), "waiting for sockets")
    }

    /// The next finished transfer: its raw easy handle and result code, or nil when none is waiting.
    func nextFinished() -> (handle: UnsafeMutableRawPointer, result: CURLcode)? {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(handle, &remaining) {
            if message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle {
                return (easy, fewshot_curl_msg_result(message))
            }
        }
        return nil
    }
}

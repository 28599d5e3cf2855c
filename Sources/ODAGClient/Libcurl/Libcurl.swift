import CCurlShim

/// libcurl, loaded at run time from `libcurl.so.4`.
///
/// Nothing links libcurl: the build needs only the Swift toolchain, and a command that never talks to a server
/// (`version`, `help`, `validate`) never loads it. The first transport loads it once for the whole process.
public enum Libcurl {
    /// Loads libcurl (once) and returns its version line, such as `libcurl/7.88.1 OpenSSL/3.0.19 …`.
    ///
    /// - Throws: ``HTTPTransportError`` of kind `.transportUnavailable`, naming what the loader said, when
    ///   `libcurl.so.4` is missing or unusable.
    @discardableResult
    public static func load() throws(HTTPTransportError) -> String {
        var message = [CChar](repeating: 0, count: 512)
        let status = message.withUnsafeMutableBufferPointer { buffer in
            odag_curl_load(buffer.baseAddress, buffer.count)
        }
        guard status == 0 else {
            let reason = message.withUnsafeBufferPointer { buffer in
                String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            throw HTTPTransportError(
                .transportUnavailable,
                detail: "libcurl (libcurl.so.4) cannot be loaded: \(reason); install the libcurl4 package"
                    + " (Debian and Ubuntu: apt-get install libcurl4)")
        }
        return odag_curl_version().map { String(cString: $0) } ?? "libcurl"
    }

    /// libcurl's own text for a result code.
    static func text(of code: Int32) -> String {
        odag_curl_strerror(code).map { String(cString: $0) } ?? "error \(code)"
    }
}

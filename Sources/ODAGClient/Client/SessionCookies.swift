import Foundation
import ODAGCore
import Synchronization

/// The cookies the server (Qlik's proxy) sets during one run, kept in memory and sent back on every later
/// request, so that the run is one proxy session instead of one per request.
///
/// The client keeps them rather than the transport: the transport stays a plain exchange (no cookies, no
/// state between requests), the values are known to the client's redaction (a server that echoes its
/// session cookie in an error message never gets it printed), and nothing ever writes them to disk. The
/// client talks to one server under one base URL, so every cookie that server sets applies to every
/// request; `Domain` and `Path` are not needed to choose. A cookie marked `Secure` is kept only over https,
/// and one set with a non-positive `Max-Age`, an `Expires` date already past, or an empty value is removed.
final class SessionCookies: Sendable {
    private let pairs = Mutex<[(name: String, value: String)]>([])
    private let overHTTPS: Bool

    /// A jar for a server reached over https (`Secure` cookies kept) or plain http.
    init(overHTTPS: Bool) {
        self.overHTTPS = overHTTPS
    }

    /// Takes the `Set-Cookie` fields of an answer received at `now`.
    func take(from headers: HTTPFields, now: Date) {
        let cookies = headers.values(for: "Set-Cookie").compactMap { Self.parse($0, now: now) }
        guard !cookies.isEmpty else { return }
        pairs.withLock { pairs in
            for cookie in cookies {
                pairs.removeAll { $0.name == cookie.name }
                if cookie.expired || (cookie.secure && !overHTTPS) { continue }
                pairs.append((cookie.name, cookie.value))
            }
        }
    }

    /// The `Cookie` field to send, `a=1; b=2`, or `nil` when the jar is empty. Cookies whose names
    /// `configured` (a `Cookie` field the caller set) already gives are left to it.
    func header(besides configured: String?) -> String? {
        let given = Set(
            (configured ?? "").split(separator: ";").compactMap { part in
                part.split(separator: "=", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) }
            })
        let sent = pairs.withLock { pairs in pairs.filter { !given.contains($0.name) } }
        guard !sent.isEmpty else { return nil }
        let ours = sent.map { "\($0.name)=\($0.value)" }.joined(separator: "; ")
        guard let configured, !configured.isEmpty else { return ours }
        return configured + "; " + ours
    }

    /// The cookie values, which no message may show.
    var values: [String] {
        pairs.withLock { pairs in pairs.map(\.value) }
    }

    /// One `Set-Cookie` field read: its name, value and the attributes that decide whether it is kept.
    private struct SetCookie {
        var name: String
        var value: String
        var secure = false
        var expired = false
    }

    /// Reads `name=value; Attr; Attr=x`, or `nil` when the field has no `name=` (RFC 6265 §5.2 ignores it).
    private static func parse(_ field: String, now: Date) -> SetCookie? {
        let parts = field.split(separator: ";", omittingEmptySubsequences: false)
        guard let first = parts.first, let equals = first.firstIndex(of: "=") else { return nil }
        let name = first[..<equals].trimmingCharacters(in: .whitespaces)
        var value = first[first.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        if value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"") {
            value = String(value.dropFirst().dropLast())
        }
        // A name or value that could not be sent back in one `Cookie` field is not kept.
        let sendable = { (text: String) in
            text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: ",") }
        }
        guard !name.isEmpty, sendable(name), value.isEmpty || sendable(value) else { return nil }
        var cookie = SetCookie(name: name, value: value)
        var maxAge: Int?
        var expires: Date?
        for attribute in parts.dropFirst() {
            let pair = attribute.split(separator: "=", maxSplits: 1)
            let key = (pair.first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
            let argument = pair.count > 1 ? pair[1].trimmingCharacters(in: .whitespaces) : ""
            switch key {
            case "secure": cookie.secure = true
            case "max-age": maxAge = Int(argument) ?? maxAge
            case "expires": expires = RetryAfter.httpDate(argument) ?? expires
            default: break
            }
        }
        // `Max-Age` wins over `Expires` (RFC 6265 §5.3).
        if let maxAge {
            cookie.expired = maxAge <= 0
        } else if let expires {
            cookie.expired = expires <= now
        }
        cookie.expired = cookie.expired || value.isEmpty
        return cookie
    }
}

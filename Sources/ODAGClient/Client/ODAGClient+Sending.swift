import Foundation
import ODAGCore

extension ODAGClient {
    /// Characters left as they are in a path segment (RFC 3986 unreserved).
    private static let segmentAllowed = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// The percent-encoded path of an operation under the base URL, such as `/api/odag/v1/links/4e2c…`.
    func urlPath(of operation: Operation) -> String {
        let segments = operation.path.map { segment -> String in
            // Names and UUIDs need no encoding; skipping Foundation's encoder for them saves time on every call.
            let plain = segment.utf8.allSatisfy { byte in
                (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                    || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
            }
            // `.` and `..` would be read as "this" and "parent" folders: encode their dots.
            if segment == "." || segment == ".." { return segment.replacingOccurrences(of: ".", with: "%2E") }
            if plain { return segment }
            return segment.addingPercentEncoding(withAllowedCharacters: Self.segmentAllowed) ?? ""
        }
        return basePath + "/" + segments.joined(separator: "/")
    }

    /// The HTTP request for one attempt, with a fresh xrfkey.
    func makeRequest(for operation: Operation) throws(ODAGClientError) -> HTTPRequest {
        let key = Xrfkey.generate(using: random)
        guard var components = URLComponents(url: configuration.baseURL, resolvingAgainstBaseURL: false) else {
            throw .invalidConfiguration("the server URL \"\(configuration.baseURL.absoluteString)\" cannot be used")
        }
        components.percentEncodedPath = urlPath(of: operation)
        components.percentEncodedQuery = (["Xrfkey=\(key)"] + operation.query.map { "\($0.name)=\($0.value)" })
            .joined(separator: "&")
        components.fragment = nil
        guard let url = components.url else {
            throw .invalidConfiguration("no URL can be made from \"\(configuration.baseURL.absoluteString)\"")
        }
        var headers = configuration.headers
        if let agent = configuration.userAgent { headers.replaceOrAdd(name: "User-Agent", value: agent) }
        if let token = configuration.bearerToken {
            headers.replaceOrAdd(name: "Authorization", value: "Bearer \(token)")
        }
        if let cookie = cookies.header(besides: headers["Cookie"]) {
            headers.replaceOrAdd(name: "Cookie", value: cookie)
        }
        headers.replaceOrAdd(name: "X-Qlik-Xrfkey", value: key)
        headers.replaceOrAdd(name: "Accept", value: "application/json")
        var body: [UInt8]?
        if let json = operation.body {
            body = JSONWriter.bytes(json)
            headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        } else {
            headers.remove("Content-Type")
        }
        return HTTPRequest(
            method: operation.method, url: url, headers: headers, body: body, timeout: configuration.timeout)
    }

    /// Sends an operation and decodes its successful answer with `read`.
    func decode<T>(_ operation: Operation, _ read: (JSONValue) throws(ModelError) -> T) async throws -> T {
        let response = try await send(operation)
        let json: JSONValue
        do {
            json = try JSONParser.parse(response.body)
        } catch {
            throw syntaxError(error, in: response, operation: operation)
        }
        do {
            return try read(json)
        } catch {
            throw modelError(error, in: response, operation: operation)
        }
    }

    /// Sends an operation whose successful answer is an array, and decodes each element with `read` (given the
    /// element and its path, `[3]`) as soon as the parser has read it, so that the answer never exists as one
    /// JSON value beside the models made of it (for `GET /links`, the value would be several times the size of the
    /// body). An answer that is not an array is given to `list`, to say so as ``decode(_:_:)`` would. Errors are
    /// those of ``decode(_:_:)`` with `list`: a syntax error anywhere before the first model error.
    func decodeList<Element>(
        _ operation: Operation, headers: (HTTPFields) -> Void = { _ in },
        list: (JSONValue) throws(ModelError) -> [Element],
        element read: (JSONValue, String) throws(ModelError) -> Element
    ) async throws -> [Element] {
        let response = try await send(operation)
        headers(response.headers)
        var elements: [Element] = []
        var failure: ModelError?
        let other: JSONValue?
        do throws(JSONSyntaxError) {
            other = try JSONParser.parseElements(response.body) { value, index in
                // After a model error the rest is still parsed: a syntax error in it is the error to report.
                guard failure == nil else { return }
                do throws(ModelError) {
                    elements.append(try read(value, JSONPath.appending(index: index, to: "")))
                } catch {
                    failure = error
                }
            }
        } catch {
            throw syntaxError(error, in: response, operation: operation)
        }
        do throws(ModelError) {
            if let failure { throw failure }
            if let other { return try list(other) }
            return elements
        } catch {
            throw modelError(error, in: response, operation: operation)
        }
    }

    /// The error for an answer that is not JSON.
    private func syntaxError(_ error: JSONSyntaxError, in response: HTTPResponse, operation: Operation)
        -> ODAGClientError
    {
        let detail = response.body.isEmpty ? "the body is empty" : "the body is not valid JSON: \(error)"
        return .decoding(
            method: operation.method, path: urlPath(of: operation), status: response.status, detail: detail)
    }

    /// The error for an answer that does not fit its model.
    private func modelError(_ error: ModelError, in response: HTTPResponse, operation: Operation) -> ODAGClientError {
        let where_ = error.path.isEmpty ? "" : "\(error.path): "
        return .decoding(
            method: operation.method, path: urlPath(of: operation), status: response.status,
            detail: redact(where_ + error.message))
    }

    /// Sends an operation with retries and returns its successful (`2xx`) answer, or throws ``ODAGClientError``.
    func send(_ operation: Operation) async throws -> HTTPResponse {
        let policy = configuration.retryPolicy
        let path = urlPath(of: operation)
        let method = operation.method
        guard !operation.path.contains(where: \.isEmpty) else {
            // `DELETE /links/` must never be sent for a missing id.
            throw ODAGClientError.invalidArgument("\(method) \(path): an id is empty")
        }
        var outcomeUnknownEarlier = false
        var attempt = 0
        while true {
            attempt += 1
            try Task.checkCancellation()
            let request = try makeRequest(for: operation)
            let started = ContinuousClock.now
            let response: HTTPResponse
            do {
                response = try await transport.send(request)
            } catch let error as HTTPTransportError {
                logger?(
                    RequestLogEntry(
                        method: method, path: path, status: nil, duration: ContinuousClock.now - started,
                        attempt: attempt, failure: redact(error.detail)))
                let failure = ODAGClientError.transport(method: method, path: path, redacted(error))
                if error.delivery == .mayHaveBeenSent {
                    if operation.safety == .once {
                        throw ODAGClientError.outcomeUnknown(operation: "\(method) \(path)", underlying: failure)
                    }
                    outcomeUnknownEarlier = true
                }
                guard attempt < policy.maxAttempts, error.isWorthRetrying else { throw failure }
                let wait = policy.delay(beforeRetry: attempt, retryAfter: nil, random: random)
                announce(operation, attempt: attempt, wait: wait, reason: redact(error.detail))
                try await pause(wait)
                continue
            }
            cookies.take(from: response.headers, now: now())
            logger?(
                RequestLogEntry(
                    method: method, path: path, status: response.status, duration: ContinuousClock.now - started,
                    attempt: attempt))
            if response.isSuccess && !response.looksLikeHTML {
                return response
            }
            if response.status == 404 && method == "DELETE" && outcomeUnknownEarlier {
                // An earlier attempt that got no clear answer did the delete.
                return response
            }
            let failure = error(for: response, operation: operation)
            let serverSide = response.status >= 500
            if operation.safety == .once && serverSide {
                throw ODAGClientError.outcomeUnknown(operation: "\(method) \(path)", underlying: failure)
            }
            guard policy.retryableStatuses.contains(response.status), attempt < policy.maxAttempts else {
                throw failure
            }
            if serverSide { outcomeUnknownEarlier = true }
            let retryAfter = response.headers["Retry-After"].flatMap { RetryAfter.seconds(from: $0, now: now()) }
            let wait = policy.delay(beforeRetry: attempt, retryAfter: retryAfter, random: random)
            announce(operation, attempt: attempt, wait: wait, reason: "the server answered \(response.status)")
            try await pause(wait)
        }
    }

    /// Tells the retry observer, if any, that `operation` is retried after `wait` seconds.
    private func announce(_ operation: Operation, attempt: Int, wait: Double, reason: String) {
        guard let retryObserver else { return }
        retryObserver(
            RetryNotice(
                method: operation.method, path: urlPath(of: operation), failedAttempt: attempt,
                maximumAttempts: configuration.retryPolicy.maxAttempts, wait: wait.isFinite ? max(0, wait) : 0,
                reason: reason))
    }

    private func pause(_ seconds: Double) async throws {
        // Clamped so that no policy, however configured, can make the conversion trap.
        let bounded = seconds.isFinite ? min(max(0, seconds), 1e9) : 0
        try await sleeper(.nanoseconds(Int64((bounded * 1e9).rounded())))
    }

    /// The error for an unsuccessful (or HTML) answer.
    func error(for response: HTTPResponse, operation: Operation) -> ODAGClientError {
        let path = urlPath(of: operation)
        let method = operation.method
        let status = response.status
        let message = serverMessage(in: response)
        switch status {
        case 401, 403, 407:
            return .authenticationFailed(method: method, path: path, status: status, message: message)
        case 300..<400:
            return .redirected(
                method: method, path: path, status: status,
                location: response.headers["Location"].map { redact(String($0.prefix(200))) })
        default:
            break
        }
        if response.looksLikeHTML {
            return .htmlPage(method: method, path: path, status: status)
        }
        if status == 404 {
            return .notFound(method: method, path: path, object: operation.missing, message: message)
        }
        if operation.checksModifiedDate && (status == 409 || status == 400 && namesModifiedDate(response, message)) {
            return .staleModifiedDate(method: method, path: path, status: status, message: message)
        }
        return .server(method: method, path: path, status: status, message: message)
    }

    /// The server's explanation: `message`, or a problem document's `detail` then `title`, or a short plain-text
    /// body. Secrets are redacted.
    func serverMessage(in response: HTTPResponse) -> String? {
        guard !response.body.isEmpty, !response.looksLikeHTML else { return nil }
        if let json = try? JSONParser.parse(response.body, options: .init(allowDuplicateKeys: true)) {
            for key in ["message", "detail", "title", "error"] {
                if let text = json[key]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty {
                    return redact(String(text.prefix(500)))
                }
            }
            return nil
        }
        guard let text = String(validating: response.body, as: UTF8.self) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 300, !trimmed.contains(where: { $0.isNewline }) else { return nil }
        return redact(trimmed)
    }

    /// Whether a refusal names `modifiedDate`, in its message or (when it has none the client reads) its body.
    private func namesModifiedDate(_ response: HTTPResponse, _ message: String?) -> Bool {
        let text = message ?? String(decoding: response.body.prefix(4096), as: UTF8.self)
        return text.lowercased().contains("modifieddate")
    }

    /// `text` with every configured secret and session cookie replaced by `<redacted>`.
    func redact(_ text: String) -> String {
        var result = text
        for secret in configuration.secrets + cookies.values where secret.count >= 4 {
            result = result.replacingOccurrences(of: secret, with: "<redacted>")
        }
        return result
    }

    private func redacted(_ error: HTTPTransportError) -> HTTPTransportError {
        var copy = error
        copy.detail = redact(error.detail)
        return copy
    }
}

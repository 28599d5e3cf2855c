import Foundation
import ODAGClient
import ODAGCore
import ODAGEmulator
import Synchronization

/// A loopback proxy in front of a qseow emulator that, just before it forwards the first `PUT` of one
/// link, lets another writer change that link: a concurrent change between a command's read and its
/// write, made at a fixed point of the conversation rather than by timing.
final class MeddlingProxy: Sendable {
    private let server: HTTPServer
    private let meddled: Flag

    /// The API base URL, for `--server`.
    var url: String { "http://127.0.0.1:\(server.port)/api/odag/v1" }

    init(inFrontOf target: QseowTestEmulator, linkId: String, edit: [String: JSONValue]) throws {
        guard let origin = URL(string: "http://127.0.0.1:\(target.emulator.port)") else {
            throw CocoaError(.fileReadInvalidFileName)
        }
        let transport = try TransportFactory.make(for: origin).transport
        let meddled = Flag()
        self.meddled = meddled
        server = try HTTPServer { request in
            let first =
                request.method == "PUT" && request.path.hasSuffix("/links/" + linkId)
                && meddled.raise()
            if first {
                _ = MeddlingProxy.blocking { try await target.editBehindTheBack(id: linkId, edit) }
            }
            var headers = request.headers
            for name in ["Host", "Content-Length", "Connection", "Transfer-Encoding"] { headers.remove(name) }
            guard let url = URL(string: origin.absoluteString + request.target) else {
                return HTTPServer.errorResponse(status: 400, message: "bad target")
            }
            let forwarded = HTTPRequest(
                method: request.method, url: url, headers: headers,
                body: request.body.isEmpty && request.method == "GET" ? nil : request.body)
            switch MeddlingProxy.blocking({ try await transport.send(forwarded) }) {
            case .success(let response):
                var back = response.headers
                for name in ["Content-Length", "Connection", "Transfer-Encoding"] { back.remove(name) }
                return HTTPServerResponse(status: response.status, headers: back, body: response.body)
            case .failure:
                return .drop
            }
        }
    }

    /// Whether the other writer has changed the link.
    var didMeddle: Bool { meddled.isRaised }

    /// Runs `work` to its end from a server thread (not one of the cooperative pool's).
    private static func blocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) -> Result<T, any Error>
    {
        let result = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let outcome: Result<T, any Error>
            do { outcome = .success(try await work()) } catch { outcome = .failure(error) }
            result.withLock { $0 = outcome }
            done.signal()
        }
        done.wait()
        return result.withLock { $0 } ?? .failure(CocoaError(.featureUnsupported))
    }

    deinit { server.stop() }
}

/// A flag raised once.
private final class Flag: Sendable {
    private let value = Mutex(false)

    /// Raises the flag; true for the one call that raised it.
    func raise() -> Bool {
        value.withLock { raised in
            defer { raised = true }
            return !raised
        }
    }

    var isRaised: Bool { value.withLock { $0 } }
}

import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A private CA with a server certificate for 127.0.0.1 and localhost and a client certificate, made with openssl.
struct PrivateCA {
    let folder: String
    var ca: String { folder + "/ca.pem" }
    var serverCert: String { folder + "/server.pem" }
    var serverKey: String { folder + "/server.key" }
    var clientCert: String { folder + "/client.pem" }
    var clientKey: String { folder + "/client.key" }

    init(folder: String) throws {
        self.folder = folder
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        guard let openssl = NginxTerminator.find("openssl") else {
            throw BenchError("the https section needs openssl to make its certificates")
        }
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try Self.run(
            openssl,
            ["req", "-x509"] + key + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=bench CA"],
            in: folder)
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
            .write(toFile: folder + "/server.ext", atomically: true, encoding: .utf8)
        try "extendedKeyUsage=clientAuth\n".write(toFile: folder + "/client.ext", atomically: true, encoding: .utf8)
        for name in ["server", "client"] {
            try Self.run(
                openssl, ["req"] + key + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(name)"],
                in: folder)
            try Self.run(
                openssl,
                [
                    "x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", "\(name).pem", "-days", "2", "-extfile", "\(name).ext",
                ], in: folder)
        }
    }

    static func run(_ program: String, _ arguments: [String], in folder: String) throws {
        let outcome = try ChildProcess.run(program, arguments, directory: folder)
        guard outcome.status == 0 else {
            throw BenchError("\(program) \(arguments.joined(separator: " ")) exited \(outcome.status)")
        }
    }
}

/// nginx terminating TLS in front of an emulator, unprivileged on loopback ports: one listener with the server
/// certificate, one that also requires a client certificate; HTTP/2 offered on both (the client must pin
/// HTTP/1.1), keep-alive to the upstream as Qlik's proxy does.
final class NginxTerminator {
    let port: Int
    let mutualPort: Int
    let upstreamPath: String
    private let process: Process

    var baseURL: String { "https://127.0.0.1:\(port)\(upstreamPath)" }
    var mutualBaseURL: String { "https://127.0.0.1:\(mutualPort)\(upstreamPath)" }

    private init(port: Int, mutualPort: Int, upstreamPath: String, process: Process) {
        self.port = port
        self.mutualPort = mutualPort
        self.upstreamPath = upstreamPath
        self.process = process
    }

    /// The first executable `name` on PATH or in the system folders, or `nil`.
    static func find(_ name: String) -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/sbin:/usr/bin:/sbin:/bin"
        for folder in path.split(separator: ":") where !folder.isEmpty {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// nginx, installed from the Debian packages when missing (`apt-get update` once, then
    /// `apt-get install -y nginx`; needs root and the network).
    static func locateOrInstall(log: (String) -> Void) throws -> String {
        if let nginx = find("nginx") { return nginx }
        guard let aptGet = find("apt-get"), getuid() == 0 else {
            throw BenchError("the https section needs nginx: install it (apt-get install nginx) or run as root")
        }
        log("https: nginx is missing; installing it with apt-get")
        for arguments in [["update", "-qq"], ["install", "-y", "-qq", "nginx"]] {
            setenv("DEBIAN_FRONTEND", "noninteractive", 1)
            let outcome = try ChildProcess.run(aptGet, arguments)
            guard outcome.status == 0 else {
                throw BenchError("apt-get \(arguments.joined(separator: " ")) exited \(outcome.status)")
            }
        }
        guard let nginx = find("nginx") else { throw BenchError("nginx is still missing after apt-get install") }
        return nginx
    }

    /// A free loopback port (bound and released; nginx takes it right after).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError("cannot make a socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(fd, generic, length) == 0 && getsockname(fd, generic, &length) == 0
            }
        }
        guard bound else { throw BenchError("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether something accepts connections on the loopback `port`.
    static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// Starts nginx in `folder` in front of the emulator at `upstream` (its base URL).
    static func start(nginx: String, folder: String, upstream: String, certificates: PrivateCA) throws
        -> NginxTerminator
    {
        guard let url = URL(string: upstream), let upstreamPort = url.port else {
            throw BenchError("bad upstream \(upstream)")
        }
        try FileManager.default.createDirectory(atPath: folder + "/temp", withIntermediateDirectories: true)
        let port = try freePort()
        let mutualPort = try freePort()
        let location = """
                    location / {
                        proxy_pass http://odag;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_set_header Host $host:$server_port;
                        proxy_buffering off;
                    }
            """
        let config = """
            daemon off;
            worker_processes 1;
            pid \(folder)/nginx.pid;
            error_log \(folder)/error.log warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path \(folder)/temp/body;
                proxy_temp_path \(folder)/temp/proxy;
                fastcgi_temp_path \(folder)/temp/fastcgi;
                uwsgi_temp_path \(folder)/temp/uwsgi;
                scgi_temp_path \(folder)/temp/scgi;
                upstream odag { server 127.0.0.1:\(upstreamPort); keepalive 64; }
                ssl_certificate \(certificates.serverCert);
                ssl_certificate_key \(certificates.serverKey);
                server {
                    listen 127.0.0.1:\(port) ssl http2;
            \(location)
                }
                server {
                    listen 127.0.0.1:\(mutualPort) ssl http2;
                    ssl_client_certificate \(certificates.ca);
                    ssl_verify_client on;
            \(location)
                }
            }
            """
        try config.write(toFile: folder + "/nginx.conf", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: nginx)
        process.arguments = ["-p", folder, "-c", folder + "/nginx.conf"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let terminator = NginxTerminator(
            port: port, mutualPort: mutualPort, upstreamPath: url.path, process: process)
        // Waits for nginx to listen: polled, as a benchmark may; bounded so a broken config fails clearly.
        let deadline = ContinuousClock.now + .seconds(20)
        while !(accepts(port) && accepts(mutualPort)) {
            guard process.isRunning, ContinuousClock.now < deadline else {
                terminator.stop()
                let log = (try? String(contentsOfFile: folder + "/error.log", encoding: .utf8)) ?? ""
                throw BenchError("nginx did not start: \(log.suffix(500))")
            }
            usleep(20_000)
        }
        return terminator
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}

import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive lock on `.NAME.lock` beside a state file `NAME`, held while an emulator serves that file.
///
/// Two emulators on one state file would each overwrite the other's changes with their own snapshot, losing
/// acknowledged writes; the second one is refused instead. The lock is `flock(2)`: the kernel drops it when the
/// holder exits, even by `kill -9`, so a lock file left behind never blocks anything. The file holds the holder's
/// process id (for the message) and is removed when the lock is released.
final class StateFileLock: Sendable {
    private let lockPath: String
    private let descriptor = Mutex<Int32?>(nil)

    private init(path: String, descriptor: Int32) {
        self.lockPath = path
        self.descriptor.withLock { $0 = descriptor }
    }

    deinit {
        release()
    }

    /// The lock file's path for a state file.
    static func path(for statePath: String) -> String {
        let url = URL(fileURLWithPath: statePath)
        return url.deletingLastPathComponent().path + "/." + url.lastPathComponent + ".lock"
    }

    /// Takes the lock for `statePath`, or throws ``EmulatorError/stateFileLocked(path:holder:)`` when another
    /// emulator (in this process or another) holds it.
    static func acquire(statePath: String) throws(EmulatorError) -> StateFileLock {
        let lockPath = path(for: statePath)
        // A holder that releases removes the file; a lock taken on a file that was removed (or replaced) in the
        // meantime protects nothing, so it is taken again on the file now at the path.
        for _ in 0..<8 {
            // O_NOFOLLOW: a symbolic link planted at the lock's path (another user's, in a shared folder) must
            // not make the emulator write its process id into the file it points at.
            let descriptor = open(lockPath, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else {
                let code = errno
                let reason =
                    code == ELOOP
                    ? "it is a symbolic link" : String(cString: strerror(code)).lowercased()
                throw .stateFileWriteFailed(
                    path: statePath, reason: "cannot create its lock file \(lockPath): \(reason)")
            }
            // Nor a hard link to someone else's file, nor anything but a plain file of our own.
            var opened = stat()
            guard fstat(descriptor, &opened) == 0 else {
                close(descriptor)
                continue
            }
            // Released (unlinked) by its holder since it was opened: take the lock on the next file.
            if opened.st_nlink == 0 {
                close(descriptor)
                continue
            }
            guard opened.st_mode & S_IFMT == S_IFREG, opened.st_nlink == 1, opened.st_uid == geteuid() else {
                close(descriptor)
                throw .stateFileWriteFailed(
                    path: statePath,
                    reason: "its lock file \(lockPath) is not a plain file of this user with a single link")
            }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                let code = errno
                let holder = readHolder(descriptor)
                close(descriptor)
                if code == EWOULDBLOCK { throw .stateFileLocked(path: statePath, holder: holder) }
                let reason = String(cString: strerror(code)).lowercased()
                throw .stateFileWriteFailed(path: statePath, reason: "cannot lock \(lockPath): \(reason)")
            }
            var held = stat()
            var current = stat()
            guard fstat(descriptor, &held) == 0, stat(lockPath, &current) == 0, held.st_ino == current.st_ino,
                held.st_dev == current.st_dev
            else {
                close(descriptor)
                continue
            }
            let text = Array("\(getpid())\n".utf8)
            _ = ftruncate(descriptor, 0)
            _ = text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
            return StateFileLock(path: lockPath, descriptor: descriptor)
        }
        throw .stateFileWriteFailed(path: statePath, reason: "its lock file \(lockPath) keeps being replaced")
    }

    /// Removes the lock file and gives the lock up (once).
    func release() {
        let held = descriptor.withLock { value -> Int32? in
            defer { value = nil }
            return value
        }
        guard let held else { return }
        // Removed while still locked, so nobody can lock this file and believe it is the current one.
        unlink(lockPath)
        close(held)
    }

    /// The process id written in the lock file, if it is one.
    private static func readHolder(_ descriptor: Int32) -> Int? {
        var bytes = [UInt8](repeating: 0, count: 32)
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int(String(decoding: bytes[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

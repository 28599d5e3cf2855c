import Foundation
import Synchronization

/// Runs `body(0..<count)` on `count` real threads at once (blocking socket I/O would stall a
/// cooperative pool) and returns the errors they threw.
func runOnThreads(_ count: Int, _ body: @escaping @Sendable (Int) throws -> Void) -> [String] {
    let group = DispatchGroup()
    let errors = Mutex<[String]>([])
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            do {
                try body(index)
            } catch {
                errors.withLock { $0.append("thread \(index): \(error)") }
            }
            group.leave()
        }
        thread.start()
    }
    group.wait()
    return errors.withLock { $0 }
}

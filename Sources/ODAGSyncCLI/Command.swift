import Foundation

/// One `odag-sync` subcommand: its help and how it runs.
public protocol Command: Sendable {
    /// The name typed on the command line.
    static var name: String { get }
    /// One line for the command list.
    static var summary: String { get }
    /// The usage line after `odag-sync`, e.g. `plan [PATHS…] [options]`.
    static var usage: String { get }
    /// A paragraph or two explaining the command.
    static var discussion: String { get }
    /// Example invocations, each with a comment line.
    static var examples: [String] { get }
    /// The flags the command accepts.
    static var options: [OptionSpec] { get }
    /// Runs the command; failures are thrown as ``CommandError``.
    static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode
}

/// What a command gets from the process: the console, the environment, the working folder.
public struct CommandContext: Sendable {
    /// Where output goes.
    public var console: Console
    /// The process environment.
    public var environment: [String: String]
    /// The current folder.
    public var currentDirectory: String
    /// The time now, read where a plan or a metric is stamped (tests pass a fixed clock).
    public var clock: @Sendable () -> Date
    /// The run's secrets, redacted from all output once known.
    public let redactions = Redactions()

    /// Creates a context.
    public init(
        console: Console, environment: [String: String], currentDirectory: String,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.console = console
        self.environment = environment
        self.currentDirectory = currentDirectory
        self.clock = clock
    }
}

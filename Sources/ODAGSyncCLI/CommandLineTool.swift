/// The `odag-sync` command line.
public enum CommandLineTool {
    /// Runs the command line with `arguments` (without the program name) and returns the exit code.
    public static func main(_ arguments: [String]) async -> Int32 {
        return 0
    }
}

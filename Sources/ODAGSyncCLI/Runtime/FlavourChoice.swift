import ODAGCore
import ODAGSync

/// Which API flavour a command speaks to its server. The precedence (`--api`, then the environment's `"api"`,
/// then the config's top-level `"api"`, then `auto`) is applied by the project loader, which also checks the
/// manifests against the flavour named; this checks a server's flavour against the manifests' or a plan's.
enum FlavourChoice {
    /// `--api` when the command takes it and it was given; the project loader lets it replace the config's
    /// `"api"` (`auto` clears it).
    static func requested(_ arguments: ParsedArguments) throws -> APIChoice? {
        guard arguments.declares("--api"), let text = try arguments.choice("--api", APIChoice.names) else {
            return nil
        }
        return APIChoice(rawValue: text)
    }

    /// How the flavour in `config.api` was named, for messages: `as --api says` or as the config says.
    static func named(_ arguments: ParsedArguments) -> String {
        arguments.given("--api") ? "as --api says" : "as the config's \"api\" says"
    }

    /// Refuses a server flavour (`server`, known `how`) that differs from the one the manifests or plan
    /// (`written`, named by `subject`) are written in: nothing of the one can be sent in the other's shapes.
    static func check(server: APIFlavour, how: String, against written: APIFlavour?, subject: String) throws {
        guard let written, written != server else { return }
        let plan = subject == "the plan"
        throw CommandError.failed(
            "the server speaks the \(server.rawValue) API flavour (\(how)), but \(subject) \(plan ? "is" : "are") "
                + "written in the \(written.rawValue) flavour",
            hint: plan
                ? "make a new plan against this server"
                : "write the manifests in the server's flavour (README: Real Qlik Sense servers), or correct "
                    + "\"api\" or --api")
    }
}

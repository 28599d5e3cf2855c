import ODAGCore
import ODAGSync

/// Which API flavour a command speaks to its server: the one place that applies the precedence (`--api`, then
/// the environment's `"api"`, then the config's top-level `"api"`, then `auto`) and checks it against the
/// flavour the manifests (or a plan file) are written in.
enum FlavourChoice {
    /// The settings with `--api` applied when the command takes it and it was given (`auto` clears the
    /// config's choice).
    static func applying(_ arguments: ParsedArguments, to config: ResolvedConfig) throws -> ResolvedConfig {
        guard arguments.declares("--api"), let text = try arguments.choice("--api", APIChoice.names),
            let choice = APIChoice(rawValue: text)
        else { return config }
        return config.overriding(api: choice)
    }

    /// How the flavour in `config.api` was named, for messages: `--api says so` or the config's.
    static func named(_ arguments: ParsedArguments) -> String {
        arguments.given("--api") ? "as --api says" : "as the config's \"api\" says"
    }

    /// The flavour the project's links are written in (`nil` when it declares none), checked against the one
    /// the config or `--api` names before any server is reached.
    static func written(_ project: LoadedProject, _ arguments: ParsedArguments) throws -> APIFlavour? {
        let written = try flavour(of: project.links)
        if let named = project.config.api {
            try check(server: named, how: Self.named(arguments), against: written, subject: "the manifests")
        }
        return written
    }

    /// The flavour the declared links are written in, or `nil` when there are none. Links of both flavours
    /// are an error naming one of each (the loader reports mixed files first; this guards what it lets through).
    static func flavour(of links: [DeclaredLink]) throws -> APIFlavour? {
        guard let first = links.first else { return nil }
        if let other = links.first(where: { $0.flavour != first.flavour }) {
            throw CommandError.failed(
                "the manifests mix API flavours: \(quoted(first.name)) is written in the \(first.flavour.rawValue) "
                    + "flavour, \(quoted(other.name)) in the \(other.flavour.rawValue) flavour",
                hint: "write every manifest of a project in the flavour its server speaks")
        }
        return first.flavour
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

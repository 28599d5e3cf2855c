/// A link name as the planner's name table keys it, keeping its hash. `Dictionary` compares the key in
/// every bucket it probes, and two names compare by `memcmp` in their own allocations (a cache miss
/// each at 100,000 links); with the hash kept, a probe reads another name's text only when the hashes
/// agree. Equal exactly when the names are the same Unicode scalars (``ExactText``): canonically
/// equivalent names share a hash and stay apart.
struct NameKey: Hashable {
    let name: String
    let hash: Int

    init(_ name: String) {
        self.name = name
        hash = name.hashValue
    }

    static func == (lhs: NameKey, rhs: NameKey) -> Bool { lhs.hash == rhs.hash && ExactText.equal(lhs.name, rhs.name) }

    func hash(into hasher: inout Hasher) { hasher.combine(hash) }
}

namespace NatsKvConfig;

/// <summary>
/// A section of configuration as a set of keys: the section's own key and every key below it. Keys are matched
/// as NATS matches them, case-sensitively: section <c>Database</c> holds <c>Database.Host</c>, not <c>database.host</c>.
/// </summary>
internal sealed class SectionScope
{
    public static readonly SectionScope Root = new(string.Empty, null);

    private readonly string? _childPrefix;

    private SectionScope(string section, string? sectionKey)
    {
        Section = section;
        SectionKey = sectionKey;
        _childPrefix = sectionKey is null ? null : sectionKey + ".";
    }

    /// <summary>The section's configuration path; empty for the root.</summary>
    public string Section { get; }

    /// <summary>The section's own key (relative to the key prefix); <see langword="null"/> for the root.</summary>
    public string? SectionKey { get; }

    public static SectionScope For(string? section) =>
        string.IsNullOrEmpty(section) ? Root : new SectionScope(section, NatsKvKeyMapper.ToKey(section));

    /// <summary>Whether a key (relative to the key prefix) belongs to the section.</summary>
    public bool Contains(string key) =>
        _childPrefix is null || key.StartsWith(_childPrefix, StringComparison.Ordinal) || string.Equals(key, SectionKey, StringComparison.Ordinal);

    /// <summary>Whether a configuration path is the section or below it (as configuration compares, ignoring case).</summary>
    public bool ContainsPath(string path) =>
        Section.Length == 0
        || string.Equals(path, Section, StringComparison.OrdinalIgnoreCase)
        || (path.Length > Section.Length && path[Section.Length] == ':' && path.StartsWith(Section, StringComparison.OrdinalIgnoreCase));

    /// <summary>The path relative to the section (<see langword="null"/> for the section itself), for a path <see cref="ContainsPath"/> accepts.</summary>
    public string? RelativePath(string path) =>
        Section.Length == 0 ? path : path.Length == Section.Length ? null : path[(Section.Length + 1)..];

    /// <summary>A path relative to the section, made absolute.</summary>
    public string AbsolutePath(string relativePath) => Section.Length == 0 ? relativePath : Section + ":" + relativePath;
}

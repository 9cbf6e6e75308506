namespace NatsKvConfig;

/// <summary>A bucket, or one section of it, written out as an <c>appsettings.json</c>-style document.</summary>
public sealed class NatsKvConfigExport
{
    internal NatsKvConfigExport(string section, string json, int pathCount, ulong revision, IReadOnlyList<string> skippedPaths, IReadOnlyList<string> skippedKeys)
    {
        Section = section;
        Json = json;
        PathCount = pathCount;
        Revision = revision;
        SkippedPaths = skippedPaths;
        SkippedKeys = skippedKeys;
    }

    /// <summary>The configuration path exported; empty for the whole bucket. The document's paths are relative to it.</summary>
    public string Section { get; }

    /// <summary>
    /// The document: an indented JSON object, read by <c>AddJsonFile</c> into the same paths and values. A section
    /// whose children are <c>0</c> to <c>n-1</c> is an array; <c>True</c>/<c>False</c> and numbers are written as JSON
    /// literals (which read back as the same text), everything else as strings.
    /// </summary>
    public string Json { get; }

    /// <summary>How many configuration paths the document holds.</summary>
    public int PathCount { get; }

    /// <summary>The newest revision among the exported keys (0 when there were none).</summary>
    public ulong Revision { get; }

    /// <summary>
    /// Paths left out because JSON cannot hold them: a value at a path that also has children (keys <c>a</c> and
    /// <c>a.b</c> both set), or a value at the section itself.
    /// </summary>
    public IReadOnlyList<string> SkippedPaths { get; }

    /// <summary>Keys left out because the provider skips them too: keys the mapping cannot read, values that are not UTF-8.</summary>
    public IReadOnlyList<string> SkippedKeys { get; }

    /// <summary>The section and the counts (never the values).</summary>
    /// <returns>A short description.</returns>
    public override string ToString() => $"{PathCount} paths of section '{Section}' at revision {Revision}";
}

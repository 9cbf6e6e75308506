namespace NatsKvConfig;

/// <summary>How <see cref="NatsKvConfigClient.ImportAsync"/> writes a document into a bucket.</summary>
public sealed class NatsKvConfigImportOptions
{
    /// <summary>
    /// The configuration path to import under (<c>myapp</c>, <c>myapp:prod</c>), or <see langword="null"/> (the
    /// default) for the root. The document's <c>Logging:LogLevel:Default</c> is then written to
    /// <c>{Section}:Logging:LogLevel:Default</c>.
    /// </summary>
    public string? Section { get; set; }

    /// <summary>
    /// <see langword="false"/> (the default) merges: keys the document does not mention are left alone.
    /// <see langword="true"/> replaces: keys under <see cref="Section"/> that the document does not have are deleted.
    /// </summary>
    public bool Replace { get; set; }
}

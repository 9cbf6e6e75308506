namespace NatsKvConfig;

public sealed partial class NatsKvConfigClient
{
    /// <summary>
    /// Plans importing an <c>appsettings.json</c>-style document, writing nothing: the dry run of
    /// <see cref="ImportAsync"/>.
    /// </summary>
    /// <param name="json">The document: a JSON object (comments and trailing commas allowed).</param>
    /// <param name="options">Where to import, and whether to replace; merge at the root when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The keys to add, update and (when replacing) delete.</returns>
    /// <exception cref="FormatException">
    /// The document is not valid JSON, not an object, repeats a path, or passes one of the
    /// <see cref="NatsKvSettings.JsonExpansionLimits"/>; the message says where or which, never what.
    /// </exception>
    /// <exception cref="NatsKvConfigNotFoundException">The bucket does not exist.</exception>
    public Task<NatsKvConfigPlan> PlanImportAsync(string json, NatsKvConfigImportOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(json);
        options ??= new NatsKvConfigImportOptions();
        var scope = SectionScope.For(options.Section);
        var values = ConfigurationDocument.Read(json, _jsonExpansionLimits)
            .Select(pair => new KeyValuePair<string, string?>(scope.AbsolutePath(pair.Key), pair.Value));
        return PlanSectionAsync(scope.Section, values, options.Replace, cancellationToken);
    }

    /// <summary>
    /// Imports an <c>appsettings.json</c>-style document: every configuration path it gives (as <c>AddJsonFile</c>
    /// reads it) becomes a key, writing only keys whose value changed; when replacing, the section's keys the document
    /// does not have are deleted. Then bumps the sentinel key, if any.
    /// </summary>
    /// <param name="json">The document: a JSON object (comments and trailing commas allowed).</param>
    /// <param name="options">Where to import, and whether to replace; merge at the root when <see langword="null"/>.</param>
    /// <param name="progress">Told after each key written, for large documents; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the import; keys already written stay.</param>
    /// <returns>What was written.</returns>
    /// <remarks>
    /// A JSON <c>null</c> or <c>{}</c> is stored as <c>{}</c> and an empty array as <c>""</c>, which the provider reads
    /// as <c>AddJsonFile</c> reads them. A string value starting with <c>{</c> or <c>[</c> is stored as it is, and the
    /// provider then reads it as JSON (see <see cref="NatsKvSettings.ExpandJsonValues"/>).
    /// </remarks>
    /// <exception cref="FormatException">The document is not valid JSON, not an object, or repeats a path.</exception>
    /// <exception cref="NatsKvRevisionConflictException">A key changed while importing.</exception>
    /// <exception cref="NatsKvConfigNotFoundException">The bucket does not exist.</exception>
    public async Task<NatsKvConfigApplyResult> ImportAsync(string json, NatsKvConfigImportOptions? options = null, IProgress<NatsKvConfigProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var plan = await PlanImportAsync(json, options, cancellationToken).ConfigureAwait(false);
        return await ApplyAsync(plan, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Compares a document with the bucket: the keys the document would add or change, and the keys of the section it
    /// does not have (which <see cref="ImportAsync"/> deletes when replacing). Writes nothing.
    /// </summary>
    /// <param name="json">The document.</param>
    /// <param name="section">The configuration path the document stands for; empty or <see langword="null"/> for the root.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The differences, as a plan that would make the bucket match the document.</returns>
    /// <exception cref="FormatException">The document is not valid JSON, not an object, or repeats a path.</exception>
    /// <exception cref="NatsKvConfigNotFoundException">The bucket does not exist.</exception>
    public Task<NatsKvConfigPlan> DiffAsync(string json, string? section = null, CancellationToken cancellationToken = default) =>
        PlanImportAsync(json, new NatsKvConfigImportOptions { Section = section, Replace = true }, cancellationToken);

    /// <summary>
    /// Writes the bucket, or one section of it, as an <c>appsettings.json</c>-style document: the configuration the
    /// provider reads (JSON values expanded), with arrays where children are numbered 0 to n-1.
    /// </summary>
    /// <param name="section">A configuration path; empty or <see langword="null"/> for everything. The document's paths are relative to it.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The document, and anything JSON could not hold.</returns>
    /// <exception cref="NatsKvConfigNotFoundException">The bucket does not exist.</exception>
    public async Task<NatsKvConfigExport> ExportAsync(string? section = null, CancellationToken cancellationToken = default)
    {
        var scope = SectionScope.For(section);
        var entries = await ReadEntriesAsync(_keys.Filters(scope), history: false, cancellationToken).ConfigureAwait(false);
        var projection = ConfigurationProjection.From(entries, JsonExpansion);
        var relative = new List<KeyValuePair<string, string?>>(projection.Values.Count);
        var skippedPaths = new List<string>();
        foreach (var (path, value) in projection.Values)
        {
            if (scope.RelativePath(path) is { } relativePath)
            {
                relative.Add(new KeyValuePair<string, string?>(relativePath, value));
            }
            else if (value is not null)
            {
                skippedPaths.Add(path); // a value at the section itself: a document's root can only be an object
            }
        }

        var (json, skipped) = JsonDocumentWriter.Write(relative);
        skippedPaths.AddRange(skipped.Select(scope.AbsolutePath));
        return new NatsKvConfigExport(scope.Section, json, relative.Count, projection.Revision, skippedPaths, projection.SkippedKeys);
    }
}

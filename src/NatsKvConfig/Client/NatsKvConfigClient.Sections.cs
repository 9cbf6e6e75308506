using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Configuration;

namespace NatsKvConfig;

public sealed partial class NatsKvConfigClient
{
    /// <summary>
    /// The section's current configuration, read as the provider reads it (JSON values expanded, conflicts resolved
    /// by revision), as an in-memory snapshot to read or bind, for instance with the binder's source generator.
    /// </summary>
    /// <param name="section">A configuration path (<c>Database</c>); empty or <see langword="null"/> for everything.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The section (or, for everything, the root); empty when nothing is there.</returns>
    /// <remarks>
    /// A section holds the keys under its own key, matched as NATS matches keys, case-sensitively: section
    /// <c>Database</c> is the key <c>Database</c> and the keys <c>Database.*</c>, not <c>database.host</c>.
    /// </remarks>
    /// <exception cref="NatsKvConfigNotFoundException">The bucket does not exist.</exception>
    public async Task<IConfiguration> GetSectionAsync(string? section, CancellationToken cancellationToken = default)
    {
        var scope = SectionScope.For(section);
        var entries = await ReadEntriesAsync(_keys.Filters(scope), history: false, cancellationToken).ConfigureAwait(false);
        var projection = ConfigurationProjection.From(entries, JsonExpansion);
        var root = new ConfigurationBuilder().AddInMemoryCollection(projection.Values).Build();
        return scope.Section.Length == 0 ? root : root.GetSection(scope.Section);
    }

    /// <summary>Binds the section's current values to a new <typeparamref name="T"/>, as <c>IOptions&lt;T&gt;</c> would.</summary>
    /// <typeparam name="T">The type to bind.</typeparam>
    /// <param name="section">A configuration path; empty or <see langword="null"/> for everything.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The bound object, or <see langword="null"/> when the section has no values.</returns>
    /// <exception cref="NatsKvConfigNotFoundException">The bucket does not exist.</exception>
    /// <exception cref="InvalidOperationException">A value cannot be converted to its property's type.</exception>
    [RequiresUnreferencedCode(ObjectFlattener.ReflectionWarning)]
    [RequiresDynamicCode(ObjectFlattener.ReflectionWarning)]
    public async Task<T?> GetSectionAsync<T>(string? section, CancellationToken cancellationToken = default)
    {
        var configuration = await GetSectionAsync(section, cancellationToken).ConfigureAwait(false);
        return configuration.Get<T>();
    }

    /// <summary>
    /// Writes <paramref name="value"/> as the section's configuration, so that binding the section gives back an equal
    /// object: writes only the keys whose value changed, deletes the section's keys the value no longer has (a
    /// shorter list leaves no stale items), then bumps the sentinel key, if any.
    /// </summary>
    /// <typeparam name="T">The type written: an object (nested objects, lists, arrays, dictionaries, enums, <see cref="TimeSpan"/>, nullables), or a scalar for a section that is one value.</typeparam>
    /// <param name="section">A configuration path such as <c>Database</c>; empty or <see langword="null"/> for the root (an object only).</param>
    /// <param name="value">The value; null properties are left out (they bind back as their defaults).</param>
    /// <param name="cancellationToken">Cancels the write; changes already made stay.</param>
    /// <returns>What was written.</returns>
    /// <remarks>
    /// Serialized with System.Text.Json (enums as names, null properties left out), then read as <c>AddJsonFile</c>
    /// reads that JSON. An empty collection binds back as the property's default (keep collections initialized).
    /// </remarks>
    /// <exception cref="ArgumentException">The value repeats a configuration path (dictionary keys differing only in case).</exception>
    /// <exception cref="NatsKvRevisionConflictException">A key of the section changed while writing.</exception>
    /// <exception cref="NatsKvConfigNotFoundException">The bucket does not exist.</exception>
    [RequiresUnreferencedCode(ObjectFlattener.ReflectionWarning)]
    [RequiresDynamicCode(ObjectFlattener.ReflectionWarning)]
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ by a required JsonTypeInfo; only the trailing CancellationToken is optional, as everywhere.")]
    public Task<NatsKvConfigApplyResult> PutSectionAsync<T>(string? section, T value, CancellationToken cancellationToken = default) =>
        PutSectionAsync(section, value, ObjectFlattener.ReflectionTypeInfo<T>(), cancellationToken);

    /// <summary>
    /// Like <see cref="PutSectionAsync{T}(string?, T, CancellationToken)"/>, serializing with <paramref name="typeInfo"/>
    /// (from a <c>JsonSerializerContext</c>): safe for trimming and native AOT. Use string enums
    /// (<c>JsonStringEnumConverter</c>) and leave out nulls in the context's options to store what the reflection
    /// overload stores.
    /// </summary>
    /// <typeparam name="T">The type written.</typeparam>
    /// <param name="section">A configuration path; empty or <see langword="null"/> for the root (an object only).</param>
    /// <param name="value">The value.</param>
    /// <param name="typeInfo">How to serialize <typeparamref name="T"/>.</param>
    /// <param name="cancellationToken">Cancels the write; changes already made stay.</param>
    /// <returns>What was written.</returns>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ by a required JsonTypeInfo; only the trailing CancellationToken is optional, as everywhere.")]
    public async Task<NatsKvConfigApplyResult> PutSectionAsync<T>(string? section, T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(typeInfo);
        var scope = SectionScope.For(section);
        var values = ObjectFlattener.Flatten(scope.Section, value, typeInfo, _jsonExpansionLimits);
        var plan = await PlanSectionAsync(scope.Section, values, removeMissing: true, cancellationToken).ConfigureAwait(false);
        return await ApplyAsync(plan, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Plans setting configuration paths to values inside a section, writing nothing: the changes that
    /// <see cref="ApplyAsync"/> would make. The reflection-free way to write a section.
    /// </summary>
    /// <param name="section">A configuration path; empty or <see langword="null"/> for everything.</param>
    /// <param name="values">
    /// Full configuration paths under <paramref name="section"/> (or the section's own path) and their values; a null
    /// value is stored as <c>{}</c>, which the provider reads as the path with a null value.
    /// </param>
    /// <param name="removeMissing">Whether the section's keys that <paramref name="values"/> does not have are deleted.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The plan.</returns>
    /// <remarks>
    /// Each path is written to the key the bucket already holds for it, compared ignoring case (one listing of the
    /// bucket's key names): <c>database:host</c> updates an existing <c>Database.Host</c> rather than adding a second
    /// key. Where several keys hold a path, the one apps read is written and <see cref="NatsKvConfigPlan.Collisions"/>
    /// names the others; a replace deletes none of them.
    /// </remarks>
    /// <exception cref="ArgumentException">A path is empty, outside the section, or given twice (ignoring case).</exception>
    /// <exception cref="NatsKvConfigNotFoundException">The bucket does not exist.</exception>
    public async Task<NatsKvConfigPlan> PlanSectionAsync(string? section, IEnumerable<KeyValuePair<string, string?>> values, bool removeMissing, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var scope = SectionScope.For(section);
        var wanted = WantedKeys(scope, values);
        var entries = await ReadEntriesAsync(_keys.Filters(scope), history: false, cancellationToken, preferOrigin: true).ConfigureAwait(false);
        var current = new Dictionary<string, NatsKvConfigEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            current[entry.Key] = entry;
        }

        var (resolved, held, collisions) = await ResolveWantedAsync(scope, wanted, current, cancellationToken).ConfigureAwait(false);
        return NewPlan(scope.Section, ChangePlanner.Plan(current, resolved, removeMissing, _sentinelKey, held), collisions);
    }

    private static Dictionary<string, byte[]> WantedKeys(SectionScope scope, IEnumerable<KeyValuePair<string, string?>> values)
    {
        var wanted = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var paths = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (path, value) in values)
        {
            if (string.IsNullOrEmpty(path))
            {
                throw new ArgumentException("A configuration path cannot be empty.", nameof(values));
            }

            var key = NatsKvKeyMapper.ToKey(path);
            if (!scope.Contains(key))
            {
                throw new ArgumentException($"Path '{path}' is not in section '{scope.Section}' (sections match keys as NATS does, case-sensitively).", nameof(values));
            }

            if (!paths.Add(path))
            {
                throw new ArgumentException($"Path '{path}' is given twice (configuration paths ignore case).", nameof(values));
            }

            wanted.Add(key, Encoding.UTF8.GetBytes(StoredValues.ToStored(value)));
        }

        return wanted;
    }
}

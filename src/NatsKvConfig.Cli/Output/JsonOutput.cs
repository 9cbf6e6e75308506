using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace NatsKvConfig.Cli.Output;

/// <summary>
/// The <c>--json</c> output: one JSON document per command (one per line for <c>watch</c>), with stable,
/// camel-cased names; revisions as numbers, times as ISO 8601 UTC, durations in seconds.
/// </summary>
internal static class JsonOutput
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(TextWriter output, Action<Utf8JsonWriter> write, bool indented = true)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, indented ? Indented : Compact))
        {
            write(writer);
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    public static void Entry(Utf8JsonWriter writer, string bucket, NatsKvConfigEntry entry, NatsKvConfigKeyResolution? resolution = null)
    {
        writer.WriteStartObject();
        writer.WriteString("bucket", bucket);
        EntryFields(writer, entry);
        if (resolution is not null)
        {
            CollisionWarnings.WriteFields(writer, resolution);
        }

        writer.WriteEndObject();
    }

    /// <summary>Entries (a history, a listing) as an array of entry objects.</summary>
    public static void Entries(Utf8JsonWriter writer, IEnumerable<NatsKvConfigEntry> entries)
    {
        writer.WriteStartArray();
        foreach (var entry in entries)
        {
            writer.WriteStartObject();
            EntryFields(writer, entry);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>
    /// What a put or a delete wrote: <c>{"bucket", "key", "path", "operation", "revision", "otherKeys", "warnings"}</c>,
    /// the key being the one written (the one holding the path, whatever case it was typed in).
    /// </summary>
    public static void Written(Utf8JsonWriter writer, string bucket, NatsKvConfigKeyResolution resolution, string operation, ulong revision, IEnumerable<string>? warnings = null)
    {
        writer.WriteStartObject();
        writer.WriteString("bucket", bucket);
        writer.WriteString("key", resolution.Key.Key);
        writer.WriteString("path", resolution.Key.Path);
        writer.WriteString("operation", operation);
        writer.WriteNumber("revision", revision);
        CollisionWarnings.WriteFields(writer, resolution, warnings);
        writer.WriteEndObject();
    }

    public static void EntryFields(Utf8JsonWriter writer, NatsKvConfigEntry entry)
    {
        writer.WriteString("key", entry.Key);
        WriteStringOrNull(writer, "path", entry.Path);
        writer.WriteNumber("revision", entry.Revision);
        writer.WriteString("operation", Operation(entry.Operation));
        writer.WriteString("created", Time(entry.Created));
        WriteStringOrNull(writer, "value", entry.Value);
    }

    public static void Plan(Utf8JsonWriter writer, NatsKvConfigPlan plan, bool dryRun, ulong? lastRevision)
    {
        writer.WriteStartObject();
        writer.WriteString("bucket", plan.Bucket);
        writer.WriteString("prefix", plan.Section);
        writer.WriteBoolean("dryRun", dryRun);
        writer.WriteNumber("added", plan.Added.Count);
        writer.WriteNumber("updated", plan.Updated.Count);
        writer.WriteNumber("removed", plan.Removed.Count);
        writer.WriteNumber("unchanged", plan.Unchanged);
        if (lastRevision is { } revision)
        {
            writer.WriteNumber("revision", revision);
        }

        writer.WriteStartArray("changes");
        foreach (var change in plan.Changes)
        {
            writer.WriteStartObject();
            writer.WriteString("kind", change.Kind switch
            {
                NatsKvConfigChangeKind.Add => "add",
                NatsKvConfigChangeKind.Update => "update",
                _ => "delete",
            });
            writer.WriteString("key", change.Key);
            WriteStringOrNull(writer, "path", change.Path);
            writer.WriteNumber("expectedRevision", change.ExpectedRevision);
            WriteStringOrNull(writer, "oldValue", change.OldValue);
            WriteStringOrNull(writer, "newValue", change.NewValue);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("deletedKeys");
        foreach (var change in plan.Removed)
        {
            writer.WriteStringValue(change.Key);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("collisions");
        foreach (var collision in plan.Collisions)
        {
            writer.WriteStartObject();
            writer.WriteString("path", collision.Key.Path);
            writer.WriteString("key", collision.Key.Key);
            writer.WriteStartArray("otherKeys");
            foreach (var key in collision.OtherKeys)
            {
                writer.WriteStringValue(key);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        CollisionWarnings.WriteWarnings(writer, plan.Collisions);
        writer.WriteEndObject();
    }

    public static void Bucket(Utf8JsonWriter writer, NatsKvBucketInfo info, IReadOnlyList<string>? warnings = null)
    {
        writer.WriteStartObject();
        writer.WriteString("bucket", info.Bucket);
        WriteStringOrNull(writer, "description", info.Description);
        writer.WriteNumber("history", info.History);
        writer.WriteNumber("ttlSeconds", info.MaxAge.TotalSeconds);
        writer.WriteNumber("replicas", info.Replicas);
        writer.WriteNumber("maxBytes", info.MaxBytes);
        writer.WriteString("storage", info.Storage == NatsKvBucketStorage.Memory ? "memory" : "file");
        writer.WriteNumber("keys", info.Keys);
        writer.WriteNumber("entries", info.Entries);
        writer.WriteNumber("bytes", info.Bytes);
        writer.WriteNumber("firstRevision", info.FirstRevision);
        writer.WriteNumber("lastRevision", info.LastRevision);
        writer.WriteString("created", Time(info.Created));
        if (info.MirrorOf is { } origin)
        {
            writer.WriteStartObject("mirror");
            writer.WriteString("of", origin);
            WriteStringOrNull(writer, "domain", info.MirrorDomain);
            writer.WriteNumber("lag", info.MirrorLag ?? 0);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("mirror");
        }

        if (warnings is not null)
        {
            // bucket add: the settings given that the existing bucket, left as it is, has otherwise.
            writer.WriteStartArray("differences");
            foreach (var difference in info.Differences)
            {
                writer.WriteStartObject();
                writer.WriteString("setting", difference.Setting);
                writer.WriteString("requested", difference.Requested);
                writer.WriteString("actual", difference.Actual);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("warnings");
            foreach (var warning in warnings)
            {
                writer.WriteStringValue(warning);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    public static string Operation(NatsKvConfigOperation operation) => operation switch
    {
        NatsKvConfigOperation.Put => "put",
        NatsKvConfigOperation.Delete => "delete",
        _ => "purge",
    };

    public static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static void WriteStringOrNull(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}

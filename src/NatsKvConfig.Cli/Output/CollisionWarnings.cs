using Spectre.Console;
using System.Text.Json;

namespace NatsKvConfig.Cli.Output;

/// <summary>
/// Says when a configuration path is held by more than one key (keys differing only in case): a warning line on
/// standard error, or <c>"otherKeys"</c> and <c>"warnings"</c> in <c>--json</c> output.
/// </summary>
internal static class CollisionWarnings
{
    public static string Text(NatsKvConfigKeyResolution resolution) =>
        $"warning: configuration path '{resolution.Key.Path}' is also held by {Keys(resolution.OtherKeys)} (keys differing only in case); used '{resolution.Key.Key}', the one apps read";

    /// <summary>One warning line per collision on standard error (human output only; <c>--json</c> carries them in its document).</summary>
    public static void Report(CliSession session, IEnumerable<NatsKvConfigKeyResolution> collisions)
    {
        if (session.Json)
        {
            return;
        }

        foreach (var collision in collisions)
        {
            session.Err.Write(new Text(Text(collision) + "\n", new Style(Color.Yellow)));
        }
    }

    /// <summary>
    /// <c>"otherKeys": [...]</c> and <c>"warnings": [...]</c> for one key's resolution, with any
    /// <paramref name="otherWarnings"/> (texts without the <c>warning: </c> prefix) after the collision's.
    /// </summary>
    public static void WriteFields(Utf8JsonWriter writer, NatsKvConfigKeyResolution resolution, IEnumerable<string>? otherWarnings = null)
    {
        writer.WriteStartArray("otherKeys");
        foreach (var key in resolution.OtherKeys)
        {
            writer.WriteStringValue(key);
        }

        writer.WriteEndArray();
        WriteWarnings(writer, resolution.HasCollision ? [resolution] : [], otherWarnings);
    }

    /// <summary><c>"warnings": [...]</c>: one text per collision, then any others (empty when there are none).</summary>
    public static void WriteWarnings(Utf8JsonWriter writer, IEnumerable<NatsKvConfigKeyResolution> collisions, IEnumerable<string>? otherWarnings = null)
    {
        writer.WriteStartArray("warnings");
        foreach (var collision in collisions)
        {
            writer.WriteStringValue(Text(collision)["warning: ".Length..]);
        }

        foreach (var warning in otherWarnings ?? [])
        {
            writer.WriteStringValue(warning);
        }

        writer.WriteEndArray();
    }

    private static string Keys(IReadOnlyList<string> keys) =>
        (keys.Count == 1 ? "key " : "keys ") + string.Join(", ", keys.Select(key => $"'{key}'"));
}

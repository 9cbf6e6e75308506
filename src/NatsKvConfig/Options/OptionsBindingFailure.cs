namespace NatsKvConfig;

/// <summary>
/// What can be said about a binding failure without its value: the configuration path and the target type the
/// binder names, or neither when its message does not have the binder's shape.
/// </summary>
/// <param name="Path">The configuration path whose value could not be converted, when known.</param>
/// <param name="TargetType">The type the binder tried to convert it to, when known.</param>
/// <param name="Source">The assembly that threw (<see cref="Exception.Source"/>), for an unknown path.</param>
internal sealed record OptionsBindingFailure(string? Path, string? TargetType, string Source)
{
    // The binder's message is the only place it names the path and type (there is no structured property), and it
    // also names the value: "Failed to convert configuration value '{value}' at '{path}' to type '{type}'." since
    // Microsoft.Extensions.Configuration.Binder 9, "... value at '{path}' to type '{type}'." in 8 and in the
    // source-generated binder of 8. Both are parsed from the END: a type name holds no quote, so the last
    // "' to type '" is the real one, and the path starts after the last "' at '" before it. A value containing
    // those markers comes before the real ones and is never taken; a path containing them is cut to a suffix of
    // itself. So what is kept is always (part of) the path and the type, never the value. String operations rather
    // than reflection on the binder's internals: nothing for the trimmer to lose.
    private const string Prefix = "Failed to convert configuration value ";
    private const string PathWithoutValue = Prefix + "at '";
    private const string PathMarker = "' at '";
    private const string TypeMarker = "' to type '";
    private const string End = "'.";

    // The binder wraps the conversion failure in another InvalidOperationException when
    // BinderOptions.ErrorOnUnknownConfiguration is set; a few levels are plenty.
    private const int MaxDepth = 4;

    /// <summary>
    /// Whether <paramref name="exception"/> is what binding throws: exactly <see cref="InvalidOperationException"/>
    /// (its subclasses, such as <see cref="ObjectDisposedException"/>, mean something else).
    /// </summary>
    public static bool IsBindingFailure(Exception exception) => exception.GetType() == typeof(InvalidOperationException);

    /// <summary>A description that names the path and target type when known, and never the value.</summary>
    public string Description => Path is null
        ? $"binding failed with an InvalidOperationException from {Source} at an unknown configuration path"
        : $"the value at '{Path}' cannot be converted to {TargetType}";

    /// <summary>Reads the path and target type from the binder's exception (or an inner one), never the value.</summary>
    public static OptionsBindingFailure From(Exception exception)
    {
        Exception? current = exception;
        for (var depth = 0; current is InvalidOperationException && depth < MaxDepth; depth++, current = current.InnerException)
        {
            if (TryParse(current.Message, out var path, out var targetType))
            {
                return new OptionsBindingFailure(path, targetType, exception.Source ?? "an unknown source");
            }
        }

        return new OptionsBindingFailure(null, null, exception.Source ?? "an unknown source");
    }

    /// <summary>
    /// When <paramref name="exception"/> is, or (as an <see cref="AggregateException"/> from a reload's callbacks)
    /// holds, the binder's failure to convert a value (its message has the binder's shape): a description of each
    /// exception it holds that never quotes a value — binding failures by path and type, any other by its type
    /// only. <see langword="null"/> when it holds none, so the caller may log it whole.
    /// </summary>
    public static string? DescribeIfBindingFailure(Exception exception)
    {
        IReadOnlyList<Exception> exceptions = exception is AggregateException aggregate ? aggregate.Flatten().InnerExceptions : [exception];
        var failures = exceptions.Select(e => IsBindingFailure(e) ? From(e) : null).ToList();
        if (!failures.Any(f => f?.Path is not null))
        {
            return null; // no binder message among them: nothing quotes a value of ours
        }

        return string.Join("; ", exceptions.Zip(failures, (e, f) => f?.Path is not null ? f.Description : $"{e.GetType().FullName} from {e.Source ?? "an unknown source"}"));
    }

    private static bool TryParse(string message, out string? path, out string? targetType)
    {
        path = null;
        targetType = null;
        if (!message.StartsWith(Prefix, StringComparison.Ordinal) || !message.EndsWith(End, StringComparison.Ordinal))
        {
            return false;
        }

        var typeMarker = message.LastIndexOf(TypeMarker, StringComparison.Ordinal);
        if (typeMarker < Prefix.Length)
        {
            return false;
        }

        var typeStart = typeMarker + TypeMarker.Length;
        var type = message[typeStart..^End.Length];
        if (type.Length == 0 || type.Contains('\'', StringComparison.Ordinal))
        {
            return false;
        }

        // LastIndexOf searches backwards from the character before the type marker.
        var pathMarker = message.LastIndexOf(PathMarker, typeMarker - 1, StringComparison.Ordinal);
        int pathStart;
        if (pathMarker >= Prefix.Length)
        {
            pathStart = pathMarker + PathMarker.Length;
        }
        else if (message.StartsWith(PathWithoutValue, StringComparison.Ordinal))
        {
            pathStart = PathWithoutValue.Length;
        }
        else
        {
            return false;
        }

        if (pathStart > typeMarker)
        {
            return false;
        }

        path = message[pathStart..typeMarker];
        targetType = type;
        return true;
    }
}

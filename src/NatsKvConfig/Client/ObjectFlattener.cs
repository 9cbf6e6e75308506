using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace NatsKvConfig;

/// <summary>
/// Turns an object into the configuration paths and values the configuration binder reads back into an equal
/// object: serialized with System.Text.Json (enums as names, <see cref="TimeSpan"/> as <c>c</c> text, null properties
/// left out), then expanded as <c>AddJsonFile</c> would read that JSON.
/// </summary>
internal static class ObjectFlattener
{
    /// <summary>The paths and values of <paramref name="value"/> placed at <paramref name="section"/>.</summary>
    public static List<KeyValuePair<string, string?>> Flatten<T>(string section, T value, JsonTypeInfo<T> typeInfo, JsonExpansionLimits limits)
    {
        var json = JsonSerializer.Serialize(value, typeInfo);
        if (section.Length == 0 && !json.StartsWith('{'))
        {
            throw new ArgumentException($"Only an object can be written at the root; a {typeof(T).Name} needs a section to go in.", nameof(section));
        }

        try
        {
            return ConfigurationDocument.ReadAt(section, json, limits);
        }
        catch (FormatException exception)
        {
            throw new ArgumentException(exception.Message, nameof(value), exception);
        }
    }

    /// <summary>The type information for <typeparamref name="T"/> with the options the binder reads back.</summary>
    [RequiresUnreferencedCode(ReflectionWarning)]
    [RequiresDynamicCode(ReflectionWarning)]
    public static JsonTypeInfo<T> ReflectionTypeInfo<T>() => (JsonTypeInfo<T>)ReflectionOptions.Instance.GetTypeInfo(typeof(T));

    public const string ReflectionWarning =
        "Serializing and binding arbitrary types uses reflection, which trimming and native AOT may break. Use the overloads taking a JsonTypeInfo<T> (from a JsonSerializerContext) and bind the returned IConfigurationSection with the configuration binder's source generator instead.";

    [RequiresUnreferencedCode(ReflectionWarning)]
    [RequiresDynamicCode(ReflectionWarning)]
    private static class ReflectionOptions
    {
        public static readonly JsonSerializerOptions Instance = Create();

        private static JsonSerializerOptions Create()
        {
            var options = new JsonSerializerOptions
            {
                DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
                NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
                TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
                Converters = { new JsonStringEnumConverter() },
            };
            options.MakeReadOnly();
            return options;
        }
    }
}

namespace NatsKvConfig;

/// <summary>Why a reload of options was rejected.</summary>
internal enum OptionsRejectionKind
{
    /// <summary>The bound options failed validation (<c>Validate</c>, data annotations, <c>IValidateOptions</c>).</summary>
    Validation,

    /// <summary>The options could not be built: the binder could not convert a value (or configuring threw).</summary>
    Binding,
}

namespace NatsKvConfig;

/// <summary>What became of a JSON value offered for expansion.</summary>
internal enum JsonExpansionOutcome
{
    /// <summary>It expanded into paths within every limit.</summary>
    Expanded,

    /// <summary>
    /// It cannot be read as configuration: it does not parse, nests deeper than 64 levels, repeats a path, or
    /// escapes a lone surrogate.
    /// </summary>
    Invalid,

    /// <summary>It would produce more paths than <see cref="JsonExpansionLimits.MaxPaths"/>.</summary>
    OverMaxPaths,

    /// <summary>It would produce a path longer than <see cref="JsonExpansionLimits.MaxPathLength"/>.</summary>
    OverMaxPathLength,

    /// <summary>Its paths and values would be longer in all than <see cref="JsonExpansionLimits.MaxTotalLength"/>.</summary>
    OverMaxTotalLength,

    /// <summary>It would expand into more than <see cref="JsonExpansionLimits.MaxExpansionRatio"/> times its own length.</summary>
    OverMaxExpansionRatio,
}

namespace AotConsole;

/// <summary>The options this sample binds from the bucket's <c>greeting.*</c> keys.</summary>
public sealed class GreetingOptions
{
    public string Text { get; set; } = "";

    public int Repeat { get; set; } = 1;
}

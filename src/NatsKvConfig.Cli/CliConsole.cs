using Spectre.Console;

namespace NatsKvConfig.Cli;

/// <summary>
/// What a run of the tool reads and writes: standard streams, environment variables and whether a person is
/// watching. Tests run the tool in-process with their own.
/// </summary>
internal sealed class CliConsole
{
    public CliConsole(TextWriter output, TextWriter error, TextReader input, Func<string, string?> environment, bool outputIsTerminal = false, bool errorIsTerminal = false)
    {
        Output = output;
        Error = error;
        Input = input;
        Environment = environment;
        OutputIsTerminal = outputIsTerminal;
        ErrorIsTerminal = errorIsTerminal;
    }

    /// <summary>Standard output: results, and nothing else (so that it can be piped).</summary>
    public TextWriter Output { get; }

    /// <summary>Standard error: errors, warnings and progress.</summary>
    public TextWriter Error { get; }

    /// <summary>Standard input, read when a value or a file is given as <c>-</c>.</summary>
    public TextReader Input { get; }

    /// <summary>Reads an environment variable (<c>NATS_URL</c>, <c>NATS_PASSWORD</c>, …).</summary>
    public Func<string, string?> Environment { get; }

    /// <summary>Whether standard output is a terminal: colours then, plain text otherwise.</summary>
    public bool OutputIsTerminal { get; }

    /// <summary>Whether standard error is a terminal: colours and a progress bar then, plain lines otherwise.</summary>
    public bool ErrorIsTerminal { get; }

    /// <summary>The console of the process.</summary>
    public static CliConsole System() => new(
        Console.Out,
        Console.Error,
        Console.In,
        global::System.Environment.GetEnvironmentVariable,
        !Console.IsOutputRedirected,
        !Console.IsErrorRedirected);

    /// <summary>
    /// A Spectre console over <paramref name="writer"/>: colours only when it is a terminal, and control characters in
    /// any text written through it shown as escapes (<see cref="Output.EscapingRenderHook"/>).
    /// </summary>
    public static IAnsiConsole CreateAnsiConsole(TextWriter writer, bool isTerminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = isTerminal ? InteractionSupport.Detect : InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Pipeline.Attach(new Output.EscapingRenderHook());
        if (!isTerminal)
        {
            // Piped output is read by programs and people's editors: no wrapping at 80 columns.
            console.Profile.Width = 240;
        }

        return console;
    }
}

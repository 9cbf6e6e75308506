using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace NatsKvConfig.IntegrationTests.Docs;

/// <summary>
/// Every C# snippet of README.md and docs/ compiles, as a user would paste it into a <c>dotnet new web</c>
/// project that references NatsKvConfig (implicit usings on). A snippet may lean on names the page has already
/// introduced (<c>builder</c>, <c>app</c>, <c>client</c>, <c>connection</c>…): each such name it uses without
/// declaring is declared for it, with the type the docs give it. Types a page declares in one snippet (an options
/// class, say) are visible to the page's other snippets, and so are the <c>using</c> directives a page shows once
/// (a reader's file has them at its top). Anything else a snippet needs is written in an HTML comment right above
/// its fence, <c>&lt;!-- snippet context: C# --&gt;</c> (statements, or type declarations), so the page says what it
/// assumes.
/// </summary>
public partial class DocSnippetTests
{
    // The implicit usings of Microsoft.NET.Sdk.Web, and the library's namespaces a user adds once.
    private const string GlobalUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Net.Http.Json;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using Microsoft.AspNetCore.Builder;
        global using Microsoft.AspNetCore.Hosting;
        global using Microsoft.AspNetCore.Http;
        global using Microsoft.AspNetCore.Routing;
        global using Microsoft.Extensions.Configuration;
        global using Microsoft.Extensions.DependencyInjection;
        global using Microsoft.Extensions.Hosting;
        global using Microsoft.Extensions.Logging;
        """;

    // Names the pages use as already introduced, and how they were.
    private static readonly (string Name, string Declaration)[] AmbientNames =
    [
        ("builder", "var builder = WebApplication.CreateBuilder(args);"),
        ("app", "var app = builder.Build();"),
        ("connection", "NATS.Client.Core.NatsConnection connection = null!;"),
        ("client", "NatsKvConfig.NatsKvConfigClient client = null!;"),
        ("configuration", "IConfiguration configuration = null!;"),
        ("key", "string key = \"database.host\";"),
        ("cancellationToken", "CancellationToken cancellationToken = default;"),
        ("server", "NatsKvConfig.Testing.NatsServer server = null!;"),
    ];

    public static TheoryData<string> Snippets()
    {
        var data = new TheoryData<string>();
        foreach (var snippet in DocSnippet.All(RepositoryRoot()))
        {
            data.Add(snippet.Location);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Snippets))]
    public void Compiles(string location)
    {
        var snippets = DocSnippet.All(RepositoryRoot());
        var snippet = snippets.Single(s => s.Location == location);
        var others = snippets.Where(s => s.File == snippet.File && s != snippet).ToList();

        var diagnostics = Compile(snippet, others);

        Assert.True(diagnostics.Count == 0, $"{location} does not compile as a user would paste it:\n" + string.Join("\n", diagnostics) + "\n---\n" + snippet.Code);
    }

    [Fact]
    public void The_pages_have_snippets_and_every_one_is_found()
    {
        var snippets = DocSnippet.All(RepositoryRoot());
        Assert.Contains(snippets, s => s.File == "README.md");
        Assert.True(snippets.Count >= 25, $"only {snippets.Count} snippets found");
    }

    private static List<string> Compile(DocSnippet snippet, List<DocSnippet> others)
    {
        var code = snippet.Code;
        var hasStatements = HasTopLevelStatements(code);

        // Types the page declares elsewhere, unless this snippet declares them itself.
        var declared = DeclaredTypes(code);
        var borrowed = others
            .SelectMany(other => TypeDeclarations(other.Code))
            .Where(type => !declared.Contains(type.Name))
            .GroupBy(type => type.Name)
            .Select(group => group.First().Text);

        var prelude = new List<string>();
        var contextTypes = string.Empty;
        if (snippet.Context is { } context)
        {
            // Statements go before the snippet's own; type declarations beside it.
            var root = CSharpSyntaxTree.ParseText(context, Options).GetRoot();
            prelude.AddRange(root.ChildNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.GlobalStatementSyntax>().Select(statement => statement.ToFullString()));
            contextTypes = string.Concat(root.ChildNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MemberDeclarationSyntax>()
                .Where(member => member is not Microsoft.CodeAnalysis.CSharp.Syntax.GlobalStatementSyntax).Select(member => member.ToFullString()));
        }

        foreach (var (name, declaration) in AmbientNames)
        {
            if (Uses(code, name) && !Declares(code, name) && !(snippet.Context is { } c && Declares(c, name)))
            {
                prelude.Add(declaration);
            }
        }

        // "app" needs "builder" even when the snippet itself does not use it.
        if (prelude.Any(p => p.StartsWith("var app", StringComparison.Ordinal)) && !prelude.Any(p => p.StartsWith("var builder", StringComparison.Ordinal)) && !Declares(code, "builder"))
        {
            prelude.Insert(0, AmbientNames[0].Declaration);
        }

        var (usings, body) = SplitUsings(code);
        var pageUsings = string.Join("\n", others.Select(other => SplitUsings(other.Code).Usings).Append(usings)
            .SelectMany(block => block.Split('\n')).Where(line => line.Trim().Length > 0).Distinct(StringComparer.Ordinal));
        code = pageUsings + "\n" + body;
        var program = pageUsings + "\n" + string.Join("\n", prelude) + "\n" + body;
        var trees = new List<SyntaxTree>
        {
            CSharpSyntaxTree.ParseText(GlobalUsings, Options, "GlobalUsings.cs"),
            CSharpSyntaxTree.ParseText(hasStatements || prelude.Count > 0 ? program : code, Options, snippet.Location),
        };
        var extra = string.Join("\n\n", borrowed.Append(contextTypes).Where(text => text.Length > 0));
        if (extra.Length > 0)
        {
            trees.Add(CSharpSyntaxTree.ParseText(pageUsings + "\n" + extra, Options, "FromThePage.cs"));
        }

        Compilation compilation = CSharpCompilation.Create(
            "Snippet",
            trees,
            References.Value,
            new CSharpCompilationOptions(hasStatements || prelude.Count > 0 ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        // The source generators a project gets from the SDK (System.Text.Json's, for a JsonSerializerContext).
        CSharpGeneratorDriver.Create(Generators.Value).RunGeneratorsAndUpdateCompilation(compilation, out compilation, out _);
        return compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => d.ToString())
            .ToList();
    }

    private static readonly CSharpParseOptions Options = new(LanguageVersion.Latest);

    private static readonly Lazy<List<MetadataReference>> References = new(() =>
    {
        // The shared frameworks this process runs on (ASP.NET Core included, through the config service sample),
        // and every assembly beside the tests: NatsKvConfig, NATS.Net, Microsoft.FeatureManagement and the rest.
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(Directory.GetFiles(AppContext.BaseDirectory, "*.dll"));
        return paths
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(group => group.First())
            .Where(IsManagedAssembly)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToList();
    });

    private static readonly Lazy<ISourceGenerator[]> Generators = new(() =>
    {
        // The reference pack of the runtime these tests run on ships the generators: packs/Microsoft.NETCore.App.Ref/<version>/analyzers/dotnet/cs.
        var dotnetRoot = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        var major = Environment.Version.Major;
        var analyzers = Directory.GetDirectories(Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref"), $"{major}.*")
            .Select(version => Path.Combine(version, "analyzers", "dotnet", "cs", "System.Text.Json.SourceGeneration.dll"))
            .Where(File.Exists)
            .Order(StringComparer.Ordinal)
            .LastOrDefault() ?? throw new InvalidOperationException($"System.Text.Json's source generator was not found under {dotnetRoot}/packs/Microsoft.NETCore.App.Ref/{major}.*: is the .NET {major} SDK installed?");
        return new Microsoft.CodeAnalysis.Diagnostics.AnalyzerFileReference(analyzers, new GeneratorLoader()).GetGenerators(LanguageNames.CSharp).ToArray();
    });

    /// <summary>Loads a generator's assembly into this process, as the compiler does.</summary>
    private sealed class GeneratorLoader : Microsoft.CodeAnalysis.IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public System.Reflection.Assembly LoadFromPath(string fullPath) => System.Reflection.Assembly.LoadFrom(fullPath);
    }

    private static bool IsManagedAssembly(string path)
    {
        try
        {
            _ = System.Reflection.AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    private static bool HasTopLevelStatements(string code) =>
        CSharpSyntaxTree.ParseText(code, Options).GetRoot().ChildNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.GlobalStatementSyntax>().Any();

    private static HashSet<string> DeclaredTypes(string code) =>
        TypeDeclarations(code).Select(t => t.Name).ToHashSet(StringComparer.Ordinal);

    private static IEnumerable<(string Name, string Text)> TypeDeclarations(string code) =>
        CSharpSyntaxTree.ParseText(code, Options).GetRoot().ChildNodes()
            .OfType<Microsoft.CodeAnalysis.CSharp.Syntax.BaseTypeDeclarationSyntax>()
            .Select(type => (type.Identifier.Text, type.ToFullString()));

    private static bool Uses(string code, string name) => Regex.IsMatch(code, $@"(?<![\w.]){name}\b");

    private static bool Declares(string code, string name) =>
        Regex.IsMatch(code, $@"\b(var|using var|await using var|[\w<>?.\[\]]+)\s+{name}\s*(=|;|\))") || Regex.IsMatch(code, $@"\(\s*[\w<>?.]+\s+{name}\s*[,)]");

    private static (string Usings, string Body) SplitUsings(string code)
    {
        var lines = code.Split('\n');
        var usingLines = lines.TakeWhile(line => line.StartsWith("using ", StringComparison.Ordinal) && line.TrimEnd().EndsWith(';') && !line.Contains('=', StringComparison.Ordinal) || line.Trim().Length == 0).ToArray();
        return (string.Join("\n", usingLines), string.Join("\n", lines.Skip(usingLines.Length)));
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NatsKvConfig.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("NatsKvConfig.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>One ```csharp block of a page, with the context its page states for it.</summary>
    private sealed partial record DocSnippet(string File, int Line, string Code, string? Context)
    {
        public string Location => $"{File}:{Line}";

        public static List<DocSnippet> All(string root)
        {
            var pages = new[] { Path.Combine(root, "README.md") }
                .Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Order(StringComparer.Ordinal));
            var snippets = new List<DocSnippet>();
            foreach (var page in pages)
            {
                var lines = System.IO.File.ReadAllLines(page);
                for (var i = 0; i < lines.Length; i++)
                {
                    if (lines[i].Trim() != "```csharp")
                    {
                        continue;
                    }

                    var end = Array.FindIndex(lines, i + 1, line => line.Trim() == "```");
                    var context = i > 0 && ContextComment().Match(lines[i - 1]) is { Success: true } match ? match.Groups["code"].Value : null;
                    snippets.Add(new DocSnippet(Path.GetRelativePath(root, page), i + 1, string.Join("\n", lines[(i + 1)..end]), context));
                    i = end;
                }
            }

            return snippets;
        }

        [GeneratedRegex(@"^<!-- snippet context: (?<code>.*) -->\s*$")]
        private static partial Regex ContextComment();
    }
}

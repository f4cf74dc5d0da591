using System.Text.RegularExpressions;

namespace Chatire.Tests.Foundation;

/// <summary>Keeps dependencies pointing one way: Cli → Hosting → Api/Realtime/Web/Cluster → Chat/Auth → Storage → Core.</summary>
public sealed partial class ArchitectureTests
{
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Core"] = [],
        ["Configuration"] = ["Core"],
        ["Http"] = ["Core"],
        ["Storage"] = ["Core"],
        ["Auth"] = ["Core", "Storage", "Configuration"],
        ["Chat"] = ["Core", "Storage", "Configuration", "Auth"],
        ["Observability"] = ["Core", "Configuration", "Http"],
        ["Cluster"] = ["Core", "Storage", "Configuration", "Auth", "Chat"],
        ["Api"] = ["Core", "Http", "Storage", "Auth", "Chat", "Configuration", "Observability"],
        ["Realtime"] = ["Core", "Http", "Storage", "Auth", "Chat", "Configuration", "Observability", "Api"],
        ["Web"] = ["Core", "Http", "Configuration"],
        ["Hosting"] = ["Core", "Http", "Storage", "Auth", "Chat", "Configuration", "Observability", "Api", "Realtime", "Web", "Cluster"],
    };

    [GeneratedRegex(@"\bChatire\.([A-Z][A-Za-z]+)")]
    private static partial Regex Reference();

    [Fact]
    public void Folders_DependOnlyOnLowerLayers()
    {
        var root = Path.Combine(FindRepositoryRoot(), "Chatire.Server");
        var violations = new List<string>();
        foreach (var (folder, allowed) in Allowed)
        {
            var directory = Path.Combine(root, folder);
            if (!Directory.Exists(directory))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories))
            {
                foreach (Match match in Reference().Matches(File.ReadAllText(file)))
                {
                    var target = match.Groups[1].Value;
                    if (target != folder && !allowed.Contains(target) && Allowed.ContainsKey(target) || target == "Cli" && folder != "Cli")
                    {
                        violations.Add($"{Path.GetRelativePath(root, file)} uses Chatire.{target}");
                    }
                }
            }
        }

        Assert.True(violations.Count == 0, string.Join('\n', violations.Distinct()));
    }

    public static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Chatire.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Chatire.sln not found above the test binaries.");
    }
}

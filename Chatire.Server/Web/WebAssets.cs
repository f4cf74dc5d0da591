using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Chatire.Web;

/// <summary>
/// The client's files, read once from the embedded resources (logical names <c>web/...</c>).
/// Everything under <c>assets/</c> is served under a versioned path <c>/assets/&lt;version&gt;/&lt;file&gt;</c>,
/// where the version is a hash of all assets: those URLs never change content and are cached forever.
/// <c>index.html</c> refers to them through the <c>__ASSETS__</c> placeholder, replaced here.
/// </summary>
public sealed class WebAssets
{
    public const string AssetsPlaceholder = "__ASSETS__";
    private const string ResourcePrefix = "web/";
    private const string AssetsFolder = "assets/";

    private readonly Dictionary<string, WebAsset> _assets;

    private WebAssets(string version, WebAsset index, Dictionary<string, WebAsset> assets)
    {
        Version = version;
        Index = index;
        _assets = assets;
    }

    /// <summary>The hash that names the current set of assets.</summary>
    public string Version { get; }

    /// <summary>The page itself, with the versioned asset paths filled in.</summary>
    public WebAsset Index { get; }

    public IReadOnlyCollection<string> AssetNames => _assets.Keys;

    public WebAsset? Asset(string fileName) => _assets.GetValueOrDefault(fileName);

    public static WebAssets Load() => Load(typeof(WebAssets).Assembly);

    public static WebAssets Load(Assembly assembly)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var name = resource.Replace('\\', '/');
            if (!name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[name[ResourcePrefix.Length..]] = copy.ToArray();
        }

        if (!files.TryGetValue("index.html", out var indexTemplate))
        {
            throw new InvalidOperationException("The web client is missing from this build (no embedded web/index.html).");
        }

        using var versionHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var assets = new Dictionary<string, WebAsset>(StringComparer.Ordinal);
        foreach (var (path, content) in files)
        {
            if (!path.StartsWith(AssetsFolder, StringComparison.Ordinal))
            {
                continue;
            }

            var fileName = path[AssetsFolder.Length..];
            versionHash.AppendData(Encoding.UTF8.GetBytes(fileName + "\n"));
            versionHash.AppendData(SHA256.HashData(content));
            assets[fileName] = Create(fileName, content);
        }

        var version = Convert.ToHexStringLower(versionHash.GetHashAndReset())[..12];
        var indexText = Encoding.UTF8.GetString(indexTemplate).Replace(AssetsPlaceholder, "/assets/" + version, StringComparison.Ordinal);
        var index = Create("index.html", Encoding.UTF8.GetBytes(indexText));
        return new WebAssets(version, index, assets);
    }

    private static WebAsset Create(string name, byte[] content)
    {
        var contentType = ContentTypes.For(name);
        var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(content))[..20] + "\"";
        return new WebAsset(name, content, ContentTypes.IsCompressible(contentType) ? Gzip(content) : null, contentType, etag);
    }

    private static byte[]? Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return output.Length < content.Length ? output.ToArray() : null;
    }
}

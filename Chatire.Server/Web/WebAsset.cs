namespace Chatire.Web;

/// <summary>One file of the built-in client, ready to send: its bytes, a gzip copy when that is smaller,
/// its content type and its entity tag.</summary>
public sealed record WebAsset(string Name, byte[] Content, byte[]? Gzipped, string ContentType, string ETag);

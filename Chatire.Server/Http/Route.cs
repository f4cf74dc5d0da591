namespace Chatire.Http;

public delegate Task<ApiResponse> Handler(RequestContext context);

/// <summary>One row of the route table: methods, path patterns (the first is the name used in metrics),
/// the handler, its policy and the shape of its 400 answers. Patterns use {name} for a segment and
/// {name:hex15} for a chat uri.</summary>
public sealed record Route(string[] Methods, string[] Patterns, Handler Handler, RoutePolicy Policy, ErrorStyle Errors = ErrorStyle.Rest)
{
    public string Template => Patterns[0];
}

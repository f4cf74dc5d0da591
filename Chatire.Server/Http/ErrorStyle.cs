namespace Chatire.Http;

/// <summary>How a route's 400 answers are shaped; every other status is <c>{"detail": ...}</c> on every route.</summary>
public enum ErrorStyle
{
    /// <summary>Django REST Framework: <c>{"field": [...], "non_field_errors": [...]}</c> or <c>{"detail": ...}</c>.</summary>
    Rest,
    /// <summary>Conduit (RealWorld): <c>{"errors": {"field": [...], "error": [...]}}</c>, errors not tied to a field under "error".</summary>
    Conduit,
}

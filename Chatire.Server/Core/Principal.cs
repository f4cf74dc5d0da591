
namespace Chatire.Core;

/// <summary>Who is calling: the user and the token they presented.</summary>
public sealed record Principal(User User, TokenRecord Token);

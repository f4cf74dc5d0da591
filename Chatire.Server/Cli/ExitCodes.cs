namespace Chatire.Cli;

public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>Something failed at run time (port in use, database unusable, user not found).</summary>
    public const int Failure = 1;
    /// <summary>Bad usage or settings.</summary>
    public const int Usage = 2;
}

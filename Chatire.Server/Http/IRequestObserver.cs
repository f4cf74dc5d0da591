namespace Chatire.Http;

/// <summary>Sees every finished request (metrics).</summary>
public interface IRequestObserver
{
    void Observe(string routeTemplate, string method, int status, TimeSpan elapsed);
}

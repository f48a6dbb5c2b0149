using System.Security.Cryptography.X509Certificates;

namespace AnthropicStandIn;

/// <summary>Where the script and the certificate are, and the ports, from the container's environment.</summary>
public sealed record StandInOptions(string? ScriptFile, string CertificateFile, string KeyFile, int HttpsPort, int HttpPort)
{
    public static StandInOptions FromEnvironment() => new(
        Environment.GetEnvironmentVariable("STANDIN_SCRIPT") ?? "/standin/script.json",
        Environment.GetEnvironmentVariable("STANDIN_CERT") ?? "/standin/server.crt",
        Environment.GetEnvironmentVariable("STANDIN_KEY") ?? "/standin/server.key",
        int.Parse(Environment.GetEnvironmentVariable("STANDIN_HTTPS_PORT") ?? "443"),
        int.Parse(Environment.GetEnvironmentVariable("STANDIN_HTTP_PORT") ?? "80"));

    public X509Certificate2 Certificate()
    {
        using var pem = X509Certificate2.CreateFromPemFile(CertificateFile, KeyFile);
        // Kestrel on Linux wants a certificate whose key it can use directly: re-import it as PKCS#12.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }
}

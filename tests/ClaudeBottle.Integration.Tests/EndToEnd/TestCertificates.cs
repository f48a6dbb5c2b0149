using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ClaudeBottle.Integration.Tests.EndToEnd;

/// <summary>
/// A certificate authority of the tests' own and a server certificate it signs for Claude's hosts, made once per test
/// run. The stand-in API serves the certificate; bottles trust the authority through the product's extra-CA setting,
/// as they would a network's TLS re-signing CA.
/// </summary>
public sealed class TestCertificates
{
    private static readonly Lazy<TestCertificates> Instance = new(Create);

    private TestCertificates(string caFile, string certificatePem, string keyPem) =>
        (CaFile, CertificatePem, KeyPem) = (caFile, certificatePem, keyPem);

    public static TestCertificates Current => Instance.Value;

    /// <summary>The authority's certificate (PEM), readable by anyone: what <c>ClaudeBottle:ExtraCaCertificates</c> names.</summary>
    public string CaFile { get; }

    public string CertificatePem { get; }

    public string KeyPem { get; }

    private static TestCertificates Create()
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=claude-bottle tests CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(7));

        using var serverKey = RSA.Create(2048);
        var request = new CertificateRequest("CN=api.anthropic.com", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var host in ApiStandIn.Hosts)
            names.AddDnsName(host);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using var server = request.Create(ca, now.AddDays(-1), now.AddDays(6), RandomNumberGenerator.GetBytes(16));

        var directory = Directory.CreateTempSubdirectory("claude-bottle-test-ca-").FullName;
        var caFile = Path.Join(directory, "test-ca.crt");
        File.WriteAllText(caFile, ca.ExportCertificatePem() + "\n");
        // Mounted into agents, which run as another user.
        File.SetUnixFileMode(caFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        return new TestCertificates(caFile, server.ExportCertificatePem() + "\n", serverKey.ExportPkcs8PrivateKeyPem() + "\n");
    }
}

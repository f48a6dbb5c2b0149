// A test-only stand-in for pipelock: the same command line (`run --config FILE`, `healthcheck [--addr A]`), the
// same generated config, the same strict-mode allowlist for CONNECT and absolute-URI HTTP, /health, and JSON log
// lines with pipelock's field names. It exists because pipelock's image cannot be pulled or built here.
using PipelockStandIn;

return args switch
{
    ["run", "--config", var path, ..] => await ProxyServer.RunAsync(path),
    ["healthcheck", "--addr", var addr] => await HealthCheck.RunAsync(addr),
    ["healthcheck"] => await HealthCheck.RunAsync("127.0.0.1:8888"),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: pipelock run --config FILE | pipelock healthcheck [--addr HOST:PORT]");
    return 2;
}

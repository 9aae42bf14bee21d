using System.Diagnostics;
using System.Text;
using System.Text.Json;
using LlamaAspire.Hosting.Deploy;
using LlamaAspire.LambdaEmulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace LlamaAspire.Deploy.Tests.Arm64;

/// <summary>
/// The arm64 package, cross-built here, run for real: its <c>bootstrap</c> under Debian's user-mode qemu
/// (<c>qemu-aarch64 -L /usr/aarch64-linux-gnu</c>) as a function of the real emulator, answering as the x86_64 build does.
/// </summary>
[Collection(Arm64Collection.Name)]
public sealed class Arm64BootstrapTests(Arm64Packages packages, ITestOutputHelper output)
{
    private const string Prompt = """{"prompt":"The quick brown fox","max_tokens":16}""";

    [Arm64Fact]
    public async Task The_publish_step_writes_an_arm64_template_and_a_zip_with_an_aarch64_bootstrap_and_onnx_runtime()
    {
        var bootstrap = new FileInfo(Path.Combine(packages.Arm64TaskRoot, "bootstrap"));
        output.WriteLine($"arm64 publish step: {packages.Arm64PublishTime.TotalSeconds:F0} s; bootstrap {bootstrap.Length:N0} bytes");
        output.WriteLine(packages.Arm64PublishOutput);

        Assert.Contains("llama-aot: architecture arm64: the bootstrap is a linux-arm64 Native AOT executable",
            packages.Arm64PublishOutput, StringComparison.Ordinal);
        Assert.Equal(ElfMachine.Arm64, ElfMachine.Read(bootstrap.FullName));
        Assert.Equal(ElfMachine.Arm64, ElfMachine.Read(Path.Combine(packages.Arm64TaskRoot, "libonnxruntime.so")));
        Assert.True(bootstrap.UnixFileMode.HasFlag(UnixFileMode.UserExecute), $"bootstrap is {bootstrap.UnixFileMode}");
        Assert.Equal(ElfMachine.X64, ElfMachine.Read(Path.Combine(packages.X64TaskRoot, "bootstrap")));

        using var template = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(packages.Arm64Output, "llama-aot.template.json")));
        var architectures = Templates.Properties(template.RootElement, CloudFormationTemplate.Names.Function).GetProperty("Architectures");
        Assert.Equal(["arm64"], architectures.EnumerateArray().Select(a => a.GetString()));
    }

    [Arm64Fact]
    public async Task Under_qemu_the_arm64_bootstrap_answers_through_the_emulator_with_the_x86_64_builds_tokens()
    {
        var missing = Arm64Machine.MissingPackages();
        Assert.True(missing.Count == 0, $"Running arm64 here needs: apt-get install {string.Join(' ', missing)}");
        var config = new Dictionary<string, string?>
        {
            ["Lambda:ConsoleLogs"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
            // Emulated arm64 inits several times slower than native (about 3 s against 0.4 s here): on a busy CI machine that
            // must not become an init timeout and a retried init.
            ["Lambda:InitTimeout"] = "600",
        };
        Function(config, "llama-x86_64", Path.Combine(packages.X64TaskRoot, "bootstrap"), [], packages.X64TaskRoot);
        Function(config, "llama-arm64", Arm64Machine.Qemu, ["-L", Arm64CrossToolchain.SysRoot, Path.Combine(packages.Arm64TaskRoot, "bootstrap")],
            packages.Arm64TaskRoot);

        var app = EmulatorApp.Build(["--urls", "http://127.0.0.1:0"], b => b.Configuration.AddInMemoryCollection(config));
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(10) };

            var x64 = await InvokeAsync(client, "llama-x86_64");
            var started = Stopwatch.StartNew();
            var arm64 = await InvokeAsync(client, "llama-arm64");
            var cold = started.Elapsed;
            started.Restart();
            var warm = await InvokeAsync(client, "llama-arm64");
            output.WriteLine($"arm64 under qemu: cold invoke {cold.TotalSeconds:F1} s, warm {started.Elapsed.TotalSeconds:F1} s");
            output.WriteLine($"x86_64: {x64.GetRawText()}");
            output.WriteLine($"arm64:  {arm64.GetRawText()}");

            Assert.True(arm64.GetProperty("timings").GetProperty("cold_start").GetBoolean());
            Assert.False(warm.GetProperty("timings").GetProperty("cold_start").GetBoolean());
            // Greedy decoding (temperature 0 by default) over the same weights: the same tokens on either instruction set.
            var tokens = x64.GetProperty("usage").GetProperty("completion_tokens").GetInt32();
            Assert.InRange(tokens, 1, 16);
            Assert.Equal(tokens, arm64.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
            Assert.Equal(x64.GetProperty("text").GetString(), arm64.GetProperty("text").GetString());
            Assert.Equal(x64.GetProperty("text").GetString(), warm.GetProperty("text").GetString());
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static void Function(Dictionary<string, string?> config, string name, string command, string[] arguments, string taskRoot)
    {
        var prefix = $"Lambda:Functions:{name}:";
        config[prefix + "Command"] = command;
        for (var i = 0; i < arguments.Length; i++)
        {
            config[$"{prefix}Arguments:{i}"] = arguments[i];
        }

        config[prefix + "WorkingDirectory"] = taskRoot;
        config[prefix + "MemorySize"] = "10240";
        config[prefix + "Timeout"] = "900";
        // The model sits at the package root, as in Lambda's /var/task.
        config[prefix + "Environment:" + PackageContents.ModelDirVariable] = taskRoot;
    }

    private static async Task<JsonElement> InvokeAsync(HttpClient client, string function)
    {
        using var content = new StringContent(Prompt, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync($"/2015-03-31/functions/{function}/invocations", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{function}: {(int)response.StatusCode} {body}");
        Assert.False(response.Headers.Contains("X-Amz-Function-Error"), $"{function}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}

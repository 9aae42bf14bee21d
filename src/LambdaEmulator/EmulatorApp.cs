using LlamaAspire.LambdaEmulator.Configuration;
using LlamaAspire.LambdaEmulator.ControlPlane;
using LlamaAspire.LambdaEmulator.Environments;
using LlamaAspire.LambdaEmulator.FunctionUrls;
using LlamaAspire.LambdaEmulator.InvokeApi;
using LlamaAspire.LambdaEmulator.Management;
using LlamaAspire.LambdaEmulator.Telemetry;
using Microsoft.Extensions.Options;
using OpenTelemetry.Instrumentation.AspNetCore;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace LlamaAspire.LambdaEmulator;

/// <summary>Builds the emulator app; Program.cs runs it, tests start it on 127.0.0.1:0.</summary>
public static class EmulatorApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(EmulatorApp).Assembly.GetName().Name,
        });
        configure?.Invoke(builder);
        builder.AddServiceDefaults();
        builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddSource(EmulatorTelemetry.Name));
        builder.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddMeter(EmulatorTelemetry.Name));
        // The AppHost polls the management API every second: keep those requests out of the traces, as /health is.
        builder.Services.PostConfigure<AspNetCoreTraceInstrumentationOptions>(o =>
        {
            var previous = o.Filter;
            o.Filter = ctx => !ctx.Request.Path.StartsWithSegments(LlamaAspire.LambdaContracts.Management.ManagementApi.Prefix) && (previous?.Invoke(ctx) ?? true);
        });

        builder.Services.AddOptions<LambdaEmulatorOptions>()
            .Bind(builder.Configuration.GetSection(LambdaEmulatorOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<LambdaEmulatorOptions>, LambdaEmulatorOptionsValidator>();
        builder.Services.AddSingleton<PlatformLog>();
        builder.Services.AddSingleton<ResourceLimits>();
        builder.Services.AddSingleton<OrphanGuard>();
        builder.Services.AddSingleton<EmulatorTelemetry>();
        builder.Services.AddSingleton<Emulator>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Emulator>());
        builder.Services.AddSingleton<AsyncInvocations>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AsyncInvocations>());
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = 32 * 1024 * 1024;
            k.AddServerHeader = false;
        });

        var app = builder.Build();
        app.MapDefaultEndpoints();
        InvokeEndpoints.Map(app);
        StreamingInvokeEndpoints.Map(app);
        FunctionEndpoints.Map(app);
        ConcurrencyEndpoints.Map(app);
        ProvisionedConcurrencyEndpoints.Map(app);
        ManagementEndpoints.Map(app);
        FunctionUrlEndpoints.Map(app);
        return app;
    }
}

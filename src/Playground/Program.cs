using LlamaAspire.Playground;
using Microsoft.Extensions.FileProviders;

// The playground: a page that chats with the AppHost's functions through their OpenAI-compatible endpoints and shows,
// per request, whether it cold-started, its init breakdown, time to first token and tokens/s.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
// Not from the client factory, whose defaults add the resilience handler: a cold start may outlast its attempt timeout,
// and a streamed POST must not be retried.
builder.Services.AddKeyedSingleton(ChatProxy.HttpClientName, (_, _) => new HttpClient { Timeout = Timeout.InfiniteTimeSpan });

var app = builder.Build();
app.MapDefaultEndpoints();
app.UseDefaultFiles();
app.UseStaticFiles();
// LoadGen's runs (the AppHost's loadgen resource links each run's report.html here).
if (app.Configuration["Reports:Directory"] is { Length: > 0 } reports)
{
    Directory.CreateDirectory(reports);
    app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(reports), RequestPath = "/reports" });
}

ChatProxy.Map(app);
app.Run();

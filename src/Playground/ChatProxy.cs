using System.Net.Http.Headers;

namespace LlamaAspire.Playground;

/// <summary>
/// Passes the page's OpenAI requests to the chosen function's endpoint and streams the answer back as it arrives. The page
/// is the OpenAI client; this only keeps it on one origin (a function URL sends no CORS headers unless configured to).
/// </summary>
public static class ChatProxy
{
    public const string HttpClientName = "functions";

    public static void Map(WebApplication app)
    {
        app.MapGet("/api/functions", (IConfiguration configuration) =>
            FunctionEndpoint.FromConfiguration(configuration).Select(f => new { name = f.Name, model = f.Model, endpoint = f.Endpoint.ToString() }));

        app.MapPost("/api/functions/{name}/chat/completions", ForwardAsync);
    }

    static async Task ForwardAsync(HttpContext ctx, string name, IConfiguration configuration, [FromKeyedServices(HttpClientName)] HttpClient client, ILoggerFactory loggers)
    {
        var function = FunctionEndpoint.FromConfiguration(configuration).FirstOrDefault(f => f.Name == name);
        if (function is null)
        {
            ctx.Response.StatusCode = StatusCodes.Status404NotFound;
            await ctx.Response.WriteAsJsonAsync(new { error = new { message = $"No function '{name}' is referenced by the playground.", type = "not_found_error" } }).ConfigureAwait(false);
            return;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(function.Endpoint.ToString().TrimEnd('/') + "/chat/completions"))
        {
            Content = new StreamContent(ctx.Request.Body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(ctx.Request.ContentType ?? "application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", function.Key);

        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ctx.RequestAborted).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            loggers.CreateLogger(typeof(ChatProxy)).LogWarning(ex, "{Function} at {Endpoint} did not answer", name, function.Endpoint);
            ctx.Response.StatusCode = StatusCodes.Status502BadGateway;
            await ctx.Response.WriteAsJsonAsync(new { error = new { message = $"{name} at {function.Endpoint} did not answer: {ex.Message}", type = "server_error" } }).ConfigureAwait(false);
            return;
        }

        using (response)
        {
            ctx.Response.StatusCode = (int)response.StatusCode;
            ctx.Response.ContentType = response.Content.Headers.ContentType?.ToString();
            ctx.Response.Headers.CacheControl = "no-cache";
            await ctx.Response.StartAsync(ctx.RequestAborted).ConfigureAwait(false);
            await using var body = await response.Content.ReadAsStreamAsync(ctx.RequestAborted).ConfigureAwait(false);
            var buffer = new byte[8192];
            int read;
            while ((read = await body.ReadAsync(buffer, ctx.RequestAborted).ConfigureAwait(false)) > 0)
            {
                await ctx.Response.Body.WriteAsync(buffer.AsMemory(0, read), ctx.RequestAborted).ConfigureAwait(false);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted).ConfigureAwait(false); // each token as it comes
            }
        }
    }
}
